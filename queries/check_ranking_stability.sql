-- Check ranking stability (information): per country on date $1, how many of
-- the Top 10 were not in the day before's Top 10 (had_prev: whether there was
-- one), and the watch seconds of #10 and #11, to spot a near tie at the cut.
WITH today AS (
    SELECT country, show_id, rank_in_country AS r, total_watch_seconds AS s
    FROM agg_watch_day_country_show
    WHERE event_date = CAST($1 AS DATE) AND rank_in_country <= 11
),
prev AS (
    SELECT country, show_id
    FROM top10_country_day
    WHERE event_date = CAST($1 AS DATE) - 1
)
SELECT t.country,
       count(*) FILTER (WHERE t.r <= 10) AS ranked,
       count(*) FILTER (WHERE t.r <= 10 AND p.show_id IS NULL) AS new_entries,
       t.country IN (SELECT country FROM prev) AS had_prev,
       CAST(max(t.s) FILTER (WHERE t.r = 10) AS BIGINT) AS s10,
       CAST(max(t.s) FILTER (WHERE t.r = 11) AS BIGINT) AS s11
FROM today t
LEFT JOIN prev p ON p.country = t.country AND p.show_id = t.show_id
GROUP BY t.country
ORDER BY t.country;
