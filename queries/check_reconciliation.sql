-- Check reconciliation (case study §4): the aggregate of date $1 against a
-- fresh sum over the fact table per (country, show). A key missing on one
-- side counts as 0 there. `mismatched` counts the keys off by more than $2
-- seconds; total_diff and fact_total give the overall discrepancy. Rows are
-- the worst keys first.
WITH src AS (
    SELECT country, show_id, CAST(sum(watch_seconds) AS BIGINT) AS s
    FROM fact_watch_events
    WHERE event_date = CAST($1 AS DATE)
      AND event_ts >= CAST(CAST($1 AS DATE) AS TIMESTAMP) AND event_ts < CAST($1 AS DATE) + INTERVAL '1' DAY
    GROUP BY country, show_id
),
agg AS (
    SELECT country, show_id, CAST(total_watch_seconds AS BIGINT) AS s
    FROM agg_watch_day_country_show
    WHERE event_date = CAST($1 AS DATE)
),
j AS (
    SELECT coalesce(f.country, a.country) AS country,
           coalesce(f.show_id, a.show_id) AS show_id,
           f.s AS fact_seconds,
           a.s AS agg_seconds,
           abs(coalesce(f.s, 0) - coalesce(a.s, 0)) AS diff
    FROM src f
    FULL OUTER JOIN agg a ON a.country = f.country AND a.show_id = f.show_id
)
SELECT country, show_id, fact_seconds, agg_seconds, diff,
       CAST(sum(CASE WHEN diff > CAST($2 AS BIGINT) THEN 1 ELSE 0 END) OVER () AS BIGINT) AS mismatched,
       CAST(sum(diff) OVER () AS BIGINT) AS total_diff,
       CAST(sum(coalesce(fact_seconds, 0)) OVER () AS BIGINT) AS fact_total,
       count(*) OVER () AS keys
FROM j
ORDER BY diff DESC, country, show_id
LIMIT 5;
