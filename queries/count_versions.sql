-- Manifest count of the losing versions attributed to the built dates.
SELECT count(*) AS duplicates FROM versions WHERE version_rank > 1 AND built_date(event_date);
