-- Show ids on a cycle of show_canonical_map (an id whose walk leads back to
-- itself). The walk is cut after as many hops as there are edges: any walk
-- that long has gone round a cycle. The build refuses them; the
-- canonical_map check reports them.
WITH RECURSIVE edges AS (
    SELECT DISTINCT old_show_id, new_show_id
    FROM show_canonical_map
    WHERE old_show_id IS NOT NULL AND new_show_id IS NOT NULL
),
walk(old_show_id, current_id, hops) AS (
    SELECT old_show_id, new_show_id, 1 FROM edges
    UNION
    SELECT w.old_show_id, e.new_show_id, w.hops + 1
    FROM walk w
    JOIN edges e ON e.old_show_id = w.current_id
    WHERE w.hops <= (SELECT count(*) FROM edges)
)
SELECT DISTINCT old_show_id
FROM walk
WHERE current_id = old_show_id
ORDER BY old_show_id
LIMIT 20;
