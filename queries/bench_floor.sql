-- Benchmark floor: one scan of the landing files with the aggregate's
-- GROUP BY (SPEC §2.5) and nothing else — no dedup, validation, canonical
-- ids, ranking or lineage tables. Distinct viewers are counted by a GROUP
-- BY per user, then a count: in one scan, cheaper than COUNT(DISTINCT).
-- (The build itself counts them with the repeated (key, user) hashes found
-- in Rust, which takes two passes: the floor-method benchmark,
-- bench_floor_method.sql, measures that.) The build's time is reported as a ratio to this. Written to one
-- Parquet file.
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
