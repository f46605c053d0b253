-- TUI "why not?" prompt: every show of dim_shows with its title, for the
-- fuzzy search by title. Orphan ids (not in dim_shows) have no title to
-- search by; `top10 explain --show ID` explains them.
SELECT show_id, title
FROM dim_shows
WHERE title IS NOT NULL
ORDER BY title, show_id;
