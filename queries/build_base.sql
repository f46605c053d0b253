-- SPEC §2.3-2.5 in one pass over the landing files: the facts are the rows
-- not in `deletes` (build_versions.sql), with their canonical show id, of
-- the built dates. Per (event_date, country, canonical show):
-- total_watch_seconds = SUM(watch_seconds) and viewers = COUNT(DISTINCT
-- user_id), counted as the number of per-user rows of a first GROUP BY —
-- two plain hash aggregates are cheaper than one DISTINCT aggregate
-- (docs/benchmarks.md), and user_id is never NULL in a fact. The same pass
-- counts the facts and those moved to a canonical id. (Orphan users are
-- counted by `top10 check`, not here: a lookup of every per-user row in
-- dim_users cost the build a fifth of its time.)
--
-- Run once per batch of event dates (pipeline/batches.rs): a row and its
-- delete have the same event_ts, so both sides select the same batch.
INSERT INTO base
WITH per_user AS (
    SELECT CAST(r.event_ts AS DATE) AS event_date,
           r.country,
           coalesce(m.canonical_show_id, r.show_id) AS show_id,
           r.user_id,
           sum(r.watch_seconds) AS watch_seconds,
           count(*) AS events,
           count(m.canonical_show_id) AS merged_events
    FROM landing_rows r
    ANTI JOIN (SELECT file_id, src_row FROM deletes WHERE in_batch(row_date)) d
           ON d.file_id = r.file_id AND d.src_row = r.src_row
    LEFT JOIN show_canonical_resolved m ON m.old_show_id = r.show_id
    WHERE built_date(CAST(r.event_ts AS DATE)) AND in_batch(CAST(r.event_ts AS DATE))
    GROUP BY ALL
)
SELECT event_date, country, show_id,
       CAST(sum(watch_seconds) AS BIGINT) AS total_watch_seconds,
       count(*) AS viewers,
       CAST(sum(events) AS BIGINT) AS events,
       CAST(sum(merged_events) AS BIGINT) AS merged_events
FROM per_user
GROUP BY ALL;
