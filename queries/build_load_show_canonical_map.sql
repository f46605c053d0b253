-- The show_canonical_map snapshot ($1: the lake's file) with the SPEC's column types:
-- the build writes it to the version and reads it from there. Casts and
-- nothing else: pipeline/dimensions.rs copies a file already in these
-- types as it is, relying on that.
SELECT CAST(old_show_id AS BIGINT) AS old_show_id, CAST(new_show_id AS BIGINT) AS new_show_id,
       CAST(merge_date AS DATE) AS merge_date
FROM read_parquet($1)
