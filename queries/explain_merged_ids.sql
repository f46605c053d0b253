-- Lineage: the show ids merged into a canonical show ($1), with how many
-- hops of show_canonical_map lead from each to it.
SELECT old_show_id, hops
FROM show_canonical_resolved
WHERE canonical_show_id = CAST($1 AS BIGINT)
ORDER BY hops, old_show_id;
