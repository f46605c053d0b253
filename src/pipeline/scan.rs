//! The default engine's one pass over the landing rows
//! (`queries/build_scan.sql`), which feeds deduplication, validation and
//! the aggregate at once.
//!
//! Deduplication and validation only matter for the rows that could lose
//! or be quarantined: a version of a contested event id (delivered more
//! than once, `pipeline::repeats`) or a row that fails a check of SPEC
//! §2.2. Every other row — about 97 % — is a fact as it arrived. The pass's
//! SQL tells them apart (the same tests as the `sql` engine's
//! `build_versions.sql`), and here:
//!
//! - a *candidate* is kept aside, whole, and after the pass goes to DuckDB
//!   as the table `candidates`, where `queries/build_versions.sql` settles
//!   it exactly as the `sql` engine does (the window, the reasons);
//! - any other row is a fact: its date, country, canonical show, user and
//!   watch seconds go straight into the [`Aggregator`].
//!
//! The candidates that turn out to be facts (winners that pass
//! validation) join the aggregate after the versions are settled
//! (`queries/build_candidate_facts.sql`).
//!
//! The `sql` engine scans the landing files twice more for the same
//! results (the versions, then the repeated viewers and the sums of the
//! aggregate, which it reads twice); docs/benchmarks.md has the times.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use arrow::array::{Array, BooleanArray, Date32Array, Int64Array, RecordBatch, UInt16Array};
use chrono::NaiveDate;
use duckdb::Connection;
use foldhash::fast::FixedState;

use super::DateRange;
use super::aggregate::{Aggregator, MAX_COUNTRIES};
use super::batches::Batch;
use crate::queries::{self, Sql};

/// The columns of `build_scan.sql` the aggregate reads, in order; the
/// candidate's own columns (as `landing_rows` has them) follow.
const CANDIDATE: usize = 0;
const EVENT_DATE: usize = 1;
const COUNTRY: usize = 2;
const SHOW_ID: usize = 3;
const USER_ID: usize = 4;
const WATCH_SECONDS: usize = 5;
const CANDIDATE_COLUMNS: std::ops::Range<usize> = 6..16;

/// What the pass needs besides the rows: the country names of the
/// aggregate's country key, the canonical show ids, the built dates.
pub struct Scanner {
    countries: Vec<String>,
    /// Old show id → canonical show id (show_canonical_resolved).
    canonical: HashMap<i64, i64, FixedState>,
    /// The built event dates, as days since 1970-01-01 (None: all).
    built: Option<(i32, i32)>,
}

impl Scanner {
    /// Create the pass's working tables (`build_candidates.sql`) and read
    /// the small inputs: the numbered countries and the resolved canonical
    /// map.
    pub fn new(conn: &Connection, range: Option<DateRange>) -> Result<Scanner> {
        conn.execute_batch(queries::BUILD_CANDIDATES.text)
            .context("pipeline stage build_candidates")?;
        let mut stmt = conn.prepare("SELECT country FROM country_index ORDER BY idx")?;
        let countries: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<duckdb::Result<_>>()?;
        if countries.len() > MAX_COUNTRIES {
            bail!(
                "dim_geo has {} countries; the build supports at most {MAX_COUNTRIES}",
                countries.len()
            );
        }
        let mut stmt =
            conn.prepare("SELECT old_show_id, canonical_show_id FROM show_canonical_resolved")?;
        let canonical = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<duckdb::Result<_>>()?;
        Ok(Scanner {
            countries,
            canonical,
            built: range.map(|r| (day(r.from), day(r.to))),
        })
    }

    /// The countries the aggregate's country indexes name.
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// Scan the landing rows (`build_scan.sql`) and add every fact of event
    /// dates in `batch` (and the build's range) to `agg`. With
    /// `candidates`, every candidate of every date is appended to the
    /// table `candidates`.
    pub fn landing(
        &self,
        conn: &Connection,
        batch: Batch,
        agg: &mut Aggregator,
        candidates: bool,
    ) -> Result<()> {
        let mut kept = Vec::new();
        self.stream(conn, queries::BUILD_SCAN, batch, agg, |rb, flags| {
            if candidates && flags.true_count() > 0 {
                let columns: Vec<usize> = CANDIDATE_COLUMNS.collect();
                kept.push(arrow::compute::filter_record_batch(
                    &rb.project(&columns)?,
                    flags,
                )?);
            }
            Ok(())
        })?;
        if candidates {
            let mut app = conn.appender("candidates")?;
            for rb in kept {
                app.append_record_batch(rb)?;
            }
            app.flush()?;
        }
        Ok(())
    }

    /// Add the candidates that are facts (`build_candidate_facts.sql`: not
    /// deleted as losers or quarantined) of `batch` to `agg`.
    pub fn candidate_facts(
        &self,
        conn: &Connection,
        batch: Batch,
        agg: &mut Aggregator,
    ) -> Result<()> {
        self.stream(conn, queries::BUILD_CANDIDATE_FACTS, batch, agg, |_, _| {
            Ok(())
        })
    }

    /// Run `sql` (the first columns of `build_scan.sql`), add its facts of
    /// the counted dates to `agg`, and hand each Arrow batch with its
    /// candidate flags to `each`.
    fn stream(
        &self,
        conn: &Connection,
        sql: Sql,
        batch: Batch,
        agg: &mut Aggregator,
        mut each: impl FnMut(&RecordBatch, &BooleanArray) -> Result<()>,
    ) -> Result<()> {
        let (from, to) = (batch.from.map(day), batch.to.map(day));
        let counted = |d: i32| {
            from.is_none_or(|f| d >= f)
                && to.is_none_or(|t| d <= t)
                && self.built.is_none_or(|(f, t)| f <= d && d <= t)
        };
        let mut run = || -> Result<()> {
            let mut stmt = conn.prepare(sql.text)?;
            for rb in stmt.stream_arrow([])? {
                let rb = rb?;
                let flags: &BooleanArray = column(&rb, CANDIDATE)?;
                let days: &Date32Array = column(&rb, EVENT_DATE)?;
                let countries: &UInt16Array = column(&rb, COUNTRY)?;
                let shows: &Int64Array = column(&rb, SHOW_ID)?;
                let users: &Int64Array = column(&rb, USER_ID)?;
                let watch: &Int64Array = column(&rb, WATCH_SECONDS)?;
                for i in 0..rb.num_rows() {
                    // A fact's columns are never NULL (a NULL field makes a
                    // candidate); a candidate's are.
                    if flags.value(i) || days.is_null(i) {
                        continue;
                    }
                    let d = days.value(i);
                    if !counted(d) {
                        continue;
                    }
                    let raw = shows.value(i);
                    let (show, merged) = match self.canonical.get(&raw) {
                        Some(&c) => (c, true),
                        None => (raw, false),
                    };
                    agg.add(
                        d,
                        countries.value(i),
                        show,
                        merged,
                        users.value(i),
                        watch.value(i),
                    );
                }
                each(&rb, flags)?;
            }
            Ok(())
        };
        run().with_context(|| format!("pipeline stage {}", sql.name))
    }
}

/// Column `i` of a scanned batch, as its Arrow type.
fn column<T: 'static>(rb: &RecordBatch, i: usize) -> Result<&T> {
    let c = rb.columns().get(i).context("a scan column is missing")?;
    c.as_any().downcast_ref::<T>().with_context(|| {
        format!(
            "scan column {} has Arrow type {}",
            rb.schema().field(i).name(),
            c.data_type()
        )
    })
}

/// `d` as days since 1970-01-01, Arrow's Date32.
fn day(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_unix_epoch() {
        assert_eq!(day(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(day(NaiveDate::from_ymd_opt(1969, 12, 31).unwrap()), -1);
        assert_eq!(day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()), 20416);
    }
}
