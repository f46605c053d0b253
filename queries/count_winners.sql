-- Manifest counts after validation: the quarantined by reason.
SELECT count(*) FILTER (WHERE reason = 'null_field') AS null_field,
       count(*) FILTER (WHERE reason = 'watch_seconds_out_of_range') AS watch_seconds_out_of_range,
       count(*) FILTER (WHERE reason = 'unknown_country') AS unknown_country,
       count(*) FILTER (WHERE reason = 'event_ts_out_of_range') AS event_ts_out_of_range
FROM quarantined;
