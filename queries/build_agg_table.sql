-- The aggregate with the default engine, which aggregates, excludes and
-- ranks in Rust (pipeline/aggregate.rs, rank.rs) and appends the rows batch
-- by batch, with the country and exclusion reason as numbers (strings
-- cross into DuckDB one at a time). `agg` gives them the columns and
-- types build_agg.sql gives its table.
CREATE TEMP TABLE agg_rows (
    event_date          DATE,
    country_idx         USMALLINT,
    show_id             BIGINT,
    total_watch_seconds BIGINT,
    viewers             BIGINT,
    rank_in_country     INTEGER,
    exclusion_code      UTINYINT
);
CREATE TEMP VIEW agg AS
SELECT a.event_date, g.country, a.show_id, a.total_watch_seconds, a.viewers,
       a.rank_in_country,
       CASE a.exclusion_code WHEN 1 THEN 'kids_only' WHEN 2 THEN 'region_blocked' END
           AS exclusion_reason
FROM agg_rows a
JOIN country_index g ON g.idx = a.country_idx;
