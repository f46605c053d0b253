-- TUI quality pane, offenders of completeness: the countries of dim_geo
-- without a single aggregate row on date $1, with their name and how many
-- valid and quarantined events they had that day.
SELECT
    g.country,
    g.country_name,
    (SELECT count(*) FROM fact_watch_events f
      WHERE f.event_date = CAST($1 AS DATE) AND f.country = g.country
        AND f.event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND f.event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY) AS fact_events,
    (SELECT count(*) FROM quarantine q
      WHERE q.event_date = CAST($1 AS DATE) AND q.country = g.country) AS quarantined_events
FROM dim_geo g
WHERE g.country IS NOT NULL
  AND g.country NOT IN (
    SELECT DISTINCT country
    FROM agg_watch_day_country_show
    WHERE event_date = CAST($1 AS DATE) AND country IS NOT NULL
)
ORDER BY g.country;
