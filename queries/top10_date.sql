-- Every homepage list of a warehouse version (top10.sql for every date and
-- country at once), in key order: read into the reader's memory on the
-- first homepage read, after which each homepage Top 10 is a lookup there.
SELECT
    CAST(t.event_date AS VARCHAR) AS event_date,
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
ORDER BY t.event_date, t.country, t.rank_position;
