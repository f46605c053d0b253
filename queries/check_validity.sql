-- Check validity (case study §4): fact rows of date $1 whose watch_seconds
-- is NULL or outside 0..=86400; validation should have quarantined them.
-- `bad_rows` is the total; only the first rows are shown.
SELECT event_id, country, show_id, watch_seconds, count(*) OVER () AS bad_rows
FROM fact_watch_events
WHERE event_date = CAST($1 AS DATE)
  AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
  AND (watch_seconds IS NULL OR watch_seconds < 0 OR watch_seconds > 86400)
ORDER BY event_id
LIMIT 5;
