-- Benchmark floor by the build's own method, step 1 of 2: the rows it
-- aggregates, every landing row with a user (no dedup, validation or
-- canonical ids), as the view `batch_facts` that build_facts.sql defines
-- for the build. The build's own build_viewer_hashes.sql and
-- build_base.sql then run over it, in the tables of build_schema.sql.
CREATE TEMP VIEW batch_facts AS
SELECT CAST(event_ts AS DATE) AS event_date,
       country,
       show_id,
       user_id,
       watch_seconds,
       false AS merged
FROM raw_watch_events
WHERE user_id IS NOT NULL;
