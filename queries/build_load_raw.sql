-- Load one landing file.
-- $1 the file, $2 its name below raw_watch_events/, $3 its landing date (dt),
-- $4 the as-of timestamp (NULL: every row; otherwise rows ingested at or
-- before it, so the build reproduces what was published then).
INSERT INTO raw
SELECT
    CAST(event_id AS VARCHAR),
    CAST(user_id AS BIGINT),
    CAST(show_id AS BIGINT),
    CAST(country AS VARCHAR),
    CAST(watch_seconds AS BIGINT),
    CAST(event_ts AS TIMESTAMP),
    CAST(src AS VARCHAR),
    CAST(ingestion_ts AS TIMESTAMP),
    CAST($3 AS DATE),
    CAST($2 AS VARCHAR),
    file_row_number
FROM read_parquet($1, file_row_number = true)
WHERE CAST($4 AS TIMESTAMP) IS NULL
   OR CAST(ingestion_ts AS TIMESTAMP) <= CAST($4 AS TIMESTAMP);
