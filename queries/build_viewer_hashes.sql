-- The 64-bit hash of every fact's (event_date, country, show, user) in the
-- batch that lies in $1..$2. pipeline/repeats.rs keeps the hashes seen more
-- than once, table `repeated_viewers`: the only keys where a user watched
-- more than once, so the only rows build_base.sql must count distinct users
-- of. In standard SQL:
--   SELECT h FROM (...) GROUP BY h HAVING count(*) > 1
SELECT h
FROM (SELECT viewer_pair_hash(event_date, country, show_id, user_id) AS h FROM batch_facts)
WHERE h BETWEEN $1 AND $2
