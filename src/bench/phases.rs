//! One benchmark phase, run in a process of its own so that its peak memory
//! is its own: generate a lake, build it, run the case study's SQL as
//! written, run the floor, rebuild one day, or time homepage Top 10 reads.
//! Each prints one JSON line ([`Measured`]) for the parent to collect.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::cli::{Cli, Command};
use crate::lake::{Lake, RawFile};
use crate::output::Table;
use crate::pipeline::{self, BuildOptions, DateRange, Engine};
use crate::queries::{self, Sql};
use crate::query::Session;
use crate::warehouse::{Version, Warehouse};
use crate::{db, generate};

use super::{Layout, Phase};

/// What a phase reports: its own wall time (process start-up excluded), the
/// process's peak resident memory, and phase-specific details.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Measured {
    pub seconds: f64,
    pub peak_rss_bytes: Option<u64>,
    pub detail: Value,
}

/// Run `phase` in this process and return what it measured.
pub fn run(phase: Phase, layout: &Layout, events: u64, calls: usize) -> Result<Measured> {
    // The warehouse an earlier run left is removed before the clock starts:
    // removing its few hundred files is not the build's work.
    match phase {
        Phase::Build => fresh_dir(&build_dir(layout, Engine::Scan))?,
        Phase::BuildSql => fresh_dir(&build_dir(layout, Engine::Sql))?,
        _ => {}
    }
    let started = Instant::now();
    let detail = match phase {
        Phase::Generate => generate_lake(layout, events)?,
        Phase::Build => build(layout, Engine::Scan)?,
        Phase::BuildSql => build(layout, Engine::Sql)?,
        Phase::CaseStudy => case_study(layout)?,
        Phase::Floor => floor(layout)?,
        Phase::FloorMethod => floor_method(layout)?,
        Phase::Incremental => incremental(layout)?,
        Phase::Top10 => return top10_latency(layout, calls),
    };
    Ok(Measured {
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_bytes: peak_rss_bytes(),
        detail,
    })
}

/// The process's peak resident set (`VmHWM`), where the OS reports it.
fn peak_rss_bytes() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A lake of about `events` events: 35 days, 24 countries, 2,000 shows, one
/// user per five events, default fault rates.
fn generate_lake(layout: &Layout, events: u64) -> Result<Value> {
    let per_day = events.div_ceil(35).to_string();
    let users = (events / 5).clamp(1_000, 100_000_000).to_string();
    let out = layout.lake.to_string_lossy().into_owned();
    let argv = [
        "top10",
        "generate",
        "--out",
        &out,
        "--days",
        "35",
        "--shows",
        "2000",
        "--users",
        &users,
        "--events-per-day",
        &per_day,
        "--force",
    ];
    let Some(Command::Generate(args)) = Cli::try_parse_from(argv)?.command else {
        unreachable!("the arguments above are a generate command")
    };
    let params = generate::Params::try_from(&args)?;
    claim(&layout.lake)?;
    let summary = generate::run(&params, &layout.lake, false)?;
    mark(&layout.lake)?;
    Ok(json!({
        "events": summary.stats.events,
        "rows": summary.stats.rows,
        "bytes": summary.bytes,
        "events_per_second": summary.stats.events as f64 / summary.seconds,
    }))
}

/// `top10 build` into a fresh warehouse; with the `sql` engine, into its
/// own folder (`warehouse-sql`), so the other phases read the default's.
fn build(layout: &Layout, engine: Engine) -> Result<Value> {
    let wh = build_dir(layout, engine);
    let opts = BuildOptions {
        engine,
        ..quiet(None)
    };
    let m = pipeline::build(&layout.lake, &wh, &opts)?;
    Ok(json!({
        "raw_rows": m.counts.raw_rows_read,
        "fact_rows": m.counts.fact_rows,
        "stages_ms": m.timings_ms,
    }))
}

/// The warehouse folder of the build phase of `engine`.
fn build_dir(layout: &Layout, engine: Engine) -> PathBuf {
    match engine {
        Engine::Scan => layout.warehouse.clone(),
        Engine::Sql => layout.work.join("warehouse-sql"),
    }
}

/// The newest date rebuilt with its late-data window (every landing
/// partition that can hold it), the other dates carried over.
fn incremental(layout: &Layout) -> Result<Value> {
    let current = built_warehouse(layout, "incremental")?;
    let last = *current
        .manifest
        .dates
        .last()
        .context("the warehouse has no dates")?;
    let m = pipeline::build(
        &layout.lake,
        &layout.warehouse,
        &quiet(Some(DateRange::new(last, last)?)),
    )?;
    Ok(json!({
        "date": last,
        "raw_rows": m.counts.raw_rows_read,
        "landing_files": m.inputs.iter().filter(|i| i.path.contains('/')).count(),
        "reused_dates": m.reused_dates,
        "stages_ms": m.timings_ms,
    }))
}

/// The warehouse the build phase made, which `phase` reads.
fn built_warehouse(layout: &Layout, phase: &str) -> Result<Version> {
    Warehouse::new(&layout.warehouse).current().map_err(|_| {
        anyhow::anyhow!(
            "the {phase} phase reads the warehouse of the build phase, and {} has none: run with --phases build first",
            layout.warehouse.display()
        )
    })
}

fn quiet(range: Option<DateRange>) -> BuildOptions {
    BuildOptions {
        range,
        as_of: None,
        memory_limit_mib: None,
        batch_rows: None,
        engine: Default::default(),
        quiet: true,
    }
}

/// The case study's three steps exactly as written, each read from and
/// written to Parquet, on the build's DuckDB settings except the memory
/// limit: the baselines get DuckDB's default (80 % of the machine), their
/// fastest, so the ratios never flatter the build.
fn case_study(layout: &Layout) -> Result<Value> {
    let baseline = Baseline::open(layout, "case_study")?;
    let dedup = baseline.copy(
        queries::BENCH_CASE_STUDY_DEDUP,
        None,
        "deduped_events.parquet",
    )?;
    let aggregate = baseline.copy(
        queries::BENCH_CASE_STUDY_AGG,
        Some(("fact_watch_events", "deduped_events.parquet")),
        "agg_watch_day_country_show.parquet",
    )?;
    let top10 = baseline.copy(
        queries::BENCH_CASE_STUDY_TOP10,
        Some((
            "agg_watch_day_country_show",
            "agg_watch_day_country_show.parquet",
        )),
        "top10_country_day.parquet",
    )?;
    Ok(json!({
        "steps_ms": { "dedup": dedup, "aggregate": aggregate, "top10": top10 },
        "threads": baseline.threads()?,
    }))
}

/// One scan of the landing files with the aggregate's GROUP BY.
fn floor(layout: &Layout) -> Result<Value> {
    let baseline = Baseline::open(layout, "floor")?;
    baseline.copy(queries::BENCH_FLOOR, None, "agg.parquet")?;
    Ok(json!({ "threads": baseline.threads()? }))
}

/// The floor again, with distinct viewers counted as the build counts them,
/// by the build's own SQL (`pipeline::repeats` over
/// `build_viewer_hashes.sql`, then `build_base.sql`) over every landing row
/// instead of the facts: no deduplication, validation, canonical ids or
/// ranking. Where the build's method is cheaper than the one-scan floor,
/// this is the least the build's own aggregate can cost, so the ratio to it
/// is the stricter one.
fn floor_method(layout: &Layout) -> Result<Value> {
    let baseline = Baseline::open(layout, "floor_method")?;
    let conn = &baseline.conn;
    conn.execute_batch(queries::BUILD_SCHEMA.text)?;
    conn.execute_batch(queries::BENCH_FLOOR_ROWS.text)?;
    let rows: i64 = conn.query_row("SELECT count(*) FROM raw_watch_events", [], |r| r.get(0))?;
    // As much memory for the hashes as the baseline's DuckDB has: its fastest.
    let budget = 16 << 30;
    pipeline::repeats::find(
        conn,
        queries::BUILD_VIEWER_HASHES,
        "repeated_viewers",
        rows.max(0) as u64,
        budget,
    )?;
    conn.execute_batch(queries::BUILD_BASE.text)?;
    baseline.copy(queries::BENCH_FLOOR_METHOD, None, "agg.parquet")?;
    Ok(json!({ "threads": baseline.threads()? }))
}

/// A baseline's folder under `--work` and its connection, with
/// `raw_watch_events` over every landing file as the case study names it
/// (with its `dt` partition column).
struct Baseline {
    out: PathBuf,
    conn: duckdb::Connection,
}

impl Baseline {
    fn open(layout: &Layout, name: &str) -> Result<Baseline> {
        let out = layout.work.join(name);
        fresh_dir(&out)?;
        let conn = db::open_for_build(&layout.lake, &out, None)?;
        // The lake is opened and checked as the build does, and its files
        // listed explicitly.
        let lake = Lake::open(&layout.lake)?;
        let files: Vec<&RawFile> = lake.raw_files.iter().collect();
        lake.validate(&files)?;
        let list: Vec<String> = files.iter().map(|f| db::path_literal(&f.path)).collect();
        conn.execute_batch(&format!(
            "CREATE VIEW raw_watch_events AS SELECT * FROM read_parquet([{}], \
             hive_partitioning = true, union_by_name = true);",
            list.join(", ")
        ))
        .context("reading the landing files")?;
        Ok(Baseline { out, conn })
    }

    /// Write `sql`'s rows to `output` in the baseline's folder, first
    /// defining `input`'s view (name, file) over an earlier step's file.
    /// Returns the milliseconds taken.
    fn copy(&self, sql: Sql, input: Option<(&str, &str)>, output: &str) -> Result<u64> {
        let t = Instant::now();
        if let Some((view, file)) = input {
            self.conn.execute_batch(&format!(
                "CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet({});",
                db::path_literal(&self.out.join(file))
            ))?;
        }
        self.conn
            .execute_batch(&format!(
                "COPY ({}) TO {} (FORMAT parquet);",
                sql.text,
                db::path_literal(&self.out.join(output))
            ))
            .with_context(|| format!("benchmark step {}", sql.name))?;
        Ok(t.elapsed().as_millis() as u64)
    }

    fn threads(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT current_setting('threads')", [], |r| r.get(0))?)
    }
}

/// Homepage Top 10 reads in this process against the warehouse on disk:
/// `calls` reads of random (date, country) keys after a warm-up, each timed.
fn top10_latency(layout: &Layout, calls: usize) -> Result<Measured> {
    let started = Instant::now();
    let version = built_warehouse(layout, "top10")?;
    let dates = version.manifest.dates.clone();
    let countries = version.manifest.countries.clone();
    if dates.is_empty() || countries.is_empty() {
        bail!("the warehouse has no dates or no countries");
    }
    let session = Session::open(version)?;
    let opened = started.elapsed();
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let keys: Vec<(chrono::NaiveDate, &String)> = (0..calls)
        .map(|_| {
            let date = dates[rng.random_range(0..dates.len())];
            (date, countries.choose(&mut rng).expect("countries"))
        })
        .collect();
    let warm_up = (calls / 10).max(10);
    // The product's path (the serving table, then a lookup in memory), and
    // for comparison the same answer as a DuckDB query each time.
    let (served, rows) = timed_calls(&keys, warm_up, |d, c| session.top10(d, c))?;
    let sql = queries::TOP10.text;
    let (queried, _) = timed_calls(&keys, warm_up, |d, c| {
        Table::query(&session.conn, sql, &[&d.to_string(), &c])
    })?;
    Ok(Measured {
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_bytes: peak_rss_bytes(),
        detail: json!({
            "calls": calls,
            "warm_up": warm_up,
            "open_ms": opened.as_secs_f64() * 1e3,
            "p50_ms": percentile(&served, 0.50),
            "p95_ms": percentile(&served, 0.95),
            "p99_ms": percentile(&served, 0.99),
            "max_ms": served.last(),
            "sql_p50_ms": percentile(&queried, 0.50),
            "sql_p95_ms": percentile(&queried, 0.95),
            "sql_p99_ms": percentile(&queried, 0.99),
            "rows_per_call": rows as f64 / calls as f64,
            "dates": dates.len(),
            "countries": countries.len(),
        }),
    })
}

/// Time `call` on each key after `warm_up` untimed calls; the sorted
/// durations in milliseconds, and the rows returned.
fn timed_calls(
    keys: &[(chrono::NaiveDate, &String)],
    warm_up: usize,
    call: impl Fn(chrono::NaiveDate, &str) -> Result<Table>,
) -> Result<(Vec<f64>, usize)> {
    for (d, c) in keys.iter().cycle().take(warm_up) {
        call(*d, c)?;
    }
    let mut samples = Vec::with_capacity(keys.len());
    let mut rows = 0;
    for (d, c) in keys {
        let t = Instant::now();
        let table = call(*d, c)?;
        samples.push(t.elapsed().as_secs_f64() * 1e3);
        rows += table.rows.len();
    }
    samples.sort_by(f64::total_cmp);
    Ok((samples, rows))
}

/// The `p` quantile (0..=1) of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The file that marks a folder as made by `top10 bench`, so a rerun may
/// replace it.
const MARK: &str = ".top10-bench";

/// Make way for a folder this benchmark will write: remove it if an earlier
/// run made it (or it is empty); refuse anything else, so a `--work` that
/// points at real data never loses it.
fn claim(dir: &Path) -> Result<()> {
    if !may_replace(dir)? {
        return Ok(());
    }
    fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))
}

/// Whether `dir` exists and may be replaced; an error when it exists and
/// was not made by a benchmark.
fn may_replace(dir: &Path) -> Result<bool> {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return Ok(false);
    };
    if entries.next().is_some() && !dir.join(MARK).exists() {
        bail!(
            "{} exists and was not made by top10 bench: choose another --work",
            dir.display()
        );
    }
    Ok(true)
}

/// Check, before any phase runs, that every folder the benchmark will
/// replace under `--work` is its own.
pub fn check_work(layout: &Layout, generating: bool) -> Result<()> {
    if generating {
        may_replace(&layout.lake)?;
    }
    for dir in [
        layout.warehouse.clone(),
        layout.work.join("case_study"),
        layout.work.join("floor"),
        layout.work.join("floor_method"),
    ] {
        may_replace(&dir)?;
    }
    Ok(())
}

/// An empty folder for this benchmark to write, marked as its own before
/// anything is written, so that a phase that fails (or is killed) leaves a
/// folder the next run may replace.
fn fresh_dir(dir: &Path) -> Result<()> {
    claim(dir)?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    mark(dir)
}

fn mark(dir: &Path) -> Result<()> {
    fs::write(
        dir.join(MARK),
        "made by top10 bench; replaced by its next run\n",
    )
    .with_context(|| format!("writing {}", dir.join(MARK).display()))
}
