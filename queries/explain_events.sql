-- Lineage: every raw row behind one (date $1, country $2, canonical show $3):
-- the kept versions (fact), the quarantined versions whose show resolves to
-- it, and every duplicate that lost to one of those, each with its status.
-- The date's partition is read (a hive filter), and only the rows of the key
-- are kept.
WITH kept AS (
    SELECT event_id, user_id, original_show_id AS show_id, country,
           CAST(watch_seconds AS BIGINT) AS watch_seconds, event_ts, src, ingestion_ts,
           dt, src_file, src_row
    FROM fact_watch_events
    WHERE event_date = CAST($1 AS DATE) AND country = CAST($2 AS VARCHAR)
      AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
      AND show_id = CAST($3 AS BIGINT)
),
quarantined AS (
    SELECT q.event_id, q.user_id, q.show_id, q.country, q.watch_seconds, q.event_ts, q.src,
           q.ingestion_ts, q.dt, q.src_file, q.src_row, q.reason
    FROM quarantine q
    LEFT JOIN show_canonical_resolved m ON m.old_show_id = q.show_id
    WHERE q.event_date = CAST($1 AS DATE) AND q.country = CAST($2 AS VARCHAR)
      AND coalesce(m.canonical_show_id, q.show_id) = CAST($3 AS BIGINT)
),
winners AS (
    SELECT src_file, src_row FROM kept
    UNION ALL
    SELECT src_file, src_row FROM quarantined
),
lost AS (
    SELECT d.event_id, d.user_id, d.show_id, d.country, d.watch_seconds, d.event_ts, d.src,
           d.ingestion_ts, d.dt, d.src_file, d.src_row, d.winner_src_file, d.winner_src_row
    FROM duplicates d
    JOIN winners w ON w.src_file = d.winner_src_file AND w.src_row = d.winner_src_row
    WHERE d.event_date = CAST($1 AS DATE)
)
SELECT 'kept' AS status, NULL AS reason, event_id, user_id, show_id, country, watch_seconds,
       event_ts, src, ingestion_ts, dt, src_file, src_row,
       NULL AS winner_src_file, NULL AS winner_src_row
FROM kept
UNION ALL
SELECT 'quarantined', reason, event_id, user_id, show_id, country, watch_seconds,
       event_ts, src, ingestion_ts, dt, src_file, src_row, NULL, NULL
FROM quarantined
UNION ALL
SELECT 'duplicate', NULL, event_id, user_id, show_id, country, watch_seconds,
       event_ts, src, ingestion_ts, dt, src_file, src_row, winner_src_file, winner_src_row
FROM lost
ORDER BY event_id NULLS LAST, ingestion_ts DESC NULLS LAST, src_file, src_row;
