-- SPEC §3 originals share per (date, country) for dates $1..$2 and one
-- country ($3) or every country of dim_geo (NULL): originals' watch seconds
-- over all watch seconds, in percent, 0 when there is none. Every date and
-- country of the range gets a row. Orphan shows count as licensed.
WITH dates AS (
    SELECT CAST(d AS DATE) AS event_date
    FROM generate_series(CAST($1 AS DATE), CAST($2 AS DATE), INTERVAL 1 DAY) g(d)
),
countries AS (
    SELECT DISTINCT country FROM dim_geo
    WHERE CAST($3 AS VARCHAR) IS NULL OR country = CAST($3 AS VARCHAR)
),
sums AS (
    SELECT a.event_date, a.country,
           sum(CASE WHEN s.is_original THEN a.total_watch_seconds ELSE 0 END) AS originals,
           sum(a.total_watch_seconds) AS total
    FROM agg_watch_day_country_show a
    LEFT JOIN dim_shows s ON s.show_id = a.show_id
    WHERE a.event_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
    GROUP BY a.event_date, a.country
)
SELECT
    d.event_date,
    c.country,
    CAST(coalesce(x.originals, 0) AS BIGINT) AS originals_watch_seconds,
    CAST(coalesce(x.total, 0) AS BIGINT) AS total_watch_seconds,
    CASE WHEN coalesce(x.total, 0) = 0 THEN 0.0
         ELSE x.originals * 100.0 / x.total END AS originals_share_pct
FROM dates d
CROSS JOIN countries c
LEFT JOIN sums x ON x.event_date = d.event_date AND x.country = c.country
ORDER BY d.event_date, c.country;
