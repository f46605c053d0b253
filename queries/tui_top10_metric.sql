-- TUI Top 10 pane: the Top 10 of one date ($1) and country ($2) ranked by a
-- metric ($3):
--   'hours'   total watch time: the published ranking (rank_in_country);
--   'views'   watch time / runtime, the way Netflix ranks since 2023;
--   'viewers' distinct viewers.
-- Only eligible shows are ranked (SPEC §2.6); ties break as the published
-- ranking does. Each row also carries the show's rank by the same metric
-- the day before (prev_rank, NULL when it was not ranked) and on how many of
-- the last 30 days, this one included, it was in that Top 10.
WITH eligible AS (
    SELECT
        a.event_date,
        a.show_id,
        a.total_watch_seconds,
        a.viewers,
        a.rank_in_country,
        s.runtime_minutes,
        CAST(a.total_watch_seconds AS DOUBLE) / (60 * nullif(s.runtime_minutes, 0)) AS views
    FROM agg_watch_day_country_show a
    LEFT JOIN dim_shows s ON s.show_id = a.show_id
    WHERE a.country = CAST($2 AS VARCHAR)
      AND a.event_date BETWEEN CAST($1 AS DATE) - 29 AND CAST($1 AS DATE)
      AND a.rank_in_country IS NOT NULL
),
ranked AS (
    SELECT
        *,
        CASE CAST($3 AS VARCHAR)
            WHEN 'views' THEN CAST(row_number() OVER (
                PARTITION BY event_date
                ORDER BY views DESC NULLS LAST, total_watch_seconds DESC, viewers DESC, show_id
            ) AS INTEGER)
            WHEN 'viewers' THEN CAST(row_number() OVER (
                PARTITION BY event_date
                ORDER BY viewers DESC, total_watch_seconds DESC, show_id
            ) AS INTEGER)
            ELSE rank_in_country
        END AS metric_rank
    FROM eligible
),
history AS (
    SELECT show_id, count(*) AS days_in_top10_30d
    FROM ranked
    WHERE metric_rank <= 10
    GROUP BY show_id
)
SELECT
    r.metric_rank AS rank,
    p.metric_rank AS prev_rank,
    r.show_id,
    s.title,
    s.genre,
    s.is_original,
    r.total_watch_seconds,
    r.viewers,
    r.views,
    r.runtime_minutes,
    CAST(coalesce(h.days_in_top10_30d, 0) AS BIGINT) AS days_in_top10_30d
FROM ranked r
LEFT JOIN ranked p
       ON p.show_id = r.show_id AND p.event_date = CAST($1 AS DATE) - 1
LEFT JOIN history h ON h.show_id = r.show_id
LEFT JOIN dim_shows s ON s.show_id = r.show_id
WHERE r.event_date = CAST($1 AS DATE)
  AND r.metric_rank <= 10
ORDER BY r.metric_rank;
