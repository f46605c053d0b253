-- SPEC §2.1 deduplication. Per event_id, versions are ordered latest
-- ingestion_ts first (NULL oldest), then greater src, then greater
-- watch_seconds; identical deliveries are settled by the greater
-- (src_file, src_row) so the outcome never depends on read order. A NULL
-- event_id cannot be matched, so such a row is an event of its own.
-- Every version carries its winner's identity and the attribution date: the
-- winner's event date, or its landing date when its event_ts is NULL.
-- $1, $2: the event dates to keep (NULL: all).
CREATE TEMP TABLE versions AS
SELECT *
FROM (
    SELECT
        r.*,
        row_number() OVER w AS version_rank,
        first_value(src_file) OVER w AS winner_src_file,
        first_value(src_row) OVER w AS winner_src_row,
        first_value(ingestion_ts) OVER w AS winner_ingestion_ts,
        first_value(coalesce(CAST(event_ts AS DATE), dt)) OVER w AS event_date
    FROM raw r
    WINDOW w AS (
        PARTITION BY event_id,
                     CASE WHEN event_id IS NULL THEN src_file END,
                     CASE WHEN event_id IS NULL THEN src_row END
        ORDER BY ingestion_ts DESC NULLS LAST,
                 src DESC NULLS LAST,
                 watch_seconds DESC NULLS LAST,
                 src_file DESC,
                 src_row DESC
    )
)
WHERE (CAST($1 AS DATE) IS NULL OR event_date >= CAST($1 AS DATE))
  AND (CAST($2 AS DATE) IS NULL OR event_date <= CAST($2 AS DATE));
