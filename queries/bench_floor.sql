-- Benchmark floor: one scan of the landing files with the aggregate's
-- GROUP BY (SPEC §2.5) and nothing else — no dedup, validation, canonical
-- ids, ranking or lineage tables. Distinct viewers are counted the way the
-- build counts them (build_agg.sql: a GROUP BY per user, then a count),
-- which is cheaper than COUNT(DISTINCT), so the floor is as low as the
-- build's own method allows. The build's time is reported as a ratio to
-- this. Written to one Parquet file.
SELECT
    event_date,
    country,
    show_id,
    CAST(sum(watch_seconds) AS BIGINT) AS total_watch_seconds,
    count(*) AS viewers
FROM (
    SELECT CAST(event_ts AS DATE) AS event_date, country, show_id, user_id,
           sum(watch_seconds) AS watch_seconds
    FROM raw_watch_events
    WHERE user_id IS NOT NULL
    GROUP BY CAST(event_ts AS DATE), country, show_id, user_id
) per_user
GROUP BY event_date, country, show_id
