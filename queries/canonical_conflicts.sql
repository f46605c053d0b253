-- Show ids that show_canonical_map sends to more than one id: the map would
-- be ambiguous. The build refuses them; the canonical_map check reports them.
SELECT old_show_id, string_agg(DISTINCT CAST(new_show_id AS VARCHAR), ', ' ORDER BY CAST(new_show_id AS VARCHAR)) AS targets
FROM show_canonical_map
WHERE old_show_id IS NOT NULL AND new_show_id IS NOT NULL
GROUP BY old_show_id
HAVING count(DISTINCT new_show_id) > 1
ORDER BY old_show_id
LIMIT 20;
