-- Check referential integrity (case study §4): fact rows of date $1 whose
-- user is missing from dim_users (kind 'user') or whose canonical show is
-- missing from dim_shows (kind 'show'). Per kind: the number of distinct
-- orphan ids and of their rows, and the five ids with the most rows.
-- fact_rows is the day's total, for the rate.
WITH day AS (
    SELECT user_id, show_id FROM fact_watch_events WHERE event_date = CAST($1 AS DATE)
      AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
),
orphans AS (
    SELECT 'user' AS kind, d.user_id AS id, count(*) AS n
    FROM day d
    LEFT JOIN (SELECT DISTINCT user_id FROM dim_users) u ON u.user_id = d.user_id
    WHERE u.user_id IS NULL
    GROUP BY d.user_id
    UNION ALL
    SELECT 'show' AS kind, d.show_id AS id, count(*) AS n
    FROM day d
    LEFT JOIN (SELECT DISTINCT show_id FROM dim_shows) s ON s.show_id = d.show_id
    WHERE s.show_id IS NULL
    GROUP BY d.show_id
),
ranked AS (
    SELECT kind, id, n,
           count(*) OVER (PARTITION BY kind) AS distinct_ids,
           sum(n) OVER (PARTITION BY kind) AS total_rows
    FROM orphans
    QUALIFY row_number() OVER (PARTITION BY kind ORDER BY n DESC, id) <= 5
)
-- One row even with no orphans (kind NULL), so fact_rows is always there.
SELECT r.kind, r.id, r.n, r.distinct_ids, r.total_rows, t.fact_rows
FROM (SELECT count(*) AS fact_rows FROM day) t
LEFT JOIN ranked r ON true
ORDER BY r.kind NULLS FIRST, r.n DESC, r.id;
