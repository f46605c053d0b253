-- The build's inputs. landing_files lists the landing files the build
-- reads: the path as given to read_parquet, the name below
-- raw_watch_events/, and the landing date. build_params holds the bounds of
-- the build, all bound parameters: the as-of time (NULL: every row) and the
-- event dates to compute (NULL: all).
CREATE TEMP TABLE landing_files (
    path VARCHAR,
    name VARCHAR,
    dt   DATE
);
-- The event date an event is attributed to: its event_ts's date, or its
-- landing date dt when the event_ts is NULL or beyond the calendar (before
-- 0001-01-01, after 9999-12-31, ±infinity), where no partition folder could
-- name it; such an event is quarantined (build_validate.sql).
CREATE TEMP MACRO event_date_of(ts, dt) AS
    CASE WHEN ts >= TIMESTAMP '0001-01-01' AND ts < TIMESTAMP '10000-01-01'
         THEN CAST(ts AS DATE) ELSE dt END;
CREATE TEMP TABLE build_params (
    as_of     TIMESTAMP,
    from_date DATE,
    to_date   DATE
);
