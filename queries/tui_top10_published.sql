-- TUI Top 10 pane, default ranking: the published Top 10
-- (top10_country_day, as top10.sql returns it) of one date ($1) and country
-- ($2), with each show's published rank the day before (prev_rank, NULL when
-- it was not in that Top 10), its views (watch time / runtime) and on how
-- many of the last 30 days, this one included, it was in the published
-- Top 10. Reads only the small published table, so the first screen is fast
-- on any lake; tui_top10_metric.sql re-ranks the aggregates by other metrics.
WITH recent AS (
    SELECT event_date, show_id, rank_position
    FROM top10_country_day
    WHERE country = CAST($2 AS VARCHAR)
      AND event_date BETWEEN CAST($1 AS DATE) - 29 AND CAST($1 AS DATE)
),
history AS (
    SELECT show_id, count(*) AS days_in_top10_30d
    FROM recent
    GROUP BY show_id
)
SELECT
    t.rank_position AS rank,
    p.rank_position AS prev_rank,
    t.show_id,
    s.title,
    s.genre,
    s.is_original,
    t.total_watch_seconds,
    t.viewers,
    CAST(t.total_watch_seconds AS DOUBLE) / (60 * nullif(s.runtime_minutes, 0)) AS views,
    s.runtime_minutes,
    CAST(coalesce(h.days_in_top10_30d, 0) AS BIGINT) AS days_in_top10_30d
FROM top10_country_day t
LEFT JOIN recent p
       ON p.show_id = t.show_id AND p.event_date = CAST($1 AS DATE) - 1
LEFT JOIN history h ON h.show_id = t.show_id
LEFT JOIN dim_shows s ON s.show_id = t.show_id
WHERE t.event_date = CAST($1 AS DATE)
  AND t.country = CAST($2 AS VARCHAR)
ORDER BY t.rank_position;
