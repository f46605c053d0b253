-- TUI quality pane, offenders of referential_integrity: the ids of date $1's
-- fact rows whose user is missing from dim_users (kind 'user') or whose
-- canonical show is missing from dim_shows (kind 'show'), with their rows,
-- the most rows first. At most 1000 ids.
WITH day AS (
    SELECT user_id, show_id, country FROM fact_watch_events
    WHERE event_date = CAST($1 AS DATE)
      AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
)
SELECT 'user' AS kind, d.user_id AS id, count(*) AS fact_rows,
       count(DISTINCT d.country) AS countries
FROM day d
LEFT JOIN (SELECT DISTINCT user_id FROM dim_users) u ON u.user_id = d.user_id
WHERE u.user_id IS NULL
GROUP BY d.user_id
UNION ALL
SELECT 'show' AS kind, d.show_id AS id, count(*) AS fact_rows,
       count(DISTINCT d.country) AS countries
FROM day d
LEFT JOIN (SELECT DISTINCT show_id FROM dim_shows) s ON s.show_id = d.show_id
WHERE s.show_id IS NULL
GROUP BY d.show_id
ORDER BY fact_rows DESC, kind, id
LIMIT 1000;
