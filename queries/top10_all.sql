-- Every homepage list of a warehouse version, in key order: read once into
-- the reader's memory, which then answers each homepage Top 10 (top10.sql
-- for one key) with a lookup.
SELECT CAST(event_date AS VARCHAR) AS event_date, country, rank, show_id, title,
       genre, is_original, total_watch_seconds, viewers
FROM top10_homepage
ORDER BY event_date, country, rank;
