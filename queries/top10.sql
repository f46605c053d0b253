-- SPEC §3 homepage Top 10 for one date ($1) and country ($2), read from the
-- serving table top10_homepage (serve_top10_homepage.sql: the published
-- lists joined with dim_shows when the warehouse was opened). An orphan show
-- (missing from dim_shows) keeps its rank with a NULL title.
SELECT rank, show_id, title, genre, is_original, total_watch_seconds, viewers
FROM top10_homepage
WHERE event_date = CAST($1 AS DATE)
  AND country = CAST($2 AS VARCHAR)
ORDER BY rank;
