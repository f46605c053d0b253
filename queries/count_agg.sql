-- Manifest counts of the aggregate: rows, ranked, excluded by rule, Top 10.
SELECT count(*) AS agg_rows,
       count(rank_in_country) AS ranked,
       count(*) FILTER (WHERE exclusion_reason = 'kids_only') AS kids_only,
       count(*) FILTER (WHERE exclusion_reason = 'region_blocked') AS region_blocked,
       count(*) FILTER (WHERE rank_in_country <= 10) AS top10_rows
FROM agg;
