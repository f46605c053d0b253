-- The content_restrictions snapshot ($1: the lake's file) with the SPEC's column types:
-- the build writes it to the version and reads it from there. Casts and
-- nothing else: pipeline/dimensions.rs copies a file already in these
-- types as it is, relying on that.
SELECT CAST(show_id AS BIGINT) AS show_id, CAST(restriction_type AS VARCHAR) AS restriction_type,
       CAST(region_code AS VARCHAR) AS region_code
FROM read_parquet($1)
