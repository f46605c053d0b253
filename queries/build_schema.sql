-- The build's working tables. Raw rows keep their identity (the landing file
-- below raw_watch_events/ and the 0-based row in it) so lineage can point at
-- the exact row. watch_seconds stays BIGINT until validated: an out-of-range
-- value must be quarantined, not fail a cast.
CREATE TEMP TABLE raw (
    event_id      VARCHAR,
    user_id       BIGINT,
    show_id       BIGINT,
    country       VARCHAR,
    watch_seconds BIGINT,
    event_ts      TIMESTAMP,
    src           VARCHAR,
    ingestion_ts  TIMESTAMP,
    dt            DATE,
    src_file      VARCHAR,
    src_row       BIGINT
);
