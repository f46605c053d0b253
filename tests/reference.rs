//! An independent reference implementation of SPEC §2 (and the exact semantics of
//! docs/data-model.md) in plain Rust — no SQL, no DuckDB — and tests that compare it
//! with what `top10 build` writes into the warehouse.
//!
//! The reference reads the lake back from its Parquet files (so file reading and the
//! raw-row identity `src_file`/`src_row` are covered too) and computes the five
//! partitioned tables: `fact_watch_events`, `quarantine`, `duplicates`,
//! `agg_watch_day_country_show` and `top10_country_day`. The comparison reads the
//! warehouse's current version with the `parquet` crate and compares each table as a
//! sorted multiset, printing the first differing rows on a mismatch. It also checks
//! that every raw row lands in exactly one of fact, quarantine and duplicates.
//!
//! Lakes come from the seeded generator in `tests/common/lake.rs`, which plants every
//! edge case of §2, from the committed `sample_data/`, and from a hand-made lake whose
//! expected tables are written out by hand (that one checks the reference itself).

mod common;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Display, Write as _};
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use common::columns::ParquetFile;
use common::lake::{self, Lake, RawEvent, ids};
use common::{DAY, HOUR, SECOND, date_str, day_start, parse_date, ts_date, ts_str};

// ---------------------------------------------------------------------------------
// Rows of the compared tables
// ---------------------------------------------------------------------------------

/// A value printed in a diff: `NULL` for `None`.
trait Cell {
    fn cell(&self) -> String;
}

impl Cell for String {
    fn cell(&self) -> String {
        self.clone()
    }
}

impl Cell for i64 {
    fn cell(&self) -> String {
        self.to_string()
    }
}

impl<T: Cell> Cell for Option<T> {
    fn cell(&self) -> String {
        self.as_ref().map_or_else(|| "NULL".to_owned(), Cell::cell)
    }
}

/// Declares a comparable row type whose `Display` is `field=value …`. Fields are
/// declared in sort order, so rows of one key sit next to each other in a diff.
macro_rules! row {
    ($(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
        struct $name { $($field: $ty),* }

        impl Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let cells = [$(format!("{}={}", stringify!($field), self.$field.cell())),*];
                f.write_str(&cells.join(" "))
            }
        }
    };
}

row!(
    /// A row of fact_watch_events. Timestamps and dates are formatted text.
    Fact {
        event_date: Option<String>,
        country: Option<String>,
        show_id: Option<i64>,
        event_id: Option<String>,
        user_id: Option<i64>,
        original_show_id: Option<i64>,
        watch_seconds: Option<i64>,
        event_ts: Option<String>,
        src: Option<String>,
        ingestion_ts: Option<String>,
        dt: Option<String>,
        src_file: Option<String>,
        src_row: Option<i64>,
    }
);

row!(
    /// A row of quarantine (identity, reason, attribution date).
    Quarantine {
        event_date: Option<String>,
        src_file: Option<String>,
        src_row: Option<i64>,
        reason: Option<String>,
    }
);

row!(
    /// A row of duplicates (identity, the winner's identity, the winner's date).
    Duplicate {
        event_date: Option<String>,
        src_file: Option<String>,
        src_row: Option<i64>,
        winner_src_file: Option<String>,
        winner_src_row: Option<i64>,
    }
);

row!(
    /// A row of agg_watch_day_country_show.
    Agg {
        event_date: Option<String>,
        country: Option<String>,
        show_id: Option<i64>,
        total_watch_seconds: Option<i64>,
        viewers: Option<i64>,
        rank_in_country: Option<i64>,
        exclusion_reason: Option<String>,
    }
);

row!(
    /// A row of top10_country_day.
    Top {
        event_date: Option<String>,
        country: Option<String>,
        rank_position: Option<i64>,
        show_id: Option<i64>,
        total_watch_seconds: Option<i64>,
        viewers: Option<i64>,
    }
);

/// The five partitioned tables of one build.
#[derive(Clone, Debug, Default)]
struct Tables {
    fact: Vec<Fact>,
    quarantine: Vec<Quarantine>,
    duplicates: Vec<Duplicate>,
    agg: Vec<Agg>,
    top10: Vec<Top>,
}

impl Tables {
    /// Only the rows whose event_date satisfies `keep`.
    fn filter(&self, keep: impl Fn(&str) -> bool) -> Tables {
        let k = |d: &Option<String>| d.as_deref().is_some_and(&keep);
        Tables {
            fact: self
                .fact
                .iter()
                .filter(|r| k(&r.event_date))
                .cloned()
                .collect(),
            quarantine: self
                .quarantine
                .iter()
                .filter(|r| k(&r.event_date))
                .cloned()
                .collect(),
            duplicates: self
                .duplicates
                .iter()
                .filter(|r| k(&r.event_date))
                .cloned()
                .collect(),
            agg: self
                .agg
                .iter()
                .filter(|r| k(&r.event_date))
                .cloned()
                .collect(),
            top10: self
                .top10
                .iter()
                .filter(|r| k(&r.event_date))
                .cloned()
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------
// Reading the lake back
// ---------------------------------------------------------------------------------

/// A raw row with its identity and landing date.
#[derive(Clone, Debug)]
struct RawRow {
    ev: RawEvent,
    /// Path below `raw_watch_events/`, e.g. `dt=2026-01-05/part-00000.parquet`.
    src_file: String,
    /// 0-based row number in that file.
    src_row: i64,
    /// The landing date of the partition folder.
    dt: i32,
}

impl RawRow {
    fn identity(&self) -> (String, i64) {
        (self.src_file.clone(), self.src_row)
    }
}

/// What the pipeline reads from a lake.
#[derive(Clone, Debug, Default)]
struct LakeInput {
    rows: Vec<RawRow>,
    /// dim_geo's countries.
    countries: BTreeSet<String>,
    /// show_canonical_map, old → new.
    merges: BTreeMap<i64, i64>,
    /// content_restrictions: (show_id, restriction_type, region_code).
    restrictions: Vec<(Option<i64>, Option<String>, Option<String>)>,
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    v.sort();
    v
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

impl LakeInput {
    /// Reads a lake directory from disk.
    fn read(dir: &Path) -> LakeInput {
        let mut rows = Vec::new();
        for part in sorted_entries(&dir.join("raw_watch_events")) {
            let folder = file_name(&part);
            if !part.is_dir() || folder.starts_with('.') || folder.starts_with('_') {
                continue;
            }
            let dt = folder
                .strip_prefix("dt=")
                .and_then(parse_date)
                .unwrap_or_else(|| panic!("unexpected landing folder {}", part.display()));
            for path in sorted_entries(&part) {
                let name = file_name(&path);
                if name.starts_with('.') || name.starts_with('_') {
                    continue;
                }
                assert!(
                    name.ends_with(".parquet"),
                    "unexpected file {}",
                    path.display()
                );
                let f = ParquetFile::read(&path);
                let (event_id, user_id, show_id, country) = (
                    f.strings("event_id"),
                    f.ints("user_id"),
                    f.ints("show_id"),
                    f.strings("country"),
                );
                let (watch_seconds, event_ts, src, ingestion_ts) = (
                    f.ints("watch_seconds"),
                    f.timestamps("event_ts"),
                    f.strings("src"),
                    f.timestamps("ingestion_ts"),
                );
                let src_file = format!("{folder}/{name}");
                for i in 0..f.num_rows() {
                    let ev = RawEvent {
                        event_id: event_id[i].clone(),
                        user_id: user_id[i],
                        show_id: show_id[i],
                        country: country[i].clone(),
                        watch_seconds: watch_seconds[i]
                            .map(|w| i32::try_from(w).expect("watch_seconds fits INTEGER")),
                        event_ts: event_ts[i],
                        src: src[i].clone(),
                        ingestion_ts: ingestion_ts[i],
                    };
                    rows.push(RawRow {
                        ev,
                        src_file: src_file.clone(),
                        src_row: i as i64,
                        dt,
                    });
                }
            }
        }

        let geo = ParquetFile::read(&dir.join("dim_geo.parquet"));
        let countries = geo.strings("country").into_iter().flatten().collect();

        let map = ParquetFile::read(&dir.join("show_canonical_map.parquet"));
        let mut merges = BTreeMap::new();
        for (old, new) in map
            .ints("old_show_id")
            .into_iter()
            .zip(map.ints("new_show_id"))
        {
            if let (Some(old), Some(new)) = (old, new) {
                let prev = merges.insert(old, new);
                assert!(
                    prev.is_none() || prev == Some(new),
                    "show {old} is mapped twice"
                );
            }
        }

        let r = ParquetFile::read(&dir.join("content_restrictions.parquet"));
        let restrictions = r
            .ints("show_id")
            .into_iter()
            .zip(r.strings("restriction_type"))
            .zip(r.strings("region_code"))
            .map(|((s, t), c)| (s, t, c))
            .collect();

        LakeInput {
            rows,
            countries,
            merges,
            restrictions,
        }
    }

    /// The same input built from an in-memory lake (used only to plant rows while
    /// generating; the tests themselves always read files back).
    fn from_memory(lake: &Lake) -> LakeInput {
        let rows = lake
            .all_raw()
            .map(|(file, i, ev)| RawRow {
                ev: ev.clone(),
                src_file: file.to_owned(),
                src_row: i as i64,
                dt: parse_date(&file[3..13]).expect("dt= folder"),
            })
            .collect();
        LakeInput {
            rows,
            countries: lake.geo.iter().map(|g| g.country.clone()).collect(),
            merges: lake
                .merges
                .iter()
                .map(|m| (m.old_show_id, m.new_show_id))
                .collect(),
            restrictions: lake
                .restrictions
                .iter()
                .map(|r| {
                    (
                        Some(r.show_id),
                        Some(r.restriction_type.clone()),
                        r.region_code.clone(),
                    )
                })
                .collect(),
        }
    }

    /// The raw rows a build sees: all of them, or under `--as-of` only those with
    /// `ingestion_ts <= as_of` (NULL ingestion_ts excluded).
    fn visible(&self, as_of: Option<i64>) -> Vec<&RawRow> {
        self.rows
            .iter()
            .filter(|r| as_of.is_none_or(|t| r.ev.ingestion_ts.is_some_and(|i| i <= t)))
            .collect()
    }
}

// ---------------------------------------------------------------------------------
// The reference implementation of SPEC §2
// ---------------------------------------------------------------------------------

/// Follows show_canonical_map transitively. Panics on a cycle (the lakes here have
/// none; the binary must reject one).
fn canonical(merges: &BTreeMap<i64, i64>, id: i64) -> i64 {
    let mut seen = BTreeSet::new();
    let mut cur = id;
    while let Some(&next) = merges.get(&cur) {
        assert!(
            seen.insert(cur),
            "cycle in show_canonical_map through {cur}"
        );
        cur = next;
    }
    cur
}

/// Dedup order: the greatest version wins. ingestion_ts (NULL oldest), then src
/// (NULL lowest), then watch_seconds (NULL lowest), then (src_file, src_row).
fn version_order(a: &RawRow, b: &RawRow) -> std::cmp::Ordering {
    let key = |r: &RawRow| {
        (
            r.ev.ingestion_ts,
            r.ev.src.clone(),
            r.ev.watch_seconds,
            r.src_file.clone(),
            r.src_row,
        )
    };
    key(a).cmp(&key(b))
}

/// Validation of a surviving version: the first failing rule, in the documented
/// order.
fn quarantine_reason(e: &RawEvent, countries: &BTreeSet<String>) -> Option<&'static str> {
    let any_null = e.event_id.is_none()
        || e.user_id.is_none()
        || e.show_id.is_none()
        || e.country.is_none()
        || e.event_ts.is_none()
        || e.watch_seconds.is_none();
    if any_null {
        Some("null_field")
    } else if !(0..=86_400).contains(&e.watch_seconds.unwrap()) {
        Some("watch_seconds_out_of_range")
    } else if !countries.contains(e.country.as_ref().unwrap()) {
        Some("unknown_country")
    } else {
        None
    }
}

/// Computes the five tables from the raw rows visible at `as_of`.
fn reference(input: &LakeInput, as_of: Option<i64>) -> Tables {
    let rows = input.visible(as_of);

    // 1. Dedup: versions grouped by event_id; a NULL event_id is its own event.
    let mut by_id: BTreeMap<&str, Vec<&RawRow>> = BTreeMap::new();
    let mut events: Vec<(&RawRow, Vec<&RawRow>)> = Vec::new();
    for r in rows {
        match r.ev.event_id.as_deref() {
            Some(id) => by_id.entry(id).or_default().push(r),
            None => events.push((r, Vec::new())),
        }
    }
    for versions in by_id.into_values() {
        let winner = *versions
            .iter()
            .max_by(|a, b| version_order(a, b))
            .expect("a group has a version");
        let losers = versions
            .into_iter()
            .filter(|r| !std::ptr::eq(*r, winner))
            .collect();
        events.push((winner, losers));
    }

    // 2–4. Validation, canonical ids, attribution date.
    let mut t = Tables::default();
    for (w, losers) in events {
        let date = date_str(w.ev.event_ts.map_or(w.dt, ts_date));
        for l in losers {
            t.duplicates.push(Duplicate {
                event_date: Some(date.clone()),
                src_file: Some(l.src_file.clone()),
                src_row: Some(l.src_row),
                winner_src_file: Some(w.src_file.clone()),
                winner_src_row: Some(w.src_row),
            });
        }
        let e = &w.ev;
        if let Some(reason) = quarantine_reason(e, &input.countries) {
            t.quarantine.push(Quarantine {
                event_date: Some(date),
                src_file: Some(w.src_file.clone()),
                src_row: Some(w.src_row),
                reason: Some(reason.to_owned()),
            });
        } else {
            let show = e.show_id.unwrap();
            t.fact.push(Fact {
                event_date: Some(date),
                country: e.country.clone(),
                show_id: Some(canonical(&input.merges, show)),
                event_id: e.event_id.clone(),
                user_id: e.user_id,
                original_show_id: Some(show),
                watch_seconds: e.watch_seconds.map(i64::from),
                event_ts: e.event_ts.map(ts_str),
                src: e.src.clone(),
                ingestion_ts: e.ingestion_ts.map(ts_str),
                dt: Some(date_str(w.dt)),
                src_file: Some(w.src_file.clone()),
                src_row: Some(w.src_row),
            });
        }
    }

    // 5. Aggregate per (event_date, country, canonical show).
    let mut agg: BTreeMap<(String, String, i64), (i64, BTreeSet<i64>)> = BTreeMap::new();
    for f in &t.fact {
        let key = (
            f.event_date.clone().unwrap(),
            f.country.clone().unwrap(),
            f.show_id.unwrap(),
        );
        let slot = agg.entry(key).or_default();
        slot.0 += f.watch_seconds.unwrap();
        slot.1.insert(f.user_id.unwrap());
    }

    // 6. Eligibility, with restrictions moved onto canonical ids.
    let mut kids = BTreeSet::new();
    let mut blocked = BTreeSet::new();
    for (show, kind, region) in &input.restrictions {
        let Some(show) = show else { continue };
        let show = canonical(&input.merges, *show);
        match (kind.as_deref(), region) {
            (Some("kids_only"), _) => {
                kids.insert(show);
            }
            (Some("region_blocked"), Some(region)) => {
                blocked.insert((show, region.clone()));
            }
            _ => {}
        }
    }

    // 7–8. Rank the eligible shows of each (date, country); top 10.
    // (date, country) → [(show, total, viewers)]
    type Shows = Vec<(i64, i64, i64)>;
    let mut groups: BTreeMap<(String, String), Shows> = BTreeMap::new();
    for ((date, country, show), (total, users)) in agg {
        groups
            .entry((date, country))
            .or_default()
            .push((show, total, users.len() as i64));
    }
    for ((date, country), shows) in groups {
        let mut eligible = Vec::new();
        for &(show, total, viewers) in &shows {
            let reason = if kids.contains(&show) {
                Some("kids_only")
            } else if blocked.contains(&(show, country.clone())) {
                Some("region_blocked")
            } else {
                None
            };
            match reason {
                Some(reason) => t.agg.push(Agg {
                    event_date: Some(date.clone()),
                    country: Some(country.clone()),
                    show_id: Some(show),
                    total_watch_seconds: Some(total),
                    viewers: Some(viewers),
                    rank_in_country: None,
                    exclusion_reason: Some(reason.to_owned()),
                }),
                None => eligible.push((show, total, viewers)),
            }
        }
        eligible.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        for (i, &(show, total, viewers)) in eligible.iter().enumerate() {
            let rank = i as i64 + 1;
            t.agg.push(Agg {
                event_date: Some(date.clone()),
                country: Some(country.clone()),
                show_id: Some(show),
                total_watch_seconds: Some(total),
                viewers: Some(viewers),
                rank_in_country: Some(rank),
                exclusion_reason: None,
            });
            if rank <= 10 {
                t.top10.push(Top {
                    event_date: Some(date.clone()),
                    country: Some(country.clone()),
                    rank_position: Some(rank),
                    show_id: Some(show),
                    total_watch_seconds: Some(total),
                    viewers: Some(viewers),
                });
            }
        }
    }
    t
}

// ---------------------------------------------------------------------------------
// Reading the warehouse
// ---------------------------------------------------------------------------------

/// The folder of the warehouse's live version, from `CURRENT`.
fn current_version(wh: &Path) -> PathBuf {
    let name = fs::read_to_string(wh.join("CURRENT"))
        .unwrap_or_else(|e| panic!("cannot read {}/CURRENT: {e}", wh.display()));
    let name = name.trim();
    assert!(!name.is_empty(), "{}/CURRENT is empty", wh.display());
    wh.join("versions").join(name)
}

/// The live version's fact, written out as a hive-partitioned table by
/// DuckDB: the warehouse keeps it merge-on-read (landing files plus
/// position deletes), so it is read the way every reader reads it, through
/// the view `top10` defines. A fresh folder beside the versions each time.
fn export_fact(wh: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = wh.join(format!(".reference-fact-{}-{n}", std::process::id()));
    let version = top10::warehouse::Warehouse::new(wh).current().unwrap();
    let conn = top10::db::open_version(&version).unwrap();
    conn.execute_batch(&format!(
        "COPY (SELECT * FROM fact_watch_events) TO '{}' (FORMAT parquet, PARTITION_BY (event_date));",
        out.display().to_string().replace('\'', "''")
    ))
    .unwrap();
    out
}

/// Every Parquet file of a hive-partitioned table, with the event_date of its folder.
/// A table folder that does not exist has no rows.
fn partitions(table: &Path) -> Vec<(String, ParquetFile)> {
    let mut out = Vec::new();
    if !table.exists() {
        return out;
    }
    for part in sorted_entries(table) {
        if !part.is_dir() {
            continue;
        }
        let folder = file_name(&part);
        let date = folder
            .strip_prefix("event_date=")
            .filter(|d| parse_date(d).is_some())
            .unwrap_or_else(|| panic!("unexpected partition folder {}", part.display()))
            .to_owned();
        for file in sorted_entries(&part) {
            if file_name(&file).ends_with(".parquet") {
                out.push((date.clone(), ParquetFile::read(&file)));
            }
        }
    }
    out
}

/// Reads the five partitioned tables of the warehouse's live version.
fn read_warehouse(wh: &Path) -> Tables {
    let base = current_version(wh);
    let mut t = Tables::default();
    let fact_dir = export_fact(wh);
    for (date, f) in partitions(&fact_dir) {
        let c = (
            f.strings("country"),
            f.ints("show_id"),
            f.strings("event_id"),
            f.ints("user_id"),
            f.ints("original_show_id"),
            f.ints("watch_seconds"),
            f.timestamps("event_ts"),
            f.strings("src"),
            f.timestamps("ingestion_ts"),
            f.dates("dt"),
            f.strings("src_file"),
            f.ints("src_row"),
        );
        for i in 0..f.num_rows() {
            t.fact.push(Fact {
                event_date: Some(date.clone()),
                country: c.0[i].clone(),
                show_id: c.1[i],
                event_id: c.2[i].clone(),
                user_id: c.3[i],
                original_show_id: c.4[i],
                watch_seconds: c.5[i],
                event_ts: c.6[i].map(ts_str),
                src: c.7[i].clone(),
                ingestion_ts: c.8[i].map(ts_str),
                dt: c.9[i].map(date_str),
                src_file: c.10[i].clone(),
                src_row: c.11[i],
            });
        }
    }
    for (date, f) in partitions(&base.join("quarantine")) {
        let (file, row, reason) = (
            f.strings("src_file"),
            f.ints("src_row"),
            f.strings("reason"),
        );
        for i in 0..f.num_rows() {
            t.quarantine.push(Quarantine {
                event_date: Some(date.clone()),
                src_file: file[i].clone(),
                src_row: row[i],
                reason: reason[i].clone(),
            });
        }
    }
    for (date, f) in partitions(&base.join("duplicates")) {
        let (file, row) = (f.strings("src_file"), f.ints("src_row"));
        let (wfile, wrow) = (f.strings("winner_src_file"), f.ints("winner_src_row"));
        for i in 0..f.num_rows() {
            t.duplicates.push(Duplicate {
                event_date: Some(date.clone()),
                src_file: file[i].clone(),
                src_row: row[i],
                winner_src_file: wfile[i].clone(),
                winner_src_row: wrow[i],
            });
        }
    }
    for (date, f) in partitions(&base.join("agg_watch_day_country_show")) {
        let c = (
            f.strings("country"),
            f.ints("show_id"),
            f.ints("total_watch_seconds"),
            f.ints("viewers"),
            f.ints("rank_in_country"),
            f.strings("exclusion_reason"),
        );
        for i in 0..f.num_rows() {
            t.agg.push(Agg {
                event_date: Some(date.clone()),
                country: c.0[i].clone(),
                show_id: c.1[i],
                total_watch_seconds: c.2[i],
                viewers: c.3[i],
                rank_in_country: c.4[i],
                exclusion_reason: c.5[i].clone(),
            });
        }
    }
    for (date, f) in partitions(&base.join("top10_country_day")) {
        let c = (
            f.strings("country"),
            f.ints("rank_position"),
            f.ints("show_id"),
            f.ints("total_watch_seconds"),
            f.ints("viewers"),
        );
        for i in 0..f.num_rows() {
            t.top10.push(Top {
                event_date: Some(date.clone()),
                country: c.0[i].clone(),
                rank_position: c.1[i],
                show_id: c.2[i],
                total_watch_seconds: c.3[i],
                viewers: c.4[i],
            });
        }
    }
    let _ = fs::remove_dir_all(&fact_dir);
    t
}

// ---------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------

/// Rows shown per side of a diff.
const DIFF_ROWS: usize = 12;

/// Compares two multisets of rows; on a difference, a readable report with the
/// first rows only in `expected` (`-`) and only in `actual` (`+`), in key order.
fn diff_rows<T: Ord + Display + Clone>(
    table: &str,
    expected: &[T],
    actual: &[T],
) -> Option<String> {
    let (mut e, mut a) = (expected.to_vec(), actual.to_vec());
    e.sort();
    a.sort();
    if e == a {
        return None;
    }
    let (mut i, mut j) = (0, 0);
    let mut lines: Vec<(bool, &T)> = Vec::new();
    let (mut missing, mut extra) = (0, 0);
    while i < e.len() || j < a.len() {
        match (e.get(i), a.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                lines.push((false, x));
                missing += 1;
                i += 1;
            }
            (Some(x), None) => {
                lines.push((false, x));
                missing += 1;
                i += 1;
            }
            (_, Some(y)) => {
                lines.push((true, y));
                extra += 1;
                j += 1;
            }
            (None, None) => unreachable!(),
        }
    }
    let mut s = format!(
        "{table}: expected {} rows, got {}; {missing} expected rows missing (-), {extra} unexpected rows (+):\n",
        e.len(),
        a.len()
    );
    for (is_extra, row) in lines.iter().take(2 * DIFF_ROWS) {
        let _ = writeln!(s, "    {} {row}", if *is_extra { '+' } else { '-' });
    }
    if lines.len() > 2 * DIFF_ROWS {
        let _ = writeln!(s, "    … {} more", lines.len() - 2 * DIFF_ROWS);
    }
    Some(s)
}

/// All differences between two sets of tables.
fn diff_tables(expected: &Tables, actual: &Tables) -> Vec<String> {
    [
        diff_rows("fact_watch_events", &expected.fact, &actual.fact),
        diff_rows("quarantine", &expected.quarantine, &actual.quarantine),
        diff_rows("duplicates", &expected.duplicates, &actual.duplicates),
        diff_rows("agg_watch_day_country_show", &expected.agg, &actual.agg),
        diff_rows("top10_country_day", &expected.top10, &actual.top10),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every raw row must land in exactly one of fact, quarantine and duplicates, and
/// nothing else may be there.
fn check_coverage(raw: &[&RawRow], actual: &Tables) -> Option<String> {
    let mut seen: BTreeMap<(String, i64), Vec<&str>> = BTreeMap::new();
    let ids = actual
        .fact
        .iter()
        .map(|r| (&r.src_file, r.src_row, "fact"))
        .chain(
            actual
                .quarantine
                .iter()
                .map(|r| (&r.src_file, r.src_row, "quarantine")),
        )
        .chain(
            actual
                .duplicates
                .iter()
                .map(|r| (&r.src_file, r.src_row, "duplicates")),
        );
    for (file, row, table) in ids {
        let key = (
            file.clone().unwrap_or_else(|| "NULL".into()),
            row.unwrap_or(-1),
        );
        seen.entry(key).or_default().push(table);
    }
    let raw: BTreeSet<(String, i64)> = raw.iter().map(|r| r.identity()).collect();
    let mut problems = Vec::new();
    for r in &raw {
        match seen.get(r).map(Vec::len) {
            Some(1) => {}
            None => problems.push(format!("    raw row {}#{} is in no table", r.0, r.1)),
            Some(_) => problems.push(format!("    raw row {}#{} is in {:?}", r.0, r.1, seen[r])),
        }
    }
    for (k, tables) in &seen {
        if !raw.contains(k) {
            problems.push(format!(
                "    {}#{} in {tables:?} is not a raw row read by this build",
                k.0, k.1
            ));
        }
    }
    if problems.is_empty() {
        return None;
    }
    let n = problems.len();
    problems.truncate(2 * DIFF_ROWS);
    Some(format!(
        "coverage: {n} raw-row identity problems (raw rows: {}):\n{}\n",
        raw.len(),
        problems.join("\n")
    ))
}

// ---------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------

/// Runs `top10 build --lake L --warehouse W [extra…]`; an error describes a failure.
fn top10_build(lake: &Path, wh: &Path, extra: &[&str]) -> Result<(), String> {
    let out = support::run_build(lake, wh, extra);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`top10 build --lake {} --warehouse {} {}` exited with {}\nstdout:\n{}\nstderr:\n{}",
            lake.display(),
            wh.display(),
            extra.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Builds `lake` into `wh` and compares the result with the reference; returns the
/// problems found.
fn build_and_compare(lake: &Path, wh: &Path, as_of: Option<i64>) -> Vec<String> {
    build_with_and_compare(lake, wh, as_of, &[])
}

/// [`build_and_compare`] with more `top10 build` arguments.
fn build_with_and_compare(
    lake: &Path,
    wh: &Path,
    as_of: Option<i64>,
    args: &[&str],
) -> Vec<String> {
    let mut extra: Vec<String> = as_of
        .map(|t| vec!["--as-of".into(), ts_str(t)])
        .unwrap_or_default();
    extra.extend(args.iter().map(|a| a.to_string()));
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    if let Err(e) = top10_build(lake, wh, &extra) {
        return vec![e];
    }
    let input = LakeInput::read(lake);
    let expected = reference(&input, as_of);
    let actual = read_warehouse(wh);
    let mut problems = diff_tables(&expected, &actual);
    problems.extend(check_coverage(&input.visible(as_of), &actual));
    problems
}

// ---------------------------------------------------------------------------------
// Lakes for the tests
// ---------------------------------------------------------------------------------

/// Plants ties exactly at the Top 10 cut-off: in up to two (date, country) groups
/// with at least ten ranked shows, a spare show gets the same total and viewers as
/// the show ranked 10th. Spare 90 sorts before every other id, so it takes rank 10
/// and pushes the old 10th out; spare 1000 sorts after, so it lands at rank 11.
fn plant_cutoff_ties(lake: &mut Lake) {
    let t = reference(&LakeInput::from_memory(lake), None);
    // Groups whose 10th show is alone with its (total, viewers), so that the spare's
    // rank is exactly 10 or 11.
    let key = |a: &Agg| (a.event_date.clone(), a.country.clone());
    let tenth: Vec<&Agg> = t
        .agg
        .iter()
        .filter(|a| a.rank_in_country == Some(10))
        .filter(|a| {
            !t.agg.iter().any(|b| {
                key(b) == key(a)
                    && b.rank_in_country.is_some()
                    && b.show_id != a.show_id
                    && (b.total_watch_seconds, b.viewers) == (a.total_watch_seconds, a.viewers)
            })
        })
        .collect();
    // Two groups when there are, else both spares in one (1000 then lands at 12).
    let chosen = [tenth.first(), tenth.last()];
    for (spare, row) in ids::SPARE.into_iter().zip(chosen.into_iter().flatten()) {
        let date = parse_date(row.event_date.as_deref().unwrap()).unwrap();
        let country = row.country.clone().unwrap();
        let (total, viewers) = (row.total_watch_seconds.unwrap(), row.viewers.unwrap());
        assert!(viewers <= ids::USERS, "too many viewers to copy");
        let mut rows = Vec::new();
        for v in 0..viewers {
            let mut share = total / viewers + if v == 0 { total % viewers } else { 0 };
            loop {
                let ws = share.min(86_400);
                let ts = day_start(date) + (v * 60 + rows.len() as i64) * SECOND;
                rows.push(RawEvent {
                    event_id: Some(format!("cutoff-{spare}-{}", rows.len())),
                    user_id: Some(v + 1),
                    show_id: Some(spare),
                    country: Some(country.clone()),
                    watch_seconds: Some(i32::try_from(ws).unwrap()),
                    event_ts: Some(ts),
                    src: Some("tv".into()),
                    ingestion_ts: Some(ts + HOUR),
                });
                share -= ws;
                if share == 0 {
                    break;
                }
            }
        }
        lake.raw_files
            .entry(Lake::raw_path(date, 0))
            .or_default()
            .extend(rows);
    }
}

/// The randomized lake of a seed, with cut-off ties planted.
fn random_lake(seed: u64) -> Lake {
    let mut lake = lake::generate(seed);
    plant_cutoff_ties(&mut lake);
    lake
}

/// Writes the lake of a seed into a fresh temporary folder.
fn write_random_lake(seed: u64) -> (TempDir, Lake) {
    let dir = TempDir::new().expect("temp dir");
    let lake = random_lake(seed);
    lake.write(&dir.path().join("lake"));
    (dir, lake)
}

/// Joins per-case problems into one failure message, or passes.
fn report(failures: Vec<(String, Vec<String>)>) {
    let failed: Vec<_> = failures
        .into_iter()
        .filter(|(_, p)| !p.is_empty())
        .collect();
    if failed.is_empty() {
        return;
    }
    let mut msg = String::new();
    for (case, problems) in &failed {
        let _ = writeln!(msg, "=== {case}: {} problem(s)", problems.len());
        for p in problems {
            let _ = writeln!(msg, "{p}");
        }
    }
    let cases: Vec<&str> = failed.iter().map(|(c, _)| c.as_str()).collect();
    panic!("{msg}\nthe binary disagrees with the reference in: {cases:?}");
}

/// Seeds of the randomized comparison.
const SEEDS: std::ops::RangeInclusive<u64> = 1..=24;
/// Seeds of the `--as-of` comparison.
const AS_OF_SEEDS: [u64; 3] = [101, 102, 103];
/// Seed of the partial-rebuild test.
const PARTIAL_SEED: u64 = 201;

// ---------------------------------------------------------------------------------
// Tests of the reference and of the generator (no binary involved)
// ---------------------------------------------------------------------------------

/// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` for the hand-made lake.
fn ts(s: &str) -> i64 {
    let (date, time) = s.split_once(' ').expect("date and time");
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let p: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    let frac: i64 = format!("{frac:0<6}").parse().unwrap();
    day_start(parse_date(date).unwrap()) + (p[0] * 3_600 + p[1] * 60 + p[2]) * SECOND + frac
}

/// A raw event for the hand-made lake.
#[allow(clippy::too_many_arguments)]
fn raw(
    id: Option<&str>,
    user: i64,
    show: i64,
    country: &str,
    ws: Option<i32>,
    event_ts: Option<&str>,
    src: &str,
    ingestion_ts: Option<&str>,
) -> RawEvent {
    RawEvent {
        event_id: id.map(Into::into),
        user_id: Some(user),
        show_id: Some(show),
        country: Some(country.into()),
        watch_seconds: ws,
        event_ts: event_ts.map(ts),
        src: Some(src.into()),
        ingestion_ts: ingestion_ts.map(ts),
    }
}

/// Panics with a readable diff when two multisets of rows differ.
fn assert_same<T: Ord + Display + Clone>(table: &str, expected: &[T], actual: &[T]) {
    if let Some(d) = diff_rows(table, expected, actual) {
        panic!("{d}");
    }
}

/// The reference itself gives the hand-computed answer on a small lake that has one
/// instance of each rule: src and (src_file, src_row) tie-breaks, NULL ingestion_ts
/// oldest, an invalid latest version moving a loser to the winner's landing date,
/// each validation rule, a merge chain with a restriction on the old id, kids_only
/// over region_blocked, ties decided by viewers then show_id, midnight and the last
/// microsecond of a day.
#[test]
fn reference_matches_a_hand_computed_lake() {
    let mut lake = lake::generate(0);
    lake.raw_files.clear();
    lake.marker_files.clear();
    lake.raw_extra_column = false;
    lake.geo.clear();
    for c in ["US", "GB"] {
        lake.geo.push(lake::Geo {
            country: c.into(),
            country_name: c.into(),
            timezone: "UTC".into(),
        });
    }
    lake.merges = vec![
        lake::Merge {
            old_show_id: 1,
            new_show_id: 2,
            merge_date: 0,
        },
        lake::Merge {
            old_show_id: 2,
            new_show_id: 3,
            merge_date: 0,
        },
    ];
    let restriction = |s: i64, t: &str, r: &str| lake::Restriction {
        show_id: s,
        restriction_type: t.into(),
        region_code: Some(r.into()),
    };
    lake.restrictions = vec![
        restriction(1, "region_blocked", "US"),
        restriction(5, "kids_only", "GB"),
        restriction(6, "kids_only", "GB"),
        restriction(6, "region_blocked", "US"),
    ];
    let d1 = "dt=2026-01-01/part-00000.parquet";
    let d2 = "dt=2026-01-02/part-00000.parquet";
    let day1 = vec![
        raw(
            Some("e1"),
            1,
            1,
            "US",
            Some(100),
            Some("2026-01-01 10:00:00"),
            "app",
            Some("2026-01-01 10:05:00"),
        ),
        raw(
            Some("e1"),
            1,
            1,
            "US",
            Some(200),
            Some("2026-01-01 10:00:00"),
            "web",
            Some("2026-01-01 10:05:00"),
        ),
        raw(
            Some("e2"),
            2,
            4,
            "US",
            Some(500),
            Some("2026-01-01 11:00:00"),
            "app",
            Some("2026-01-01 11:01:00"),
        ),
        raw(
            Some("e2"),
            2,
            4,
            "US",
            Some(500),
            Some("2026-01-01 11:00:00"),
            "app",
            Some("2026-01-01 11:01:00"),
        ),
        raw(
            Some("e3"),
            1,
            3,
            "US",
            Some(300),
            Some("2026-01-01 12:00:00"),
            "tv",
            Some("2026-01-01 12:01:00"),
        ),
        raw(
            Some("e4"),
            3,
            4,
            "US",
            Some(-1),
            Some("2026-01-01 13:00:00"),
            "tv",
            Some("2026-01-01 13:01:00"),
        ),
        raw(
            None,
            3,
            4,
            "US",
            Some(10),
            Some("2026-01-01 13:30:00"),
            "tv",
            Some("2026-01-01 13:31:00"),
        ),
        raw(
            Some("e5"),
            4,
            7,
            "GB",
            Some(500),
            Some("2026-01-01 14:00:00"),
            "app",
            Some("2026-01-01 14:01:00"),
        ),
        raw(
            Some("e5"),
            4,
            7,
            "GB",
            Some(600),
            Some("2026-01-01 14:00:00"),
            "app",
            None,
        ),
        raw(
            Some("e6"),
            5,
            8,
            "GB",
            Some(500),
            Some("2026-01-01 15:00:00"),
            "app",
            Some("2026-01-01 15:01:00"),
        ),
        raw(
            Some("e7"),
            6,
            9,
            "GB",
            Some(250),
            Some("2026-01-01 16:00:00"),
            "app",
            Some("2026-01-01 16:01:00"),
        ),
        raw(
            Some("e8"),
            7,
            9,
            "GB",
            Some(250),
            Some("2026-01-01 16:00:00"),
            "app",
            Some("2026-01-01 16:01:00"),
        ),
        raw(
            Some("e9"),
            8,
            5,
            "GB",
            Some(10_000),
            Some("2026-01-01 17:00:00"),
            "app",
            Some("2026-01-01 17:01:00"),
        ),
        raw(
            Some("e10"),
            9,
            6,
            "US",
            Some(10_000),
            Some("2026-01-01 18:00:00"),
            "app",
            Some("2026-01-01 18:01:00"),
        ),
        raw(
            Some("e11"),
            1,
            4,
            "ZZ",
            Some(100),
            Some("2026-01-01 19:00:00"),
            "app",
            Some("2026-01-01 19:01:00"),
        ),
    ];
    let day2 = vec![
        raw(
            Some("e12"),
            1,
            4,
            "US",
            Some(0),
            Some("2026-01-02 00:00:00"),
            "app",
            Some("2026-01-02 00:00:01"),
        ),
        raw(
            Some("e13"),
            2,
            4,
            "US",
            Some(86_400),
            Some("2026-01-01 23:59:59.999999"),
            "app",
            Some("2026-01-02 00:10:00"),
        ),
        raw(
            Some("e3"),
            1,
            3,
            "US",
            Some(300),
            None,
            "tv",
            Some("2026-01-02 08:00:00"),
        ),
    ];
    lake.raw_files.insert(d1.into(), day1);
    lake.raw_files.insert(d2.into(), day2);
    let dir = TempDir::new().unwrap();
    lake.write(dir.path());
    let got = reference(&LakeInput::read(dir.path()), None);

    let s = |x: &str| Some(x.to_owned());
    let (j1, j2) = ("2026-01-01", "2026-01-02");
    let fact = |date: &str,
                file: &str,
                row: i64,
                id: &str,
                user: i64,
                show: i64,
                orig: i64,
                c: &str,
                ws: i64| {
        (
            s(date),
            s(c),
            Some(show),
            s(id),
            Some(user),
            Some(orig),
            Some(ws),
            s(file),
            Some(row),
        )
    };
    let mut want_fact = vec![
        fact(j1, d1, 1, "e1", 1, 3, 1, "US", 200),
        fact(j1, d1, 3, "e2", 2, 4, 4, "US", 500),
        fact(j1, d1, 7, "e5", 4, 7, 7, "GB", 500),
        fact(j1, d1, 9, "e6", 5, 8, 8, "GB", 500),
        fact(j1, d1, 10, "e7", 6, 9, 9, "GB", 250),
        fact(j1, d1, 11, "e8", 7, 9, 9, "GB", 250),
        fact(j1, d1, 12, "e9", 8, 5, 5, "GB", 10_000),
        fact(j1, d1, 13, "e10", 9, 6, 6, "US", 10_000),
        fact(j2, d2, 0, "e12", 1, 4, 4, "US", 0),
        fact(j1, d2, 1, "e13", 2, 4, 4, "US", 86_400),
    ];
    let mut got_fact: Vec<_> = got
        .fact
        .iter()
        .map(|f| {
            (
                f.event_date.clone(),
                f.country.clone(),
                f.show_id,
                f.event_id.clone(),
                f.user_id,
                f.original_show_id,
                f.watch_seconds,
                f.src_file.clone(),
                f.src_row,
            )
        })
        .collect();
    want_fact.sort();
    got_fact.sort();
    assert_eq!(got_fact, want_fact);

    let q = |date: &str, file: &str, row: i64, reason: &str| Quarantine {
        event_date: s(date),
        src_file: s(file),
        src_row: Some(row),
        reason: s(reason),
    };
    let want_q = vec![
        q(j1, d1, 5, "watch_seconds_out_of_range"),
        q(j1, d1, 6, "null_field"),
        q(j1, d1, 14, "unknown_country"),
        q(j2, d2, 2, "null_field"),
    ];
    assert_same("quarantine", &want_q, &got.quarantine);

    let d = |date: &str, file: &str, row: i64, wfile: &str, wrow: i64| Duplicate {
        event_date: s(date),
        src_file: s(file),
        src_row: Some(row),
        winner_src_file: s(wfile),
        winner_src_row: Some(wrow),
    };
    let want_d = vec![
        d(j1, d1, 0, d1, 1),
        d(j1, d1, 2, d1, 3),
        d(j1, d1, 8, d1, 7),
        d(j2, d1, 4, d2, 2),
    ];
    assert_same("duplicates", &want_d, &got.duplicates);

    let a = |date: &str,
             c: &str,
             show: i64,
             total: i64,
             viewers: i64,
             rank: Option<i64>,
             why: Option<&str>| Agg {
        event_date: s(date),
        country: s(c),
        show_id: Some(show),
        total_watch_seconds: Some(total),
        viewers: Some(viewers),
        rank_in_country: rank,
        exclusion_reason: why.map(Into::into),
    };
    let want_agg = vec![
        a(j1, "US", 3, 200, 1, None, Some("region_blocked")),
        a(j1, "US", 4, 86_900, 1, Some(1), None),
        a(j1, "US", 6, 10_000, 1, None, Some("kids_only")),
        a(j1, "GB", 9, 500, 2, Some(1), None),
        a(j1, "GB", 7, 500, 1, Some(2), None),
        a(j1, "GB", 8, 500, 1, Some(3), None),
        a(j1, "GB", 5, 10_000, 1, None, Some("kids_only")),
        a(j2, "US", 4, 0, 1, Some(1), None),
    ];
    assert_same("agg", &want_agg, &got.agg);

    let top = |date: &str, c: &str, rank: i64, show: i64, total: i64, viewers: i64| Top {
        event_date: s(date),
        country: s(c),
        rank_position: Some(rank),
        show_id: Some(show),
        total_watch_seconds: Some(total),
        viewers: Some(viewers),
    };
    let want_top = vec![
        top(j1, "US", 1, 4, 86_900, 1),
        top(j1, "GB", 1, 9, 500, 2),
        top(j1, "GB", 2, 7, 500, 1),
        top(j1, "GB", 3, 8, 500, 1),
        top(j2, "US", 1, 4, 0, 1),
    ];
    assert_same("top10", &want_top, &got.top10);

    // As of 2026-01-02 00:05 the NULL-ingestion version and the 00:10 and 08:00
    // rows are invisible: e3's valid version wins and e13 does not exist.
    let early = reference(
        &LakeInput::read(dir.path()),
        Some(ts("2026-01-02 00:05:00")),
    );
    assert!(
        early
            .fact
            .iter()
            .any(|f| f.event_id.as_deref() == Some("e3"))
    );
    assert!(
        !early
            .fact
            .iter()
            .any(|f| f.event_id.as_deref() == Some("e13"))
    );
    assert_eq!(early.duplicates.len(), 2);
}

/// The generated lakes of every seed the comparisons use really contain every edge
/// case they are meant to exercise (checked on the reference's output for the files
/// read back).
#[test]
fn generated_lakes_contain_every_edge_case() {
    let seeds = SEEDS.chain(AS_OF_SEEDS).chain([PARTIAL_SEED]);
    for seed in seeds {
        let (dir, lake) = write_random_lake(seed);
        let input = LakeInput::read(&dir.path().join("lake"));
        let t = reference(&input, None);
        let ctx = format!("seed {seed}");
        eprintln!(
            "{ctx}: {} raw rows in {} files, {} days from {}, {} countries; fact {}, quarantine {}, duplicates {}, agg {}, top10 {}",
            input.rows.len(),
            lake.raw_files.len(),
            lake.days,
            date_str(lake.start_day),
            lake.geo.len(),
            t.fact.len(),
            t.quarantine.len(),
            t.duplicates.len(),
            t.agg.len(),
            t.top10.len()
        );
        let c0 = &lake
            .geo
            .iter()
            .map(|g| g.country.clone())
            .collect::<Vec<_>>();

        for reason in [
            "null_field",
            "watch_seconds_out_of_range",
            "unknown_country",
        ] {
            assert!(
                t.quarantine
                    .iter()
                    .any(|q| q.reason.as_deref() == Some(reason)),
                "{ctx}: no {reason}"
            );
        }
        // Every required field is NULL in some row; NULL ingestion_ts too.
        let rows = &input.rows;
        let has = |f: &dyn Fn(&RawEvent) -> bool| rows.iter().any(|r| f(&r.ev));
        assert!(has(&|e| e.event_id.is_none()), "{ctx}");
        assert!(has(&|e| e.user_id.is_none()), "{ctx}");
        assert!(has(&|e| e.show_id.is_none()), "{ctx}");
        assert!(has(&|e| e.country.is_none()), "{ctx}");
        assert!(has(&|e| e.event_ts.is_none()), "{ctx}");
        assert!(has(&|e| e.watch_seconds.is_none()), "{ctx}");
        assert!(has(&|e| e.ingestion_ts.is_none()), "{ctx}");
        assert!(
            t.duplicates.len() + t.fact.len() + t.quarantine.len() == input.rows.len()
                && t.fact.iter().any(|f| f.event_id.as_deref() == Some("")),
            "{ctx}: an empty event_id is deduplicated like any other"
        );
        for ws in [-1, 0, 86_400, 86_401] {
            assert!(
                has(&|e| e.watch_seconds == Some(ws)),
                "{ctx}: no watch_seconds {ws}"
            );
        }
        assert!(
            has(&|e| e.event_ts.is_some_and(|t| t.rem_euclid(DAY) == 0)),
            "{ctx}: midnight"
        );
        assert!(
            has(&|e| e.event_ts.is_some_and(|t| t.rem_euclid(DAY) == DAY - 1)),
            "{ctx}: 23:59:59.999999"
        );
        // Late arrivals (landing 1–3 days after the event date).
        for late in 1..=3 {
            assert!(
                rows.iter()
                    .any(|r| r.ev.event_ts.is_some_and(|t| r.dt - ts_date(t) == late)),
                "{ctx}: nothing {late} days late"
            );
        }
        assert!(
            rows.iter()
                .any(|r| r.ev.event_ts.is_some_and(|t| ts_date(t) == r.dt + 1)),
            "{ctx}: a row landing the day before its event date"
        );
        // Dedup decided on src, on watch_seconds, on identity; NULL event_id rows.
        let by_id = |file: &str, row: i64| {
            rows.iter()
                .find(|r| r.src_file == file && r.src_row == row)
                .unwrap()
        };
        let pairs: Vec<(&RawRow, &RawRow)> = t
            .duplicates
            .iter()
            .map(|d| {
                (
                    by_id(d.src_file.as_deref().unwrap(), d.src_row.unwrap()),
                    by_id(
                        d.winner_src_file.as_deref().unwrap(),
                        d.winner_src_row.unwrap(),
                    ),
                )
            })
            .collect();
        let same_ts = |l: &RawRow, w: &RawRow| l.ev.ingestion_ts == w.ev.ingestion_ts;
        assert!(
            pairs
                .iter()
                .any(|(l, w)| same_ts(l, w) && l.ev.src < w.ev.src),
            "{ctx}: src tie-break"
        );
        assert!(
            pairs.iter().any(|(l, w)| same_ts(l, w)
                && l.ev.src == w.ev.src
                && l.ev.watch_seconds < w.ev.watch_seconds),
            "{ctx}: watch_seconds tie-break"
        );
        assert!(
            pairs
                .iter()
                .any(|(l, w)| l.ev == w.ev && l.src_file == w.src_file),
            "{ctx}: identical in one file"
        );
        assert!(
            pairs
                .iter()
                .any(|(l, w)| l.ev == w.ev && l.src_file != w.src_file),
            "{ctx}: identical across files"
        );
        assert!(
            pairs.iter().any(
                |(l, w)| quarantine_reason(&w.ev, &input.countries).is_some()
                    && quarantine_reason(&l.ev, &input.countries).is_none()
            ),
            "{ctx}: invalid latest over valid"
        );
        assert!(
            pairs
                .iter()
                .any(|(l, w)| w.ev.event_ts.is_none() && l.ev.event_ts.map(ts_date) != Some(w.dt)),
            "{ctx}: a loser moved to the winner's landing date"
        );
        assert!(
            pairs.iter().any(|(l, _)| l.ev.ingestion_ts.is_none()),
            "{ctx}: NULL ingestion_ts loses"
        );
        assert!(
            t.fact.iter().any(|f| f.ingestion_ts.is_none()),
            "{ctx}: a NULL-ingestion row survives"
        );
        assert!(
            t.quarantine
                .iter()
                .filter(|q| {
                    let r = by_id(q.src_file.as_deref().unwrap(), q.src_row.unwrap());
                    r.ev.event_id.is_none()
                })
                .count()
                >= 3,
            "{ctx}: NULL event_id rows are each their own event"
        );
        // Merges: a → b → c, one viewer of a, b and c counted once; the old-id
        // restriction excludes c in the first country.
        let [a, _, c] = ids::CHAIN;
        assert!(
            t.fact
                .iter()
                .any(|f| f.original_show_id == Some(a) && f.show_id == Some(c)),
            "{ctx}"
        );
        assert!(
            t.agg.iter().any(|r| r.show_id == Some(c)
                && r.country.as_ref() == Some(&c0[0])
                && r.exclusion_reason.as_deref() == Some("region_blocked")),
            "{ctx}: restriction on the old id"
        );
        assert!(
            !t.agg
                .iter()
                .any(|r| r.show_id == Some(a) || r.show_id == Some(ids::CHAIN[1])),
            "{ctx}"
        );
        let user12: BTreeSet<_> = t
            .fact
            .iter()
            .filter(|f| f.user_id == Some(12) && f.show_id == Some(c))
            .map(|f| (f.event_date.clone(), f.country.clone(), f.original_show_id))
            .collect();
        assert!(user12.len() >= 3, "{ctx}: one viewer of several merged ids");
        // Exclusions of both kinds; kids_only wins over region_blocked.
        for (show, why) in [(ids::KIDS, "kids_only"), (ids::BLOCKED, "region_blocked")] {
            assert!(
                t.agg
                    .iter()
                    .any(|r| r.show_id == Some(show) && r.exclusion_reason.as_deref() == Some(why)),
                "{ctx}: {show} {why}"
            );
        }
        assert!(
            !t.agg
                .iter()
                .any(|r| r.show_id == Some(ids::KIDS_AND_BLOCKED)
                    && r.exclusion_reason.as_deref() != Some("kids_only")),
            "{ctx}: kids_only wins"
        );
        // Orphans are kept and counted.
        assert!(
            t.agg
                .iter()
                .any(|r| r.show_id == Some(ids::ORPHAN_SHOW) && r.rank_in_country.is_some()),
            "{ctx}"
        );
        assert!(
            t.fact
                .iter()
                .any(|f| f.user_id.is_some_and(|u| u > ids::USERS)),
            "{ctx}: orphan users"
        );
        // Ties: equal seconds decided by viewers, and by show_id.
        let ranked = |show: i64| {
            t.agg
                .iter()
                .filter(move |r| r.show_id == Some(show) && r.rank_in_country.is_some())
        };
        let [t0, t1, t2, t3] = ids::TIES;
        let tie = |x: i64, y: i64, same_viewers: bool| {
            ranked(x).any(|r| {
                ranked(y).any(|s| {
                    s.event_date == r.event_date
                        && s.country == r.country
                        && s.total_watch_seconds == r.total_watch_seconds
                        && (s.viewers == r.viewers) == same_viewers
                        && r.rank_in_country < s.rank_in_country
                })
            })
        };
        assert!(
            tie(t0, t1, false),
            "{ctx}: tie on seconds decided by viewers"
        );
        assert!(
            tie(t2, t3, true),
            "{ctx}: tie on seconds and viewers decided by show_id"
        );
        // Ties at the Top 10 cut-off, on both sides.
        let at = |show: i64, rank: i64| ranked(show).any(|r| r.rank_in_country == Some(rank));
        assert!(at(ids::SPARE[0], 10), "{ctx}: spare 90 at rank 10");
        let right_after_a_twin = ranked(ids::SPARE[1]).any(|r| {
            r.rank_in_country.is_some_and(|k| k > 10)
                && t.agg.iter().any(|s| {
                    (&s.event_date, &s.country) == (&r.event_date, &r.country)
                        && s.rank_in_country.map(|k| k + 1) == r.rank_in_country
                        && (s.total_watch_seconds, s.viewers) == (r.total_watch_seconds, r.viewers)
                })
        });
        assert!(
            right_after_a_twin,
            "{ctx}: spare 1000 just below the cut-off, after its twin"
        );
        // Rows right at the --as-of boundary used by the as-of test.
        let cut = day_start(lake.start_day + 1) + 6 * HOUR;
        assert!(
            has(&|e| e.ingestion_ts == Some(cut)),
            "{ctx}: a row ingested exactly at the cut"
        );
        assert!(t.top10.len() > 10, "{ctx}: a Top 10");
    }
}

// ---------------------------------------------------------------------------------
// Tests against the binary
// ---------------------------------------------------------------------------------

/// `top10 build` over many small randomized lakes, each holding every §2 edge case,
/// equals the reference table for table and row for row.
#[test]
fn random_lakes_match_the_reference() {
    report(SEEDS.filter_map(|seed| seed_failure(seed, &[])).collect());
}

/// Build the random lake of `seed` with `extra` options (an as-of seed cut
/// on its second day at 06:00) and compare it with the reference; on a
/// difference, the failure with the lake kept for inspection.
fn seed_failure(seed: u64, extra: &[&str]) -> Option<(String, Vec<String>)> {
    let (dir, lake) = write_random_lake(seed);
    let as_of = AS_OF_SEEDS
        .contains(&seed)
        .then(|| day_start(lake.start_day + 1) + 6 * HOUR);
    let (lake_dir, wh) = (dir.path().join("lake"), dir.path().join("wh"));
    let problems = build_with_and_compare(&lake_dir, &wh, as_of, extra);
    if problems.is_empty() {
        return None;
    }
    let kept = dir.keep();
    Some((
        format!("seed {seed} {extra:?} (lake kept at {})", kept.display()),
        problems,
    ))
}

/// With `--batch-rows 1` the aggregate runs once per landing date (the first
/// batch open below, the last open above): the random lakes, far-late and
/// far-early events included, and one as-of cut still equal the reference.
#[test]
fn batched_aggregate_matches_the_reference() {
    let failures = SEEDS
        .take(3)
        .chain(AS_OF_SEEDS.into_iter().take(1))
        .filter_map(|seed| seed_failure(seed, &["--batch-rows", "1"]))
        .collect();
    report(failures);
}

/// The `sql` engine (every stage as the SQL in queries/, the portable form)
/// equals the reference too, on its own: random lakes, an as-of cut, and
/// one lake aggregated once per landing date.
#[test]
fn sql_engine_matches_the_reference() {
    let seeds = SEEDS.take(8).chain(AS_OF_SEEDS.into_iter().take(1));
    let failures = seeds
        .enumerate()
        .filter_map(|(n, seed)| {
            let mut extra = vec!["--engine", "sql"];
            if n == 0 {
                extra.extend(["--batch-rows", "1"]);
            }
            seed_failure(seed, &extra)
        })
        .collect();
    report(failures);
}

/// `top10 build` over the committed sample lake equals the reference.
#[test]
fn sample_data_matches_the_reference() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    assert!(
        sample.join("raw_watch_events").is_dir(),
        "{} is missing: generate it with `top10 generate --out sample_data` and commit it",
        sample.display()
    );
    let wh = TempDir::new().unwrap();
    let problems = build_and_compare(&sample, &wh.path().join("wh"), None);
    report(vec![("sample_data".to_owned(), problems)]);
}

/// `top10 build --as-of TS` equals the reference over only the rows with
/// `ingestion_ts <= TS` (NULL ingestion_ts excluded). TS is 06:00:00 of the second
/// event date, where the generator put a row ingested exactly at TS (included), one a
/// microsecond later (excluded) and a re-delivery on each side of it.
#[test]
fn as_of_build_matches_the_reference_on_rows_ingested_by_then() {
    let mut failures = Vec::new();
    for seed in AS_OF_SEEDS {
        let (dir, lake) = write_random_lake(seed);
        let cut = day_start(lake.start_day + 1) + 6 * HOUR;
        let problems =
            build_and_compare(&dir.path().join("lake"), &dir.path().join("wh"), Some(cut));
        if !problems.is_empty() {
            let kept = dir.keep();
            failures.push((
                format!(
                    "seed {seed} --as-of {} (lake kept at {})",
                    ts_str(cut),
                    kept.display()
                ),
                problems,
            ));
        }
    }
    report(failures);
}

/// A late file lands after a full build; `top10 build --from D1 --to D2` then gives,
/// for dates in [D1, D2], the reference over the new lake, and leaves every other
/// date exactly as the full build wrote it.
#[test]
fn partial_rebuild_recomputes_its_dates_and_keeps_the_others() {
    partial_rebuild(&[]);
}

/// The same by the `sql` engine. Its rebuild shares every dimension snapshot
/// and the resolved canonical map with the live version, so DuckDB starts
/// only for the landing rows, with the views the earlier stages asked for.
#[test]
fn partial_rebuild_by_the_sql_engine() {
    partial_rebuild(&["--engine", "sql"]);
}

fn partial_rebuild(engine: &[&str]) {
    let seed = PARTIAL_SEED;
    let (dir, mut lake) = write_random_lake(seed);
    let (lake_dir, wh) = (dir.path().join("lake"), dir.path().join("wh"));
    if let Err(e) = top10_build(&lake_dir, &wh, engine) {
        panic!("{e}");
    }
    let before = read_warehouse(&wh);
    let old_input = LakeInput::read(&lake_dir);

    // [D1, D2] = the third and fourth days: the first days stay outside the
    // rebuild, so it really is partial, and the late file can land on the fifth.
    assert!(lake.days >= 4, "seed {seed} must span at least 4 days");
    let (d1, d2) = (lake.start_day + 2, lake.start_day + 3);
    let in_range = |d: &str| (date_str(d1).as_str()..=date_str(d2).as_str()).contains(&d);
    let landing = d2 + 1;
    let late_ts = |k: i64| day_start(landing) + 12 * HOUR + k * SECOND;
    let countries: Vec<String> = lake.geo.iter().map(|g| g.country.clone()).collect();
    let mut late = Vec::new();
    // New events in range: a big one that reorders the ranking, a new show, an
    // invalid one, and a NULL-event_id one.
    for (k, (day, country, show, ws)) in [
        (d1, &countries[0], 114, 80_000),
        (d2, &countries[1], 100, 86_400),
        (d2, &countries[1], 141, 5_000),
        (d1, &countries[2], 112, -7),
    ]
    .into_iter()
    .enumerate()
    {
        let k = k as i64;
        late.push(RawEvent {
            event_id: Some(format!("late-{k}")),
            user_id: Some(30 + k),
            show_id: Some(show),
            country: Some(country.clone()),
            watch_seconds: Some(ws),
            event_ts: Some(day_start(day) + (k + 1) * HOUR),
            src: Some("app".into()),
            ingestion_ts: Some(late_ts(k)),
        });
    }
    late.push(RawEvent {
        event_id: None,
        ..late[0].clone()
    });
    // A re-delivery of an existing event of D2 whose versions all have an event_ts
    // in range: the new version wins and the old winner becomes a duplicate.
    let eligible = |id: &str| {
        old_input
            .rows
            .iter()
            .filter(|r| r.ev.event_id.as_deref() == Some(id))
            .all(|r| r.ev.event_ts.is_some_and(|t| ts_date(t) == d2) && r.ev.ingestion_ts.is_some())
    };
    let redelivered = old_input
        .rows
        .iter()
        .find(|r| {
            r.ev.event_id
                .as_deref()
                .is_some_and(|id| !id.starts_with("cutoff") && eligible(id))
                && quarantine_reason(&r.ev, &old_input.countries).is_none()
        })
        .expect("an event of D2 to re-deliver")
        .ev
        .clone();
    late.push(RawEvent {
        watch_seconds: Some(43_210),
        src: Some("tv".into()),
        ingestion_ts: Some(late_ts(10)),
        ..redelivered
    });
    let late_file = Lake::raw_path(landing, 9);
    lake.raw_files.insert(late_file.clone(), late.clone());
    common::lake::write_parquet(
        &lake_dir.join("raw_watch_events").join(&late_file),
        &common::lake::raw_batch(&late, lake.raw_extra_column),
        64,
    );

    let args = ["--from", &date_str(d1), "--to", &date_str(d2)].map(str::to_owned);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.extend(engine);
    if let Err(e) = top10_build(&lake_dir, &wh, &args) {
        panic!("{e}");
    }
    let after = read_warehouse(&wh);
    let new_input = LakeInput::read(&lake_dir);
    let expected = reference(&new_input, None);

    // The test's own premise: the late file changes nothing outside [D1, D2].
    let old_expected = reference(&old_input, None);
    assert!(
        diff_tables(
            &old_expected.filter(|d| !in_range(d)),
            &expected.filter(|d| !in_range(d))
        )
        .is_empty(),
        "the late file must only touch [D1, D2]"
    );

    // And it does change [D1, D2], so the rebuild has something to do.
    assert!(
        !diff_tables(&old_expected.filter(in_range), &expected.filter(in_range)).is_empty(),
        "the late file must change [D1, D2]"
    );

    let mut problems: Vec<String> =
        diff_tables(&expected.filter(in_range), &after.filter(in_range))
            .into_iter()
            .map(|p| format!("[in range {}..={}] {p}", date_str(d1), date_str(d2)))
            .collect();
    problems.extend(
        diff_tables(
            &before.filter(|d| !in_range(d)),
            &after.filter(|d| !in_range(d)),
        )
        .into_iter()
        .map(|p| format!("[outside the range: before (-) vs after (+)] {p}")),
    );
    problems.extend(check_coverage(&new_input.visible(None), &after));
    problems.extend(
        diff_tables(&old_expected, &before)
            .into_iter()
            .map(|p| format!("[the full build before the late file] {p}")),
    );
    if !problems.is_empty() {
        let kept = dir.keep();
        report(vec![(
            format!(
                "seed {seed}, rebuild --from {} --to {} {} after adding {late_file} (lake kept at {})",
                date_str(d1),
                date_str(d2),
                engine.join(" "),
                kept.display()
            ),
            problems,
        )]);
    }
}

// ---------------------------------------------------------------------------------
// Lineage against the reference
// ---------------------------------------------------------------------------------

/// `top10::lineage::explain` (what `top10 explain` and the lineage window
/// show) for every aggregate row `keep` selects among the ranked ones: the
/// aggregate and rank equal the reference's, every raw row of the key appears
/// exactly once with the status the reference gives it (kept: its fact rows;
/// quarantined: its quarantined rows whose show resolves to the key;
/// duplicate: the losers of those), and the gap to #10 follows the ranking.
fn check_lineage(
    wh: &Path,
    input: &LakeInput,
    expected: &Tables,
    keep: impl Fn(&Agg) -> bool,
) -> Vec<String> {
    use top10::output::Cell;
    let version = top10::warehouse::Warehouse::new(wh).current().unwrap();
    let session = top10::query::Session::open(version).unwrap();
    let raw: BTreeMap<(String, i64), &RawRow> =
        input.rows.iter().map(|r| (r.identity(), r)).collect();
    let id = |f: &Option<String>, r: &Option<i64>| (f.clone().unwrap(), r.unwrap());
    let mut problems = Vec::new();
    let mut checked = 0;
    for a in expected
        .agg
        .iter()
        .filter(|a| a.rank_in_country.is_some() && keep(a))
    {
        let (date, country, show) = (
            a.event_date.clone().unwrap(),
            a.country.clone().unwrap(),
            a.show_id.unwrap(),
        );
        let key = format!("{date} {country} show {show}");
        let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
        let e = match top10::lineage::explain(&session, day, &country, show, None) {
            Ok(e) => e,
            Err(err) => {
                problems.push(format!("{key}: explain failed: {err:#}"));
                continue;
            }
        };
        checked += 1;
        let got_agg = e
            .aggregate
            .as_ref()
            .map(|g| (g.total_watch_seconds, g.viewers, g.rank_in_country));
        let want_agg = (
            a.total_watch_seconds.unwrap(),
            a.viewers.unwrap(),
            a.rank_in_country,
        );
        if got_agg != Some(want_agg) {
            problems.push(format!(
                "{key}: aggregate {got_agg:?}, reference {want_agg:?}"
            ));
        }

        let kept: BTreeSet<(String, i64)> = expected
            .fact
            .iter()
            .filter(|f| {
                f.event_date.as_deref() == Some(date.as_str())
                    && f.country.as_deref() == Some(country.as_str())
                    && f.show_id == Some(show)
            })
            .map(|f| id(&f.src_file, &f.src_row))
            .collect();
        let quarantined: BTreeSet<(String, i64)> = expected
            .quarantine
            .iter()
            .filter(|q| q.event_date.as_deref() == Some(date.as_str()))
            .map(|q| id(&q.src_file, &q.src_row))
            .filter(|k| {
                let r = raw[k];
                r.ev.country.as_deref() == Some(country.as_str())
                    && r.ev.show_id.map(|s| canonical(&input.merges, s)) == Some(show)
            })
            .collect();
        let mut want: BTreeSet<(String, i64, &str)> = BTreeSet::new();
        want.extend(kept.iter().map(|(f, r)| (f.clone(), *r, "kept")));
        want.extend(
            quarantined
                .iter()
                .map(|(f, r)| (f.clone(), *r, "quarantined")),
        );
        for d in &expected.duplicates {
            let w = id(&d.winner_src_file, &d.winner_src_row);
            if kept.contains(&w) || quarantined.contains(&w) {
                let (f, r) = id(&d.src_file, &d.src_row);
                want.insert((f, r, "duplicate"));
            }
        }

        let t = &e.events_table;
        let col = |n: &str| t.columns.iter().position(|c| c == n).unwrap();
        let (cs, cf, cr) = (col("status"), col("src_file"), col("src_row"));
        let got: Vec<(String, i64, String)> = t
            .rows
            .iter()
            .map(|r| {
                let file = r[cf].text();
                let row = match r[cr] {
                    Cell::Int(i) => i,
                    _ => -1,
                };
                (file, row, r[cs].text())
            })
            .collect();
        let got_set: BTreeSet<(String, i64, &str)> = got
            .iter()
            .map(|(f, r, s)| (f.clone(), *r, s.as_str()))
            .collect();
        if got_set.len() != got.len() {
            problems.push(format!("{key}: a raw row is listed twice"));
        }
        if got_set != want {
            let missing: Vec<_> = want.difference(&got_set).take(3).collect();
            let extra: Vec<_> = got_set.difference(&want).take(3).collect();
            problems.push(format!(
                "{key}: events differ; missing {missing:?}, unexpected {extra:?}"
            ));
        }

        let rank = a.rank_in_country.unwrap();
        if rank > 10 {
            let ten = expected.agg.iter().find(|b| {
                b.event_date == a.event_date
                    && b.country == a.country
                    && b.rank_in_country == Some(10)
            });
            if let Some(ten) = ten {
                let (ts, tv, tid) = (
                    ten.total_watch_seconds.unwrap(),
                    ten.viewers.unwrap(),
                    ten.show_id.unwrap(),
                );
                let me = (a.total_watch_seconds.unwrap(), a.viewers.unwrap());
                let wins_tie = me.1 > tv || (me.1 == tv && show < tid);
                let gap = (ts - me.0 + i64::from(!wins_tie)).max(0);
                if e.watch_seconds_to_enter_top10 != Some(gap) {
                    problems.push(format!(
                        "{key}: gap to #10 {:?}, expected {gap}",
                        e.watch_seconds_to_enter_top10
                    ));
                }
            }
        } else if e.watch_seconds_to_enter_top10.is_some() || !e.in_top10 {
            problems.push(format!("{key}: ranked {rank} but not shown in the Top 10"));
        }
    }
    if checked == 0 {
        problems.push("no ranked row was checked".into());
    }
    problems
}

/// Every ranked row of several random lakes (all the §2 edge cases) is
/// explained in agreement with the reference.
#[test]
fn lineage_matches_the_reference_for_every_ranked_row() {
    let mut failures = Vec::new();
    for seed in [1, 5, 9, 13, 17, 21] {
        let (dir, _) = write_random_lake(seed);
        let (lake, wh) = (dir.path().join("lake"), dir.path().join("wh"));
        if let Err(e) = top10_build(&lake, &wh, &[]) {
            failures.push((format!("seed {seed}"), vec![e]));
            continue;
        }
        let input = LakeInput::read(&lake);
        let expected = reference(&input, None);
        let problems = check_lineage(&wh, &input, &expected, |_| true);
        if !problems.is_empty() {
            failures.push((format!("seed {seed}"), problems));
        }
    }
    report(failures);
}

/// On the sample lake: the rows ranked 1 to 12 of two dates in every
/// country.
#[test]
fn lineage_matches_the_reference_on_the_sample() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let dir = TempDir::new().unwrap();
    let wh = dir.path().join("wh");
    top10_build(&sample, &wh, &[]).unwrap();
    let input = LakeInput::read(&sample);
    let expected = reference(&input, None);
    let problems = check_lineage(&wh, &input, &expected, |a| {
        matches!(a.event_date.as_deref(), Some("2026-09-19" | "2026-10-08"))
            && a.rank_in_country.is_some_and(|r| r <= 12)
    });
    report(vec![("sample_data".to_owned(), problems)]);
}
