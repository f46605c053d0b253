-- The time zone of every country of dim_geo, for the publication deadlines.
SELECT country, timezone
FROM dim_geo
WHERE country IS NOT NULL
ORDER BY country;
