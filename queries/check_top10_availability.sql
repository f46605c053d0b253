-- Check Top 10 availability (case study §6): per country with aggregate rows
-- on date $1, its eligible (ranked) shows and what top10_country_day holds:
-- rows, distinct ranks and the highest rank. A complete list has
-- least(eligible, 10) rows ranked 1..n.
WITH elig AS (
    SELECT country, count(rank_in_country) AS eligible
    FROM agg_watch_day_country_show
    WHERE event_date = CAST($1 AS DATE)
    GROUP BY country
),
pub AS (
    SELECT country, count(*) AS published,
           count(DISTINCT rank_position) AS ranks,
           max(rank_position) AS max_rank
    FROM top10_country_day
    WHERE event_date = CAST($1 AS DATE)
    GROUP BY country
)
SELECT e.country,
       e.eligible,
       least(e.eligible, 10) AS expected,
       coalesce(p.published, 0) AS published,
       coalesce(p.ranks, 0) AS ranks,
       coalesce(p.max_rank, 0) AS max_rank
FROM elig e
LEFT JOIN pub p ON p.country = e.country
ORDER BY e.country;
