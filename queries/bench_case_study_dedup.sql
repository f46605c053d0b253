-- Benchmark baseline, step 1 of 3: the case study's deduplication exactly as
-- written (case-study.md, "Deduplication logic"), run over every landing
-- partition instead of `dt = CURRENT_DATE - 1` so that it covers the same
-- events as a full build. Its output is written to Parquet as
-- deduped_events, which step 2 reads as fact_watch_events.
SELECT *
FROM (
  SELECT *,
    ROW_NUMBER() OVER (
      PARTITION BY event_id
      ORDER BY ingestion_ts DESC
    ) AS rn
  FROM raw_watch_events
) t
WHERE rn = 1
