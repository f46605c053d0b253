-- One segment of fact_watch_events, stored merge-on-read: the landing files
-- one build read (hard links in the version), minus the rows that build
-- found were not facts (losing versions and quarantined survivors, its
-- deletes.parquet: position deletes by file and row), with the canonical
-- show ids that build resolved (its canonical.parquet), and only the rows
-- that build could see (its as-of bound) of the event dates this segment
-- still answers for. The names in braces below are filled in from the
-- version's manifest when a reader opens it (pipeline/fact.rs); the
-- segments of a version are joined with UNION ALL. DuckDB cannot turn a
-- filter on event_date into one on event_ts, so a query of one day also
-- filters event_ts to that day (a redundant predicate, the same rows): the
-- Parquet reader then reads only the row groups that can hold it, 6 of 102
-- on the 10 M lake, and lineage of a key took 27 ms instead of 90 ms.
SELECT
    CAST(r.event_id AS VARCHAR) AS event_id,
    CAST(r.user_id AS BIGINT) AS user_id,
    coalesce(m.canonical_show_id, CAST(r.show_id AS BIGINT)) AS show_id,
    CAST(r.show_id AS BIGINT) AS original_show_id,
    CAST(r.country AS VARCHAR) AS country,
    TRY_CAST(r.watch_seconds AS INTEGER) AS watch_seconds,
    CAST(r.event_ts AS TIMESTAMP) AS event_ts,
    CAST(r.src AS VARCHAR) AS src,
    CAST(r.ingestion_ts AS TIMESTAMP) AS ingestion_ts,
    f.dt,
    f.name AS src_file,
    r.file_row_number AS src_row,
    CAST(CAST(r.event_ts AS TIMESTAMP) AS DATE) AS event_date
FROM (SELECT *, file_index
      FROM read_parquet({files}, file_row_number = true,
                        union_by_name = true, hive_partitioning = false)) r
JOIN (VALUES {names}) f(id, name, dt) ON f.id = r.file_index
ANTI JOIN read_parquet({deletes}) d
       ON d.src_file = f.name AND d.src_row = r.file_row_number
LEFT JOIN read_parquet({canonical}) m
       ON m.old_show_id = CAST(r.show_id AS BIGINT)
WHERE {bounds}
