-- SPEC §2.5 for one batch of event dates: per (event_date, country,
-- canonical show), total_watch_seconds = SUM(watch_seconds) and viewers =
-- COUNT(DISTINCT user_id), over the batch's facts (build_facts.sql), with
-- the number of facts and of those moved to a canonical id for the
-- manifest. user_id is never NULL in a fact.
--
-- Distinct viewers without a hash-table entry per (key, user): a key's
-- viewers are its facts, except where a user watched it more than once.
-- Those (key, user) pairs have their hash in `repeated_viewers`
-- (pipeline/repeats.rs: about 100,000 pairs for 10.4 M facts), so the
-- first GROUP BY keeps the user only for them and puts every other fact of
-- the key in one group (user NULL) whose facts are one viewer each. That is
-- about one group per key instead of one per fact. A hash shared by two
-- pairs only keeps users apart that needed no keeping. The user NULL marks
-- that group: a fact's user_id is never NULL (build_versions.sql
-- quarantines such rows). The aggregate stage at 10 M events: 2.2 s, where
-- a GROUP BY per user and then per key made it 3.4 s (docs/benchmarks.md).
INSERT INTO base
SELECT event_date, country, show_id,
       CAST(sum(watch_seconds) AS BIGINT) AS total_watch_seconds,
       CAST(sum(CASE WHEN user_id IS NULL THEN events ELSE 1 END) AS BIGINT) AS viewers,
       CAST(sum(events) AS BIGINT) AS events,
       CAST(sum(merged_events) AS BIGINT) AS merged_events
FROM (
    SELECT event_date, country, show_id,
           CASE WHEN viewer_pair_hash(event_date, country, show_id, user_id)
                     IN (SELECT h FROM repeated_viewers)
                THEN user_id END AS user_id,
           sum(watch_seconds) AS watch_seconds,
           count(*) AS events,
           count_if(merged) AS merged_events
    FROM batch_facts
    GROUP BY ALL
)
GROUP BY event_date, country, show_id
