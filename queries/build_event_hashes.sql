-- The 64-bit hash of every landing row's event_id whose hash lies in
-- $1..$2 (a range, so that the hashes can be read in passes that fit the
-- memory limit). pipeline/contested.rs finds the hashes seen more than once:
-- the contested events. Standard SQL would find them with
--   SELECT h FROM (...) GROUP BY h HAVING count(*) > 1
-- which DuckDB runs in twice the time (docs/benchmarks.md).
SELECT h
FROM (SELECT hash(event_id) AS h FROM landing_rows WHERE event_id IS NOT NULL)
WHERE h BETWEEN $1 AND $2
