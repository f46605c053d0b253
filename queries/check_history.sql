-- `top10 check --history`: every recorded result from the run files $1 (a
-- glob), oldest run first, optionally of one check ($2, NULL: all).
SELECT check_ts, check_name, event_date AS date, status, severity, details
FROM read_parquet(CAST($1 AS VARCHAR), union_by_name = true)
WHERE CAST($2 AS VARCHAR) IS NULL OR check_name = CAST($2 AS VARCHAR)
ORDER BY check_ts, check_name, event_date NULLS FIRST;
