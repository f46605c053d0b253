-- The default engine's one pass over the landing rows (pipeline/scan.rs).
-- Each row is either a *candidate* — it could lose (its event id is
-- contested: build_event_hashes.sql) or be quarantined (SPEC §2.2, the
-- rejection macro) — or a fact as it arrived. Rust aggregates the facts
-- (SPEC §2.3-2.5, as build_base.sql does) from the first six columns,
-- and keeps the candidates, whole, for build_versions.sql: the other
-- columns are the row as landing_rows has it, NULL for a fact (so
-- nothing a fact does not need crosses into Rust).
--
-- The first pass reads every row (variable scan_every_date: the
-- candidates of every date are needed); a later batch of the aggregate
-- reads only the rows of its event dates, so DuckDB can skip row groups by
-- their event_ts statistics.
WITH classified AS (
    SELECT r.*,
           g.idx AS country_idx,
           rejection(r.event_id, r.user_id, r.show_id, r.country, r.event_ts,
                     r.watch_seconds, g.idx IS NOT NULL) IS NOT NULL
           OR hash(r.event_id) IN (SELECT h FROM contested) AS candidate
    FROM landing_rows r
    LEFT JOIN country_index g ON g.country = r.country
    WHERE getvariable('scan_every_date') OR in_batch(CAST(r.event_ts AS DATE))
)
SELECT candidate,
       CASE WHEN NOT candidate THEN CAST(event_ts AS DATE) END AS event_date,
       CASE WHEN NOT candidate THEN country_idx END AS country_idx,
       CASE WHEN NOT candidate THEN show_id END AS fact_show_id,
       CASE WHEN NOT candidate THEN user_id END AS fact_user_id,
       CASE WHEN NOT candidate THEN watch_seconds END AS fact_watch_seconds,
       CASE WHEN candidate THEN event_id END AS event_id,
       CASE WHEN candidate THEN user_id END AS user_id,
       CASE WHEN candidate THEN show_id END AS show_id,
       CASE WHEN candidate THEN country END AS country,
       CASE WHEN candidate THEN watch_seconds END AS watch_seconds,
       CASE WHEN candidate THEN event_ts END AS event_ts,
       CASE WHEN candidate THEN src END AS src,
       CASE WHEN candidate THEN ingestion_ts END AS ingestion_ts,
       CASE WHEN candidate THEN file_id END AS file_id,
       CASE WHEN candidate THEN src_row END AS src_row
FROM classified;
