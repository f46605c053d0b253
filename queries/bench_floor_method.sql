-- Benchmark floor by the build's own method, step 2 of 2: what
-- build_base.sql aggregated, the columns bench_floor.sql writes. The same
-- rows as bench_floor.sql's. Written to one Parquet file.
SELECT event_date, country, show_id, total_watch_seconds, viewers
FROM base
