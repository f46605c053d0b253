-- SPEC §2.6-2.7: over the aggregate per (event_date, country, canonical show), mark
-- the shows the business rules exclude (a restriction recorded on an old id
-- applies to its canonical show; kids_only anywhere, region_blocked where the
-- region is the country), and rank the rest without gaps or ties.
CREATE TEMP TABLE agg AS
-- base: the per-key sums and viewer counts of build_base.sql.
WITH restrictions AS (
    SELECT coalesce(m.canonical_show_id, r.show_id) AS show_id, r.restriction_type, r.region_code
    FROM content_restrictions r
    LEFT JOIN show_canonical_resolved m ON m.old_show_id = r.show_id
),
kids AS (
    SELECT DISTINCT show_id FROM restrictions WHERE restriction_type = 'kids_only'
),
blocked AS (
    SELECT DISTINCT show_id, region_code FROM restrictions WHERE restriction_type = 'region_blocked'
),
marked AS (
    SELECT b.*,
           CASE WHEN k.show_id IS NOT NULL THEN 'kids_only'
                WHEN bl.show_id IS NOT NULL THEN 'region_blocked' END AS exclusion_reason
    FROM (SELECT event_date, country, show_id, total_watch_seconds, viewers FROM base) b
    LEFT JOIN kids k ON k.show_id = b.show_id
    LEFT JOIN blocked bl ON bl.show_id = b.show_id AND bl.region_code = b.country
)
SELECT
    event_date, country, show_id, total_watch_seconds, viewers,
    CASE WHEN exclusion_reason IS NULL THEN CAST(row_number() OVER (
        PARTITION BY event_date, country, exclusion_reason IS NULL
        ORDER BY total_watch_seconds DESC, viewers DESC, show_id ASC) AS INTEGER)
    END AS rank_in_country,
    exclusion_reason
FROM marked;
