-- Benchmark floor by the build's own method, step 2 of 2: build_base.sql's
-- aggregate over every landing row with a user (users kept apart only for
-- the (key, user) pairs in repeated_viewers), and nothing else. The same
-- rows as bench_floor.sql's. Written to one Parquet file.
SELECT event_date, country, show_id,
       CAST(sum(watch_seconds) AS BIGINT) AS total_watch_seconds,
       CAST(sum(CASE WHEN user_id IS NULL THEN events ELSE 1 END) AS BIGINT) AS viewers
FROM (
    SELECT event_date, country, show_id,
           CASE WHEN viewer_pair_hash(event_date, country, show_id, user_id)
                     IN (SELECT h FROM repeated_viewers)
                THEN user_id END AS user_id,
           sum(watch_seconds) AS watch_seconds,
           count(*) AS events
    FROM floor_rows
    GROUP BY ALL
)
GROUP BY event_date, country, show_id
