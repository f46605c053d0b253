-- What reached one key (date $1, country $2, canonical show $3) after the
-- list was published ($4): rows ingested later that won deduplication,
-- either new events (no version was published: late arrivals, or events
-- after the publication moment itself) or re-deliveries replacing a
-- version published before, with the watch seconds it had then; and later
-- versions that were quarantined, taking their event out.
WITH prior AS (
    SELECT winner_src_file, winner_src_row,
           arg_max(watch_seconds, ingestion_ts) AS published_watch_seconds
    FROM duplicates
    WHERE event_date = CAST($1 AS DATE) AND ingestion_ts <= CAST($4 AS TIMESTAMP)
    GROUP BY winner_src_file, winner_src_row
),
later AS (
    SELECT 'kept' AS status, event_id, user_id, original_show_id AS show_id,
           CAST(watch_seconds AS BIGINT) AS watch_seconds, event_ts, ingestion_ts, src_file, src_row
    FROM fact_watch_events
    WHERE event_date = CAST($1 AS DATE) AND country = CAST($2 AS VARCHAR)
      AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
      AND show_id = CAST($3 AS BIGINT) AND ingestion_ts > CAST($4 AS TIMESTAMP)
    UNION ALL
    SELECT 'quarantined:' || q.reason, q.event_id, q.user_id, q.show_id, q.watch_seconds,
           q.event_ts, q.ingestion_ts, q.src_file, q.src_row
    FROM quarantine q
    LEFT JOIN show_canonical_resolved m ON m.old_show_id = q.show_id
    WHERE q.event_date = CAST($1 AS DATE) AND q.country = CAST($2 AS VARCHAR)
      AND coalesce(m.canonical_show_id, q.show_id) = CAST($3 AS BIGINT)
      AND q.ingestion_ts > CAST($4 AS TIMESTAMP)
)
SELECT
    CASE WHEN p.winner_src_file IS NULL THEN 'new event' ELSE 're-delivery' END AS arrival,
    l.status, l.event_id, l.user_id, l.show_id, p.published_watch_seconds, l.watch_seconds,
    l.event_ts, l.ingestion_ts, l.src_file, l.src_row
FROM later l
LEFT JOIN prior p ON p.winner_src_file = l.src_file AND p.winner_src_row = l.src_row
ORDER BY l.ingestion_ts, l.src_file, l.src_row;
