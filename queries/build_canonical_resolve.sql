-- Every mapped id with its canonical id: the end of its walk.
CREATE TEMP TABLE show_canonical_resolved AS
SELECT old_show_id, arg_max(current_id, hops) AS canonical_show_id, max(hops) AS hops
FROM canonical_walk
GROUP BY old_show_id;
