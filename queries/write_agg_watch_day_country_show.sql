-- agg_watch_day_country_show as written: ranked rows first, by rank.
SELECT country, show_id, total_watch_seconds, viewers, rank_in_country,
       exclusion_reason, event_date
FROM agg
ORDER BY event_date, country, rank_in_country NULLS LAST, show_id
