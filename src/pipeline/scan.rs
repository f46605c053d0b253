//! The default engine: deduplication, validation and the aggregate from two
//! passes over the landing files, read straight from Parquet
//! ([`super::landing`]), in Rust, on both cores.
//!
//! Deduplication and validation only matter for the rows that could lose
//! or be quarantined: a version of a contested event id (delivered more
//! than once) or a row that fails a check of SPEC §2.2. Every other row —
//! about 97 % — is a fact as it arrived. So:
//!
//! 1. **Contested rows.** Every row's event id is hashed; the hashes are
//!    bucketed by their top byte and sorted, and the rows whose hash occurs
//!    twice or more are marked in a bitmap of rows (one bit a landing row).
//!    A hash shared by two different ids only marks rows that need no
//!    marking: settling compares the ids themselves. The canonical show
//!    ids seen are numbered in the same pass.
//! 2. **The pass.** Each row is either a *candidate* (marked contested, or
//!    failing a check of SPEC §2.2: the tests of `rejection` in
//!    `queries/build_schema.sql`) — kept aside, whole — or a fact: its date,
//!    country, canonical show, user and watch seconds go straight into the
//!    [`Aggregator`].
//! 3. The candidates are settled in Rust ([`super::versions`]: the rules
//!    of `queries/build_versions.sql`, which the `sql` engine runs); the
//!    winners that pass validation join the aggregate.
//!
//! The `sql` engine reads the landing files four times through DuckDB for
//! the same results; docs/benchmarks.md has both engines' times. Lakes
//! whose timestamps this reader would convert differently from DuckDB
//! ([`landing::supported_rows`]) are built by the `sql` engine.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use anyhow::{Context, Result, ensure};
use arrow::array::{Array, ArrayRef, Int64Array, RecordBatch, UInt32Array};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use foldhash::fast::FixedState;
use rayon::prelude::*;

use super::DateRange;
use super::aggregate::{Aggregator, MAX_COUNTRIES};
use super::batches::Batch;
use super::landing::{self, Col};
use super::repeats;
use super::versions::{self, Settled, SourceFile, TsRange};
use crate::lake::RawFile;

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Buckets of hashes by their top byte: each small enough to sort in cache.
const BUCKETS: usize = 256;

/// What one landing row costs the contested-row step while it runs: its
/// hash and row number.
const HASH_BYTES_PER_ROW: u64 = 16;

/// About what one row's event id costs when the first step keeps it for
/// the candidates (a 15-byte id and its offset, with room).
const ID_BYTES_PER_ROW: u64 = 24;

/// One landing file of the build.
struct FileRows {
    path: std::path::PathBuf,
    /// Its name below raw_watch_events/ and its landing date, as lineage
    /// names it.
    source: SourceFile,
    /// The global number of its first row (files in build order).
    first: u64,
    /// Its rows, from the footer.
    rows: u64,
}

impl FileRows {
    /// A decoded batch must lie within the rows the footer counts, which
    /// number the bitmap of rows.
    fn check(&self, b: &landing::Batch) -> Result<()> {
        ensure!(
            b.first_row + b.len() as u64 <= self.rows,
            "{}: more rows than its footer counts ({})",
            self.path.display(),
            self.rows
        );
        Ok(())
    }
}

/// The state of the passes: the landing files, the marked rows, and the
/// small inputs that key a fact.
pub struct Scanner {
    files: Vec<FileRows>,
    /// Every file's event ids as the first step read them (when they fit
    /// half the memory budget), for the candidates' rows.
    ids: Option<Vec<ArrayRef>>,
    /// One bit per landing row (global number): its event id is contested
    /// (or NULL), so the row is a candidate.
    marked: Vec<u64>,
    /// The landing rows seen at the as-of bound (all rows without one).
    visible_rows: u64,
    /// The as-of bound in microseconds (rows ingested later are not seen).
    as_of: Option<i64>,
    /// The built event dates, as days since 1970-01-01 (None: all).
    built: Option<(i32, i32)>,
    countries: Vec<String>,
    country_index: HashMap<Box<[u8]>, u16, FixedState>,
    /// The same for two-byte codes (ISO 3166-1 alpha-2, nearly every row),
    /// by their bytes: index + 1, 0 for unknown.
    country_pairs: Vec<u16>,
    /// Canonical show ids seen, numbered (the aggregate's show key).
    shows: Vec<i64>,
    /// Every show id seen → its canonical id's number, and whether it was
    /// moved to it.
    show_index: HashMap<i64, (u32, bool), FixedState>,
    /// event_ts bounds of a usable timestamp (SPEC §2.2, event_ts_out_of_range).
    ts_min: i64,
    ts_end: i64,
}

impl Scanner {
    /// Prepare the passes over `files` (a row's file is its position
    /// there) and find the contested rows, holding at most `budget_bytes` of hashes
    /// at a time. `countries`: dim_geo's, in order
    /// ([`super::dimensions::countries`]); `canonical`: old show id →
    /// canonical show id. None when a file's timestamps, or the number of
    /// countries, need the `sql` engine.
    pub fn new(
        files: &[&RawFile],
        countries: &[String],
        canonical: &BTreeMap<i64, i64>,
        as_of: Option<NaiveDateTime>,
        range: Option<DateRange>,
        budget_bytes: u64,
    ) -> Result<Option<Scanner>> {
        let mut rows = Vec::with_capacity(files.len());
        let mut first = 0u64;
        for f in files {
            let Some(n) = landing::supported_rows(f)? else {
                return Ok(None);
            };
            rows.push(FileRows {
                path: f.path.clone(),
                source: SourceFile {
                    name: f.name.clone(),
                    dt: day(f.dt),
                },
                first,
                rows: n,
            });
            first += n;
        }
        // The packed fact names at most MAX_COUNTRIES countries; more is
        // the `sql` engine's work.
        if countries.len() > MAX_COUNTRIES {
            return Ok(None);
        }
        let country_index = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_bytes().into(), i as u16))
            .collect();
        let mut country_pairs = vec![0u16; 1 << 16];
        for (i, c) in countries.iter().enumerate() {
            if let &[a, b] = c.as_bytes() {
                country_pairs[(a as usize) << 8 | b as usize] = i as u16 + 1;
            }
        }
        let mut s = Scanner {
            files: rows,
            marked: vec![0; first.div_ceil(64) as usize],
            visible_rows: first,
            ids: None,
            as_of: as_of.map(|t| t.and_utc().timestamp_micros()),
            built: range.map(|r| (day(r.from), day(r.to))),
            countries: countries.to_vec(),
            country_index,
            country_pairs,
            shows: Vec::new(),
            show_index: HashMap::default(),
            ts_min: micros(NaiveDate::from_ymd_opt(1, 1, 1).expect("a date")),
            ts_end: micros(NaiveDate::from_ymd_opt(10000, 1, 1).expect("a date")),
        };
        s.mark_contested(first, budget_bytes, canonical)?;
        Ok(Some(s))
    }

    /// The landing rows the build sees (those ingested by its as-of bound).
    pub fn visible_rows(&self) -> u64 {
        self.visible_rows
    }

    /// The landing rows of each landing date, from the files' footers.
    pub fn rows_by_dt(&self) -> Result<std::collections::BTreeMap<NaiveDate, u64>> {
        let mut rows = std::collections::BTreeMap::new();
        for f in &self.files {
            *rows
                .entry(super::parquet_out::date(f.source.dt)?)
                .or_insert(0) += f.rows;
        }
        Ok(rows)
    }

    /// Whether the build computes event date `d` (days): its range, if any.
    pub fn built(&self, d: i32) -> bool {
        self.built.is_none_or(|(f, t)| f <= d && d <= t)
    }

    /// The countries the aggregate's country indexes name.
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// The canonical show ids the aggregate's show indexes name.
    pub fn shows(&self) -> &[i64] {
        &self.shows
    }

    /// Step 1: mark the rows of contested event ids, and number the
    /// canonical shows (`canonical`: old show id → canonical show id). In as
    /// many passes over ranges of hashes as keep them within `budget_bytes`.
    fn mark_contested(
        &mut self,
        rows: u64,
        budget_bytes: u64,
        canonical: &BTreeMap<i64, i64>,
    ) -> Result<()> {
        let passes = repeats::passes(rows, HASH_BYTES_PER_ROW, budget_bytes);
        let hasher = FixedState::with_seed(0x746f_7031_3000);
        for (pass, (lo, hi)) in repeats::ranges(passes).into_iter().enumerate() {
            let want_shows = pass == 0;
            type FileHashes = (
                Vec<Vec<(u64, u64)>>,
                HashSet<i64, FixedState>,
                Vec<u64>,
                Option<ArrayRef>,
                u64,
            );
            let keep_ids = pass == 0 && rows.saturating_mul(ID_BYTES_PER_ROW) <= budget_bytes / 2;
            let per_file: Vec<FileHashes> = self
                .files
                .par_iter()
                .map(|f| -> Result<_> {
                    // Room for the file's share of each bucket, and a bit more.
                    let room = (f.rows / BUCKETS as u64 / passes) as usize * 5 / 4 + 16;
                    let mut buckets: Vec<Vec<(u64, u64)>> =
                        (0..BUCKETS).map(|_| Vec::with_capacity(room)).collect();
                    let mut shows = HashSet::default();
                    let mut nulls = Vec::new();
                    let mut ids_read: Vec<ArrayRef> = Vec::new();
                    let mut visible = 0u64;
                    let mut cols = vec![Col::EventId, Col::ShowId];
                    if self.as_of.is_some() {
                        cols.push(Col::IngestionTs);
                    }
                    landing::read(&f.path, &cols, |b| {
                        f.check(&b)?;
                        if keep_ids {
                            ids_read.push(b.columns[0].clone());
                        }
                        let ids = b.string(0);
                        let show = b.int(1);
                        let ingested = self.as_of.map(|_| b.timestamp(2));
                        for i in 0..b.len() {
                            if !self.visible(ingested, i) {
                                continue;
                            }
                            visible += 1;
                            if want_shows && !show.is_null(i) {
                                shows.insert(show.value(i));
                            }
                            if ids.is_null(i) {
                                if pass == 0 {
                                    nulls.push(f.first + b.first_row + i as u64);
                                }
                                continue;
                            }
                            let h = hasher.hash_one(ids.value(i).as_bytes());
                            if (lo..=hi).contains(&h) {
                                buckets[(h >> 56) as usize]
                                    .push((h, f.first + b.first_row + i as u64));
                            }
                        }
                        Ok(())
                    })?;
                    let ids = if keep_ids {
                        Some(landing::concat(&ids_read, &Col::EventId.data_type())?)
                    } else {
                        None
                    };
                    Ok((buckets, shows, nulls, ids, visible))
                })
                .collect::<Result<_>>()?;
            let mut per_bucket: Vec<Vec<Vec<(u64, u64)>>> =
                (0..BUCKETS).map(|_| Vec::new()).collect();
            let mut shows: HashSet<i64, FixedState> = HashSet::default();
            let mut null_ids = Vec::new();
            let mut kept_ids = Vec::new();
            let mut visible_rows = 0;
            for (buckets, s, nulls, ids, visible) in per_file {
                visible_rows += visible;
                kept_ids.push(ids);
                for (i, b) in buckets.into_iter().enumerate() {
                    per_bucket[i].push(b);
                }
                shows.extend(s);
                null_ids.extend(nulls);
            }
            let marked: Vec<Vec<u64>> = per_bucket
                .into_par_iter()
                .map(|parts| repeated_rows(&parts))
                .collect();
            if keep_ids {
                self.ids = kept_ids.into_iter().collect();
            }
            if pass == 0 {
                self.visible_rows = visible_rows;
            }
            for r in marked.into_iter().flatten().chain(null_ids) {
                self.marked[(r >> 6) as usize] |= 1 << (r & 63);
            }
            if want_shows {
                let mut numbered: Vec<i64> = shows
                    .iter()
                    .map(|s| canonical.get(s).copied().unwrap_or(*s))
                    .collect();
                numbered.sort_unstable();
                numbered.dedup();
                self.show_index = shows
                    .into_iter()
                    .map(|s| {
                        let (c, merged) = match canonical.get(&s) {
                            Some(&c) => (c, true),
                            None => (s, false),
                        };
                        let i = numbered.binary_search(&c).expect("numbered above");
                        (s, (i as u32, merged))
                    })
                    .collect();
                self.shows = numbered;
            }
        }
        Ok(())
    }

    /// Whether row `i` is seen at the build's as-of bound (`landing_rows`:
    /// ingested at or before it; a NULL ingestion_ts is not).
    #[inline]
    fn visible(
        &self,
        ingested: Option<&arrow::array::TimestampMicrosecondArray>,
        i: usize,
    ) -> bool {
        match (self.as_of, ingested) {
            (Some(bound), Some(t)) => !t.is_null(i) && t.value(i) <= bound,
            _ => true,
        }
    }

    /// Step 2: read every landing file and add the facts of event dates in
    /// `batch` (and the build's range) to `agg`. With `collect`, returns
    /// every candidate of every date (in `landing::candidate_schema`), for
    /// [`Scanner::settle`].
    pub fn landing(
        &self,
        batch: Batch,
        agg: &mut Aggregator,
        collect: bool,
    ) -> Result<Vec<RecordBatch>> {
        let counted = self.counted(batch);
        let schema = landing::candidate_schema();
        let results: Vec<(Aggregator, Option<RecordBatch>)> = self
            .files
            .par_iter()
            .enumerate()
            .map(|(file_id, f)| -> Result<_> {
                let mut local = Aggregator::new();
                // The candidates' rows and their columns read here; the
                // columns only a candidate needs are read for them alone.
                let mut picked_rows: Vec<u64> = Vec::new();
                let mut picked: Vec<Vec<ArrayRef>> = Vec::new();
                // Every column but event_id (the first), which the first
                // step read.
                landing::read(&f.path, &Col::ALL[1..], |b| {
                    f.check(&b)?;
                    let users = b.int(0);
                    let shows = b.int(1);
                    let countries = b.string(2);
                    let watch = b.int(3);
                    let ts = b.timestamp(4);
                    let ingested = self.as_of.map(|_| b.timestamp(6));
                    let mut here: Vec<u32> = Vec::new();
                    for i in 0..b.len() {
                        if !self.visible(ingested, i) {
                            continue;
                        }
                        let row = f.first + b.first_row + i as u64;
                        let fact = if users.is_null(i)
                            || shows.is_null(i)
                            || countries.is_null(i)
                            || ts.is_null(i)
                            || watch.is_null(i)
                            || self.marked[(row >> 6) as usize] & (1 << (row & 63)) != 0
                        {
                            None
                        } else {
                            let (t, w) = (ts.value(i), watch.value(i));
                            if t < self.ts_min || t >= self.ts_end || !(0..=86_400).contains(&w) {
                                None
                            } else {
                                self.country(countries.value(i).as_bytes())
                                    .map(|c| (c, t.div_euclid(MICROS_PER_DAY) as i32))
                            }
                        };
                        let Some((country, d)) = fact else {
                            here.push(i as u32);
                            continue;
                        };
                        if !counted(d) {
                            continue;
                        }
                        let (show, merged) = self.show_key(shows.value(i))?;
                        local.add(d, country, show, merged, users.value(i), watch.value(i));
                    }
                    if collect && !here.is_empty() {
                        picked_rows.extend(here.iter().map(|&i| b.first_row + i as u64));
                        let here = UInt32Array::from(here);
                        picked.push(
                            b.columns
                                .iter()
                                .map(|c| arrow::compute::take(c, &here, None))
                                .collect::<std::result::Result<_, _>>()?,
                        );
                    }
                    Ok(())
                })?;
                let kept = if picked_rows.is_empty() {
                    None
                } else {
                    Some(self.candidates(f, file_id, &picked_rows, &picked, &schema)?)
                };
                Ok((local, kept))
            })
            .collect::<Result<_>>()?;
        let mut candidates = Vec::new();
        for (local, kept) in results {
            agg.merge(local);
            candidates.extend(kept);
        }
        Ok(candidates)
    }

    /// The candidates of one file, in `landing::candidate_schema`: the
    /// columns the pass read (`read`: every column but event_id, per pass
    /// batch), and their event ids, from the first step or, if it did not
    /// keep them, read now for these rows alone.
    fn candidates(
        &self,
        file: &FileRows,
        file_id: usize,
        rows: &[u64],
        read: &[Vec<ArrayRef>],
        schema: &Arc<arrow::datatypes::Schema>,
    ) -> Result<RecordBatch> {
        let joined =
            |i: usize| landing::concat(read.iter().map(|b| &b[i]), &Col::ALL[i + 1].data_type());
        let event_id: ArrayRef = match &self.ids {
            Some(ids) => {
                let rows32: Vec<u32> = rows.iter().map(|&r| r as u32).collect();
                arrow::compute::take(&ids[file_id], &UInt32Array::from(rows32), None)?
            }
            None => {
                let mut read: Vec<ArrayRef> = Vec::new();
                landing::read_selected(&file.path, &[Col::EventId], rows, file.rows, |b| {
                    read.push(b.columns[0].clone());
                    Ok(())
                })?;
                landing::concat(&read, &Col::EventId.data_type())?
            }
        };
        let columns: Vec<ArrayRef> = vec![
            event_id,
            joined(0)?,
            joined(1)?,
            joined(2)?,
            joined(3)?,
            joined(4)?,
            joined(5)?,
            joined(6)?,
            Arc::new(Int64Array::from(vec![file_id as i64; rows.len()])),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|&r| r as i64))),
        ];
        ensure!(
            columns.iter().all(|c| c.len() == rows.len()),
            "{}: the candidates' columns were read with different lengths",
            file.path.display()
        );
        Ok(RecordBatch::try_new(schema.clone(), columns)?)
    }

    /// Step 3: deduplicate and validate the candidates ([`versions`]).
    pub fn settle(&self, candidates: Vec<RecordBatch>) -> Result<Settled> {
        versions::settle(
            candidates,
            self.files.iter().map(|f| f.source.clone()).collect(),
            &TsRange {
                min: self.ts_min,
                end: self.ts_end,
            },
            |c| self.country(c.as_bytes()).is_some(),
        )
    }

    /// Step 4: the candidates that are facts (surviving versions that
    /// passed validation) of the built dates, as the aggregate takes them,
    /// so that the settled candidates' columns can be freed before it.
    pub fn candidate_facts(&self, settled: &Settled) -> Result<CandidateFacts> {
        let mut facts = Vec::new();
        settled.for_each_fact(|d, country, show, user, watch| {
            if self.built(d) {
                let country = self
                    .country(country.as_bytes())
                    .context("a fact's country is in dim_geo")?;
                let (show, merged) = self.show_key(show)?;
                facts.push((d, country, show, merged, user, watch));
            }
            Ok(())
        })?;
        Ok(CandidateFacts(facts))
    }

    /// Add the candidate facts of `batch` to `agg`.
    pub fn add_candidate_facts(&self, facts: &CandidateFacts, batch: Batch, agg: &mut Aggregator) {
        let counted = self.counted(batch);
        for &(d, country, show, merged, user, watch) in &facts.0 {
            if counted(d) {
                agg.add(d, country, show, merged, user, watch);
            }
        }
    }

    /// Whether event date `d` is in `batch` and the build's range.
    fn counted(&self, batch: Batch) -> impl Fn(i32) -> bool + Sync + '_ {
        let (from, to) = (batch.from.map(day), batch.to.map(day));
        move |d: i32| {
            from.is_none_or(|f| d >= f)
                && to.is_none_or(|t| d <= t)
                && self.built.is_none_or(|(f, t)| f <= d && d <= t)
        }
    }

    /// The index of a country of dim_geo, None if it is not one.
    #[inline]
    fn country(&self, code: &[u8]) -> Option<u16> {
        match *code {
            [a, b] => self.country_pairs[(a as usize) << 8 | b as usize].checked_sub(1),
            _ => self.country_index.get(code).copied(),
        }
    }

    /// A raw show id's canonical show index, and whether it was merged.
    #[inline]
    fn show_key(&self, raw: i64) -> Result<(u32, bool)> {
        let key = self.show_index.get(&raw).copied();
        ensure!(key.is_some(), "show {raw} was not seen by the first pass");
        Ok(key.unwrap_or_default())
    }
}

/// The rows of `bucket` (hash, row) whose hash occurs more than once. A
/// counting sort by the hash's next 12 bits below the bucket's byte, then
/// each slot's few entries sorted and compared.
fn repeated_rows(parts: &[Vec<(u64, u64)>]) -> Vec<u64> {
    const SLOTS: usize = 1 << 12;
    let slot = |h: u64| ((h >> 44) & (SLOTS as u64 - 1)) as usize;
    let mut start = vec![0u32; SLOTS + 1];
    for &(h, _) in parts.iter().flatten() {
        start[slot(h) + 1] += 1;
    }
    for i in 1..=SLOTS {
        start[i] += start[i - 1];
    }
    let mut placed = vec![(0u64, 0u64); start[SLOTS] as usize];
    let mut next = start.clone();
    for &e in parts.iter().flatten() {
        let s = slot(e.0);
        placed[next[s] as usize] = e;
        next[s] += 1;
    }
    let mut rows = Vec::new();
    for w in start.windows(2) {
        let run = &mut placed[w[0] as usize..w[1] as usize];
        if run.len() < 2 {
            continue;
        }
        run.sort_unstable_by_key(|&(h, _)| h);
        for same in run.chunk_by(|x, y| x.0 == y.0) {
            if same.len() > 1 {
                rows.extend(same.iter().map(|&(_, r)| r));
            }
        }
    }
    rows
}

/// The candidates that are facts: (event date, country, show index,
/// merged, user, watch seconds), 24 bytes each where their settled rows
/// took about 150.
pub struct CandidateFacts(Vec<(i32, u16, u32, bool, i64, i64)>);

/// `d` as days since 1970-01-01, Arrow's Date32.
fn day(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days() as i32
}

fn micros(d: NaiveDate) -> i64 {
    d.and_time(NaiveTime::MIN).and_utc().timestamp_micros()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;

    /// The passes give the same marked rows, candidates and facts whether
    /// the budget holds every hash and event id at once or needs many hash
    /// passes and reads the candidates' ids again.
    #[test]
    fn a_small_budget_marks_and_collects_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("lake");
        let p = crate::generate::Params {
            start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            days: 3,
            countries: 4,
            shows: 30,
            users: 500,
            events_per_day: 3000,
            seed: 9,
            faults: crate::generate::Faults {
                duplicate_rate: 0.05,
                late_rate: 0.02,
                invalid_rate: 0.01,
                orphan_user_rate: 0.0,
            },
        };
        crate::generate::run(&p, &out, false).unwrap();
        let lake = crate::lake::Lake::open(&out).unwrap();
        let files: Vec<&RawFile> = lake.raw_files.iter().collect();
        let run = |budget: u64| {
            // The lake's dim_geo, read as its snapshot would be.
            let countries = crate::pipeline::dimensions::countries(&out).unwrap();
            let s = Scanner::new(&files, &countries, &BTreeMap::new(), None, None, budget)
                .unwrap()
                .unwrap();
            let kept_ids = s.ids.is_some();
            let mut agg = Aggregator::new();
            let batches = s.landing(Batch::ALL, &mut agg, true).unwrap();
            let rows =
                arrow::compute::concat_batches(&landing::candidate_schema(), &batches).unwrap();
            let ids = rows.column(0).as_string::<i32>();
            let file = rows.column(8).as_primitive::<arrow::datatypes::Int64Type>();
            let row = rows.column(9).as_primitive::<arrow::datatypes::Int64Type>();
            let mut candidates: Vec<(Option<String>, i64, i64)> = (0..rows.num_rows())
                .map(|i| {
                    let id = (!ids.is_null(i)).then(|| ids.value(i).to_string());
                    (id, file.value(i), row.value(i))
                })
                .collect();
            candidates.sort_by_key(|c| (c.1, c.2));
            (kept_ids, s.marked.clone(), agg.facts(), candidates)
        };
        let (kept, marked, facts, candidates) = run(1 << 30);
        let (kept_small, marked_small, facts_small, candidates_small) = run(1 << 14);
        assert!(kept && !kept_small);
        assert!(marked.iter().any(|w| *w != 0));
        assert!(candidates.len() > 100, "{}", candidates.len());
        assert_eq!(marked, marked_small);
        assert_eq!(facts, facts_small);
        assert_eq!(candidates, candidates_small);
    }

    #[test]
    fn repeated_rows_are_those_whose_hash_repeats() {
        // Hashes that share their slot bits but differ, and true repeats.
        let a = 0x0012_3000_0000_0001u64;
        let b = 0x0012_3000_0000_0002u64;
        let c = 0x0099_0000_0000_0000u64;
        let bucket = [
            (a, 1),
            (b, 2),
            (a, 3),
            (c, 4),
            (c, 5),
            (c, 6),
            (b ^ (1 << 39), 7),
        ];
        let (one, two) = bucket.split_at(3);
        let mut r = repeated_rows(&[one.to_vec(), two.to_vec()]);
        r.sort();
        assert_eq!(r, vec![1, 3, 4, 5, 6]);
        assert!(repeated_rows(&[]).is_empty());
    }

    #[test]
    fn days_and_timestamps_count_from_the_unix_epoch() {
        assert_eq!(day(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(day(NaiveDate::from_ymd_opt(1969, 12, 31).unwrap()), -1);
        assert_eq!(day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()), 20781);
        assert_eq!(
            micros(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()),
            MICROS_PER_DAY
        );
        // Just before midnight is the earlier day, as CAST(ts AS DATE).
        assert_eq!((-1i64).div_euclid(MICROS_PER_DAY), -1);
    }
}
