//! The SQL of the pipeline and the analytics, embedded from `queries/*.sql`.
//! Values always reach DuckDB as bound parameters (`$1`, `$2`, …); the text
//! here never contains user input. Each query keeps its file name so a pane
//! or a command can show exactly which SQL produced what it shows.

/// One embedded query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sql {
    /// The file name without `.sql`.
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! sql {
    ($const:ident, $name:literal) => {
        pub const $const: Sql = Sql {
            name: $name,
            text: include_str!(concat!("../queries/", $name, ".sql")),
        };
    };
}

sql!(BUILD_SCHEMA, "build_schema");
sql!(BUILD_LOAD_RAW, "build_load_raw");
sql!(BUILD_LOAD_DIM_USERS, "build_load_dim_users");
sql!(BUILD_LOAD_DIM_SHOWS, "build_load_dim_shows");
sql!(BUILD_LOAD_DIM_GEO, "build_load_dim_geo");
sql!(
    BUILD_LOAD_SHOW_CANONICAL_MAP,
    "build_load_show_canonical_map"
);
sql!(
    BUILD_LOAD_CONTENT_RESTRICTIONS,
    "build_load_content_restrictions"
);
sql!(BUILD_READ_DIMENSION, "build_read_dimension");
sql!(CANONICAL_CONFLICTS, "canonical_conflicts");
sql!(CANONICAL_CYCLES, "canonical_cycles");
sql!(BUILD_CANONICAL_RESOLVE, "build_canonical_resolve");
sql!(BUILD_EVENT_HASHES, "build_event_hashes");
sql!(BUILD_VERSIONS, "build_versions");
sql!(BUILD_FACTS, "build_facts");
sql!(BUILD_VIEWER_HASHES, "build_viewer_hashes");
sql!(BUILD_BASE, "build_base");
sql!(FACT_SEGMENT, "fact_segment");
sql!(BUILD_AGG, "build_agg");
sql!(COUNT_RAW, "count_raw");
sql!(COUNT_VERSIONS, "count_versions");
sql!(COUNT_WINNERS, "count_winners");
sql!(COUNT_FACT, "count_fact");
sql!(COUNT_AGG, "count_agg");
sql!(WRITE_QUARANTINE, "write_quarantine");
sql!(WRITE_DUPLICATES, "write_duplicates");
sql!(
    WRITE_AGG_WATCH_DAY_COUNTRY_SHOW,
    "write_agg_watch_day_country_show"
);
sql!(WRITE_TOP10_COUNTRY_DAY, "write_top10_country_day");
sql!(BENCH_CASE_STUDY_DEDUP, "bench_case_study_dedup");
sql!(BENCH_CASE_STUDY_AGG, "bench_case_study_agg");
sql!(BENCH_CASE_STUDY_TOP10, "bench_case_study_top10");
sql!(BENCH_FLOOR, "bench_floor");
sql!(BENCH_FLOOR_ROWS, "bench_floor_rows");
sql!(BENCH_FLOOR_METHOD, "bench_floor_method");
sql!(TOP10, "top10");
sql!(TOP10_DATE, "top10_date");
sql!(WOW, "wow");
sql!(SHARE, "share");
sql!(EXPLAIN_CANONICAL, "explain_canonical");
sql!(EXPLAIN_ROW, "explain_row");
sql!(EXPLAIN_NEIGHBOURS, "explain_neighbours");
sql!(EXPLAIN_MERGED_IDS, "explain_merged_ids");
sql!(EXPLAIN_EVENTS, "explain_events");
sql!(CHANGES_TIMEZONE, "changes_timezone");
sql!(CHANGES_ARRIVALS, "changes_arrivals");
sql!(TUI_COUNTRIES, "tui_countries");
sql!(TUI_TOP10_PUBLISHED, "tui_top10_published");
sql!(TUI_TOP10_METRIC, "tui_top10_metric");
sql!(TUI_WOW_DAILY, "tui_wow_daily");
sql!(TUI_SHOW_TITLES, "tui_show_titles");
sql!(TUI_QUALITY_QUARANTINE, "tui_quality_quarantine");
sql!(TUI_QUALITY_ORPHANS, "tui_quality_orphans");
sql!(
    TUI_QUALITY_MISSING_COUNTRIES,
    "tui_quality_missing_countries"
);
sql!(CHECK_COMPLETENESS, "check_completeness");
sql!(CHECK_FRESHNESS, "check_freshness");
sql!(CHECK_UNIQUENESS, "check_uniqueness");
sql!(CHECK_VALIDITY, "check_validity");
sql!(CHECK_QUARANTINE, "check_quarantine");
sql!(CHECK_ORPHANS, "check_orphans");
sql!(CHECK_RECONCILIATION, "check_reconciliation");
sql!(CHECK_TOP10_AVAILABILITY, "check_top10_availability");
sql!(CHECK_VOLUME, "check_volume");
sql!(CHECK_RANKING_STABILITY, "check_ranking_stability");
sql!(CHECK_HISTORY_SCHEMA, "check_history_schema");
sql!(CHECK_HISTORY_INSERT, "check_history_insert");
sql!(CHECK_HISTORY, "check_history");
sql!(CHECK_ZONES, "check_zones");
sql!(CHECK_DEADLINES, "check_deadlines");
sql!(CHECK_DEADLINES_INSERT, "check_deadlines_insert");

/// The query that loads each dimension snapshot, by table name.
pub fn dimension_loader(table: &str) -> Option<Sql> {
    Some(match table {
        "dim_users" => BUILD_LOAD_DIM_USERS,
        "dim_shows" => BUILD_LOAD_DIM_SHOWS,
        "dim_geo" => BUILD_LOAD_DIM_GEO,
        "show_canonical_map" => BUILD_LOAD_SHOW_CANONICAL_MAP,
        "content_restrictions" => BUILD_LOAD_CONTENT_RESTRICTIONS,
        _ => return None,
    })
}

/// The query whose rows are written as each partitioned table.
pub fn writer(table: &str) -> Option<Sql> {
    Some(match table {
        "quarantine" => WRITE_QUARANTINE,
        "duplicates" => WRITE_DUPLICATES,
        "agg_watch_day_country_show" => WRITE_AGG_WATCH_DAY_COUNTRY_SHOW,
        "top10_country_day" => WRITE_TOP10_COUNTRY_DAY,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::DIMENSIONS;
    use crate::warehouse::PARTITIONED;

    #[test]
    fn every_table_has_its_query() {
        for d in DIMENSIONS {
            assert!(dimension_loader(d.name).is_some(), "{}", d.name);
        }
        for t in PARTITIONED {
            assert!(writer(t).is_some(), "{t}");
        }
    }

    #[test]
    fn every_query_documents_itself() {
        for q in [TOP10, WOW, SHARE, BUILD_VERSIONS, BUILD_AGG, FACT_SEGMENT] {
            assert!(q.text.trim_start().starts_with("--"), "{}", q.name);
        }
    }
}
