-- SPEC §2.1 deduplication. Most events arrive once, so the ordering window
-- runs only over the *contested* events. They are found by one hash
-- aggregate over the 64-bit hash of event_id — eight bytes a row, where the
-- ids themselves would need a hash table of every id. Two ids that share a
-- hash are both treated as contested, which only costs the window a little
-- more work: it partitions by the id itself, so the outcome is exact.
-- Per contested event_id, versions are ordered latest ingestion_ts first
-- (NULL oldest), then greater src, then greater watch_seconds; identical
-- deliveries are settled by the greater (src_file, src_row) so the outcome
-- never depends on read order. A NULL event_id cannot be matched, so such a
-- row is an event of its own (never contested).
-- Every version carries its winner's identity and the attribution date: the
-- winner's event date, or its landing date when its event_ts is NULL. Only
-- events attributed to the built dates (build_params) are kept.
CREATE TEMP TABLE contested AS
SELECT hash(event_id) AS h
FROM raw
WHERE event_id IS NOT NULL
GROUP BY hash(event_id)
HAVING count(*) > 1;

CREATE TEMP TABLE versions AS
SELECT v.*
FROM (
    SELECT
        r.*,
        row_number() OVER w AS version_rank,
        first_value(src_file) OVER w AS winner_src_file,
        first_value(src_row) OVER w AS winner_src_row,
        first_value(ingestion_ts) OVER w AS winner_ingestion_ts,
        first_value(event_date_of(event_ts, dt)) OVER w AS event_date
    FROM raw r
    WHERE r.event_id IS NOT NULL
      AND hash(r.event_id) IN (SELECT h FROM contested)
    WINDOW w AS (
        PARTITION BY event_id
        ORDER BY ingestion_ts DESC NULLS LAST,
                 src DESC NULLS LAST,
                 watch_seconds DESC NULLS LAST,
                 src_file DESC,
                 src_row DESC
    )
) v, build_params p
WHERE (p.from_date IS NULL OR v.event_date >= p.from_date)
  AND (p.to_date IS NULL OR v.event_date <= p.to_date);
