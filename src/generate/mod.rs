//! `top10 generate`: a synthetic lake that looks like a real streaming
//! service's (see [`world`] and [`events`]), written as SPEC §1 Parquet.
//!
//! Days are generated in parallel, each from its own random stream, then
//! routed to the landing partition of their ingestion date; a partition is
//! written as soon as no later day can add to it. The lake is written into a
//! temporary folder beside `--out` and renamed into place at the end, so an
//! interrupted run never leaves a half-written lake.

pub mod events;
pub mod names;
pub mod world;
pub mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use chrono::{Duration, NaiveDate};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::cli::GenerateArgs;
use events::{DayOutput, MICROS_PER_DAY, Row, Stats};
use world::{COUNTRIES, World};

/// The default first day: a Monday, so whole weeks line up.
pub const DEFAULT_START: &str = "2026-09-07";

/// Rows per landing file; bigger partitions are split into parts.
const ROWS_PER_FILE: usize = 1_000_000;

/// Rates of each fault, as shares of events.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub duplicate_rate: f64,
    pub late_rate: f64,
    pub invalid_rate: f64,
    pub orphan_user_rate: f64,
}

/// Validated settings of one generated lake.
#[derive(Debug, Clone)]
pub struct Params {
    pub start: NaiveDate,
    pub days: u32,
    pub countries: usize,
    pub shows: usize,
    pub users: usize,
    pub events_per_day: u64,
    pub seed: u64,
    pub faults: Faults,
}

impl TryFrom<&GenerateArgs> for Params {
    type Error = anyhow::Error;

    fn try_from(a: &GenerateArgs) -> Result<Params> {
        ensure!(
            (1..=3_660).contains(&a.days),
            "--days must be between 1 and 3660, got {}",
            a.days
        );
        // Landing dates run a few days past the last event date (late
        // arrivals, 1–3 days, plus hours of delivery); DuckDB's dates, and
        // the lake's dt=YYYY-MM-DD folders, run from year 1 to 9999.
        let last_landing = a
            .start
            .checked_add_days(chrono::Days::new(u64::from(a.days) + 5));
        ensure!(
            a.start >= NaiveDate::from_ymd_opt(1, 1, 1).expect("a date")
                && last_landing
                    .is_some_and(|d| d <= NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date")),
            "--start {} with --days {} leaves years 1 to 9999, where the lake's dates must stay (late data lands up to a few days after the last day)",
            a.start,
            a.days
        );
        ensure!(
            (1..=COUNTRIES.len()).contains(&a.countries),
            "--countries must be between 1 and {}, got {}",
            COUNTRIES.len(),
            a.countries
        );
        ensure!(
            (20..=1_000_000).contains(&a.shows),
            "--shows must be between 20 and 1000000, got {}",
            a.shows
        );
        ensure!(
            (1..=100_000_000).contains(&a.users),
            "--users must be between 1 and 100000000, got {}",
            a.users
        );
        ensure!(
            (1..=1_000_000_000).contains(&a.events_per_day),
            "--events-per-day must be between 1 and 1000000000, got {}",
            a.events_per_day
        );
        for (name, rate) in [
            ("--duplicate-rate", a.duplicate_rate),
            ("--late-rate", a.late_rate),
            ("--invalid-rate", a.invalid_rate),
            ("--orphan-user-rate", a.orphan_user_rate),
        ] {
            ensure!(
                (0.0..=0.5).contains(&rate),
                "{name} must be between 0 and 0.5, got {rate}"
            );
        }
        Ok(Params {
            start: a.start,
            days: a.days,
            countries: a.countries,
            shows: a.shows,
            users: a.users,
            events_per_day: a.events_per_day,
            seed: a.seed,
            faults: Faults {
                duplicate_rate: a.duplicate_rate,
                late_rate: a.late_rate,
                invalid_rate: a.invalid_rate,
                orphan_user_rate: a.orphan_user_rate,
            },
        })
    }
}

/// What a run wrote.
#[derive(Debug, Default)]
pub struct Summary {
    pub stats: Stats,
    pub files: usize,
    pub bytes: u64,
    pub seconds: f64,
}

impl Summary {
    /// The line `top10 generate` prints when it is done.
    pub fn line(&self, out: &Path) -> String {
        let s = &self.stats;
        format!(
            "wrote {} events ({} rows: {} re-deliveries, {} late, {} invalid, {} orphan-user) in {} files, {:.1} MB, to {} in {:.2} s ({:.0} events/s)",
            s.events,
            s.rows,
            s.duplicates,
            s.late,
            s.invalid,
            s.orphan_users,
            self.files,
            self.bytes as f64 / 1e6,
            out.display(),
            self.seconds,
            s.events as f64 / self.seconds.max(1e-9),
        )
    }
}

/// Generate a lake into `out`. An existing non-empty `out` is refused unless
/// `force`, in which case it is replaced only once the new lake is complete.
pub fn run(p: &Params, out: &Path, force: bool) -> Result<Summary> {
    let started = Instant::now();
    if out.exists() {
        let non_empty = std::fs::read_dir(out)
            .with_context(|| format!("reading {}", out.display()))?
            .next()
            .is_some();
        if non_empty && !force {
            bail!(
                "{} already exists and is not empty: choose another --out, or pass --force to replace it",
                out.display()
            );
        }
    }
    let staging = staging_dir(out)?;
    let result = write_lake(p, &staging);
    // A lake with no event (a day or two of very few events a day) is one
    // no build can read: refuse it rather than write it.
    let result = result.and_then(|s| {
        ensure!(
            s.stats.events > 0,
            "these settings generate no event: raise --events-per-day or --days"
        );
        Ok(s)
    });
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    replace_dir(&staging, out)?;
    let summary = Summary {
        seconds: started.elapsed().as_secs_f64(),
        ..summary
    };
    Ok(summary)
}

/// A fresh folder beside `out` (same file system, so the final rename is atomic).
fn staging_dir(out: &Path) -> Result<PathBuf> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "lake".into());
    // Staging folders of runs that were killed (their process is gone) are
    // removed, so interrupted runs do not pile up copies of a lake.
    let prefix = format!(".{name}.partial-");
    if let Ok(entries) = std::fs::read_dir(&parent) {
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            let dead = file
                .strip_prefix(&prefix)
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if dead {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let staging = parent.join(format!("{prefix}{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(staging.join("raw_watch_events"))
        .with_context(|| format!("creating {}", staging.display()))?;
    Ok(staging)
}

/// Move the finished lake into place, replacing whatever was at `out`.
fn replace_dir(staging: &Path, out: &Path) -> Result<()> {
    // `.<name>.old`: where the lake being replaced is moved aside. One left
    // by a run killed between the two renames is the lake this run replaces
    // anyway (or, when `out` is gone, the one it lost): remove it.
    let old = staging.with_extension("old");
    if old.exists() {
        std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    if out.exists() {
        std::fs::rename(out, &old).with_context(|| format!("moving aside {}", out.display()))?;
        std::fs::rename(staging, out).with_context(|| format!("moving into {}", out.display()))?;
        std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    } else {
        std::fs::rename(staging, out).with_context(|| format!("moving into {}", out.display()))?;
    }
    Ok(())
}

fn write_lake(p: &Params, lake: &Path) -> Result<Summary> {
    let world = World::new(p);
    writer::write_dimensions(&world, lake)?;

    // The expected total follows the weekday factors, so the bar ends full.
    let expected: f64 = (0..p.days)
        .map(|d| world::weekday_factor(p.start + Duration::days(i64::from(d))))
        .sum::<f64>()
        * p.events_per_day as f64;
    let progress = ProgressBar::new(expected as u64);
    progress.set_style(
        ProgressStyle::with_template(
            "generating [{bar:30}] {human_pos}/{human_len} events, {elapsed} (eta {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );

    // Partitions are written on another thread while days keep generating.
    let (tx, rx) = mpsc::sync_channel::<(i64, Vec<Row>)>(2);
    let summary = std::thread::scope(|scope| -> Result<Summary> {
        let world = &world;
        let writer = scope.spawn(move || -> Result<(usize, u64)> {
            let mut files = 0;
            let mut bytes = 0;
            for (day, rows) in rx {
                let (f, b) = write_partition(world, lake, day, &rows)?;
                files += f;
                bytes += b;
            }
            Ok((files, bytes))
        });

        let mut stats = Stats::default();
        let mut buckets: BTreeMap<i64, Vec<Row>> = BTreeMap::new();
        let chunk = rayon::current_num_threads().max(1) * 2;
        let days: Vec<u32> = (0..p.days).collect();
        let mut send_error = false;
        for batch in days.chunks(chunk) {
            let outputs: Vec<DayOutput> = batch
                .par_iter()
                .map(|&d| events::generate_day(world, p, d))
                .collect();
            for out in outputs {
                stats.add(&out.stats);
                progress.inc(out.stats.events);
                for row in out.rows {
                    buckets.entry(row.landing_day()).or_default().push(row);
                }
            }
            // Every later row is ingested after the last generated day ends.
            let done_before = events::days_since_epoch(p.start)
                + i64::from(*batch.last().expect("non-empty chunk"))
                + 1;
            let ready: Vec<i64> = buckets.range(..done_before).map(|(d, _)| *d).collect();
            for d in ready {
                let rows = buckets.remove(&d).expect("key exists");
                if tx.send((d, rows)).is_err() {
                    send_error = true;
                    break;
                }
            }
            if send_error {
                break;
            }
        }
        for (d, rows) in std::mem::take(&mut buckets) {
            if tx.send((d, rows)).is_err() {
                break;
            }
        }
        drop(tx);
        let (files, bytes) = writer.join().expect("writer thread does not panic")?;
        progress.finish_and_clear();
        Ok(Summary {
            stats,
            files: files + 5,
            bytes,
            seconds: 0.0,
        })
    })?;
    Ok(summary)
}

/// Write the rows that landed on `day` (days since the epoch) as
/// `raw_watch_events/dt=YYYY-MM-DD/part-NNNNN.parquet`.
fn write_partition(world: &World, lake: &Path, day: i64, rows: &[Row]) -> Result<(usize, u64)> {
    let date = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + Duration::days(day);
    let dir = lake.join("raw_watch_events").join(format!("dt={date}"));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut bytes = 0;
    let mut files = 0;
    for (i, part) in rows.chunks(ROWS_PER_FILE).enumerate() {
        let path = dir.join(format!("part-{i:05}.parquet"));
        writer::write_batch(&path, &writer::raw_batch(world, part)?)?;
        bytes += std::fs::metadata(&path)?.len();
        files += 1;
    }
    debug_assert!(
        rows.iter()
            .all(|r| r.ingestion_ts.div_euclid(MICROS_PER_DAY) == day)
    );
    Ok((files, bytes))
}
