-- The events delivered more than once (SPEC §2.1 must choose a version), by
-- the 64-bit hash of event_id: eight bytes a row, where the ids themselves
-- would be 36. Two ids that share a hash are both treated as contested,
-- which only costs build_versions.sql a little more work: it partitions by
-- the id itself, so the outcome is exact. The hashes are sorted and a hash
-- equal to the one before it is contested: a sort of every row's hash cost
-- 0.75 s at 10 million events where a GROUP BY hash HAVING count(*) > 1,
-- a hash table of every id, cost 0.9-1.4 s (docs/benchmarks.md).
CREATE TEMP TABLE contested AS
SELECT DISTINCT h
FROM (
    SELECT h, lag(h) OVER (ORDER BY h) AS previous
    FROM (SELECT hash(event_id) AS h FROM landing_rows WHERE event_id IS NOT NULL)
)
WHERE h = previous;
