-- The dim_users snapshot ($1: the lake's file) with the SPEC's column types:
-- the build writes it to the version and reads it from there. Casts and
-- nothing else: pipeline/dimensions.rs copies a file already in these
-- types as it is, relying on that.
SELECT CAST(user_id AS BIGINT) AS user_id, CAST(signup_date AS DATE) AS signup_date,
       CAST(country AS VARCHAR) AS country, CAST(device_type AS VARCHAR) AS device_type,
       CAST(is_active AS BOOLEAN) AS is_active, CAST(created_at AS TIMESTAMP) AS created_at,
       CAST(updated_at AS TIMESTAMP) AS updated_at
FROM read_parquet($1)
