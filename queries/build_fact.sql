-- SPEC §2.3: valid events with their canonical show id (the delivered id is
-- kept as original_show_id, for lineage). A view, streamed once into the
-- fact's Parquet files; the aggregate and the counts then read those files.
CREATE TEMP VIEW fact AS
SELECT
    w.event_id,
    w.user_id,
    coalesce(m.canonical_show_id, w.show_id) AS show_id,
    w.show_id AS original_show_id,
    w.country,
    CAST(w.watch_seconds AS INTEGER) AS watch_seconds,
    w.event_ts,
    w.src,
    w.ingestion_ts,
    w.dt,
    w.src_file,
    w.src_row,
    w.event_date
FROM winners w
LEFT JOIN show_canonical_resolved m ON m.old_show_id = w.show_id
WHERE w.reason IS NULL;
