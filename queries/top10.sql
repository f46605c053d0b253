-- SPEC §3 homepage Top 10 for one date ($1) and country ($2). An orphan
-- show (missing from dim_shows) keeps its rank with a NULL title.
SELECT
    t.rank_position AS rank,
    t.show_id,
    s.title,
    s.genre,
    s.is_original,
    t.total_watch_seconds,
    t.viewers
FROM top10_country_day t
LEFT JOIN dim_shows s ON s.show_id = t.show_id
WHERE t.event_date = CAST($1 AS DATE)
  AND t.country = CAST($2 AS VARCHAR)
ORDER BY t.rank_position;
