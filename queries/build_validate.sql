-- The surviving version of every event of the built dates — the only
-- version of an uncontested event, the first of a contested one — with its
-- SPEC §2.2 validation: one reason per row, checked in this order; NULL
-- reason means valid. A view, streamed from the landing files by each
-- reader, so no copy of every event is ever held in memory.
CREATE TEMP VIEW winners AS
WITH survivors AS (
    SELECT r.*, event_date_of(r.event_ts, r.dt) AS event_date
    FROM raw r, build_params p
    WHERE (r.event_id IS NULL OR hash(r.event_id) NOT IN (SELECT h FROM contested))
      AND (p.from_date IS NULL OR event_date_of(r.event_ts, r.dt) >= p.from_date)
      AND (p.to_date IS NULL OR event_date_of(r.event_ts, r.dt) <= p.to_date)
    UNION ALL
    SELECT event_id, user_id, show_id, country, watch_seconds, event_ts, src,
           ingestion_ts, dt, src_file, src_row, event_date
    FROM versions
    WHERE version_rank = 1
)
SELECT
    s.*,
    CASE
        WHEN s.event_id IS NULL OR s.user_id IS NULL OR s.show_id IS NULL
          OR s.country IS NULL OR s.event_ts IS NULL OR s.watch_seconds IS NULL
            THEN 'null_field'
        WHEN s.event_ts < TIMESTAMP '0001-01-01' OR s.event_ts >= TIMESTAMP '10000-01-01'
            THEN 'event_ts_out_of_range'
        WHEN s.watch_seconds < 0 OR s.watch_seconds > 86400
            THEN 'watch_seconds_out_of_range'
        WHEN g.country IS NULL
            THEN 'unknown_country'
    END AS reason
FROM survivors s
LEFT JOIN (SELECT DISTINCT country FROM dim_geo) g ON g.country = s.country;

-- The quarantined survivors, few enough to keep: written, counted, and
-- never recomputed.
CREATE TEMP TABLE quarantined AS
SELECT * FROM winners WHERE reason IS NOT NULL;
