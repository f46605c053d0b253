-- Row counts at every stage, for the build manifest.
SELECT
    (SELECT count(*) FROM raw) AS raw_rows_read,
    (SELECT count(*) FROM versions) AS raw_rows,
    (SELECT count(*) FROM versions WHERE version_rank > 1) AS duplicates,
    (SELECT count(*) FROM winners) AS events,
    (SELECT count(*) FROM winners WHERE reason = 'null_field') AS q_null_field,
    (SELECT count(*) FROM winners WHERE reason = 'watch_seconds_out_of_range') AS q_out_of_range,
    (SELECT count(*) FROM winners WHERE reason = 'unknown_country') AS q_unknown_country,
    (SELECT count(*) FROM fact) AS fact_rows,
    (SELECT count(*) FROM fact WHERE show_id <> original_show_id) AS merged_rows,
    (SELECT count(*) FROM fact f WHERE NOT EXISTS (SELECT 1 FROM dim_users u WHERE u.user_id = f.user_id)) AS orphan_user_rows,
    (SELECT count(*) FROM fact f WHERE NOT EXISTS (SELECT 1 FROM dim_shows s WHERE s.show_id = f.show_id)) AS orphan_show_rows,
    (SELECT count(*) FROM agg) AS agg_rows,
    (SELECT count(*) FROM agg WHERE rank_in_country IS NOT NULL) AS ranked,
    (SELECT count(*) FROM agg WHERE exclusion_reason = 'kids_only') AS ex_kids_only,
    (SELECT count(*) FROM agg WHERE exclusion_reason = 'region_blocked') AS ex_region_blocked,
    (SELECT count(*) FROM agg WHERE rank_in_country <= 10) AS top10_rows;
