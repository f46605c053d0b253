-- Every mapped show id with its canonical id: the end of its walk through
-- show_canonical_map (a -> b, b -> c gives a -> c). Run after
-- canonical_conflicts.sql and canonical_cycles.sql found no problem, so
-- every walk ends.
CREATE TEMP TABLE show_canonical_resolved AS
WITH RECURSIVE edges AS (
    SELECT DISTINCT old_show_id, new_show_id
    FROM show_canonical_map
    WHERE old_show_id IS NOT NULL AND new_show_id IS NOT NULL
),
walk(old_show_id, current_id, hops) AS (
    SELECT old_show_id, new_show_id, 1 FROM edges
    UNION ALL
    SELECT w.old_show_id, e.new_show_id, w.hops + 1
    FROM walk w
    JOIN edges e ON e.old_show_id = w.current_id
)
SELECT old_show_id, arg_max(current_id, hops) AS canonical_show_id, max(hops) AS hops
FROM walk
GROUP BY old_show_id;
