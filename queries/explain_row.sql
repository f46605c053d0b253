-- Lineage: the aggregate row of one (date $1, country $2, show $3) with its
-- rank or exclusion, and the show's dimension attributes (NULL for an orphan).
SELECT a.total_watch_seconds, a.viewers, a.rank_in_country, a.exclusion_reason,
       s.title, s.genre, s.is_original
FROM (SELECT CAST($3 AS BIGINT) AS show_id) k
LEFT JOIN agg_watch_day_country_show a
       ON a.event_date = CAST($1 AS DATE) AND a.country = CAST($2 AS VARCHAR) AND a.show_id = k.show_id
LEFT JOIN dim_shows s ON s.show_id = k.show_id;
