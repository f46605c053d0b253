-- Snapshot content_restrictions ($1: the lake's file) with the SPEC's column types.
CREATE TEMP TABLE content_restrictions AS
SELECT CAST(show_id AS BIGINT) AS show_id, CAST(restriction_type AS VARCHAR) AS restriction_type,
       CAST(region_code AS VARCHAR) AS region_code
FROM read_parquet($1);
