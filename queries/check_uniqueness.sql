-- Check uniqueness (case study §4): event_ids of date $1 that occur more
-- than once anywhere in the fact table (deduplication must leave one row
-- per event), with the dates they appear on. `duplicated` is the total count
-- of such ids; only the first rows are shown.
WITH day AS (
    SELECT DISTINCT event_id
    FROM fact_watch_events
    WHERE event_date = CAST($1 AS DATE)
      AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
),
dup AS (
    SELECT f.event_id,
           count(*) AS copies,
           string_agg(DISTINCT CAST(f.event_date AS VARCHAR), ', ') AS dates
    FROM fact_watch_events f
    JOIN day USING (event_id)
    GROUP BY f.event_id
    HAVING count(*) > 1
)
SELECT event_id, copies, dates, count(*) OVER () AS duplicated
FROM dup
ORDER BY copies DESC, event_id
LIMIT 5;
