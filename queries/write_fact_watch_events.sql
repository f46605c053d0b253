-- fact_watch_events as written: sorted by (country, show_id) within each
-- date so one show's events sit in few row groups (lineage reads only those).
SELECT event_id, user_id, show_id, original_show_id, country, watch_seconds,
       event_ts, src, ingestion_ts, dt, src_file, src_row, event_date
FROM fact
ORDER BY event_date, country, show_id, event_id
