//! The aggregate holds something per row of its input: with the default
//! engine, the fact itself, 16 bytes in Rust (`pipeline::aggregate`); with
//! the `sql` engine (`build_facts.sql`, `build_viewer_hashes.sql`,
//! `build_base.sql`), the row's 8-byte (date, country, show, user) hash in
//! Rust (`pipeline::repeats`) and, in DuckDB, the row's share of the deletes
//! it anti-joins. Every group belongs to one
//! event date, so the aggregate can run once per batch of consecutive event
//! dates, each small enough to fit, and the batches' rows are simply
//! appended. That keeps its memory bounded by the memory limit and not by
//! the size of the lake. Batches cost time, though: each scans the landing
//! row groups whose `event_ts` range meets its dates, and late events widen
//! those ranges, so at 100 M events eight batches read about three times
//! the data of one (docs/benchmarks.md). So batches are as large as the
//! limit allows.
//!
//! Batches are planned from the row counts in the landing files' footers,
//! by landing date (an event lands on or soon after its event date). The
//! first batch is open below and the last open above, so together they
//! cover every event date, the odd far-late or far-early event included.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

/// What one batch row costs the `sql` engine's aggregate, in bytes: its 8-byte hash and a
/// tenth of slack in Rust, and its share of the deletes and keys in DuckDB,
/// with room to spare. Measured: the 106.7-million-row lake in one batch
/// peaked at 1.87 GB RSS under a 1.5 GB limit. Until session 5 the aggregate kept one hash-table
/// entry per (date, country, show, user) and a row cost 100 bytes.
pub const BYTES_PER_ROW: u64 = 12;

/// An inclusive range of event dates; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Batch {
    /// Every event date.
    pub const ALL: Batch = Batch {
        from: None,
        to: None,
    };

    /// The landing rows of the batch's landing dates in `rows_by_dt`: about
    /// the rows it aggregates.
    pub fn rows(&self, rows_by_dt: &BTreeMap<NaiveDate, u64>) -> u64 {
        rows_by_dt
            .iter()
            .filter(|(dt, _)| {
                self.from.is_none_or(|f| **dt >= f) && self.to.is_none_or(|t| **dt <= t)
            })
            .map(|(_, n)| n)
            .sum()
    }

    /// Whether any date of the batch is in `from..=to`.
    pub fn meets(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= to) && self.to.is_none_or(|t| t >= from)
    }
}

/// The most rows a batch should hold under a memory limit of `memory_mib`,
/// at `bytes_per_row` each ([`BYTES_PER_ROW`] for the `sql` engine's
/// aggregate, `pipeline::aggregate::BYTES_PER_ROW` for the default one).
pub fn max_rows(memory_mib: u64, bytes_per_row: u64) -> u64 {
    (memory_mib * 1024 * 1024 / bytes_per_row.max(1)).max(1)
}

/// Split the landing dates into consecutive batches of at most `max_rows`
/// rows each (a single date over the limit is a batch of its own). Always
/// at least one batch; the first is open below, the last open above.
pub fn plan(rows_by_dt: &BTreeMap<NaiveDate, u64>, max_rows: u64) -> Vec<Batch> {
    let mut starts: Vec<NaiveDate> = Vec::new();
    let mut rows = 0u64;
    for (&dt, &n) in rows_by_dt {
        if starts.is_empty() || rows + n > max_rows {
            starts.push(dt);
            rows = 0;
        }
        rows += n;
    }
    let mut batches: Vec<Batch> = Vec::with_capacity(starts.len().max(1));
    for (i, start) in starts.iter().enumerate() {
        batches.push(Batch {
            from: (i > 0).then_some(*start),
            to: starts.get(i + 1).map(|next| *next - Duration::days(1)),
        });
    }
    if batches.is_empty() {
        batches.push(Batch {
            from: None,
            to: None,
        });
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rows(v: &[(&str, u64)]) -> BTreeMap<NaiveDate, u64> {
        v.iter().map(|(s, n)| (d(s), *n)).collect()
    }

    #[test]
    fn a_lake_that_fits_is_one_unbounded_batch() {
        let r = rows(&[("2026-01-01", 5), ("2026-01-02", 5)]);
        assert_eq!(
            plan(&r, 10),
            vec![Batch {
                from: None,
                to: None
            }]
        );
        assert_eq!(plan(&BTreeMap::new(), 10).len(), 1);
    }

    #[test]
    fn batches_are_consecutive_and_cover_every_date() {
        let r = rows(&[
            ("2026-01-01", 4),
            ("2026-01-02", 4),
            ("2026-01-04", 4),
            ("2026-01-05", 30),
            ("2026-01-06", 1),
        ]);
        let b = plan(&r, 10);
        assert_eq!(
            b,
            vec![
                Batch {
                    from: None,
                    to: Some(d("2026-01-03"))
                },
                Batch {
                    from: Some(d("2026-01-04")),
                    to: Some(d("2026-01-04"))
                },
                Batch {
                    from: Some(d("2026-01-05")),
                    to: Some(d("2026-01-05"))
                },
                Batch {
                    from: Some(d("2026-01-06")),
                    to: None
                },
            ]
        );
        // Each date is in exactly one batch, the far past and future too.
        for day in ["1999-01-01", "2026-01-03", "2026-01-05", "2099-01-01"] {
            let n = b.iter().filter(|x| x.meets(d(day), d(day))).count();
            assert_eq!(n, 1, "{day}");
        }
    }

    #[test]
    fn meets_compares_inclusive_ranges() {
        let b = Batch {
            from: Some(d("2026-01-04")),
            to: Some(d("2026-01-06")),
        };
        assert!(b.meets(d("2026-01-06"), d("2026-01-09")));
        assert!(b.meets(d("2026-01-01"), d("2026-01-04")));
        assert!(!b.meets(d("2026-01-07"), d("2026-01-09")));
        assert!(!b.meets(d("2026-01-01"), d("2026-01-03")));
    }

    #[test]
    fn the_limit_scales_with_memory() {
        assert_eq!(max_rows(1536, BYTES_PER_ROW), 134_217_728);
        assert_eq!(max_rows(1536, 24), 67_108_864);
        assert_eq!(max_rows(0, BYTES_PER_ROW), 1);
    }
}
