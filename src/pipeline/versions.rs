//! SPEC §2.1 deduplication and §2.2 validation of the candidates, in Rust,
//! for the default engine: the rows the pass over the landing files
//! ([`super::scan`]) kept aside because they could lose or be quarantined
//! (every version of an event id delivered more than once, every row with
//! a NULL id, every row failing a check). The rules are those of
//! `queries/build_versions.sql`, which the `sql` engine runs over every
//! landing row, and the `rejection` macro of `queries/build_schema.sql`:
//!
//! - versions of an event id are ordered latest `ingestion_ts` first (NULL
//!   oldest), then greater `src`, then greater `watch_seconds` (NULLs
//!   last), then greater (`src_file`, `src_row`), so identical deliveries
//!   are settled the same way whatever the read order; rank 1 survives;
//! - a NULL event id is an event of its own;
//! - a surviving version failing a check is quarantined with the first
//!   reason in SPEC order; every version carries its winner's identity and
//!   is attributed to the winner's event date (its landing date when the
//!   winner's event_ts is unusable).
//!
//! Why not DuckDB's window, as the `sql` engine does: the candidates are a
//! few percent of the rows, and DuckDB's fixed costs for them (the table
//! they were appended to, the window, three working tables, two
//! partitioned writes) were a fifth of a 1 M-event build; here they are a
//! sort of the candidates in memory (docs/benchmarks.md, "Session 8").

use std::cmp::Ordering;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow::array::{
    Array, ArrayRef, Date32Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
    UInt32Array,
};
use arrow::compute::take;
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use rayon::prelude::*;

/// Microseconds in a day.
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Why a surviving version is quarantined (SPEC §2.2), in the order the
/// checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    NullField,
    EventTsOutOfRange,
    WatchSecondsOutOfRange,
    UnknownCountry,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::NullField,
        Reason::EventTsOutOfRange,
        Reason::WatchSecondsOutOfRange,
        Reason::UnknownCountry,
    ];

    /// The reason as the quarantine table names it.
    pub fn name(self) -> &'static str {
        match self {
            Reason::NullField => "null_field",
            Reason::EventTsOutOfRange => "event_ts_out_of_range",
            Reason::WatchSecondsOutOfRange => "watch_seconds_out_of_range",
            Reason::UnknownCountry => "unknown_country",
        }
    }
}

/// A landing file as lineage names it: its name below raw_watch_events/
/// and its landing date (days since 1970-01-01).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub dt: i32,
}

/// The usable event_ts range, in microseconds: 0001-01-01 up to 10000-01-01.
pub struct TsRange {
    pub min: i64,
    pub end: i64,
}

impl TsRange {
    pub fn contains(&self, t: i64) -> bool {
        self.min <= t && t < self.end
    }
}

/// The candidates' columns (`landing::candidate_schema`), borrowed typed.
struct Cols<'a> {
    event_id: &'a StringArray,
    user_id: &'a Int64Array,
    show_id: &'a Int64Array,
    country: &'a StringArray,
    watch: &'a Int64Array,
    event_ts: &'a TimestampMicrosecondArray,
    src: &'a StringArray,
    ingestion_ts: &'a TimestampMicrosecondArray,
    file_id: &'a Int64Array,
    src_row: &'a Int64Array,
}

impl<'a> Cols<'a> {
    fn of(rb: &'a RecordBatch) -> Result<Cols<'a>> {
        fn col<T: 'static>(rb: &RecordBatch, i: usize) -> Result<&T> {
            rb.column(i)
                .as_any()
                .downcast_ref::<T>()
                .with_context(|| format!("candidate column {i} has an unexpected type"))
        }
        Ok(Cols {
            event_id: col(rb, 0)?,
            user_id: col(rb, 1)?,
            show_id: col(rb, 2)?,
            country: col(rb, 3)?,
            watch: col(rb, 4)?,
            event_ts: col(rb, 5)?,
            src: col(rb, 6)?,
            ingestion_ts: col(rb, 7)?,
            file_id: col(rb, 8)?,
            src_row: col(rb, 9)?,
        })
    }

    fn id(&self, i: usize) -> Option<&'a str> {
        opt_str(self.event_id, i)
    }

    fn file(&self, i: usize) -> usize {
        self.file_id.value(i) as usize
    }

    /// Which of versions `a` and `b` of one event id comes first (wins).
    fn version_order(&self, files: &[SourceFile], a: usize, b: usize) -> Ordering {
        // Descending, NULLs last: Option orders None first, so b before a.
        opt_ts(self.ingestion_ts, b)
            .cmp(&opt_ts(self.ingestion_ts, a))
            .then_with(|| opt_str(self.src, b).cmp(&opt_str(self.src, a)))
            .then_with(|| opt_int(self.watch, b).cmp(&opt_int(self.watch, a)))
            .then_with(|| files[self.file(b)].name.cmp(&files[self.file(a)].name))
            .then_with(|| self.src_row.value(b).cmp(&self.src_row.value(a)))
    }

    /// SPEC §2.2 for row `i` (the `rejection` macro of build_schema.sql).
    fn rejection(&self, i: usize, ts: &TsRange, known: &impl Fn(&str) -> bool) -> Option<Reason> {
        if self.event_id.is_null(i)
            || self.user_id.is_null(i)
            || self.show_id.is_null(i)
            || self.country.is_null(i)
            || self.event_ts.is_null(i)
            || self.watch.is_null(i)
        {
            Some(Reason::NullField)
        } else if !ts.contains(self.event_ts.value(i)) {
            Some(Reason::EventTsOutOfRange)
        } else if !(0..=86_400).contains(&self.watch.value(i)) {
            Some(Reason::WatchSecondsOutOfRange)
        } else if !known(self.country.value(i)) {
            Some(Reason::UnknownCountry)
        } else {
            None
        }
    }
}

fn opt_str(a: &StringArray, i: usize) -> Option<&str> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn opt_int(a: &Int64Array, i: usize) -> Option<i64> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn opt_ts(a: &TimestampMicrosecondArray, i: usize) -> Option<i64> {
    (!a.is_null(i)).then(|| a.value(i))
}

/// The candidates, settled: each one's rank among the versions of its
/// event id, its winner, its own rejection and its attribution date.
pub struct Settled {
    files: Vec<SourceFile>,
    /// Every candidate, in `landing::candidate_schema`'s columns.
    rows: RecordBatch,
    /// 1 for the surviving version of its event id.
    rank: Vec<u32>,
    /// The surviving version of its event id (itself when rank is 1).
    winner: Vec<u32>,
    reason: Vec<Option<Reason>>,
    /// The winner's event date (or landing date), days since 1970-01-01.
    event_date: Vec<i32>,
}

/// Settle `candidates` (batches in `landing::candidate_schema`, file_id an
/// index into `files`). `known` tells a dim_geo country.
pub fn settle(
    candidates: Vec<RecordBatch>,
    files: Vec<SourceFile>,
    ts: &TsRange,
    known: impl Fn(&str) -> bool + Sync,
) -> Result<Settled> {
    let rows = concat(candidates, super::landing::candidate_schema())?;
    let c = Cols::of(&rows)?;
    let n = rows.num_rows();
    let mut rank = vec![1u32; n];
    let mut winner: Vec<u32> = (0..n as u32).collect();
    // Versions of an event id next to each other, the winner first.
    let mut order: Vec<u32> = (0..n as u32)
        .filter(|&i| c.id(i as usize).is_some())
        .collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        c.id(a)
            .cmp(&c.id(b))
            .then_with(|| c.version_order(&files, a, b))
    });
    for run in order.chunk_by(|&a, &b| c.id(a as usize) == c.id(b as usize)) {
        for (k, &i) in run.iter().enumerate() {
            rank[i as usize] = k as u32 + 1;
            winner[i as usize] = run[0];
        }
    }
    let reason: Vec<Option<Reason>> = (0..n)
        .into_par_iter()
        .map(|i| c.rejection(i, ts, &known))
        .collect();
    let event_date = winner
        .iter()
        .map(|&w| {
            let w = w as usize;
            match opt_ts(c.event_ts, w) {
                Some(t) if ts.contains(t) => t.div_euclid(MICROS_PER_DAY) as i32,
                _ => files[c.file(w)].dt,
            }
        })
        .collect();
    Ok(Settled {
        files,
        rows,
        rank,
        winner,
        reason,
        event_date,
    })
}

/// The batches as one, a column at a time, each column's parts freed once
/// joined: at most one column is held twice (at 100 M events the
/// candidates are a few hundred megabytes).
fn concat(batches: Vec<RecordBatch>, schema: Arc<Schema>) -> Result<RecordBatch> {
    let mut parts: Vec<Vec<ArrayRef>> = vec![Vec::new(); schema.fields().len()];
    for b in batches {
        for (k, c) in b.columns().iter().enumerate() {
            parts[k].push(c.clone());
        }
    }
    let mut columns = Vec::with_capacity(parts.len());
    for (k, p) in parts.iter_mut().enumerate() {
        columns.push(super::landing::concat(
            p.iter(),
            schema.field(k).data_type(),
        )?);
        p.clear();
    }
    Ok(RecordBatch::try_new(schema, columns)?)
}

impl Settled {
    /// How many candidates there are.
    pub fn len(&self) -> usize {
        self.rank.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rank.is_empty()
    }

    /// Call `each` with every candidate that is a fact: a surviving version
    /// that passed validation (or a row kept aside only for a hash its id
    /// shares with another), as its event date (days), country, show id,
    /// user id and watch seconds.
    pub fn for_each_fact(
        &self,
        mut each: impl FnMut(i32, &str, i64, i64, i64) -> Result<()>,
    ) -> Result<()> {
        let c = Cols::of(&self.rows)?;
        for i in 0..self.len() {
            if self.rank[i] == 1 && self.reason[i].is_none() {
                each(
                    c.event_ts.value(i).div_euclid(MICROS_PER_DAY) as i32,
                    c.country.value(i),
                    c.show_id.value(i),
                    c.user_id.value(i),
                    c.watch.value(i),
                )?;
            }
        }
        Ok(())
    }

    /// The manifest's counts for the built dates: losing versions, and the
    /// quarantined survivors by reason.
    pub fn counts(&self, built: impl Fn(i32) -> bool) -> (u64, [(Reason, u64); 4]) {
        let mut duplicates = 0;
        let mut by_reason = Reason::ALL.map(|r| (r, 0u64));
        for i in 0..self.len() {
            if !built(self.event_date[i]) {
                continue;
            }
            if self.rank[i] > 1 {
                duplicates += 1;
            } else if let Some(r) = self.reason[i] {
                by_reason[r as usize].1 += 1;
            }
        }
        (duplicates, by_reason)
    }

    /// The fact's deletes: every losing version and every quarantined
    /// survivor, of every date, as (src_file, src_row) in that order.
    pub fn deletes(&self) -> Result<RecordBatch> {
        let c = Cols::of(&self.rows)?;
        let mut rows: Vec<(&str, i64)> = (0..self.len())
            .filter(|&i| self.rank[i] > 1 || self.reason[i].is_some())
            .map(|i| (self.files[c.file(i)].name.as_str(), c.src_row.value(i)))
            .collect();
        rows.sort_unstable();
        let schema = Schema::new(vec![
            Field::new("src_file", DataType::Utf8, true),
            Field::new("src_row", DataType::Int64, true),
        ]);
        Ok(RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0))),
                Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.1))),
            ],
        )?)
    }

    /// The duplicates table's rows of the built dates, given to `each` an
    /// event date at a time (the dates on both cores): every losing version
    /// with its winner's identity, in the order
    /// `queries/write_duplicates.sql` writes them.
    pub fn duplicates(&self, built: impl Fn(i32) -> bool, each: &Sink<'_>) -> Result<()> {
        let picked = |i: usize| self.rank[i] > 1 && built(self.event_date[i]);
        self.by_date(picked, duplicates_schema(), each, |rows, c, idx| {
            let winners: Vec<u32> = idx.iter().map(|&i| self.winner[i as usize]).collect();
            let winners = UInt32Array::from(winners);
            rows.push(self.names(c, winners.values()));
            rows.push(take(self.rows.column(9), &winners, None)?);
            rows.push(take(self.rows.column(7), &winners, None)?);
            Ok(())
        })
    }

    /// The quarantine table's rows of the built dates, given to `each` an
    /// event date at a time: each surviving version that failed
    /// validation, with its reason.
    pub fn quarantine(&self, built: impl Fn(i32) -> bool, each: &Sink<'_>) -> Result<()> {
        let picked =
            |i: usize| self.rank[i] == 1 && self.reason[i].is_some() && built(self.event_date[i]);
        self.by_date(picked, quarantine_schema(), each, |rows, _, idx| {
            rows.push(Arc::new(StringArray::from_iter(
                idx.iter()
                    .map(|&i| self.reason[i as usize].map(Reason::name)),
            )));
            Ok(())
        })
    }

    /// The landing file names of rows `idx`.
    fn names(&self, c: &Cols, idx: &[u32]) -> ArrayRef {
        Arc::new(StringArray::from_iter_values(
            idx.iter()
                .map(|&i| self.files[c.file(i as usize)].name.as_str()),
        ))
    }

    /// The `picked` rows grouped by event date, each date's in the order
    /// the writers give (country, show_id, src_file, src_row; NULLs last),
    /// as the landing columns plus dt, src_file and src_row, then the
    /// columns `extra` appends; given to `each` a date at a time, on both
    /// cores, so that only a few dates' rows are held at once.
    fn by_date(
        &self,
        picked: impl Fn(usize) -> bool,
        schema: Schema,
        each: &Sink<'_>,
        extra: impl Fn(&mut Vec<ArrayRef>, &Cols, &[u32]) -> Result<()> + Sync,
    ) -> Result<()> {
        let c = Cols::of(&self.rows)?;
        let mut idx: Vec<u32> = (0..self.len() as u32)
            .filter(|&i| picked(i as usize))
            .collect();
        idx.par_sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            self.event_date[a]
                .cmp(&self.event_date[b])
                .then_with(|| nulls_last(opt_str(c.country, a), opt_str(c.country, b)))
                .then_with(|| nulls_last(opt_int(c.show_id, a), opt_int(c.show_id, b)))
                .then_with(|| self.files[c.file(a)].name.cmp(&self.files[c.file(b)].name))
                .then_with(|| c.src_row.value(a).cmp(&c.src_row.value(b)))
        });
        let schema = Arc::new(schema);
        let runs: Vec<&[u32]> = idx
            .chunk_by(|&a, &b| self.event_date[a as usize] == self.event_date[b as usize])
            .collect();
        runs.into_par_iter().try_for_each(|run| {
            let take_idx = UInt32Array::from(run.to_vec());
            let mut cols: Vec<ArrayRef> = (0..8)
                .map(|k| take(self.rows.column(k), &take_idx, None))
                .collect::<std::result::Result<_, _>>()?;
            cols.push(Arc::new(Date32Array::from_iter_values(
                run.iter().map(|&i| self.files[c.file(i as usize)].dt),
            )));
            cols.push(self.names(&c, run));
            cols.push(take(self.rows.column(9), &take_idx, None)?);
            extra(&mut cols, &c, run)?;
            let rb = RecordBatch::try_new(schema.clone(), cols)?;
            each(self.event_date[run[0] as usize], rb)
        })
    }
}

/// Where [`Settled::duplicates`] and [`Settled::quarantine`] send each
/// event date's rows (days since 1970-01-01).
pub type Sink<'a> = dyn Fn(i32, RecordBatch) -> Result<()> + Sync + 'a;

/// Ascending with NULLs last, as DuckDB's ORDER BY.
fn nulls_last<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// The columns of the duplicates table (`queries/write_duplicates.sql`),
/// without the partition column.
pub fn duplicates_schema() -> Schema {
    let mut f = landing_fields();
    f.push(Field::new("winner_src_file", DataType::Utf8, true));
    f.push(Field::new("winner_src_row", DataType::Int64, true));
    f.push(Field::new(
        "winner_ingestion_ts",
        DataType::Timestamp(TimeUnit::Microsecond, None),
        true,
    ));
    Schema::new(f)
}

/// The columns of the quarantine table (`queries/write_quarantine.sql`),
/// without the partition column.
pub fn quarantine_schema() -> Schema {
    let mut f = landing_fields();
    f.push(Field::new("reason", DataType::Utf8, true));
    Schema::new(f)
}

/// The landing columns, dt, src_file and src_row: the identity lineage
/// shows, first in both tables.
fn landing_fields() -> Vec<Field> {
    let mut f = super::landing::fields();
    f.push(Field::new("dt", DataType::Date32, true));
    f.push(Field::new("src_file", DataType::Utf8, true));
    f.push(Field::new("src_row", DataType::Int64, true));
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;

    const DAY: i64 = MICROS_PER_DAY;

    /// A candidate: event id, user, show, country, watch seconds, event_ts,
    /// src, ingestion_ts, file, row.
    type Row<'a> = (
        Option<&'a str>,
        Option<i64>,
        Option<i64>,
        Option<&'a str>,
        Option<i64>,
        Option<i64>,
        Option<&'a str>,
        Option<i64>,
        i64,
        i64,
    );

    /// A valid row of event `id` on day 10, file 0.
    fn row(id: &str, row: i64) -> Row<'_> {
        let (ts, ing) = (10 * DAY + 5, 10 * DAY + 9);
        (
            Some(id),
            Some(1),
            Some(7),
            Some("US"),
            Some(60),
            Some(ts),
            Some("web"),
            Some(ing),
            0,
            row,
        )
    }

    fn settle_rows(rows: &[Row]) -> Settled {
        let rb = RecordBatch::try_new(
            super::super::landing::candidate_schema(),
            vec![
                Arc::new(StringArray::from_iter(rows.iter().map(|r| r.0))),
                Arc::new(Int64Array::from_iter(rows.iter().map(|r| r.1))),
                Arc::new(Int64Array::from_iter(rows.iter().map(|r| r.2))),
                Arc::new(StringArray::from_iter(rows.iter().map(|r| r.3))),
                Arc::new(Int64Array::from_iter(rows.iter().map(|r| r.4))),
                Arc::new(TimestampMicrosecondArray::from_iter(
                    rows.iter().map(|r| r.5),
                )),
                Arc::new(StringArray::from_iter(rows.iter().map(|r| r.6))),
                Arc::new(TimestampMicrosecondArray::from_iter(
                    rows.iter().map(|r| r.7),
                )),
                Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.8))),
                Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.9))),
            ],
        )
        .unwrap();
        let files = vec![
            SourceFile {
                name: "dt=a/0.parquet".into(),
                dt: 3,
            },
            SourceFile {
                name: "dt=b/0.parquet".into(),
                dt: 4,
            },
        ];
        let ts = TsRange {
            min: -100 * DAY,
            end: 100 * DAY,
        };
        settle(vec![rb], files, &ts, |c| c != "ZZ").unwrap()
    }

    /// What a table's sink is given, by date.
    fn collect(write: impl FnOnce(&Sink<'_>) -> Result<()>) -> Vec<(i32, RecordBatch)> {
        let got = std::sync::Mutex::new(Vec::new());
        write(&|d, rb| {
            got.lock().unwrap().push((d, rb));
            Ok(())
        })
        .unwrap();
        let mut got = got.into_inner().unwrap();
        got.sort_by_key(|(d, _)| *d);
        got
    }

    fn ranks(s: &Settled) -> Vec<u32> {
        s.rank.clone()
    }

    #[test]
    fn the_latest_ingestion_wins_then_src_then_watch_then_file_and_row() {
        let mut later = row("a", 0);
        later.7 = Some(20 * DAY);
        let mut no_ingestion = row("a", 1);
        no_ingestion.7 = None;
        // b: same ingestion; "web" beats "tv" and a NULL src.
        let (mut tv, mut null_src) = (row("b", 2), row("b", 3));
        tv.6 = Some("tv");
        null_src.6 = None;
        // c: same ingestion and src; more watch seconds win, NULL last.
        let (mut more, mut null_watch) = (row("c", 5), row("c", 6));
        more.4 = Some(90);
        null_watch.4 = None;
        // d: identical deliveries: the greater file name, then row.
        let (mut other_file, same_file) = (row("d", 7), row("d", 9));
        other_file.8 = 1;
        let s = settle_rows(&[
            row("a", 10),
            later,
            no_ingestion,
            tv,
            row("b", 11),
            null_src,
            row("c", 4),
            more,
            null_watch,
            row("d", 8),
            other_file,
            same_file,
        ]);
        assert_eq!(ranks(&s), vec![2, 1, 3, 2, 1, 3, 2, 1, 3, 3, 1, 2]);
        assert_eq!(s.winner, vec![1, 1, 1, 4, 4, 4, 7, 7, 7, 10, 10, 10]);
        // The losers are duplicates; the invalid NULL-watch loser is one too.
        let (duplicates, reasons) = s.counts(|_| true);
        assert_eq!(duplicates, 8);
        assert!(reasons.iter().all(|(_, n)| *n == 0));
    }

    #[test]
    fn null_ids_are_events_of_their_own_and_reasons_go_in_spec_order() {
        let mut null_id = row("x", 0);
        null_id.0 = None;
        let mut two_nulls = row("y", 1);
        two_nulls.1 = None;
        two_nulls.4 = Some(-1);
        let mut far = row("z", 2);
        far.5 = Some(500 * DAY);
        let mut long = row("w", 3);
        long.4 = Some(86_401);
        long.3 = Some("ZZ");
        let mut unknown = row("v", 4);
        unknown.3 = Some("ZZ");
        let s = settle_rows(&[null_id, null_id, two_nulls, far, long, unknown, row("u", 5)]);
        assert_eq!(ranks(&s), vec![1; 7]);
        let reasons: Vec<Option<&str>> = s.reason.iter().map(|r| r.map(Reason::name)).collect();
        assert_eq!(
            reasons,
            vec![
                Some("null_field"),
                Some("null_field"),
                Some("null_field"),
                Some("event_ts_out_of_range"),
                Some("watch_seconds_out_of_range"),
                Some("unknown_country"),
                None
            ]
        );
        // An unusable event_ts is attributed to its file's landing date.
        assert_eq!(s.event_date, vec![10, 10, 10, 3, 10, 10, 10]);
        let (_, by_reason) = s.counts(|_| true);
        let n = |r: Reason| by_reason.iter().find(|(k, _)| *k == r).unwrap().1;
        assert_eq!(n(Reason::NullField), 3);
        assert_eq!(n(Reason::EventTsOutOfRange), 1);
        // Only the built dates count, and are written.
        assert_eq!(
            s.counts(|d| d == 3).1.iter().map(|(_, n)| n).sum::<u64>(),
            1
        );
        let q = collect(|each| s.quarantine(|d| d == 10, each));
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].1.num_rows(), 5);
        let mut facts = Vec::new();
        s.for_each_fact(|d, c, show, user, watch| {
            facts.push((d, c.to_string(), show, user, watch));
            Ok(())
        })
        .unwrap();
        assert_eq!(facts, vec![(10, "US".to_string(), 7, 1, 60)]);
    }

    #[test]
    fn losers_carry_the_winners_identity_and_date_and_deletes_are_sorted() {
        // The winner's event_ts is on day 12: its losers go there too.
        let mut winner = row("a", 3);
        winner.7 = Some(30 * DAY);
        winner.5 = Some(12 * DAY);
        winner.8 = 1;
        let mut invalid_winner = row("b", 1);
        invalid_winner.7 = Some(30 * DAY);
        invalid_winner.1 = None;
        let s = settle_rows(&[
            row("a", 5),
            winner,
            row("a", 2),
            invalid_winner,
            row("b", 0),
        ]);
        assert_eq!(s.event_date, vec![12, 12, 12, 10, 10]);
        let d = collect(|each| s.duplicates(|_| true, each));
        assert_eq!(
            d.iter().map(|(day, _)| *day).collect::<Vec<_>>(),
            vec![10, 12]
        );
        let day12 = &d[1].1;
        assert_eq!(day12.schema().as_ref(), &duplicates_schema());
        let winner_file = day12.column(11).as_string::<i32>();
        let src_row = day12
            .column(10)
            .as_primitive::<arrow::datatypes::Int64Type>();
        assert_eq!(winner_file.value(0), "dt=b/0.parquet");
        assert_eq!(src_row.values().to_vec(), vec![2, 5]);
        let del = s.deletes().unwrap();
        let files = del.column(0).as_string::<i32>();
        let rows = del.column(1).as_primitive::<arrow::datatypes::Int64Type>();
        let got: Vec<(&str, i64)> = (0..del.num_rows())
            .map(|i| (files.value(i), rows.value(i)))
            .collect();
        // a's two losers, b's loser, and b's quarantined winner.
        assert_eq!(
            got,
            vec![
                ("dt=a/0.parquet", 0),
                ("dt=a/0.parquet", 1),
                ("dt=a/0.parquet", 2),
                ("dt=a/0.parquet", 5)
            ]
        );
    }
}
