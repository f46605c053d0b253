-- Check freshness (case study §4): per country, the events of date $1, the
-- latest ingestion_ts among them, and how many arrived after that
-- country's publication deadline (temp table check_deadlines, filled from
-- dim_geo time zones by the runner). Those events missed the Top 10 that was
-- published on time. last_arrival_all is the latest of every country's,
-- compared as timestamps here (as text, year 200000 sorts before 2026).
SELECT
    f.country,
    count(*) AS events,
    max(f.ingestion_ts) AS last_arrival,
    count(*) FILTER (WHERE f.ingestion_ts > d.deadline) AS after_deadline,
    max(max(f.ingestion_ts)) OVER () AS last_arrival_all
FROM fact_watch_events f
LEFT JOIN check_deadlines d
       ON d.country = f.country AND d.event_date = f.event_date
WHERE f.event_date = CAST($1 AS DATE)
  AND f.event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND f.event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
GROUP BY f.country
ORDER BY f.country;
