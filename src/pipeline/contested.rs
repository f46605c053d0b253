//! The contested events (SPEC §2.1 must choose a version): the event ids
//! delivered more than once, by the 64-bit hash of the id.
//!
//! DuckDB hashes every landing row's event_id (`queries/build_event_hashes.sql`)
//! and streams the hashes here as Arrow batches. They are spread into 256
//! buckets by their top byte as they arrive, the buckets are sorted on both
//! cores, and a hash equal to its neighbour is contested. The contested
//! hashes go back to DuckDB as the table `contested`, which
//! `build_versions.sql` reads. Two ids that share a hash are both treated as
//! contested, which only costs `build_versions.sql` a little more work: it
//! partitions by the id itself, so the outcome is exact.
//!
//! Why not in SQL: DuckDB finds the same hashes with a GROUP BY (a hash
//! table of every id, 0.9-1.4 s at 10 million events) or a sort of every
//! hash (0.8-0.9 s); here it costs 0.5 s, most of it DuckDB's scan
//! (docs/benchmarks.md). On an engine without this step, the GROUP BY in
//! `build_event_hashes.sql`'s comment is the portable form (docs/scaling.md).
//!
//! The hashes take 8 bytes a row outside DuckDB's memory limit, so the
//! rows are read in as many passes over ranges of hashes as keep them within
//! that limit: one pass up to about 190 million events at the default 1.5 GB.

use anyhow::{Context, Result};
use arrow::array::{Array, UInt64Array};
use duckdb::{Connection, params};
use rayon::prelude::*;

use crate::queries;

/// Buckets by the top byte of the hash: each small enough to sort in cache.
const BUCKETS: usize = 256;

/// Find the contested hashes among the rows of `landing_rows`
/// (`rows` of them, an estimate for sizing) and insert them into the table
/// `contested`, holding at most `budget_bytes` of hashes at a time.
/// Returns how many hashes are contested.
pub fn find(conn: &Connection, rows: u64, budget_bytes: u64) -> Result<u64> {
    let mut found = 0;
    for (lo, hi) in ranges(passes(rows, budget_bytes)) {
        let buckets = read_hashes(conn, lo, hi, rows)?;
        let contested = repeats(buckets);
        found += contested.len() as u64;
        let mut app = conn.appender("contested")?;
        app.append_rows(contested.iter().map(|h| [*h]))?;
        app.flush()?;
    }
    Ok(found)
}

/// How many passes keep `rows` hashes of 8 bytes within `budget_bytes`.
fn passes(rows: u64, budget_bytes: u64) -> u64 {
    (rows.saturating_mul(8))
        .div_ceil(budget_bytes.max(8))
        .max(1)
}

/// `n` contiguous, inclusive ranges of hashes that cover every u64.
fn ranges(n: u64) -> Vec<(u64, u64)> {
    let bound = |k: u64| ((k as u128) << 64) / n as u128;
    (0..n)
        .map(|k| (bound(k) as u64, (bound(k + 1) - 1) as u64))
        .collect()
}

/// The hashes of the rows whose hash lies in `lo..=hi`, bucketed by their
/// top byte.
fn read_hashes(conn: &Connection, lo: u64, hi: u64, rows: u64) -> Result<Vec<Vec<u64>>> {
    // Room for a bucket's share of the rows and a tenth more, in the
    // buckets this pass can fill.
    let per_bucket = (rows as usize / BUCKETS) * 11 / 10;
    let filled = (lo >> 56) as usize..=(hi >> 56) as usize;
    let mut buckets: Vec<Vec<u64>> = (0..BUCKETS)
        .map(|b| Vec::with_capacity(if filled.contains(&b) { per_bucket } else { 0 }))
        .collect();
    let mut stmt = conn.prepare(queries::BUILD_EVENT_HASHES.text)?;
    for batch in stmt.stream_arrow(params![lo, hi])? {
        let batch = batch.context("reading the event ids' hashes")?;
        let column = batch
            .column(0)
            .as_any()
            .downcast_ref::<UInt64Array>()
            .context("the event ids' hashes are not UBIGINT")?;
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
        assert_eq!(passes(0, 1 << 20), 1);
        assert_eq!(passes(1000, 8000), 1);
        assert_eq!(passes(1001, 8000), 2);
        assert_eq!(passes(10_000_000, 1536 << 20), 1);
        assert_eq!(passes(1_000_000_000, 1536 << 20), 5);
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

    /// The whole step on DuckDB, in one pass and in several: the same ids.
    #[test]
    fn finds_the_ids_delivered_twice_in_any_number_of_passes() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TEMP TABLE contested (h UBIGINT);
             CREATE TEMP TABLE landing_rows AS
             SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE 'e' || (i % 700) END AS event_id
             FROM range(1000) t(i);",
        )
        .unwrap();
        let expected: Vec<u64> = conn
            .prepare(
                "SELECT hash(event_id) FROM landing_rows WHERE event_id IS NOT NULL
                 GROUP BY ALL HAVING count(*) > 1 ORDER BY 1",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<duckdb::Result<_>>()
            .unwrap();
        assert_eq!(expected.len(), 270);
        for budget in [1 << 20, 800, 80] {
            conn.execute_batch("DELETE FROM contested").unwrap();
            assert_eq!(find(&conn, 1000, budget).unwrap(), 270);
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
