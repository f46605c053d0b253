-- Benchmark floor by the build's own method, step 1 of 2: the hash of
-- every row's (date, country, show, user) in $1..$2, as
-- build_viewer_hashes.sql hashes the facts; pipeline/repeats.rs keeps those
-- seen more than once in repeated_viewers.
SELECT h
FROM (SELECT viewer_pair_hash(event_date, country, show_id, user_id) AS h FROM floor_rows)
WHERE h BETWEEN $1 AND $2
