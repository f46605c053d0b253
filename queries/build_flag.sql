-- The events delivered more than once (SPEC §2.1 must choose a version), by
-- the 64-bit hash of event_id: one hash aggregate of eight bytes a row,
-- where the ids themselves would need a hash table of every id. Two ids
-- that share a hash are both treated as contested, which only costs
-- build_versions.sql a little more work: it partitions by the id itself, so
-- the outcome is exact.
CREATE TEMP TABLE contested AS
SELECT hash(event_id) AS h
FROM landing_rows
WHERE event_id IS NOT NULL
GROUP BY hash(event_id)
HAVING count(*) > 1;
