-- TUI "why not?" prompt: every show of dim_shows with its title, for the
-- fuzzy search by title. Old ids merged into another show are left out:
-- they carry the same title, and explaining one explains its canonical show
-- (`top10 explain --show OLD_ID` still follows them). Orphan ids (not in
-- dim_shows) have no title to search by; `top10 explain --show ID` explains
-- them.
SELECT show_id, title
FROM dim_shows
WHERE title IS NOT NULL
  AND show_id NOT IN (SELECT old_show_id FROM show_canonical_resolved)
ORDER BY title, show_id;
