//! The fact table, `fact_watch_events`, stored merge-on-read.
//!
//! Writing every valid event again as Parquet cost a build more than the
//! whole of the case study's SQL (docs/benchmarks.md), yet almost every
//! fact is a landing row exactly as it arrived. So a version keeps, per
//! build whose dates it still shows (a *segment*, under
//! `fact_watch_events/<version that built it>/`):
//!
//! - `data/dt=…/….parquet`: hard links to the landing files that build read
//!   (copies where the file system has no hard links), so the version never
//!   depends on the lake again;
//! - `deletes.parquet`: the rows of those files that are not facts — every
//!   losing version and every quarantined survivor — by file and row
//!   (position deletes, as table formats such as Iceberg keep them);
//! - `canonical.parquet`: the canonical show ids that build resolved.
//!
//! Readers see the fact as a view ([`view_sql`], `queries/fact_segment.sql`):
//! each segment's rows up to its as-of bound, minus its deletes, with
//! canonical ids, for the event dates no later segment rebuilt.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use arrow::array::{Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{DateRange, link_or_copy};
use crate::db;
use crate::lake::RawFile;
use crate::queries;

/// The fact table's name, and its folder in a version.
pub const FACT: &str = "fact_watch_events";

/// The landing files of one build, and the event dates it answers for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Segment {
    /// Its folder below the version: `fact_watch_events/<version>`.
    pub dir: String,
    /// The as-of bound of the build that made it.
    pub as_of: Option<NaiveDateTime>,
    /// The event dates that build computed (None: every date).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub files: Vec<SegmentFile>,
}

/// One landing file of a segment, kept as `data/<name>`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SegmentFile {
    /// Its name below `raw_watch_events/`, the identity lineage shows.
    pub name: String,
    /// Its landing date.
    pub dt: NaiveDate,
    /// Size of the kept file: a hard link shares its content with the
    /// lake's file, so a lake file rewritten in place would change the fact
    /// under a reader. Readers compare the size and refuse a changed file.
    /// (Not the modification time: a warehouse copied elsewhere must stay
    /// readable.)
    pub bytes: u64,
}

impl Segment {
    fn range(&self) -> Option<DateRange> {
        match (self.from, self.to) {
            (Some(from), Some(to)) => Some(DateRange { from, to }),
            _ => None,
        }
    }

    /// Whether a build of `range` recomputes every date this segment has.
    fn covered_by(&self, range: DateRange) -> bool {
        self.range()
            .is_some_and(|r| range.from <= r.from && r.to <= range.to)
    }
}

/// Keep the landing files a build read as the segment `name` of the
/// version being built in `staging`. The build then writes the segment's
/// deletes and canonical ids ([`deletes_file`], [`canonical_file`]).
pub fn keep_files(
    staging: &Path,
    name: &str,
    files: &[&RawFile],
    as_of: Option<NaiveDateTime>,
    range: Option<DateRange>,
) -> Result<Segment> {
    let dir = format!("{FACT}/{name}");
    let mut kept = Vec::with_capacity(files.len());
    for f in files {
        let target = data_file(&staging.join(&dir), &f.name);
        fs::create_dir_all(target.parent().expect("a file has a folder"))?;
        link_or_copy(&f.path, &target)?;
        kept.push(SegmentFile {
            name: f.name.clone(),
            dt: f.dt,
            bytes: size(&target)?,
        });
    }
    Ok(Segment {
        dir,
        as_of,
        from: range.map(|r| r.from),
        to: range.map(|r| r.to),
        files: kept,
    })
}

/// A kept landing file, below the segment's folder.
fn data_file(segment_dir: &Path, name: &str) -> PathBuf {
    segment_dir.join("data").join(name)
}

/// A segment's deletes, in the version at `version_dir`.
pub fn deletes_file(version_dir: &Path, segment: &Segment) -> PathBuf {
    version_dir.join(&segment.dir).join("deletes.parquet")
}

/// A segment's canonical show ids, in the version at `version_dir`.
pub fn canonical_file(version_dir: &Path, segment: &Segment) -> PathBuf {
    version_dir.join(&segment.dir).join("canonical.parquet")
}

/// Write the segment's canonical show ids ([`canonical_file`]): every
/// (old_show_id, canonical_show_id) of `canonical`, by old id.
pub fn write_canonical(
    version_dir: &Path,
    segment: &Segment,
    canonical: &BTreeMap<i64, i64>,
) -> Result<()> {
    let schema = Schema::new(vec![
        Field::new("old_show_id", DataType::Int64, true),
        Field::new("canonical_show_id", DataType::Int64, true),
    ]);
    let rows = RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(Int64Array::from_iter_values(canonical.keys().copied())),
            Arc::new(Int64Array::from_iter_values(canonical.values().copied())),
        ],
    )?;
    super::parquet_out::write_file(&canonical_file(version_dir, segment), &rows)
}

/// Carry the segments of the previous version that a build of `range`
/// leaves visible into `staging`, by hard links; a segment whose every date
/// is rebuilt is dropped. Returns them, oldest first.
pub fn carry_over(
    prev_dir: &Path,
    prev: &[Segment],
    staging: &Path,
    range: DateRange,
) -> Result<Vec<Segment>> {
    let mut kept = Vec::new();
    for seg in prev {
        if seg.covered_by(range) {
            continue;
        }
        link_tree(&prev_dir.join(&seg.dir), &staging.join(&seg.dir))?;
        kept.push(seg.clone());
    }
    Ok(kept)
}

/// Fail if a kept landing file changed since its build (see
/// [`SegmentFile::bytes`]), naming it.
pub fn verify(version_dir: &Path, segments: &[Segment]) -> Result<()> {
    for seg in segments {
        for f in &seg.files {
            let path = data_file(&version_dir.join(&seg.dir), &f.name);
            if size(&path).ok() != Some(f.bytes) {
                bail!(
                    "warehouse file {} changed after it was built (a landing file rewritten in place?): rebuild with `top10 build`",
                    path.display()
                );
            }
        }
    }
    Ok(())
}

/// The fact as one SELECT over every segment of a version. Segment `i`
/// answers for the dates of its build that no later segment rebuilt.
pub fn view_sql(version_dir: &Path, segments: &[Segment]) -> String {
    let parts: Vec<String> = segments
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.files.is_empty())
        .map(|(i, seg)| segment_sql(version_dir, seg, &segments[i + 1..]))
        .collect();
    if parts.is_empty() {
        // No rows, but the columns and types of the fact.
        return format!("SELECT * FROM ({}) WHERE false", empty_segment_sql());
    }
    parts.join("\nUNION ALL\n")
}

fn segment_sql(version_dir: &Path, seg: &Segment, later: &[Segment]) -> String {
    let dir = version_dir.join(&seg.dir);
    let (paths, names): (Vec<String>, Vec<String>) = seg
        .files
        .iter()
        .enumerate()
        .map(|(id, f)| {
            let path = db::path_literal(&data_file(&dir, &f.name));
            // id: the file's position in the list, DuckDB's file_index.
            let row = format!("({id}, {}, DATE '{}')", db::literal(&f.name), f.dt);
            (path, row)
        })
        .unzip();
    let event_date = "CAST(CAST(r.event_ts AS TIMESTAMP) AS DATE)";
    let mut bounds = vec!["true".to_string()];
    if let Some(t) = seg.as_of {
        bounds.push(format!(
            "CAST(r.ingestion_ts AS TIMESTAMP) <= TIMESTAMP '{}'",
            t.format("%Y-%m-%d %H:%M:%S%.6f")
        ));
    }
    if let Some(r) = seg.range() {
        bounds.push(format!(
            "{event_date} BETWEEN DATE '{}' AND DATE '{}'",
            r.from, r.to
        ));
    }
    for l in later {
        match l.range() {
            Some(r) => bounds.push(format!(
                "NOT ({event_date} BETWEEN DATE '{}' AND DATE '{}')",
                r.from, r.to
            )),
            None => bounds.push("false".to_string()),
        }
    }
    queries::FACT_SEGMENT
        .text
        .replace("{files}", &format!("[{}]", paths.join(", ")))
        .replace("{names}", &names.join(", "))
        .replace("{deletes}", &db::path_literal(&dir.join("deletes.parquet")))
        .replace(
            "{canonical}",
            &db::path_literal(&dir.join("canonical.parquet")),
        )
        .replace("{bounds}", &bounds.join("\n  AND "))
}

/// The fact's columns with no rows.
fn empty_segment_sql() -> &'static str {
    "SELECT CAST(NULL AS VARCHAR) AS event_id, CAST(NULL AS BIGINT) AS user_id, \
     CAST(NULL AS BIGINT) AS show_id, CAST(NULL AS BIGINT) AS original_show_id, \
     CAST(NULL AS VARCHAR) AS country, CAST(NULL AS INTEGER) AS watch_seconds, \
     CAST(NULL AS TIMESTAMP) AS event_ts, CAST(NULL AS VARCHAR) AS src, \
     CAST(NULL AS TIMESTAMP) AS ingestion_ts, CAST(NULL AS DATE) AS dt, \
     CAST(NULL AS VARCHAR) AS src_file, CAST(NULL AS BIGINT) AS src_row, \
     CAST(NULL AS DATE) AS event_date"
}

fn size(path: &Path) -> Result<u64> {
    let m = fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(m.len())
}

/// Recreate the tree `src` at `dst`, its files hard-linked (or copied).
fn link_tree(src: &Path, dst: &Path) -> Result<()> {
    fs::create_dir_all(dst)?;
    for e in fs::read_dir(src).with_context(|| format!("reading {}", src.display()))? {
        let e = e?;
        let target = dst.join(e.file_name());
        if e.file_type()?.is_dir() {
            link_tree(&e.path(), &target)?;
        } else {
            link_or_copy(&e.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(dir: &str, range: Option<(&str, &str)>) -> Segment {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        Segment {
            dir: dir.into(),
            as_of: None,
            from: range.map(|r| d(r.0)),
            to: range.map(|r| d(r.1)),
            files: vec![SegmentFile {
                name: "dt=2026-01-01/a.parquet".into(),
                dt: d("2026-01-01"),
                bytes: 1,
            }],
        }
    }

    #[test]
    fn a_later_segment_hides_its_dates_from_earlier_ones() {
        let all = seg("fact_watch_events/v1", None);
        let day = seg("fact_watch_events/v2", Some(("2026-01-03", "2026-01-03")));
        let sql = view_sql(Path::new("/w"), &[all, day]);
        let parts: Vec<&str> = sql.split("\nUNION ALL\n").collect();
        assert_eq!(parts.len(), 2);
        assert!(parts[0].contains("NOT (CAST(CAST(r.event_ts AS TIMESTAMP) AS DATE) BETWEEN DATE '2026-01-03' AND DATE '2026-01-03')"));
        assert!(!parts[1].contains("NOT ("));
        assert!(parts[1].contains("'/w/fact_watch_events/v2/deletes.parquet'"));
    }

    #[test]
    fn a_rebuilt_range_drops_the_segments_it_covers() {
        let r = DateRange {
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        };
        assert!(seg("a", Some(("2026-01-02", "2026-01-03"))).covered_by(r));
        assert!(!seg("a", Some(("2026-01-02", "2026-01-07"))).covered_by(r));
        assert!(!seg("a", None).covered_by(r));
    }

    #[test]
    fn no_segment_is_an_empty_fact() {
        assert!(view_sql(Path::new("/w"), &[]).ends_with("WHERE false"));
    }
}
