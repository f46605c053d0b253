-- Check quarantine rate: the valid events of date $1 (kind 'fact') and the
-- quarantined ones per reason (kind 'quarantine').
SELECT 'fact' AS kind, CAST(NULL AS VARCHAR) AS reason, count(*) AS n
FROM fact_watch_events
WHERE event_date = CAST($1 AS DATE)
  AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
UNION ALL
SELECT 'quarantine' AS kind, reason, count(*) AS n
FROM quarantine
WHERE event_date = CAST($1 AS DATE)
GROUP BY reason
ORDER BY kind, reason;
