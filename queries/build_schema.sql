-- The build's inputs. landing_files lists the landing files the build
-- reads: the file's position in the list given to read_parquet (DuckDB's
-- file_index), the name below raw_watch_events/, and the landing date. The bounds of the build are
-- variables set from bound parameters: build_as_of (NULL: every row) and
-- build_from / build_to (NULL: every event date). Variables are constants
-- to the planner, where a one-row table of bounds was a join on every row.
CREATE TEMP TABLE landing_files (
    id   BIGINT,
    name VARCHAR,
    dt   DATE
);
-- The event date an event is attributed to: its event_ts's date, or its
-- landing date dt when the event_ts is NULL or beyond the calendar (before
-- 0001-01-01, after 9999-12-31, ±infinity), where no partition folder could
-- name it; such an event is quarantined.
CREATE TEMP MACRO event_date_of(ts, dt) AS
    CASE WHEN ts >= TIMESTAMP '0001-01-01' AND ts < TIMESTAMP '10000-01-01'
         THEN CAST(ts AS DATE) ELSE dt END;
-- The hash of a fact's (date, country, show, user) pair: the one expression
-- build_viewer_hashes.sql and build_base.sql must agree on (the
-- floor-method benchmark runs both too, over bench_floor_rows.sql).
CREATE TEMP MACRO viewer_pair_hash(d, c, s, u) AS hash(d, c, s, u);
-- Whether the build computes event date d.
CREATE TEMP MACRO built_date(d) AS
    (getvariable('build_from') IS NULL OR d >= getvariable('build_from'))
    AND (getvariable('build_to') IS NULL OR d <= getvariable('build_to'));
-- Whether event date d is in the aggregate's current batch (variables
-- batch_from / batch_to, NULL: unbounded; pipeline/batches.rs).
CREATE TEMP MACRO in_batch(d) AS
    (getvariable('batch_from') IS NULL OR d >= getvariable('batch_from'))
    AND (getvariable('batch_to') IS NULL OR d <= getvariable('batch_to'));
-- SPEC §2.2: why a surviving version is quarantined, one reason per row,
-- checked in this order; NULL means valid. known_country: whether dim_geo
-- has the row's country.
CREATE TEMP MACRO rejection(event_id, user_id, show_id, country, event_ts, watch_seconds, known_country) AS
    CASE
        WHEN event_id IS NULL OR user_id IS NULL OR show_id IS NULL
          OR country IS NULL OR event_ts IS NULL OR watch_seconds IS NULL
            THEN 'null_field'
        WHEN event_ts < TIMESTAMP '0001-01-01' OR event_ts >= TIMESTAMP '10000-01-01'
            THEN 'event_ts_out_of_range'
        WHEN watch_seconds < 0 OR watch_seconds > 86400
            THEN 'watch_seconds_out_of_range'
        WHEN NOT known_country
            THEN 'unknown_country'
    END;
-- Hashes seen more than once, filled by pipeline/repeats.rs: of the event
-- ids delivered more than once (build_event_hashes.sql), and of the
-- (date, country, show, user) keys of the aggregate's batch with more than
-- one fact (build_viewer_hashes.sql).
CREATE TEMP TABLE contested (h UBIGINT);
CREATE TEMP TABLE repeated_viewers (h UBIGINT);
-- The aggregate per (event_date, country, canonical show), filled one batch
-- of event dates at a time by build_base.sql.
CREATE TEMP TABLE base (
    event_date          DATE,
    country             VARCHAR,
    show_id             BIGINT,
    total_watch_seconds BIGINT,
    viewers             BIGINT,
    events              BIGINT,
    merged_events       BIGINT
);
