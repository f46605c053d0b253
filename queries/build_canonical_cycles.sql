-- Show ids on a cycle of show_canonical_map (an id that leads back to itself).
SELECT DISTINCT old_show_id
FROM canonical_walk
WHERE current_id = old_show_id
ORDER BY old_show_id
LIMIT 20;
