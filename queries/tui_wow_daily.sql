-- TUI week-over-week pane: the daily watch seconds of every show of one
-- country ($2) over the two weeks wow.sql compares for date $1 (the latest
-- complete Monday-Sunday week ending on or before the date, and the week
-- before it), for the sparklines. Days without watch time have no row.
WITH weeks AS (
    SELECT week_end - 13 AS first_day, week_end AS last_day
    FROM (SELECT CAST($1 AS DATE) - CAST(isodow(CAST($1 AS DATE)) % 7 AS INTEGER) AS week_end)
)
SELECT a.show_id, a.event_date, a.total_watch_seconds
FROM agg_watch_day_country_show a, weeks w
WHERE a.country = CAST($2 AS VARCHAR)
  AND a.event_date BETWEEN w.first_day AND w.last_day
ORDER BY a.show_id, a.event_date;
