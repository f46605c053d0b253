-- quarantine as written: each rejected surviving version with its reason.
SELECT event_id, user_id, show_id, country, watch_seconds, event_ts, src,
       ingestion_ts, dt, src_file, src_row, reason, event_date
FROM quarantined
ORDER BY event_date, country, show_id, src_file, src_row
