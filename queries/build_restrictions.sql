-- SPEC §2.6 for the default engine, whose ranking runs in Rust
-- (pipeline/rank.rs): the restrictions that can exclude a show, with the
-- show id made canonical (a restriction recorded on an old id applies to
-- its canonical show), exactly as build_agg.sql reads them.
SELECT DISTINCT coalesce(m.canonical_show_id, r.show_id) AS show_id,
       r.restriction_type,
       r.region_code
FROM content_restrictions r
LEFT JOIN show_canonical_resolved m ON m.old_show_id = r.show_id
WHERE r.restriction_type IN ('kids_only', 'region_blocked');
