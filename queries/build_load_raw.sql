-- The raw rows, as views over every selected landing file: each stage that
-- needs them scans the Parquet files (in parallel, reading only the columns
-- it uses) instead of holding a copy of every event in memory. `landing` is
-- a read_parquet over the files of landing_files, columns matched by name,
-- placed by the pipeline. watch_seconds stays BIGINT until validated: an
-- out-of-range value must be quarantined, not fail a cast. With an as-of
-- bound, only rows ingested at or before it are seen, so the build
-- reproduces what was published then.
--
-- landing_rows identifies a row by the position of the file DuckDB read it
-- from (file_id, landing_files.id) and its 0-based row in that file: two
-- integers, what the two full scans need, with no join. (Keyed by the path
-- string instead, the deletes' hash table outgrew a 1.5 GB memory limit at
-- 100 million events: docs/benchmarks.md.)
CREATE TEMP VIEW landing_rows AS
SELECT
    CAST(r.event_id AS VARCHAR) AS event_id,
    CAST(r.user_id AS BIGINT) AS user_id,
    CAST(r.show_id AS BIGINT) AS show_id,
    CAST(r.country AS VARCHAR) AS country,
    CAST(r.watch_seconds AS BIGINT) AS watch_seconds,
    CAST(r.event_ts AS TIMESTAMP) AS event_ts,
    CAST(r.src AS VARCHAR) AS src,
    CAST(r.ingestion_ts AS TIMESTAMP) AS ingestion_ts,
    r.file_index AS file_id,
    r.file_row_number AS src_row
FROM landing r
WHERE getvariable('build_as_of') IS NULL
   OR CAST(r.ingestion_ts AS TIMESTAMP) <= getvariable('build_as_of');

-- raw adds the identity lineage shows: the landing file's name below
-- raw_watch_events/ and its landing date.
CREATE TEMP VIEW raw AS
SELECT r.*, f.dt, f.name AS src_file
FROM landing_rows r
JOIN landing_files f ON f.id = r.file_id;
