-- The default engine's working tables (pipeline/scan.rs). `candidates`:
-- the landing rows that could lose or be quarantined, in landing_rows'
-- columns, appended from the Rust pass over the landing files; `raw` then
-- becomes these rows (build_candidates_raw.sql), so build_versions.sql
-- settles exactly them (the other rows arrived once and pass validation:
-- they never reach the window, in either engine). `country_index`:
-- dim_geo's countries, numbered, the aggregate's country key in Rust.
CREATE TEMP TABLE candidates (
    event_id      VARCHAR,
    user_id       BIGINT,
    show_id       BIGINT,
    country       VARCHAR,
    watch_seconds BIGINT,
    event_ts      TIMESTAMP,
    src           VARCHAR,
    ingestion_ts  TIMESTAMP,
    file_id       BIGINT,
    src_row       BIGINT
);
CREATE TEMP TABLE country_index AS
SELECT country, CAST(row_number() OVER (ORDER BY country) - 1 AS USMALLINT) AS idx
FROM (SELECT DISTINCT country FROM dim_geo WHERE country IS NOT NULL);
