-- The candidates that are facts, for the default engine's aggregate
-- (pipeline/scan.rs): the candidates not in `deletes` — the winners that
-- passed validation, and rows marked contested only by a shared hash — of
-- the event dates of the aggregate's current batch, with the country as
-- its number in country_index. The other facts were aggregated as the
-- Rust pass read them.
SELECT CAST(c.event_ts AS DATE) AS event_date,
       g.idx AS country_idx,
       c.show_id,
       c.user_id,
       c.watch_seconds
FROM candidates c
JOIN country_index g ON g.country = c.country
ANTI JOIN (SELECT file_id, src_row FROM deletes WHERE in_batch(row_date)) d
       ON d.file_id = c.file_id AND d.src_row = c.src_row
WHERE in_batch(CAST(c.event_ts AS DATE));
