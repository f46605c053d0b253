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
CREATE TEMP TABLE build_params (
    as_of     TIMESTAMP,
    from_date DATE,
    to_date   DATE
);
