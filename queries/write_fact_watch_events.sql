-- fact_watch_events as written, partitioned by event date.
SELECT event_id, user_id, show_id, original_show_id, country, watch_seconds,
       event_ts, src, ingestion_ts, dt, src_file, src_row, event_date
FROM fact
