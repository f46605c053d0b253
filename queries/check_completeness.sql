-- Check completeness (case study §4): the countries of dim_geo without a
-- single aggregate row on date $1. A country missing here has no Top 10.
SELECT g.country
FROM dim_geo g
WHERE g.country IS NOT NULL
  AND g.country NOT IN (
    SELECT DISTINCT country
    FROM agg_watch_day_country_show
    WHERE event_date = CAST($1 AS DATE) AND country IS NOT NULL
)
ORDER BY g.country;
