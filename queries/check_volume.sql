-- Check volume anomaly: per country of dim_geo, the valid events of date $1
-- and the median of its daily events over the $2 days before (days without
-- any of its events are left out), with how many days that median is from.
WITH days AS (
    SELECT event_date, country, count(*) AS n
    FROM fact_watch_events
    WHERE event_date BETWEEN CAST($1 AS DATE) - CAST($2 AS INTEGER) AND CAST($1 AS DATE)
      AND event_ts >= CAST(CAST($1 AS DATE) - CAST($2 AS INTEGER) AS TIMESTAMP)
      AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
    GROUP BY event_date, country
),
hist AS (
    SELECT country, median(n) AS median, count(*) AS days
    FROM days
    WHERE event_date < CAST($1 AS DATE)
    GROUP BY country
)
SELECT g.country,
       coalesce(d.n, 0) AS events,
       CAST(h.median AS DOUBLE) AS median,
       coalesce(h.days, 0) AS history_days
FROM (SELECT DISTINCT country FROM dim_geo WHERE country IS NOT NULL) g
LEFT JOIN days d ON d.country = g.country AND d.event_date = CAST($1 AS DATE)
LEFT JOIN hist h ON h.country = g.country
ORDER BY g.country;
