-- The dim_shows snapshot ($1: the lake's file) with the SPEC's column types:
-- the build writes it to the version and reads it from there. Casts and
-- nothing else: pipeline/dimensions.rs copies a file already in these
-- types as it is, relying on that.
SELECT CAST(show_id AS BIGINT) AS show_id, CAST(title AS VARCHAR) AS title,
       CAST(genre AS VARCHAR) AS genre, CAST(is_original AS BOOLEAN) AS is_original,
       CAST(release_date AS DATE) AS release_date,
       CAST(maturity_rating AS VARCHAR) AS maturity_rating,
       CAST(runtime_minutes AS INTEGER) AS runtime_minutes
FROM read_parquet($1)
