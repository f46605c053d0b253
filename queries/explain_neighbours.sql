-- Lineage: ranked rows around a rank ($3) on date $1 in country $2, and the
-- row ranked 10th, so a show can be compared with its neighbours and with
-- the cut-off of the Top 10.
SELECT a.rank_in_country AS rank, a.show_id, s.title, a.total_watch_seconds, a.viewers
FROM agg_watch_day_country_show a
LEFT JOIN dim_shows s ON s.show_id = a.show_id
WHERE a.event_date = CAST($1 AS DATE) AND a.country = CAST($2 AS VARCHAR)
  AND (a.rank_in_country BETWEEN CAST($3 AS INTEGER) - 1 AND CAST($3 AS INTEGER) + 1
       OR a.rank_in_country = 10)
ORDER BY a.rank_in_country;
