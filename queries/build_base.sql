-- SPEC §2.5 for one batch of event dates: per (event_date, country,
-- canonical show), total_watch_seconds = SUM(watch_seconds) and viewers =
-- COUNT(DISTINCT user_id), over the batch's facts (build_facts.sql), with
-- the number of facts and of those moved to a canonical id for the
-- manifest. user_id is never NULL in a fact.
--
-- Distinct viewers without a hash table of every (key, user): a key's
-- facts number its viewers plus the extra facts of users who watched more
-- than once. Those users' (key, user) hashes are in `repeated_viewers`
-- (pipeline/repeats.rs, about 1 % of the keys at 10 M events), so only
-- their rows are counted distinct. A hash shared by two different users
-- only adds rows to that exact count. Measured at 10 M events: 1.8 s with
-- the hashes, where a GROUP BY per user and then per key took 2.4 s and
-- COUNT(DISTINCT user_id) more (docs/benchmarks.md).
INSERT INTO base
WITH totals AS (
    SELECT event_date, country, show_id,
           sum(watch_seconds) AS total_watch_seconds,
           count(*) AS events,
           count_if(merged) AS merged_events
    FROM batch_facts
    GROUP BY event_date, country, show_id
),
extra AS (
    SELECT event_date, country, show_id,
           count(*) - count(DISTINCT user_id) AS extra_events
    FROM batch_facts
    WHERE hash(event_date, country, show_id, user_id) IN (SELECT h FROM repeated_viewers)
    GROUP BY event_date, country, show_id
)
SELECT t.event_date, t.country, t.show_id,
       CAST(t.total_watch_seconds AS BIGINT) AS total_watch_seconds,
       t.events - coalesce(e.extra_events, 0) AS viewers,
       t.events,
       t.merged_events
FROM totals t
LEFT JOIN extra e
       ON e.event_date = t.event_date AND e.country = t.country AND e.show_id = t.show_id
