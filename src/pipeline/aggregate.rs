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

use anyhow::{Result, bail};
use arrow::array::{ArrayRef, Int32Array, Int64Array, RecordBatch, StringArray};

use super::rank::{Line, Rules, ranks};
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

/// Facts per chunk of a date's list: 1 MiB.
const CHUNK: usize = 1 << 16;

/// The facts added so far, by event date.
#[derive(Default)]
pub struct Aggregator {
    /// Event date (days since 1970-01-01) → its list, and back.
    day_index: HashMap<i32, usize, FixedState>,
    days: Vec<i32>,
    /// The last date added and its list (facts arrive in runs of a date).
    last: Option<(i32, usize)>,
    /// Per date: (packed show, country, merged, watch seconds; user), in
    /// chunks of at most [`CHUNK`] facts (a full chunk is never moved).
    facts: Vec<Vec<Vec<(u64, i64)>>>,
}

impl Aggregator {
    /// An empty aggregate.
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// How many facts have been added.
    pub fn facts(&self) -> usize {
        self.facts.iter().flatten().map(Vec::len).sum()
    }

    /// The position of `day`'s list, created if new.
    fn list(&mut self, day: i32) -> usize {
        let next = self.facts.len();
        let l = *self.day_index.entry(day).or_insert(next);
        if l == next {
            self.days.push(day);
            self.facts.push(Vec::new());
        }
        l
    }

    /// Add one fact: event date `day` (days since 1970-01-01), `country`
    /// (an index below [`MAX_COUNTRIES`] into the names given to
    /// [`Aggregator::finish`]), canonical show (an index into the ids given
    /// to it), `merged` if its show id was moved to its canonical one, its
    /// user, and its watch seconds (a valid fact's, 0..=86,400).
    #[inline]
    pub fn add(&mut self, day: i32, country: u16, show: u32, merged: bool, user: i64, watch: i64) {
        debug_assert!((country as usize) < MAX_COUNTRIES && (0..=86_400).contains(&watch));
        let list = match self.last {
            Some((d, l)) if d == day => l,
            _ => {
                let l = self.list(day);
                self.last = Some((day, l));
                l
            }
        };
        let packed = (show as u64) << 32
            | (country as u64) << COUNTRY_SHIFT
            | if merged { MERGED_BIT } else { 0 }
            | watch as u64;
        let chunks = &mut self.facts[list];
        match chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push((packed, user)),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push((packed, user));
                chunks.push(c);
            }
        }
    }

    /// Move every fact of `other` into this aggregate.
    pub fn merge(&mut self, other: Aggregator) {
        for (day, chunks) in other.days.into_iter().zip(other.facts) {
            let l = self.list(day);
            self.facts[l].extend(chunks);
        }
        self.last = None;
    }

    /// Every date's rows of agg_watch_day_country_show and
    /// top10_country_day, the shows excluded and ranked by `rules` (SPEC
    /// §2.6-2.7), each date's in the order the writers give
    /// (`queries/write_*.sql`). `countries` and `shows` name the country
    /// and show indexes given to [`Aggregator::add`]; the country indexes
    /// follow the names' order.
    pub fn finish(self, countries: &[String], shows: &[i64], rules: &Rules) -> Result<Finished> {
        let days = self.days;
        let per_day: Vec<Result<DayTables>> = self
            .facts
            .into_par_iter()
            .zip(days)
            .map(|(facts, day)| {
                let rows = per_key(&by_key(facts, shows.len()));
                let mut lines = Vec::with_capacity(rows.len());
                for r in &rows {
                    let c = (r.key & (MAX_COUNTRIES as u64 - 1)) as usize;
                    let s = (r.key >> 14) as usize;
                    let (Some(name), Some(&show)) = (countries.get(c), shows.get(s)) else {
                        bail!("country {c} or show {s} out of range");
                    };
                    lines.push(Line {
                        country: c as u16,
                        show,
                        total_watch_seconds: r.watch_seconds,
                        viewers: r.viewers,
                        excluded: rules.exclusion(show, name),
                    });
                }
                let (order, ranks) = ranks(&lines);
                day_tables(day, &rows, &lines, order, &ranks, countries)
            })
            .collect();
        let mut out = Finished::default();
        for d in per_day {
            let d = d?;
            out.facts += d.facts;
            out.merged += d.merged;
            out.counts.add(&d.counts);
            out.days.push(d);
        }
        Ok(out)
    }
}

/// One date's tables from its keys, their lines, the lines' written order
/// and their ranks ([`ranks`]).
fn day_tables(
    day: i32,
    rows: &[Row],
    lines: &[Line],
    order: Vec<usize>,
    ranks: &[Option<i32>],
    countries: &[String],
) -> Result<DayTables> {
    let top: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| ranks[i].is_some_and(|r| r <= 10))
        .collect();
    let country = |idx: &[usize]| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            idx.iter()
                .map(|&i| countries[lines[i].country as usize].as_str()),
        ))
    };
    let int = |idx: &[usize], f: &dyn Fn(usize) -> i64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(idx.iter().map(|&i| f(i))))
    };
    let show = |i: usize| lines[i].show;
    let total = |i: usize| lines[i].total_watch_seconds;
    let viewers = |i: usize| lines[i].viewers;
    let agg = RecordBatch::try_new(
        Arc::new(agg_schema()),
        vec![
            country(&order),
            int(&order, &show),
            int(&order, &total),
            int(&order, &viewers),
            Arc::new(Int32Array::from_iter(order.iter().map(|&i| ranks[i]))),
            Arc::new(StringArray::from_iter(
                order.iter().map(|&i| lines[i].excluded),
            )),
        ],
    )?;
    let top10 = RecordBatch::try_new(
        Arc::new(top10_schema()),
        vec![
            country(&top),
            Arc::new(Int32Array::from_iter(top.iter().map(|&i| ranks[i]))),
            int(&top, &show),
            int(&top, &total),
            int(&top, &viewers),
        ],
    )?;
    let mut counts = AggCounts {
        rows: lines.len() as u64,
        ranked: ranks.iter().flatten().count() as u64,
        top10: top.len() as u64,
        ..AggCounts::default()
    };
    for l in lines {
        match l.excluded {
            Some("kids_only") => counts.kids_only += 1,
            Some(_) => counts.region_blocked += 1,
            None => {}
        }
    }
    Ok(DayTables {
        day,
        agg,
        top10,
        facts: rows.iter().map(|r| r.facts as u64).sum(),
        merged: rows.iter().map(|r| r.merged as u64).sum(),
        counts,
    })
}

/// What [`Aggregator::finish`] makes: every date's tables, the number of
/// facts and of those moved to a canonical id, and the aggregate's counts
/// (the manifest's).
#[derive(Default)]
pub struct Finished {
    pub days: Vec<DayTables>,
    pub facts: u64,
    pub merged: u64,
    pub counts: AggCounts,
}

/// One event date's rows of the two tables (without the date, their
/// partition), and its counts.
pub struct DayTables {
    /// Days since 1970-01-01.
    pub day: i32,
    pub agg: RecordBatch,
    pub top10: RecordBatch,
    facts: u64,
    merged: u64,
    counts: AggCounts,
}

/// The manifest's counts of the aggregate: rows, ranked rows, rows
/// excluded by each rule, Top 10 rows (`queries/count_agg.sql`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AggCounts {
    pub rows: u64,
    pub ranked: u64,
    pub kids_only: u64,
    pub region_blocked: u64,
    pub top10: u64,
}

impl AggCounts {
    pub fn add(&mut self, o: &AggCounts) {
        self.rows += o.rows;
        self.ranked += o.ranked;
        self.kids_only += o.kids_only;
        self.region_blocked += o.region_blocked;
        self.top10 += o.top10;
    }
}

/// The columns of agg_watch_day_country_show's files, as Arrow types
/// (`queries/write_agg_watch_day_country_show.sql`).
pub fn agg_schema() -> Schema {
    Schema::new(vec![
        column("country", DataType::Utf8),
        column("show_id", DataType::Int64),
        column("total_watch_seconds", DataType::Int64),
        column("viewers", DataType::Int64),
        column("rank_in_country", DataType::Int32),
        column("exclusion_reason", DataType::Utf8),
    ])
}

/// The columns of top10_country_day's files (`queries/write_top10_country_day.sql`).
pub fn top10_schema() -> Schema {
    Schema::new(vec![
        column("country", DataType::Utf8),
        column("rank_position", DataType::Int32),
        column("show_id", DataType::Int64),
        column("total_watch_seconds", DataType::Int64),
        column("viewers", DataType::Int64),
    ])
}

/// A column of a written table: nullable, as DuckDB writes every column.
fn column(name: &str, t: DataType) -> Field {
    Field::new(name, t, true)
}

/// One key of a date: (show index << 14 | country) and its sums.
struct Row {
    key: u64,
    watch_seconds: i64,
    viewers: i64,
    facts: i64,
    merged: i64,
}

/// One date's facts sorted by (show, country, user): placed by show first
/// (a counting sort: the shows are numbered densely), then each show's few
/// facts sorted in cache.
fn by_key(chunks: Vec<Vec<(u64, i64)>>, shows: usize) -> Vec<(u64, i64)> {
    let n: usize = chunks.iter().map(Vec::len).sum();
    if shows > n {
        // Fewer facts than shows (a date of few events, or a lake of very
        // many show ids): a counter per show would cost more than a sort.
        let mut out: Vec<(u64, i64)> = chunks.into_iter().flatten().collect();
        out.sort_unstable_by_key(|&(p, u)| (p >> COUNTRY_SHIFT, u));
        return out;
    }
    let mut start = vec![0usize; shows + 1];
    for &(p, _) in chunks.iter().flatten() {
        start[((p >> 32) as usize + 1).min(shows)] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut out = vec![(0u64, 0i64); start[shows]];
    let mut next = start.clone();
    for f in chunks.into_iter().flatten() {
        let s = ((f.0 >> 32) as usize).min(shows.saturating_sub(1));
        out[next[s]] = f;
        next[s] += 1;
    }
    for w in start.windows(2) {
        out[w[0]..w[1]].sort_unstable_by_key(|&(p, u)| (p >> COUNTRY_SHIFT, u));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Array;
    use arrow::array::AsArray;

    fn int(b: &RecordBatch, i: usize) -> Vec<i64> {
        b.column(i)
            .as_primitive::<arrow::datatypes::Int64Type>()
            .values()
            .to_vec()
    }

    fn strings(b: &RecordBatch, i: usize) -> Vec<Option<String>> {
        let a = b.column(i).as_string::<i32>();
        (0..a.len())
            .map(|k| (!a.is_null(k)).then(|| a.value(k).to_string()))
            .collect()
    }

    fn ranks(b: &RecordBatch, i: usize) -> Vec<Option<i32>> {
        let a = b.column(i).as_primitive::<arrow::datatypes::Int32Type>();
        (0..a.len())
            .map(|k| (!a.is_null(k)).then(|| a.value(k)))
            .collect()
    }

    #[test]
    fn sums_distinct_viewers_exclusions_and_ranks_per_key() {
        let mut a = Aggregator::new();
        // Country 0 is US, 1 is ZA. Key (1, US, show 70): users 5, 5, 6 → 2 viewers; one fact merged.
        a.add(1, 0, 7, false, 5, 10);
        a.add(1, 0, 7, true, 5, 20);
        a.add(2, 1, 7, false, 5, 1);
        a.add(1, 0, 7, false, 6, 30);
        // Same show and day, other country: its own key.
        a.add(1, 1, 7, false, 5, 4);
        // Another show of day 1 in the US, ahead of show 70 there.
        a.add(1, 0, 2, false, 8, 900);
        // A kids_only show: excluded, written after the ranked ones.
        a.add(1, 0, 1, false, 8, 5000);
        assert_eq!(a.facts(), 7);
        // Show index i is show id 10 i.
        let shows: Vec<i64> = (0..8).map(|i| i * 10).collect();
        let mut rules = Rules::default();
        rules.kids.insert(10);
        let done = a
            .finish(&["US".to_string(), "ZA".to_string()], &shows, &rules)
            .unwrap();
        assert_eq!((done.facts, done.merged), (7, 1));
        assert_eq!(
            done.counts,
            AggCounts {
                rows: 5,
                ranked: 4,
                kids_only: 1,
                region_blocked: 0,
                top10: 4
            }
        );
        let days: Vec<i32> = done.days.iter().map(|d| d.day).collect();
        assert_eq!(days, vec![1, 2]);
        let b = &done.days[0].agg;
        // By country, ranked rows by rank, then the excluded.
        assert_eq!(
            strings(b, 0),
            ["US", "US", "US", "ZA"].map(|c| Some(c.to_string()))
        );
        assert_eq!(int(b, 1), vec![20, 70, 10, 70]);
        assert_eq!(int(b, 2), vec![900, 60, 5000, 4]);
        assert_eq!(int(b, 3), vec![1, 2, 1, 1]);
        assert_eq!(ranks(b, 4), vec![Some(1), Some(2), None, Some(1)]);
        assert_eq!(
            strings(b, 5),
            vec![None, None, Some("kids_only".to_string()), None]
        );
        let top = &done.days[0].top10;
        assert_eq!(top.num_rows(), 3);
        assert_eq!(ranks(top, 1), vec![Some(1), Some(2), Some(1)]);
        assert_eq!(int(top, 2), vec![20, 70, 70]);
        assert_eq!(int(&done.days[1].agg, 2), vec![1]);
    }

    #[test]
    fn distinct_users_against_a_set_per_key() {
        // Many keys with repeated users, against a plain count of sets, in
        // two aggregates merged.
        let mut a = Aggregator::new();
        let mut other = Aggregator::new();
        let mut sets: HashMap<(i32, i64), std::collections::HashSet<i64>> = HashMap::new();
        let mut x: u64 = 12345;
        for n in 0..50_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let day = (x >> 60) as i32;
            let show = ((x >> 40) % 300) as i64;
            let user = ((x >> 20) % 40) as i64 - (1 << 40);
            let into = if n % 3 == 0 { &mut other } else { &mut a };
            into.add(day, 0, show as u32, false, user, 1);
            sets.entry((day, show)).or_default().insert(user);
        }
        a.merge(other);
        assert_eq!(a.facts(), 50_000);
        let shows: Vec<i64> = (0..300).collect();
        let done = a
            .finish(&["US".to_string()], &shows, &Rules::default())
            .unwrap();
        let mut keys = 0;
        for d in &done.days {
            let (shows, viewers) = (int(&d.agg, 1), int(&d.agg, 3));
            keys += shows.len();
            for (s, v) in shows.iter().zip(viewers) {
                assert_eq!(v as usize, sets[&(d.day, *s)].len(), "{:?}", (d.day, s));
            }
        }
        assert_eq!(keys, sets.len());
    }

    #[test]
    fn an_empty_aggregate_is_no_rows() {
        let done = Aggregator::default()
            .finish(&[], &[], &Rules::default())
            .unwrap();
        assert!(done.days.is_empty());
        assert_eq!(done.counts, AggCounts::default());
    }
}
