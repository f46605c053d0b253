-- Manifest counts of the fact table: rows, rows moved to a canonical show
-- id, and rows of orphan users and shows (kept, and reported).
SELECT count(*) AS fact_rows,
       count(*) FILTER (WHERE f.show_id <> f.original_show_id) AS merged_rows,
       count(*) FILTER (WHERE u.user_id IS NULL) AS orphan_user_rows,
       count(*) FILTER (WHERE s.show_id IS NULL) AS orphan_show_rows
FROM fact f
LEFT JOIN (SELECT DISTINCT user_id FROM dim_users) u ON u.user_id = f.user_id
LEFT JOIN (SELECT DISTINCT show_id FROM dim_shows) s ON s.show_id = f.show_id;
