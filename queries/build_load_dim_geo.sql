-- The dim_geo snapshot ($1: the lake's file) with the SPEC's column types:
-- the build writes it to the version and reads it from there. Casts and
-- nothing else: pipeline/dimensions.rs copies a file already in these
-- types as it is, relying on that.
SELECT CAST(country AS VARCHAR) AS country, CAST(country_name AS VARCHAR) AS country_name,
       CAST(timezone AS VARCHAR) AS timezone
FROM read_parquet($1)
