-- Manifest counts after deduplication: the versions that lost.
SELECT count(*) AS duplicates FROM versions WHERE version_rank > 1;
