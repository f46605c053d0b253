-- Benchmark floor by the build's own method, step 2 of 2: build_base.sql's
-- aggregate over every landing row (sums per key, distinct users counted
-- only for the keys in repeated_viewers), and nothing else. Unlike the
-- facts, raw rows can have NULL keys, which the join matches too. The same
-- rows as bench_floor.sql's. Written to one Parquet file.
WITH totals AS (
    SELECT event_date, country, show_id,
           sum(watch_seconds) AS total_watch_seconds,
           count(*) AS events
    FROM floor_rows
    GROUP BY event_date, country, show_id
),
extra AS (
    SELECT event_date, country, show_id,
           count(*) - count(DISTINCT user_id) AS extra_events
    FROM floor_rows
    WHERE hash(event_date, country, show_id, user_id) IN (SELECT h FROM repeated_viewers)
    GROUP BY event_date, country, show_id
)
SELECT t.event_date, t.country, t.show_id,
       CAST(t.total_watch_seconds AS BIGINT) AS total_watch_seconds,
       t.events - coalesce(e.extra_events, 0) AS viewers
FROM totals t
LEFT JOIN extra e
       ON e.event_date IS NOT DISTINCT FROM t.event_date
      AND e.country IS NOT DISTINCT FROM t.country
      AND e.show_id IS NOT DISTINCT FROM t.show_id
