//! SPEC §2.5 in Rust, for the default engine: per (event date, country,
//! canonical show), the sum of watch seconds, the distinct viewers, and the
//! number of facts and of those moved to a canonical id (for the manifest).
//! `queries/build_base.sql` computes the same in SQL (the `sql` engine, and
//! the form that ports to other engines).
//!
//! Why not DuckDB's hash aggregate: the `sql` engine needs two passes over
//! the facts for it (the repeated (key, user) pairs, then the sums), each
//! a probe per row into a table of a million keys at 10 M events. Here each
//! fact is added as [`super::scan`] reads it, into the list of its event
//! date, as 16 bytes: its show (a dense index), country, watch seconds and
//! merged flag packed in one word, and its user. Nothing is looked up but
//! the show's index, in a table of a few thousand shows that stays in
//! cache. At the end every date's list is sorted by (show, country, user),
//! the dates on both cores, and read once: the runs of a key give its sums
//! and its facts, the changes of user within them its distinct viewers.
//! Exact, with no hash of the user involved.
//!
//! Memory: 16 bytes a fact, up to twice that while a date's list grows;
//! [`BYTES_PER_ROW`] is what the batches are sized by (`pipeline::batches`).

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Result, ensure};
use arrow::array::{ArrayRef, Date32Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use foldhash::fast::FixedState;
use rayon::prelude::*;

/// What one fact costs the aggregate at its peak, in bytes: 16, doubled
/// while its date's list grows.
pub const BYTES_PER_ROW: u64 = 32;

/// The most countries the packed fact can name (14 bits).
pub const MAX_COUNTRIES: usize = 1 << 14;

/// Bits of a packed fact, from the top: show index (32), country (14),
/// merged (1), watch seconds (17: at most 86,400, SPEC §2.2).
const COUNTRY_SHIFT: u32 = 18;
const MERGED_BIT: u64 = 1 << 17;
const WATCH_MASK: u64 = (1 << 17) - 1;

/// The facts added so far, by event date.
#[derive(Default)]
pub struct Aggregator {
    /// Canonical show id → dense index, and back.
    show_index: HashMap<i64, u32, FixedState>,
    shows: Vec<i64>,
    /// Event date (days since 1970-01-01) → its list, and back.
    day_index: HashMap<i32, usize, FixedState>,
    days: Vec<i32>,
    /// The last date added and its list (facts arrive in runs of a date).
    last: Option<(i32, usize)>,
    /// Per date: (packed show, country, merged, watch seconds; user).
    facts: Vec<Vec<(u64, i64)>>,
    count: usize,
}

impl Aggregator {
    /// An empty aggregate.
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// How many facts have been added.
    pub fn facts(&self) -> usize {
        self.count
    }

    /// Add one fact: event date `day` (days since 1970-01-01), `country`
    /// (an index below [`MAX_COUNTRIES`] into the names given to
    /// [`Aggregator::finish`]), canonical `show`, `merged` if its show id
    /// was moved to `show`, its user, and its watch seconds (a valid fact's,
    /// 0..=86,400).
    #[inline]
    pub fn add(&mut self, day: i32, country: u16, show: i64, merged: bool, user: i64, watch: i64) {
        debug_assert!((country as usize) < MAX_COUNTRIES && (0..=86_400).contains(&watch));
        let list = match self.last {
            Some((d, l)) if d == day => l,
            _ => {
                let next = self.facts.len();
                let l = *self.day_index.entry(day).or_insert(next);
                if l == next {
                    self.days.push(day);
                    self.facts.push(Vec::new());
                }
                self.last = Some((day, l));
                l
            }
        };
        let next = self.shows.len() as u32;
        let s = *self.show_index.entry(show).or_insert(next);
        if s == next {
            self.shows.push(show);
        }
        let packed = (s as u64) << 32
            | (country as u64) << COUNTRY_SHIFT
            | if merged { MERGED_BIT } else { 0 }
            | watch as u64;
        self.facts[list].push((packed, user));
        self.count += 1;
    }

    /// The aggregate as rows of the `base` table (`queries/build_schema.sql`):
    /// event_date, country, show_id, total_watch_seconds, viewers, events,
    /// merged_events. `countries` names the country indexes given to
    /// [`Aggregator::add`].
    pub fn finish(self, countries: &[String]) -> Result<RecordBatch> {
        let days = self.days;
        let rows: Vec<Vec<Row>> = self
            .facts
            .into_par_iter()
            .map(|mut facts| {
                facts.sort_unstable_by_key(|&(p, u)| (p >> COUNTRY_SHIFT, u));
                per_key(&facts)
            })
            .collect();
        let n: usize = rows.iter().map(Vec::len).sum();
        let (mut day, mut country, mut show) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut watch, mut viewers, mut facts, mut merged) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (d, rows) in days.iter().zip(&rows) {
            for r in rows {
                let c = (r.key & (MAX_COUNTRIES as u64 - 1)) as usize;
                let name = countries.get(c);
                ensure!(name.is_some(), "country index {c} out of range");
                day.push(*d);
                country.push(name.map(String::as_str));
                show.push(self.shows[(r.key >> 14) as usize]);
                watch.push(r.watch_seconds);
                viewers.push(r.viewers);
                facts.push(r.facts);
                merged.push(r.merged);
            }
        }
        let int = |v: Vec<i64>| Arc::new(Int64Array::from(v)) as ArrayRef;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Date32Array::from(day)),
            Arc::new(StringArray::from(country)),
            int(show),
            int(watch),
            int(viewers),
            int(facts),
            int(merged),
        ];
        Ok(RecordBatch::try_new(Arc::new(base_schema()), columns)?)
    }
}

/// One key of a date: (show index << 14 | country) and its sums.
struct Row {
    key: u64,
    watch_seconds: i64,
    viewers: i64,
    facts: i64,
    merged: i64,
}

/// The keys of one date's facts, sorted by (key, user).
fn per_key(facts: &[(u64, i64)]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut prev: Option<(u64, i64)> = None;
    for &(p, user) in facts {
        let key = p >> COUNTRY_SHIFT;
        let new_key = prev.is_none_or(|(k, _)| k != key);
        if new_key {
            rows.push(Row {
                key,
                watch_seconds: 0,
                viewers: 0,
                facts: 0,
                merged: 0,
            });
        }
        let r = rows.last_mut().expect("a row per key");
        r.watch_seconds += (p & WATCH_MASK) as i64;
        r.facts += 1;
        r.merged += (p & MERGED_BIT != 0) as i64;
        if new_key || prev.is_some_and(|(_, u)| u != user) {
            r.viewers += 1;
        }
        prev = Some((key, user));
    }
    rows
}

/// The columns of the `base` table, as Arrow types.
fn base_schema() -> Schema {
    let f = |name: &str, t: DataType| Field::new(name, t, true);
    Schema::new(vec![
        f("event_date", DataType::Date32),
        f("country", DataType::Utf8),
        f("show_id", DataType::Int64),
        f("total_watch_seconds", DataType::Int64),
        f("viewers", DataType::Int64),
        f("events", DataType::Int64),
        f("merged_events", DataType::Int64),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Array;

    #[test]
    fn sums_and_distinct_viewers_per_key() {
        let mut a = Aggregator::new();
        // Key (1, 0, 7): users 5, 5, 6 → 2 viewers; one fact merged.
        a.add(1, 0, 7, false, 5, 10);
        a.add(1, 0, 7, true, 5, 20);
        a.add(2, 1, 7, false, 5, 1);
        a.add(1, 0, 7, false, 6, 30);
        // Same show and day, other country: its own key.
        a.add(1, 1, 7, false, 5, 4);
        assert_eq!(a.facts(), 5);
        let b = a.finish(&["US".to_string(), "FR".to_string()]).unwrap();
        assert_eq!(b.num_rows(), 3);
        let col = |i: usize| {
            b.column(i)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .values()
                .to_vec()
        };
        let days = b.column(0).as_any().downcast_ref::<Date32Array>().unwrap();
        let countries = b.column(1).as_any().downcast_ref::<StringArray>().unwrap();
        // By date, then by show and country.
        assert_eq!(days.values().to_vec(), vec![1, 1, 2]);
        assert_eq!(
            (0..3).map(|i| countries.value(i)).collect::<Vec<_>>(),
            vec!["US", "FR", "FR"]
        );
        assert_eq!(col(2), vec![7, 7, 7]);
        assert_eq!(col(3), vec![60, 4, 1]);
        assert_eq!(col(4), vec![2, 1, 1]);
        assert_eq!(col(5), vec![3, 1, 1]);
        assert_eq!(col(6), vec![1, 0, 0]);
        assert!(b.column(1).null_count() == 0);
    }

    #[test]
    fn distinct_users_against_a_set_per_key() {
        // Many keys with repeated users, against a plain count of sets.
        let mut a = Aggregator::new();
        let mut sets: HashMap<(i32, u16, i64), std::collections::HashSet<i64>> = HashMap::new();
        let mut x: u64 = 12345;
        for _ in 0..50_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let day = (x >> 60) as i32;
            let show = ((x >> 40) % 300) as i64 - 150;
            let user = ((x >> 20) % 40) as i64 - (1 << 40);
            a.add(day, 0, show, false, user, 1);
            sets.entry((day, 0, show)).or_default().insert(user);
        }
        let b = a.finish(&["US".to_string()]).unwrap();
        let int = |i: usize| {
            b.column(i)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .clone()
        };
        let days = b.column(0).as_any().downcast_ref::<Date32Array>().unwrap();
        let (shows, viewers) = (int(2), int(4));
        assert_eq!(b.num_rows(), sets.len());
        for i in 0..b.num_rows() {
            let k = (days.value(i), 0u16, shows.value(i));
            assert_eq!(viewers.value(i) as usize, sets[&k].len(), "{k:?}");
        }
    }

    #[test]
    fn an_empty_aggregate_is_no_rows() {
        let b = Aggregator::default().finish(&[]).unwrap();
        assert_eq!(b.num_rows(), 0);
        assert_eq!(b.num_columns(), 7);
    }
}
