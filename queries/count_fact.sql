-- Manifest counts of the fact, from build_base.sql: rows, and rows moved to
-- a canonical show id.
SELECT coalesce(sum(events), 0) AS fact_rows,
       coalesce(sum(merged_events), 0) AS merged_rows
FROM base;
