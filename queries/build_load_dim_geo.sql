-- Snapshot dim_geo ($1: the lake's file) with the SPEC's column types.
CREATE TEMP TABLE dim_geo AS
SELECT CAST(country AS VARCHAR) AS country, CAST(country_name AS VARCHAR) AS country_name,
       CAST(timezone AS VARCHAR) AS timezone
FROM read_parquet($1);
