-- The 64-bit hash of every landing row's event_id that lies in $1..$2 (a
-- range, so that the hashes can be read in passes that fit the memory
-- limit). pipeline/repeats.rs keeps the hashes seen more than once: the
-- contested events, table `contested`. In standard SQL:
--   SELECT h FROM (...) GROUP BY h HAVING count(*) > 1
-- which DuckDB runs in twice the time (docs/benchmarks.md).
SELECT h
FROM (SELECT hash(event_id) AS h FROM landing_rows WHERE event_id IS NOT NULL)
WHERE h BETWEEN $1 AND $2
