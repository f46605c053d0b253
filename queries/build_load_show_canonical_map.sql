-- Snapshot show_canonical_map ($1: the lake's file) with the SPEC's column types.
CREATE TEMP TABLE show_canonical_map AS
SELECT CAST(old_show_id AS BIGINT) AS old_show_id, CAST(new_show_id AS BIGINT) AS new_show_id,
       CAST(merge_date AS DATE) AS merge_date
FROM read_parquet($1);
