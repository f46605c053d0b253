-- duplicates as written: every losing version with the winner's identity.
SELECT event_id, user_id, show_id, country, watch_seconds, event_ts, src,
       ingestion_ts, dt, src_file, src_row, winner_src_file, winner_src_row,
       winner_ingestion_ts, event_date
FROM versions
WHERE version_rank > 1 AND built_date(event_date)
ORDER BY event_date, country, show_id, src_file, src_row
