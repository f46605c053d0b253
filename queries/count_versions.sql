-- Manifest counts after deduplication: raw rows of the built dates, and the
-- versions that lost.
SELECT count(*) AS raw_rows,
       count(*) FILTER (WHERE version_rank > 1) AS duplicates
FROM versions;
