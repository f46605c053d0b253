-- Benchmark baseline, step 2 of 3: the case study's "Daily Aggregation Job"
-- exactly as written, over every date instead of the last two days
-- (`DATE(x)` is DuckDB's `CAST(x AS DATE)`). Written to Parquet as
-- agg_watch_day_country_show, which step 3 reads.
WITH base AS (
  SELECT
    CAST(event_ts AS DATE) AS event_date,
    country,
    show_id,
    SUM(watch_seconds) AS total_watch_seconds,
    COUNT(DISTINCT user_id) AS viewers
  FROM fact_watch_events
  GROUP BY CAST(event_ts AS DATE), country, show_id
),
ranked AS (
  SELECT *,
    RANK() OVER (
      PARTITION BY event_date, country
      ORDER BY total_watch_seconds DESC, viewers DESC, show_id
    ) AS rnk
  FROM base
)
SELECT * FROM ranked
