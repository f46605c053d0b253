//! `top10 bench`: whole-process benchmarks of the pipeline, run the same way
//! by anyone. Each phase — generate, build, the case study's SQL as written,
//! the floor, a one-day incremental rebuild, homepage Top 10 reads — runs in
//! a child process of this binary (so each peak RSS is its own), in the same
//! DuckDB with the same settings, and the report gives the ratios the
//! performance targets are stated in (docs/benchmarks.md).

mod phases;

use std::fmt::Write as _;
use std::fs;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::{Command as Process, ExitCode};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use serde_json::Value;

use crate::error::EXIT_OK;
pub use phases::Measured;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Scratch folder: the generated lake (unless --lake), the warehouse and
    /// the baselines' outputs. Created if missing; what an earlier run made
    /// there is replaced, and any other folder in the way is refused.
    #[arg(long)]
    pub work: PathBuf,
    /// Benchmark this lake instead of generating one into WORK/lake.
    #[arg(long)]
    pub lake: Option<PathBuf>,
    /// Events in the generated lake (35 days, 24 countries, 2,000 shows).
    #[arg(long, default_value_t = 1_000_000)]
    pub events: u64,
    /// Runs of each build phase; the report gives the median.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Timed homepage Top 10 reads (after a warm-up of a tenth as many).
    #[arg(long, default_value_t = 10_000)]
    pub calls: usize,
    /// Only these phases, comma-separated [default: all].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub phases: Vec<Phase>,
    /// Also write every measurement as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Run one phase in this process and print its measurement (used by the
    /// parent process).
    #[arg(long, value_enum, hide = true)]
    pub phase: Option<Phase>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Phase {
    Generate,
    Build,
    BuildSql,
    CaseStudy,
    Floor,
    FloorMethod,
    Incremental,
    Top10,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Generate => "generate",
            Phase::Build => "build",
            Phase::BuildSql => "build-sql",
            Phase::CaseStudy => "case-study",
            Phase::Floor => "floor",
            Phase::FloorMethod => "floor-method",
            Phase::Incremental => "incremental",
            Phase::Top10 => "top10",
        }
    }
}

/// Where a benchmark's files live.
#[derive(Debug, Clone)]
pub struct Layout {
    pub work: PathBuf,
    pub lake: PathBuf,
    pub warehouse: PathBuf,
}

pub fn run(args: &BenchArgs) -> Result<ExitCode> {
    if args.runs == 0 || args.calls == 0 {
        bail!("--runs and --calls must be at least 1");
    }
    crate::db::check_path("bench --work folder", &args.work)?;
    // The benchmark writes lake/, warehouse/ and its baselines' folders
    // into --work: never into a lake, a warehouse or the root folder.
    let root = std::path::absolute(&args.work).unwrap_or_else(|_| args.work.clone());
    if root.parent().is_none()
        || args.work.join(crate::lake::RAW_DIR).exists()
        || args.work.join("versions").exists()
    {
        bail!(
            "--work {} is the root folder, a lake or a warehouse: give the benchmark a folder of its own",
            args.work.display()
        );
    }
    if args.phase.is_none() && args.lake.is_none() && args.events < 1_000 {
        bail!(
            "--events must be at least 1000, got {}: a smaller lake has days without events and measures nothing",
            args.events
        );
    }
    fs::create_dir_all(&args.work).with_context(|| format!("creating {}", args.work.display()))?;
    let layout = Layout {
        work: args.work.clone(),
        lake: args.lake.clone().unwrap_or_else(|| args.work.join("lake")),
        warehouse: args.work.join("warehouse"),
    };
    if let Some(phase) = args.phase {
        let m = phases::run(phase, &layout, args.events, args.calls)?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::to_string(&m)?)?;
        out.flush()?;
        return Ok(ExitCode::from(EXIT_OK));
    }

    let wanted = |p: Phase| args.phases.is_empty() || args.phases.contains(&p);
    if args.lake.is_some() && args.phases == [Phase::Generate] {
        bail!(
            "--phases generate measures generating a lake, and --lake names one to use instead: drop one of them"
        );
    }
    // A bad --json path fails now, not after every phase has run.
    if let Some(path) = &args.json {
        fs::write(path, "").with_context(|| format!("writing {}", path.display()))?;
    }
    phases::check_work(&layout, args.lake.is_none() && wanted(Phase::Generate))?;
    let mut results: Vec<(Phase, Vec<Measured>)> = Vec::new();
    let mut record = |p: Phase, m: Measured| match results.iter_mut().find(|(q, _)| *q == p) {
        Some((_, v)) => v.push(m),
        None => results.push((p, vec![m])),
    };
    if args.lake.is_none() && wanted(Phase::Generate) {
        record(Phase::Generate, child(Phase::Generate, args, &layout)?);
    }
    // Interleaved, so that a machine that slows down during the run slows
    // every phase alike.
    for _ in 0..args.runs {
        for p in [
            Phase::Build,
            Phase::BuildSql,
            Phase::CaseStudy,
            Phase::Floor,
            Phase::FloorMethod,
            Phase::Incremental,
        ] {
            if wanted(p) {
                record(p, child(p, args, &layout)?);
            }
        }
    }
    if wanted(Phase::Top10) {
        record(Phase::Top10, child(Phase::Top10, args, &layout)?);
    }
    let report = Report {
        results,
        layout,
        machine: machine(),
    };
    let mut out = std::io::stdout().lock();
    write!(out, "{}", report.markdown())?;
    out.flush()?;
    if let Some(path) = &args.json {
        fs::write(path, serde_json::to_string_pretty(&report.json())?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// Run one phase in a child process of this binary and read its line.
fn child(phase: Phase, args: &BenchArgs, layout: &Layout) -> Result<Measured> {
    if std::io::stderr().is_terminal() {
        eprintln!("bench: {} …", phase.name());
    }
    let exe = std::env::current_exe().context("finding the top10 binary")?;
    let out = Process::new(exe)
        .arg("bench")
        .arg("--phase")
        .arg(phase.name())
        .arg("--work")
        .arg(&layout.work)
        .arg("--lake")
        .arg(&layout.lake)
        .arg("--events")
        .arg(args.events.to_string())
        .arg("--calls")
        .arg(args.calls.to_string())
        .output()
        .context("starting a benchmark phase")?;
    if !out.status.success() {
        // The child's own one-line error says why.
        let err = String::from_utf8_lossy(&out.stderr);
        let why = err
            .lines()
            .rev()
            .find_map(|l| {
                l.strip_prefix("top10: error: ")
                    .or_else(|| l.strip_prefix("top10: "))
            })
            .unwrap_or("it failed");
        bail!("benchmark phase {}: {why}", phase.name());
    }
    let line = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(line.trim())
        .with_context(|| format!("reading the {} phase's measurement", phase.name()))
}

/// The machine, as the report's header describes it.
fn machine() -> Value {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem_gib = fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        let kb: f64 = s
            .lines()
            .find(|l| l.starts_with("MemTotal:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / 1024.0 / 1024.0)
    });
    let duckdb = duckdb::Connection::open_in_memory()
        .and_then(|c| c.query_row("SELECT version()", [], |r| r.get::<_, String>(0)))
        .unwrap_or_default();
    serde_json::json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "cpu": cpu,
        "memory_gib": mem_gib,
        "duckdb": duckdb,
        "top10": env!("CARGO_PKG_VERSION"),
    })
}

struct Report {
    results: Vec<(Phase, Vec<Measured>)>,
    layout: Layout,
    machine: Value,
}

impl Report {
    fn runs(&self, p: Phase) -> Option<&[Measured]> {
        self.results
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, v)| v.as_slice())
    }

    fn median(&self, p: Phase) -> Option<f64> {
        let mut s: Vec<f64> = self.runs(p)?.iter().map(|m| m.seconds).collect();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        Some(if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        })
    }

    fn peak(&self, p: Phase) -> Option<u64> {
        self.runs(p)?.iter().filter_map(|m| m.peak_rss_bytes).max()
    }

    fn last_detail(&self, p: Phase) -> Option<&Value> {
        self.runs(p)?.last().map(|m| &m.detail)
    }

    fn markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\nMachine: {} cores ({}), {:.0} GiB; DuckDB {}; top10 {}.",
            m["cores"],
            m["cpu"].as_str().unwrap_or(""),
            m["memory_gib"].as_f64().unwrap_or(0.0),
            m["duckdb"].as_str().unwrap_or(""),
            m["top10"].as_str().unwrap_or(""),
        );
        let _ = write!(out, "Lake: {}", self.layout.lake.display());
        if let Some(d) = self.last_detail(Phase::Build) {
            let _ = write!(out, " ({} raw rows)", d["raw_rows"]);
        }
        let _ = writeln!(out, ".\n");
        let _ = writeln!(out, "| phase | runs | median | peak RSS | detail |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for (p, runs) in &self.results {
            let detail = match p {
                Phase::Generate => format!(
                    "{:.2} M events/s",
                    runs[0].detail["events_per_second"].as_f64().unwrap_or(0.0) / 1e6
                ),
                Phase::Build | Phase::BuildSql | Phase::Incremental => {
                    seconds_list(&runs[runs.len() - 1].detail, "stages_ms")
                }
                Phase::CaseStudy => seconds_list(&runs[runs.len() - 1].detail, "steps_ms"),
                Phase::Floor | Phase::FloorMethod => String::new(),
                Phase::Top10 => {
                    let d = &runs[0].detail;
                    let ms = |k: &str| d[k].as_f64().unwrap_or(0.0);
                    format!(
                        "{} calls: p50 {:.4} ms, p95 {:.4} ms, p99 {:.4} ms; \
                         as a DuckDB query each time: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms",
                        d["calls"],
                        ms("p50_ms"),
                        ms("p95_ms"),
                        ms("p99_ms"),
                        ms("sql_p50_ms"),
                        ms("sql_p95_ms"),
                        ms("sql_p99_ms"),
                    )
                }
            };
            // The top10 phase's own time mixes opening, both kinds of
            // read and the warm-up: its latencies are in the detail.
            let median = match p {
                Phase::Top10 => "—".to_string(),
                _ => format!("{:.2} s", self.median(*p).unwrap_or(0.0)),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {median} | {} | {} |",
                p.name(),
                runs.len(),
                self.peak(*p).map(gb).unwrap_or_else(|| "—".into()),
                detail
            );
        }
        let mut targets = Vec::new();
        let mut target = |name: &str,
                          value: Option<f64>,
                          text: &dyn Fn(f64) -> String,
                          ok: &dyn Fn(f64) -> bool| {
            if let Some(v) = value {
                let mark = if ok(v) { "met" } else { "MISSED" };
                targets.push(format!("| {name} | {} | {mark} |", text(v)));
            }
        };
        let build = self.median(Phase::Build);
        let ratio = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
        target(
            "build ≥ 1.6× faster than the case study's SQL",
            ratio(self.median(Phase::CaseStudy), build),
            &|r| {
                if r >= 1.0 {
                    format!("{r:.2}× faster")
                } else {
                    format!("{:.2}× slower", 1.0 / r)
                }
            },
            &|r| r >= 1.6,
        );
        target(
            "build within 1.6× of the floor",
            ratio(build, self.median(Phase::Floor)),
            &|r| format!("{r:.2}× the floor"),
            &|r| r <= 1.6,
        );
        target(
            "one-day rebuild under 1/4 of the full build",
            ratio(self.median(Phase::Incremental), build),
            &|r| format!("{r:.3} of the full build"),
            &|r| r < 0.25,
        );
        target(
            "homepage Top 10 p95 under 1 ms",
            self.last_detail(Phase::Top10)
                .and_then(|d| d["p95_ms"].as_f64()),
            &|v| format!("{v:.3} ms"),
            &|v| v < 1.0,
        );
        if let Some(peak) = self.peak(Phase::Build) {
            let rows = self
                .last_detail(Phase::Build)
                .and_then(|d| d["raw_rows"].as_u64());
            targets.push(format!(
                "| build peak memory under 2 GB at 10 M events | {} | {} |",
                gb(peak),
                memory_mark(peak, rows)
            ));
        }
        if !targets.is_empty() {
            let _ = writeln!(out, "\n| target | measured | |\n|---|---|---|");
            for t in targets {
                let _ = writeln!(out, "{t}");
            }
        }
        out
    }

    fn json(&self) -> Value {
        let phases: serde_json::Map<String, Value> = self
            .results
            .iter()
            .map(|(p, runs)| {
                (
                    p.name().to_string(),
                    serde_json::to_value(runs).unwrap_or(Value::Null),
                )
            })
            .collect();
        serde_json::json!({
            "machine": self.machine,
            "lake": self.layout.lake,
            "phases": phases,
        })
    }
}

fn gb(bytes: u64) -> String {
    format!("{:.2} GB", bytes as f64 / 1e9)
}

/// The most raw rows of a lake the memory target judges: issue 6 sets it
/// for 10 million events (the benchmark's 10 M lake has 10.7 M rows).
const MEMORY_TARGET_ROWS: u64 = 11_000_000;

/// The memory target's verdict on a build's peak: judged up to
/// [`MEMORY_TARGET_ROWS`] raw rows; a larger lake's peak is only reported
/// (the build then stays within about twice its DuckDB memory limit).
fn memory_mark(peak_bytes: u64, raw_rows: Option<u64>) -> &'static str {
    match raw_rows {
        Some(rows) if rows > MEMORY_TARGET_ROWS => "not judged: the target is for 10 M events",
        _ if peak_bytes < 2_000_000_000 => "met",
        _ => "MISSED",
    }
}

/// "load_raw 1.90, dedup 5.30, …": the seconds of each entry of the object
/// `key` (a build's `stages_ms`, the case study's `steps_ms`).
fn seconds_list(detail: &Value, key: &str) -> String {
    let Some(entries) = detail[key].as_object() else {
        return String::new();
    };
    // In the order the pipeline runs them; anything else after.
    const ORDER: &[&str] = &[
        "validate_lake",
        "load_dimensions",
        "canonical_map",
        "load_raw",
        "dedup",
        "validate",
        "fact",
        "aggregate",
        "reuse",
    ];
    let mut entries: Vec<(&String, &Value)> = entries.iter().collect();
    entries.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    entries
        .iter()
        .filter_map(|(k, v)| Some(format!("{k} {:.2}", v.as_f64()? / 1e3)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_target_is_judged_for_lakes_of_10_m_events_only() {
        assert_eq!(memory_mark(650_000_000, Some(10_668_725)), "met");
        assert_eq!(memory_mark(2_100_000_000, Some(10_668_725)), "MISSED");
        assert_eq!(memory_mark(2_100_000_000, None), "MISSED");
        assert!(memory_mark(2_640_000_000, Some(106_696_120)).starts_with("not judged"));
    }
}
