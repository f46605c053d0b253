//! Hashes seen more than once, found outside SQL: the one primitive the
//! build does in Rust, used twice.
//!
//! - **Contested events** (SPEC §2.1 must choose a version): the event ids
//!   delivered more than once, from `queries/build_event_hashes.sql`, into
//!   the table `contested` that `build_versions.sql` reads.
//! - **Repeated viewers** (SPEC §2.5 counts distinct viewers): the (date,
//!   country, show, user) pairs of more than one fact, from
//!   `queries/build_viewer_hashes.sql`, into `repeated_viewers`, so that
//!   `build_base.sql` keeps users apart only for them.
//!
//! DuckDB computes a 64-bit hash per row and streams the hashes here as
//! Arrow batches. They are spread into 256 buckets by their top byte as they
//! arrive, the buckets are sorted on both cores, and a hash equal to its
//! neighbour is repeated. Two different values that share a hash are both
//! reported, which costs the SQL that reads the table a little more work and
//! never a wrong answer: it compares the values themselves.
//!
//! Why not in SQL: the standard form is `GROUP BY h HAVING count(*) > 1`,
//! a hash table as large as the rows. DuckDB takes 0.9-1.4 s for it on the
//! event ids of the 10 M lake, and 0.8-0.9 s sorting the hashes instead;
//! this takes 0.5 s, most of it DuckDB's scan (docs/benchmarks.md). On an
//! engine without this step, that GROUP BY is the portable form
//! (docs/scaling.md).
//!
//! The hashes take 8 bytes a row (and a tenth more of reserved room) outside
//! DuckDB's memory limit, on top of what DuckDB holds while it scans. They
//! are read in as many passes over ranges of hashes as keep them within a
//! budget, the limit itself: one pass up to about 190 million rows at the
//! default 1.5 GB, so the process peaks below about twice the limit. The row
//! count is an estimate (a batch's later-landing facts are not in it); a
//! bucket that outgrows its room just grows.

use anyhow::{Context, Result};
use arrow::array::{Array, UInt64Array};
use duckdb::{Connection, params};
use rayon::prelude::*;

use crate::queries::Sql;

/// Buckets by the top byte of the hash: each small enough to sort in cache.
const BUCKETS: usize = 256;

/// Run `hashes` (a query of one UBIGINT column whose rows lie in the
/// hash range `$1..=$2`) over about `rows` rows, holding at most
/// `budget_bytes` of hashes at a time, and make `table` (one UBIGINT
/// column, `h`) hold exactly the hashes seen more than once. Returns how
/// many there are.
pub fn find(
    conn: &Connection,
    hashes: Sql,
    table: &str,
    rows: u64,
    budget_bytes: u64,
) -> Result<u64> {
    conn.execute_batch(&format!("DELETE FROM {table};"))?;
    let mut found = 0;
    for (lo, hi) in ranges(passes(rows, 8, budget_bytes)) {
        let buckets = read_hashes(conn, hashes, lo, hi, rows)
            .with_context(|| format!("pipeline stage {}", hashes.name))?;
        let repeated = repeats(buckets);
        found += repeated.len() as u64;
        let mut app = conn.appender(table)?;
        app.append_rows(repeated.iter().map(|h| [*h]))?;
        app.flush()?;
    }
    Ok(found)
}

/// How many passes keep `rows` entries of `bytes_per_row` bytes each within
/// `budget_bytes` (also the default engine's contested-row step,
/// `pipeline::scan`).
pub(super) fn passes(rows: u64, bytes_per_row: u64, budget_bytes: u64) -> u64 {
    (rows.saturating_mul(bytes_per_row))
        .div_ceil(budget_bytes.max(bytes_per_row))
        .max(1)
}

/// `n` contiguous, inclusive ranges of hashes that cover every u64.
pub(super) fn ranges(n: u64) -> Vec<(u64, u64)> {
    let bound = |k: u64| ((k as u128) << 64) / n as u128;
    (0..n)
        .map(|k| (bound(k) as u64, (bound(k + 1) - 1) as u64))
        .collect()
}

/// The hashes `hashes` yields in `lo..=hi`, bucketed by their top byte.
fn read_hashes(
    conn: &Connection,
    hashes: Sql,
    lo: u64,
    hi: u64,
    rows: u64,
) -> Result<Vec<Vec<u64>>> {
    // Room for a bucket's share of the rows and a tenth more, in the
    // buckets this pass can fill.
    let per_bucket = (rows as usize / BUCKETS) * 11 / 10;
    let filled = (lo >> 56) as usize..=(hi >> 56) as usize;
    let mut buckets: Vec<Vec<u64>> = (0..BUCKETS)
        .map(|b| Vec::with_capacity(if filled.contains(&b) { per_bucket } else { 0 }))
        .collect();
    let mut stmt = conn.prepare(hashes.text)?;
    for batch in stmt.stream_arrow(params![lo, hi])? {
        let batch = batch?;
        let column = batch
            .column(0)
            .as_any()
            .downcast_ref::<UInt64Array>()
            .context("the hashes are not UBIGINT")?;
        for &h in column.values() {
            buckets[(h >> 56) as usize].push(h);
        }
    }
    Ok(buckets)
}

/// Every hash that occurs more than once, once each.
fn repeats(buckets: Vec<Vec<u64>>) -> Vec<u64> {
    buckets
        .into_par_iter()
        .flat_map_iter(|mut b| {
            b.sort_unstable();
            let mut out = Vec::new();
            for w in b.windows(2) {
                if w[0] == w[1] && out.last() != Some(&w[0]) {
                    out.push(w[0]);
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_every_hash_once() {
        for n in [1, 2, 3, 7, 256] {
            let r = ranges(n);
            assert_eq!(r.len() as u64, n);
            assert_eq!(r[0].0, 0);
            assert_eq!(r.last().unwrap().1, u64::MAX);
            for w in r.windows(2) {
                assert_eq!(w[0].1 + 1, w[1].0);
            }
        }
    }

    #[test]
    fn passes_keep_the_hashes_within_the_budget() {
        assert_eq!(passes(0, 8, 1 << 20), 1);
        assert_eq!(passes(1000, 8, 8000), 1);
        assert_eq!(passes(1001, 8, 8000), 2);
        assert_eq!(passes(10_000_000, 8, 1536 << 20), 1);
        assert_eq!(passes(1_000_000_000, 8, 1536 << 20), 5);
    }

    #[test]
    fn repeats_are_the_hashes_seen_twice_or_more() {
        let mut buckets = vec![Vec::new(); BUCKETS];
        for h in [5u64, 9, 5, 5, u64::MAX, 1 << 60, u64::MAX, 7] {
            buckets[(h >> 56) as usize].push(h);
        }
        let mut r = repeats(buckets);
        r.sort();
        assert_eq!(r, vec![5, u64::MAX]);
    }

    /// The whole step on DuckDB, in one pass and in several: the same hashes
    /// as SQL's GROUP BY … HAVING.
    #[test]
    fn finds_the_ids_delivered_twice_in_any_number_of_passes() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TEMP TABLE contested (h UBIGINT);
             CREATE TEMP TABLE ids AS
             SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE 'e' || (i % 700) END AS event_id
             FROM range(1000) t(i);",
        )
        .unwrap();
        let expected: Vec<u64> = conn
            .prepare(
                "SELECT hash(event_id) FROM ids WHERE event_id IS NOT NULL
                 GROUP BY ALL HAVING count(*) > 1 ORDER BY 1",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<duckdb::Result<_>>()
            .unwrap();
        assert_eq!(expected.len(), 270);
        let hashes = Sql {
            name: "test_hashes",
            text: "SELECT h FROM (SELECT hash(event_id) AS h FROM ids WHERE event_id IS NOT NULL)
                   WHERE h BETWEEN $1 AND $2",
        };
        // Left over from an earlier run: replaced.
        conn.execute_batch("INSERT INTO contested VALUES (1), (2)")
            .unwrap();
        for budget in [1 << 20, 800, 80] {
            assert_eq!(find(&conn, hashes, "contested", 1000, budget).unwrap(), 270);
            let got: Vec<u64> = conn
                .prepare("SELECT h FROM contested ORDER BY h")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<duckdb::Result<_>>()
                .unwrap();
            assert_eq!(got, expected, "budget {budget}");
        }
    }
}
