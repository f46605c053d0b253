-- Lineage: the canonical id of a show id ($1), and whether it was merged.
SELECT coalesce(
    (SELECT canonical_show_id FROM show_canonical_resolved WHERE old_show_id = $1),
    $1) AS show_id;
