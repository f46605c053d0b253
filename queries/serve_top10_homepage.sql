-- The serving table behind the homepage query (top10.sql), made when a
-- reader opens a warehouse version (in its in-memory database, so every
-- connection of the reader shares it): every published list joined with its
-- shows' titles once, in key order. The case study's "Homepage API Query" is
-- this join for one (date, country); done ahead, a homepage read is a
-- lookup of ten rows in memory (docs/benchmarks.md). An orphan show
-- (missing from dim_shows) keeps its rank with a NULL title.
CREATE TABLE top10_homepage AS
SELECT
    t.event_date,
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
