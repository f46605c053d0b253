-- TUI country pane: every country of dim_geo with its name and how many
-- distinct users watched anything there on date $1 (0 when nobody did).
-- Valid events only (fact_watch_events), so quarantined rows do not count.
SELECT
    g.country,
    g.country_name,
    CAST(coalesce(v.viewers, 0) AS BIGINT) AS viewers
FROM dim_geo g
LEFT JOIN (
    SELECT country, count(DISTINCT user_id) AS viewers
    FROM fact_watch_events
    WHERE event_date = CAST($1 AS DATE)
      AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
    GROUP BY country
) v ON v.country = g.country
ORDER BY g.country_name, g.country;
