-- SPEC §2.2 validation of each surviving version: one reason per row,
-- checked in this order; NULL reason means valid.
CREATE TEMP TABLE winners AS
SELECT
    v.*,
    CASE
        WHEN v.event_id IS NULL OR v.user_id IS NULL OR v.show_id IS NULL
          OR v.country IS NULL OR v.event_ts IS NULL OR v.watch_seconds IS NULL
            THEN 'null_field'
        WHEN v.watch_seconds < 0 OR v.watch_seconds > 86400
            THEN 'watch_seconds_out_of_range'
        WHEN g.country IS NULL
            THEN 'unknown_country'
    END AS reason
FROM versions v
LEFT JOIN (SELECT DISTINCT country FROM dim_geo) g ON g.country = v.country
WHERE v.version_rank = 1;
