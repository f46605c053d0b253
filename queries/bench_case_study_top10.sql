-- Benchmark baseline, step 3 of 3: the case study's "Top 10
-- Materialization" exactly as written. Written to Parquet as
-- top10_country_day.
SELECT
  event_date,
  country,
  rnk AS rank_position,
  show_id,
  total_watch_seconds
FROM agg_watch_day_country_show
WHERE rnk <= 10
ORDER BY event_date, country, rnk
