//! `top10 build`: SPEC §2 from a lake into a new warehouse version.
//!
//! Stages: snapshot the dimensions → resolve the canonical show map
//! (refusing cycles) → read the landing files that can hold the requested
//! event dates and find the contested events → deduplicate and validate them
//! (duplicates, quarantine) → keep the fact merge-on-read (the landing files
//! plus what to delete from them, see [`fact`]) → aggregate, exclude and
//! rank → write every other table as Parquet partitioned by event date. Two
//! engines run the middle stages ([`Engine`]): the default in Rust, the
//! other as the SQL in `queries/`. A `--from/--to` build computes only those
//! dates and hard-links the others from the previous version. Nothing is
//! visible to readers until the version is committed.

pub mod aggregate;
pub mod batches;
pub mod dimensions;
pub mod fact;
pub mod landing;
pub mod manifest;
pub mod parquet_out;
pub mod rank;
pub mod repeats;
pub mod scan;
pub mod versions;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use arrow::array::RecordBatch;
use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use duckdb::{Connection, params};
use indicatif::{ProgressBar, ProgressStyle};

use crate::db;
use crate::lake::{DIMENSIONS, Lake, RAW_DIR, RawFile};
use crate::queries::{self, Sql};
use crate::warehouse::{self, PARTITIONED, Version, Warehouse};
use manifest::{Counts, Input, Manifest, SCHEMA_VERSION};

/// An inclusive range of event dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange> {
        ensure!(from <= to, "--from {from} is after --to {to}");
        Ok(DateRange { from, to })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// How the build deduplicates, validates and aggregates. Both give the same
/// warehouse (tests/reference.rs checks each against an independent
/// computation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Engine {
    /// Two passes over the landing rows, in Rust, feed deduplication,
    /// validation and the aggregate ([`scan`], [`aggregate`]); only the
    /// rows that can lose or be quarantined are settled one by one
    /// ([`versions`]). The fastest.
    #[default]
    Scan,
    /// Every stage as the SQL in `queries/`: the form that ports to Spark
    /// SQL or Trino (docs/scaling.md). It scans the landing files three
    /// more times.
    Sql,
}

impl Engine {
    /// What one landing row of a batch of the aggregate costs in memory.
    fn bytes_per_row(self) -> u64 {
        match self {
            Engine::Scan => aggregate::BYTES_PER_ROW,
            Engine::Sql => batches::BYTES_PER_ROW,
        }
    }
}

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Only these event dates (None: all).
    pub range: Option<DateRange>,
    /// Only rows ingested at or before this UTC time.
    pub as_of: Option<NaiveDateTime>,
    /// No progress spinner: the caller owns the terminal (the explorer
    /// rebuilding a date for `c`).
    pub quiet: bool,
    /// DuckDB's memory limit in MiB (None: [`DEFAULT_MEMORY_LIMIT`]).
    pub memory_limit_mib: Option<u64>,
    /// The most landing rows per batch of the aggregate (None: as many as
    /// the memory limit allows, [`batches::max_rows`]).
    pub batch_rows: Option<u64>,
    /// How deduplication, validation and the aggregate run.
    pub engine: Engine,
}

/// The build's default DuckDB memory limit: a 10-million-event build stays
/// under 2 GB of resident memory (docs/benchmarks.md); larger builds spill.
pub const DEFAULT_MEMORY_LIMIT: &str = "1.5GB";

/// How far before its event date a row may have been ingested (device clocks
/// run fast): a rebuild of dates from D reads landing partitions from D - 1.
const CLOCK_SKEW_DAYS: i64 = 1;

/// Build the warehouse at `wh` from the lake at `lake`, and return the new
/// version's manifest. On any error the previous version stays live.
pub fn build(lake: &Path, wh: &Path, opts: &BuildOptions) -> Result<Manifest> {
    let started = Instant::now();
    let lake = Lake::open(lake)?;
    let files = select_files(&lake, opts);
    if files.is_empty() {
        let dates = lake.landing_dates();
        bail!(
            "no landing partition of {} can hold the requested events (landing dates {}..{})",
            lake.root.display(),
            dates.first().expect("a lake has files"),
            dates.last().expect("a lake has files"),
        );
    }
    lake.validate(&files)?;
    if lake.contains(wh) {
        bail!(
            "warehouse {} would be written inside lake {}, among its files; choose a folder outside it (the default is {})",
            wh.display(),
            lake.root.display(),
            warehouse::default_beside(&lake.root).display()
        );
    }

    // A warehouse folder this build creates is removed if the build fails,
    // so a failed first build leaves nothing behind: by the build that took
    // the lock, while it still holds it (a build refused by the lock must
    // not remove another's work, nor one that starts after it).
    let created = first_missing(wh);
    let warehouse = Warehouse::new(wh);
    let lock = warehouse.lock()?;
    let result = (|| -> Result<Manifest> {
        // A partial rebuild needs the live version to take the other dates from.
        let previous = match opts.range {
            Some(_) if warehouse.exists() => Some(warehouse.current()?),
            _ => None,
        };
        let name = warehouse.next_version_name()?;
        // Versions this one pushes out leave now (Warehouse::make_room).
        warehouse.make_room(&lock, &name);
        let staging = warehouse.staging(&lock, &name)?;

        let progress = spinner(opts.quiet);
        let mut timings = BTreeMap::new();
        timings.insert(
            "validate_lake".to_string(),
            started.elapsed().as_millis() as u64,
        );
        // Landing files DuckDB refuses for invalid UTF-8 are read from repaired
        // copies (a second attempt; see lake::repair).
        let result = crate::lake::repair::build_repairing(&files, &staging, |files| {
            run(
                &lake,
                files,
                opts,
                &staging,
                previous.as_ref(),
                &name,
                &progress,
                &mut timings,
            )
        });
        progress.finish_and_clear();
        // Each stage scans the landing files again, so a file replaced during
        // the build could have been seen two ways: refuse to publish then.
        let result = result.and_then(|m| {
            files.iter().try_for_each(|f| f.unchanged())?;
            Ok(m)
        });
        let manifest = match result {
            Ok(m) => m,
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        let history = serde_json::json!({
            "version": manifest.version,
            "finished_at": manifest.built_at,
            "as_of": manifest.as_of,
            "from": manifest.from,
            "to": manifest.to,
            "first_date": manifest.dates.first(),
            "last_date": manifest.dates.last(),
        });
        if let Err(e) = warehouse.commit(&lock, &staging, &name, &history.to_string()) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        Ok(manifest)
    })();
    if result.is_err()
        && let Some(dir) = created
    {
        let _ = fs::remove_dir_all(dir);
    }
    drop(lock);
    result
}

/// The outermost folder of `path` (itself included) that does not exist yet.
fn first_missing(path: &Path) -> Option<std::path::PathBuf> {
    let mut missing = None;
    let mut p = Some(path);
    while let Some(q) = p.filter(|q| !q.as_os_str().is_empty() && q.symlink_metadata().is_err()) {
        missing = Some(q.to_path_buf());
        p = q.parent();
    }
    missing
}

/// The landing files that can hold the requested events: from the day
/// before the first requested date (late data lands later, never earlier,
/// but for clock skew), up to the as-of date.
fn select_files<'a>(lake: &'a Lake, opts: &BuildOptions) -> Vec<&'a RawFile> {
    lake.raw_files
        .iter()
        .filter(|f| {
            opts.range
                .is_none_or(|r| f.dt >= r.from - Duration::days(CLOCK_SKEW_DAYS))
                && opts.as_of.is_none_or(|t| f.dt <= t.date())
        })
        .collect()
}

fn spinner(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let p = ProgressBar::new_spinner();
    p.set_style(
        ProgressStyle::with_template("{spinner} building: {msg} [{elapsed}]")
            .expect("valid template"),
    );
    p.enable_steady_tick(std::time::Duration::from_millis(120));
    p
}

/// Run `f`, recording its time under `stage` and showing it on the spinner.
fn stage<T>(
    timings: &mut BTreeMap<String, u64>,
    progress: &ProgressBar,
    name: &str,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    progress.set_message(name.to_string());
    let t = Instant::now();
    let out = f()?;
    timings.insert(name.to_string(), t.elapsed().as_millis() as u64);
    Ok(out)
}

fn exec(conn: &Connection, sql: Sql) -> Result<()> {
    conn.execute_batch(sql.text)
        .with_context(|| format!("pipeline stage {}", sql.name))
}

/// What the stages of a build share.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    db: &'a db::BuildDb<'a>,
    lake: &'a Lake,
    files: &'a [&'a RawFile],
    opts: &'a BuildOptions,
    staging: &'a Path,
    /// The live version, for a rebuild of some dates.
    previous: Option<&'a Version>,
    name: &'a str,
    memory_mib: u64,
    progress: &'a ProgressBar,
}

/// What a rebuild of some dates takes from the live version: its fact
/// segments still shown, and the other dates' partitions (how many dates).
type CarriedOver = (Vec<fact::Segment>, u64);

#[allow(clippy::too_many_arguments)]
fn run(
    lake: &Lake,
    files: &[&RawFile],
    opts: &BuildOptions,
    staging: &Path,
    previous: Option<&Version>,
    name: &str,
    progress: &ProgressBar,
    timings: &mut BTreeMap<String, u64>,
) -> Result<Manifest> {
    let memory_mib = match opts.memory_limit_mib {
        Some(m) => m,
        None => crate::parse::memory_size(DEFAULT_MEMORY_LIMIT).map_err(anyhow::Error::msg)?,
    };
    // A rebuild of some dates links the live version's other dates on a
    // thread of its own while the stages run (a few hundred folders and
    // links: a tenth of a 1 M-event one-day rebuild), into a folder of its
    // own, moved into place once the tables are written.
    std::thread::scope(|scope| {
        let carried = match (previous, opts.range) {
            (Some(prev), Some(range)) => Some(scope.spawn(move || -> Result<CarriedOver> {
                let segments =
                    fact::carry_over(&prev.dir, &prev.manifest.segments, staging, range)?;
                Ok((segments, reuse_dates(prev, &staging.join(REUSED), range)?))
            })),
            _ => None,
        };
        let db = db::BuildDb::new(&lake.root, staging, Some(memory_mib));
        let ctx = Ctx {
            db: &db,
            lake,
            files,
            opts,
            staging,
            previous,
            name,
            memory_mib,
            progress,
        };
        let manifest = run_stages(ctx, timings, carried);
        drop(db);
        let _ = fs::remove_dir_all(staging.join("_tmp"));
        manifest
    })
}

/// Where the live version's other dates are linked while a rebuild runs.
const REUSED: &str = "_reused";

fn run_stages(
    ctx: Ctx,
    timings: &mut BTreeMap<String, u64>,
    carried: Option<std::thread::ScopedJoinHandle<'_, Result<CarriedOver>>>,
) -> Result<Manifest> {
    let Ctx {
        db,
        lake,
        files,
        opts,
        staging,
        previous,
        name,
        progress,
        ..
    } = ctx;

    let (shared, countries) = stage(timings, progress, "load_dimensions", || {
        let shared = dimensions::snapshot(db, lake, staging, previous.map(|v| v.dir.as_path()))?;
        Ok((shared, dimensions::countries(staging)?))
    })?;

    let canonical = stage(timings, progress, "canonical_map", || {
        let resolved = staging.join("show_canonical_resolved.parquet");
        match previous.filter(|_| shared.contains(&"show_canonical_map")) {
            // The live version resolved (and checked) this very map: share
            // its result instead of walking the map again.
            Some(prev) => {
                link_or_copy(&prev.dir.join("show_canonical_resolved.parquet"), &resolved)?;
                db.view("show_canonical_resolved", &resolved)?;
            }
            None => {
                let conn = db.conn()?;
                resolve_canonical_map(conn, &lake.dim("show_canonical_map"))?;
                conn.execute_batch(&format!(
                    "COPY (SELECT * FROM show_canonical_resolved) TO {} (FORMAT parquet, COMPRESSION zstd);",
                    db::path_literal(&resolved)
                ))
                .with_context(|| format!("writing {}", resolved.display()))?;
            }
        }
        dimensions::canonical(staging)
    })?;

    let mut counts = Counts::default();
    // The default engine's first pass finds the contested rows; a lake it
    // cannot read as DuckDB does goes to the `sql` engine (scan.rs).
    let scanner = stage(timings, progress, "load_raw", || {
        let scanner = match opts.engine {
            Engine::Scan => scan::Scanner::new(
                files,
                &countries,
                &canonical,
                opts.as_of,
                opts.range,
                ctx.memory_mib << 20,
            )?,
            Engine::Sql => None,
        };
        match &scanner {
            Some(s) => counts.raw_rows_read = s.visible_rows(),
            None => {
                let as_of = opts
                    .as_of
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string());
                let conn = db.conn()?;
                load_raw(conn, files, as_of.as_deref(), opts.range)?;
                counts.raw_rows_read = count_row(conn, queries::COUNT_RAW)?[0];
            }
        }
        Ok(scanner)
    })?;
    let segment = match scanner {
        Some(s) => scan_engine(&ctx, &s, &canonical, &mut counts, timings)?,
        None => sql_engine(&ctx, &canonical, &mut counts, timings)?,
    };
    counts.events = counts.fact_rows + counts.quarantined.values().sum::<u64>();
    counts.raw_rows = counts.events + counts.duplicates;

    let (reused, segments) = stage(timings, progress, "reuse", || match carried {
        Some(handle) => {
            let (mut segments, reused) = handle
                .join()
                .map_err(|_| anyhow::anyhow!("linking the other dates failed"))??;
            move_reused(staging)?;
            segments.push(segment);
            Ok((reused, segments))
        }
        None => Ok((0, vec![segment])),
    })?;

    let mut inputs: Vec<Input> = files
        .iter()
        .map(|f| Input {
            path: format!("{RAW_DIR}/{}", f.name),
            bytes: f.bytes,
        })
        .collect();
    for dim in DIMENSIONS {
        let p = lake.dim(dim.name);
        inputs.push(Input {
            path: format!("{}.parquet", dim.name),
            bytes: fs::metadata(&p).map(|m| m.len()).unwrap_or(0),
        });
    }
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        version: name.to_string(),
        built_at: Utc::now().naive_utc(),
        lake: fs::canonicalize(&lake.root)
            .unwrap_or_else(|_| lake.root.clone())
            .to_string_lossy()
            .into_owned(),
        as_of: opts.as_of,
        from: opts.range.map(|r| r.from),
        to: opts.range.map(|r| r.to),
        reused_dates: reused,
        inputs,
        counts,
        timings_ms: timings.clone(),
        dates: warehouse::partition_dates(&staging.join("agg_watch_day_country_show"))?,
        countries,
        segments,
    };
    manifest.write(&staging.join("manifest.json"))?;
    Ok(manifest)
}

/// The default engine's stages (`dedup` to `aggregate`): deduplication,
/// validation and the aggregate in Rust ([`scan`], [`versions`],
/// [`aggregate`], [`rank`]), the tables written by [`parquet_out`].
fn scan_engine(
    ctx: &Ctx,
    scanner: &scan::Scanner,
    canonical: &BTreeMap<i64, i64>,
    counts: &mut Counts,
    timings: &mut BTreeMap<String, u64>,
) -> Result<fact::Segment> {
    let (staging, progress) = (ctx.staging, ctx.progress);
    let max_rows = ctx.opts.batch_rows.unwrap_or(batches::max_rows(
        ctx.memory_mib,
        Engine::Scan.bytes_per_row(),
    ));
    let plan = batch_plan(&scanner.rows_by_dt()?, max_rows, ctx.opts);
    // The pass that collects the candidates of every date aggregates the
    // facts of the first batch as it reads them.
    let (settled, first) = stage(timings, progress, "dedup", || {
        let mut agg = aggregate::Aggregator::new();
        let first = plan.first().copied().unwrap_or(batches::Batch::ALL);
        let candidates = scanner.landing(first, &mut agg, true)?;
        Ok((scanner.settle(candidates)?, agg))
    })?;
    let built = |d: i32| scanner.built(d);
    stage(timings, progress, "validate", || {
        let (duplicates, quarantined) = settled.counts(built);
        counts.duplicates = duplicates;
        counts.quarantined = quarantined
            .iter()
            .map(|(r, n)| (r.name().to_string(), *n))
            .collect();
        // A date at a time, so that only a few dates' rows are held.
        let sink = |table: &'static str| {
            move |day: i32, rows: RecordBatch| {
                parquet_out::write_partition(staging, table, day, &rows)
            }
        };
        settled.duplicates(built, &sink("duplicates"))?;
        parquet_out::write_schema(staging, "duplicates", versions::duplicates_schema())?;
        settled.quarantine(built, &sink("quarantine"))?;
        parquet_out::write_schema(staging, "quarantine", versions::quarantine_schema())?;
        Ok(())
    })?;
    let segment = stage(timings, progress, "fact", || {
        let seg = fact::keep_files(staging, ctx.name, ctx.files, ctx.opts.as_of, ctx.opts.range)?;
        parquet_out::write_file(&fact::deletes_file(staging, &seg), &settled.deletes()?)?;
        fact::write_canonical(staging, &seg, canonical)?;
        Ok(seg)
    })?;
    // Written: only the candidates' facts are needed from here on (at 100 M
    // events the settled candidates hold about half a gigabyte).
    let candidate_facts = scanner.candidate_facts(&settled)?;
    drop(settled);
    stage(timings, progress, "aggregate", || {
        let rules = rank::Rules::new(&dimensions::restrictions(staging)?, canonical);
        let mut first = Some(first);
        let mut agg_counts = aggregate::AggCounts::default();
        for &b in &plan {
            let mut agg = match first.take() {
                Some(agg) => agg,
                None => {
                    let mut agg = aggregate::Aggregator::new();
                    scanner.landing(b, &mut agg, false)?;
                    agg
                }
            };
            scanner.add_candidate_facts(&candidate_facts, b, &mut agg);
            let done = agg.finish(scanner.countries(), scanner.shows(), &rules)?;
            counts.fact_rows += done.facts;
            counts.merged_rows += done.merged;
            agg_counts.add(&done.counts);
            let days = |t: fn(&aggregate::DayTables) -> &RecordBatch| -> Vec<(i32, &RecordBatch)> {
                done.days.iter().map(|d| (d.day, t(d))).collect()
            };
            parquet_out::write_partitions(
                staging,
                "agg_watch_day_country_show",
                aggregate::agg_schema(),
                &days(|d| &d.agg),
            )?;
            parquet_out::write_partitions(
                staging,
                "top10_country_day",
                aggregate::top10_schema(),
                &days(|d| &d.top10),
            )?;
        }
        counts.agg_rows = agg_counts.rows;
        counts.ranked = agg_counts.ranked;
        counts.top10_rows = agg_counts.top10;
        counts.excluded = BTreeMap::from([
            ("kids_only".to_string(), agg_counts.kids_only),
            ("region_blocked".to_string(), agg_counts.region_blocked),
        ]);
        Ok(())
    })?;
    Ok(segment)
}

/// The `sql` engine's stages (`dedup` to `aggregate`): every step as the
/// SQL in `queries/`, over the views `load_raw` defined.
fn sql_engine(
    ctx: &Ctx,
    canonical: &BTreeMap<i64, i64>,
    counts: &mut Counts,
    timings: &mut BTreeMap<String, u64>,
) -> Result<fact::Segment> {
    let (conn, staging, progress) = (ctx.db.conn()?, ctx.staging, ctx.progress);
    let budget = ctx.memory_mib << 20;
    // No working copy of the events: `landing_rows` and `raw` are views
    // over the landing files, and the fact is never written (see `fact`).
    // Only the rows that can lose or be quarantined — a few percent — are
    // looked at one by one. The landing files are scanned four times: for
    // the event ids' hashes, for the rows to look at, and twice in the
    // aggregate (the (key, user) hashes, then the sums).
    let rows = rows_by_dt(conn, ctx.files)?;
    let max_rows = ctx.opts.batch_rows.unwrap_or(batches::max_rows(
        ctx.memory_mib,
        Engine::Sql.bytes_per_row(),
    ));
    let plan = batch_plan(&rows, max_rows, ctx.opts);
    stage(timings, progress, "dedup", || {
        repeats::find(
            conn,
            queries::BUILD_EVENT_HASHES,
            "contested",
            counts.raw_rows_read,
            budget,
        )?;
        exec(conn, queries::BUILD_VERSIONS)?;
        counts.duplicates = count_row(conn, queries::COUNT_VERSIONS)?[0];
        Ok(())
    })?;
    stage(timings, progress, "validate", || {
        write_partitioned(conn, staging, "duplicates")?;
        write_partitioned(conn, staging, "quarantine")?;
        let c = count_row(conn, queries::COUNT_WINNERS)?;
        counts.quarantined = BTreeMap::from([
            ("null_field".to_string(), c[0]),
            ("watch_seconds_out_of_range".to_string(), c[1]),
            ("unknown_country".to_string(), c[2]),
            ("event_ts_out_of_range".to_string(), c[3]),
        ]);
        Ok(())
    })?;
    let segment = stage(timings, progress, "fact", || {
        let opts = ctx.opts;
        let seg = fact::keep_files(staging, ctx.name, ctx.files, opts.as_of, opts.range)?;
        conn.execute_batch(&format!(
            "COPY (SELECT src_file, src_row FROM deletes ORDER BY src_file, src_row) TO {} (FORMAT parquet, COMPRESSION zstd);",
            db::path_literal(&fact::deletes_file(staging, &seg)),
        ))
        .context("writing the fact's deletes")?;
        fact::write_canonical(staging, &seg, canonical)?;
        // Written and counted: free their memory for the aggregate (at 100 M
        // events they held about a gigabyte).
        conn.execute_batch(
            "DROP TABLE versions; DROP TABLE quarantined; DROP TABLE contested;\n\
             ALTER TABLE deletes DROP COLUMN src_file;",
        )?;
        Ok(seg)
    })?;
    stage(timings, progress, "aggregate", || {
        exec(conn, queries::BUILD_FACTS)?;
        for &b in &plan {
            set_batch(conn, b)?;
            repeats::find(
                conn,
                queries::BUILD_VIEWER_HASHES,
                "repeated_viewers",
                b.rows(&rows),
                budget,
            )?;
            exec(conn, queries::BUILD_BASE)?;
        }
        let c = count_row(conn, queries::COUNT_FACT)?;
        (counts.fact_rows, counts.merged_rows) = (c[0], c[1]);
        exec(conn, queries::BUILD_AGG)?;
        let c = count_row(conn, queries::COUNT_AGG)?;
        (counts.agg_rows, counts.ranked, counts.top10_rows) = (c[0], c[1], c[4]);
        counts.excluded = BTreeMap::from([
            ("kids_only".to_string(), c[2]),
            ("region_blocked".to_string(), c[3]),
        ]);
        write_partitioned(conn, staging, "agg_watch_day_country_show")?;
        write_partitioned(conn, staging, "top10_country_day")
    })?;
    Ok(segment)
}

/// The aggregate's batches of event dates (`pipeline::batches`) that meet
/// the build's range.
fn batch_plan(
    rows: &BTreeMap<NaiveDate, u64>,
    max_rows: u64,
    opts: &BuildOptions,
) -> Vec<batches::Batch> {
    batches::plan(rows, max_rows)
        .into_iter()
        .filter(|b| opts.range.is_none_or(|r| b.meets(r.from, r.to)))
        .collect()
}

/// Define the `sql` engine's working tables and macros (`build_schema.sql`;
/// the default engine uses none of them), then `raw` over every selected
/// landing file: one read_parquet over the whole list, so DuckDB scans the
/// files in parallel (a statement per file read them one at a time). The
/// file paths are quoted literals; the as-of bound and the dates are bound
/// parameters, kept in variables.
fn load_raw(
    conn: &Connection,
    files: &[&RawFile],
    as_of: Option<&str>,
    range: Option<DateRange>,
) -> Result<()> {
    exec(conn, queries::BUILD_SCHEMA)?;
    let mut stmt = conn.prepare("INSERT INTO landing_files VALUES ($1, $2, CAST($3 AS DATE))")?;
    for (id, f) in files.iter().enumerate() {
        stmt.execute(params![id as i64, f.name, f.dt.to_string()])?;
    }
    conn.execute(
        "SET VARIABLE build_as_of = CAST($1 AS TIMESTAMP)",
        params![as_of],
    )?;
    set_date(conn, "build_from", range.map(|r| r.from))?;
    set_date(conn, "build_to", range.map(|r| r.to))?;
    set_batch(conn, batches::Batch::ALL)?;
    conn.execute_batch(&format!(
        "CREATE TEMP VIEW landing AS SELECT *, file_index FROM read_parquet({}, \
         file_row_number = true, union_by_name = true, hive_partitioning = false);",
        file_list(files)
    ))?;
    exec(conn, queries::BUILD_LOAD_RAW)
}

/// The landing files' paths as a DuckDB list literal, in `files` order (a
/// row's file_index is its file's position here).
fn file_list(files: &[&RawFile]) -> String {
    let paths: Vec<String> = files
        .iter()
        .map(|f| db::literal(&f.path.to_string_lossy()))
        .collect();
    format!("[{}]", paths.join(", "))
}

/// Set the DuckDB variable `name` (a fixed identifier) to a date, bound.
fn set_date(conn: &Connection, name: &str, d: Option<NaiveDate>) -> Result<()> {
    conn.execute(
        &format!("SET VARIABLE {name} = CAST($1 AS DATE)"),
        params![d.map(|d| d.to_string())],
    )?;
    Ok(())
}

/// Set the variables batch_from / batch_to to the aggregate's batch `b`.
fn set_batch(conn: &Connection, b: batches::Batch) -> Result<()> {
    set_date(conn, "batch_from", b.from)?;
    set_date(conn, "batch_to", b.to)
}

/// The landing files' row counts by landing date, from their footers.
fn rows_by_dt(conn: &Connection, files: &[&RawFile]) -> Result<BTreeMap<NaiveDate, u64>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT file_name, num_rows FROM parquet_file_metadata({})",
        file_list(files)
    ))?;
    let counts: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<duckdb::Result<_>>()
        .context("reading the landing files' footers")?;
    let dt_of: std::collections::HashMap<String, NaiveDate> = files
        .iter()
        .map(|f| (f.path.to_string_lossy().into_owned(), f.dt))
        .collect();
    let mut rows = BTreeMap::new();
    for (name, n) in counts {
        if let Some(dt) = dt_of.get(&name) {
            *rows.entry(*dt).or_insert(0) += n.max(0) as u64;
        }
    }
    Ok(rows)
}

/// Resolve show_canonical_map transitively; an id mapped to two ids, or a
/// cycle, is an error that names the ids.
fn resolve_canonical_map(conn: &Connection, file: &Path) -> Result<()> {
    let mut stmt = conn.prepare(queries::CANONICAL_CONFLICTS.text)?;
    let conflicts: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<duckdb::Result<_>>()?;
    if let Some((id, targets)) = conflicts.first() {
        bail!(
            "{}: show {id} is mapped to more than one show ({targets}); each old_show_id may map to one new_show_id",
            file.display()
        );
    }
    let mut stmt = conn.prepare(queries::CANONICAL_CYCLES.text)?;
    let cycle: Vec<i64> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<duckdb::Result<_>>()?;
    if !cycle.is_empty() {
        let ids: Vec<String> = cycle.iter().map(i64::to_string).collect();
        bail!(
            "{}: show_canonical_map has a cycle through show ids {}",
            file.display(),
            ids.join(", ")
        );
    }
    exec(conn, queries::BUILD_CANONICAL_RESOLVE)
}

/// The single row of a count query, as numbers.
fn count_row(conn: &Connection, sql: Sql) -> Result<Vec<u64>> {
    let run = || -> Result<Vec<u64>> {
        let mut stmt = conn.prepare(sql.text)?;
        let mut rows = stmt.query([])?;
        let row = rows.next()?.context("no row")?;
        let n = row.as_ref().column_count();
        (0..n).map(|i| Ok(row.get::<_, i64>(i)? as u64)).collect()
    };
    run().with_context(|| format!("pipeline stage {}", sql.name))
}

/// Write a partitioned table with `COPY … PARTITION_BY (event_date)`, plus a
/// zero-row file with its columns so that an empty table is still readable.
fn write_partitioned(conn: &Connection, staging: &Path, table: &str) -> Result<()> {
    let sql = queries::writer(table).expect("every table has a writer");
    fs::create_dir_all(staging.join("_schema"))?;
    conn.execute_batch(&format!(
        "COPY ({}) TO {} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date));\n\
         COPY (SELECT * FROM ({}) LIMIT 0) TO {} (FORMAT parquet);",
        sql.text,
        db::path_literal(&staging.join(table)),
        sql.text,
        db::path_literal(&warehouse::schema_file(staging, table)),
    ))
    .with_context(|| format!("writing {table}"))
}

/// Carry every date outside `range` over from the previous version by hard
/// links (a copy where the file system has none) into `dir`, a folder per
/// table. Returns how many dates.
fn reuse_dates(prev: &Version, dir: &Path, range: DateRange) -> Result<u64> {
    let mut parts = Vec::new();
    for table in PARTITIONED {
        for date in prev.dates(table)? {
            if !range.contains(date) {
                parts.push((table, date));
            }
        }
    }
    // A few hundred folders and links, one after another: this runs on a
    // thread beside the stages, and on rayon's pool it held up their
    // parallel passes behind its system calls.
    for (table, date) in &parts {
        let part = format!("event_date={date}");
        let src = prev.table_dir(table).join(&part);
        let dst = dir.join(table).join(&part);
        fs::create_dir_all(&dst)?;
        for f in fs::read_dir(&src)? {
            let f = f?.path();
            link_or_copy(&f, &dst.join(f.file_name().expect("a file")))?;
        }
    }
    let reused: std::collections::BTreeSet<NaiveDate> = parts.iter().map(|(_, d)| *d).collect();
    Ok(reused.len() as u64)
}

/// Move the partitions [`reuse_dates`] linked into `staging/_reused` to
/// their tables (the build wrote other dates there: the folders differ).
fn move_reused(staging: &Path) -> Result<()> {
    let reused = staging.join(REUSED);
    for table in PARTITIONED {
        let from = reused.join(table);
        let Ok(parts) = fs::read_dir(&from) else {
            continue;
        };
        let to = staging.join(table);
        fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
        for part in parts {
            let part = part?;
            fs::rename(part.path(), to.join(part.file_name()))
                .with_context(|| format!("moving {}", part.path().display()))?;
        }
    }
    fs::remove_dir_all(&reused).with_context(|| format!("removing {}", reused.display()))
}

/// Hard-link `src` at `dst`, or copy it where the file system has no hard
/// links (another device): versions share unchanged files for free.
fn link_or_copy(src: &Path, dst: &Path) -> Result<()> {
    if fs::hard_link(src, dst).is_err() {
        fs::copy(src, dst).with_context(|| format!("copying {}", src.display()))?;
    }
    Ok(())
}
