-- SPEC §2.1 deduplication and §2.2 validation, row by row only where it can
-- matter: every version of a contested event (table `contested`,
-- pipeline/repeats.rs) and every row that fails validation. Any other
-- row — about 97 % — arrived once and is
-- valid: it is a fact as it stands. A row with a NULL event_id is an event
-- of its own (it cannot be matched), as is an invalid row of an event that
-- is not contested. Per event_id, versions are ordered latest
-- ingestion_ts first (NULL oldest), then greater src, then greater
-- watch_seconds; identical deliveries are settled by the greater
-- (src_file, src_row) so the outcome never depends on read order. Rank 1 is
-- the surviving version; its rejection reason, if any, quarantines it.
-- A NULL country in dim_geo names no country (with it, `IN` would be NULL
-- for every unknown country, and no row would be quarantined as one).
-- Every version carries its winner's identity and the attribution date: the
-- winner's event date, or its landing date when its event_ts is unusable.
-- Versions of every date are kept — a row of a built date may lose to a
-- winner of another — and the writers pick the built dates.
CREATE TEMP TABLE versions AS
SELECT
    r.*,
    row_number() OVER w AS version_rank,
    first_value(src_file) OVER w AS winner_src_file,
    first_value(src_row) OVER w AS winner_src_row,
    first_value(ingestion_ts) OVER w AS winner_ingestion_ts,
    first_value(event_date_of(event_ts, dt)) OVER w AS event_date
FROM (
    SELECT r.*,
           rejection(r.event_id, r.user_id, r.show_id, r.country, r.event_ts, r.watch_seconds,
                     r.country IN (SELECT country FROM dim_geo WHERE country IS NOT NULL)) AS reason
    FROM raw r
) r
WHERE r.reason IS NOT NULL OR hash(r.event_id) IN (SELECT h FROM contested)
WINDOW w AS (
    PARTITION BY event_id,
                 CASE WHEN event_id IS NULL THEN src_file END,
                 CASE WHEN event_id IS NULL THEN src_row END
    ORDER BY ingestion_ts DESC NULLS LAST,
             src DESC NULLS LAST,
             watch_seconds DESC NULLS LAST,
             src_file DESC,
             src_row DESC
);

-- The rows that are not facts: every losing version, and every surviving
-- version that failed validation. The fact is the landing rows minus these
-- (position deletes, as a table format keeps them), so it is never copied.
-- row_date is the row's own event_ts date, so a reader of some dates (the
-- aggregate's batches, lineage) needs only their deletes.
CREATE TEMP TABLE deletes AS
SELECT file_id, src_file, src_row, CAST(event_ts AS DATE) AS row_date
FROM versions
WHERE version_rank > 1 OR reason IS NOT NULL;

-- The quarantined survivors of the built dates: written, counted, and never
-- recomputed.
CREATE TEMP TABLE quarantined AS
SELECT * FROM versions
WHERE version_rank = 1 AND reason IS NOT NULL AND built_date(event_date);
