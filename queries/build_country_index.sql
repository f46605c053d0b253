-- dim_geo's countries, numbered in their order: the default engine's
-- country key in Rust (pipeline/scan.rs, aggregate.rs), and the order its
-- tables are written in.
CREATE TEMP TABLE country_index AS
SELECT country, CAST(row_number() OVER (ORDER BY country) - 1 AS USMALLINT) AS idx
FROM (SELECT DISTINCT country FROM dim_geo WHERE country IS NOT NULL);
