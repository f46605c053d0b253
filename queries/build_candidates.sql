-- The default engine's working tables (pipeline/scan.rs). `candidates`:
-- the landing rows that could lose or be quarantined, as landing_rows has
-- them, appended from the one pass (build_scan.sql); `raw` is then these
-- rows with their file name and landing date, so build_versions.sql
-- settles exactly them (the other rows arrived once and pass validation:
-- they never reach the window, in either engine). `country_index`: dim_geo's
-- countries, numbered, the aggregate's country key in Rust.
CREATE TEMP TABLE candidates AS SELECT * FROM landing_rows LIMIT 0;
CREATE TEMP TABLE country_index AS
SELECT country, CAST(row_number() OVER (ORDER BY country) - 1 AS USMALLINT) AS idx
FROM (SELECT DISTINCT country FROM dim_geo WHERE country IS NOT NULL);
