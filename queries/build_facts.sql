-- The facts of the aggregate's current batch (SPEC §2.3-2.4): the landing
-- rows not in `deletes` (build_versions.sql: losing versions and
-- quarantined survivors), with their canonical show id, of the built dates
-- in the batch (variables batch_from / batch_to, pipeline/batches.rs). A
-- row and its delete have the same event_ts, so only the batch's deletes
-- are needed. build_viewer_hashes.sql and build_base.sql read it.
CREATE TEMP VIEW batch_facts AS
SELECT CAST(r.event_ts AS DATE) AS event_date,
       r.country,
       coalesce(m.canonical_show_id, r.show_id) AS show_id,
       r.user_id,
       r.watch_seconds,
       m.canonical_show_id IS NOT NULL AS merged
FROM landing_rows r
ANTI JOIN (SELECT file_id, src_row FROM deletes WHERE in_batch(row_date)) d
       ON d.file_id = r.file_id AND d.src_row = r.src_row
LEFT JOIN show_canonical_resolved m ON m.old_show_id = r.show_id
WHERE built_date(CAST(r.event_ts AS DATE)) AND in_batch(CAST(r.event_ts AS DATE));
