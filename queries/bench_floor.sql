-- Benchmark floor: one scan of the landing files with the aggregate's
-- GROUP BY (SPEC §2.5) and nothing else — no dedup, validation, canonical
-- ids, ranking or lineage tables. No correct build can cost less; the
-- build's time is reported as a ratio to this. Written to one Parquet file.
SELECT
    CAST(event_ts AS DATE) AS event_date,
    country,
    show_id,
    CAST(sum(watch_seconds) AS BIGINT) AS total_watch_seconds,
    count(DISTINCT user_id) AS viewers
FROM raw_watch_events
GROUP BY CAST(event_ts AS DATE), country, show_id
