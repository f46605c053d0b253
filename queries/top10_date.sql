-- Every homepage list of one date ($1): top10.sql for all its countries at
-- once. The reader keeps them in memory, so each further homepage Top 10 of
-- that date is a lookup there.
SELECT
    t.country,
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
ORDER BY t.country, t.rank_position;
