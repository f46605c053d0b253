-- top10_country_day as written: the published lists.
SELECT country, rank_in_country AS rank_position, show_id, total_watch_seconds,
       viewers, event_date
FROM agg
WHERE rank_in_country <= 10
ORDER BY event_date, country, rank_position
