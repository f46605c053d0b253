-- fact_watch_events as written, one event date at a time (the variable
-- write_date): sorted by (country, show_id) so one show's events sit in few
-- small row groups, which lineage finds from their statistics alone.
SELECT event_id, user_id, show_id, original_show_id, country, watch_seconds,
       event_ts, src, ingestion_ts, dt, src_file, src_row
FROM fact
WHERE event_date = getvariable('write_date')
ORDER BY country, show_id, event_id
