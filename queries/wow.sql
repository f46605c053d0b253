-- SPEC §3 week over week for one date ($1) and country ($2): the latest
-- complete Monday-Sunday week ending on or before the date against the week
-- before it. Shows watched in the latest week, by percent change (none when
-- the earlier week is 0, listed last), then delta, then show id; top 20.
WITH weeks AS (
    SELECT week_end - 6 AS this_start, week_end AS this_end,
           week_end - 13 AS prev_start, week_end - 7 AS prev_end
    FROM (SELECT CAST($1 AS DATE) - CAST(isodow(CAST($1 AS DATE)) % 7 AS INTEGER) AS week_end)
),
this_week AS (
    SELECT a.show_id, sum(a.total_watch_seconds) AS seconds
    FROM agg_watch_day_country_show a, weeks w
    WHERE a.country = CAST($2 AS VARCHAR)
      AND a.event_date BETWEEN w.this_start AND w.this_end
    GROUP BY a.show_id
),
prev_week AS (
    SELECT a.show_id, sum(a.total_watch_seconds) AS seconds
    FROM agg_watch_day_country_show a, weeks w
    WHERE a.country = CAST($2 AS VARCHAR)
      AND a.event_date BETWEEN w.prev_start AND w.prev_end
    GROUP BY a.show_id
)
SELECT
    t.show_id,
    s.title,
    w.this_start AS week_start,
    CAST(t.seconds AS BIGINT) AS this_week_watch_seconds,
    CAST(coalesce(p.seconds, 0) AS BIGINT) AS prev_week_watch_seconds,
    CAST(t.seconds - coalesce(p.seconds, 0) AS BIGINT) AS delta_watch_seconds,
    CASE WHEN coalesce(p.seconds, 0) = 0 THEN NULL
         ELSE (t.seconds - p.seconds) * 100.0 / p.seconds END AS pct_change
FROM this_week t
CROSS JOIN weeks w
LEFT JOIN prev_week p ON p.show_id = t.show_id
LEFT JOIN dim_shows s ON s.show_id = t.show_id
ORDER BY pct_change DESC NULLS LAST, delta_watch_seconds DESC, t.show_id
LIMIT 20;
