-- TUI quality pane, offenders of quarantine_rate: the quarantined rows of
-- date $1, grouped by reason (the reason with the most rows first), then by
-- where they came from. At most 1000 rows.
-- reason_rows is a GROUP BY joined back rather than a window: over the
-- hive-partitioned quarantine view, DuckDB computes count(*) OVER (...)
-- before the event_date filter (every date's rows, not the day's).
WITH day AS (
    SELECT * FROM quarantine WHERE event_date = CAST($1 AS DATE)
),
by_reason AS (
    SELECT reason, count(*) AS reason_rows FROM day GROUP BY reason
)
SELECT
    d.reason,
    r.reason_rows,
    d.event_id,
    d.src_file,
    d.src_row,
    d.country,
    d.user_id,
    d.show_id,
    d.watch_seconds,
    d.event_ts,
    d.ingestion_ts
FROM day d
JOIN by_reason r ON r.reason IS NOT DISTINCT FROM d.reason
ORDER BY r.reason_rows DESC, d.reason, d.src_file, d.src_row
LIMIT 1000;
