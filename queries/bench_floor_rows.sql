-- Benchmark floor by the build's own method: the rows it aggregates, every
-- landing row with a user (no dedup, validation or canonical ids), as a
-- view like build_facts.sql, read by bench_floor_viewer_hashes.sql and
-- bench_floor_method.sql; and the pair hash as build_schema.sql defines it.
CREATE TEMP MACRO viewer_pair_hash(d, c, s, u) AS hash(d, c, s, u);
CREATE TEMP VIEW floor_rows AS
SELECT CAST(event_ts AS DATE) AS event_date, country, show_id, user_id, watch_seconds
FROM raw_watch_events
WHERE user_id IS NOT NULL;
