//! `top10 check`: the data-quality checks of the case study (§4, §6) and a
//! few more, run per date over one warehouse version, each giving a
//! [`Check`] with a status, a severity and its evidence. Every run is
//! appended to the warehouse's `pipeline_health` table ([`history`]).
//!
//! Each check's SQL is a `queries/check_*.sql` file with bound parameters,
//! run through the same views as `top10 query`. A check decides whether it
//! *fires*; its severity (see [`config`]) decides what that means: critical
//! and high fail the run (exit 1), medium, low and info warn.

pub mod config;
mod data;
pub mod history;
mod ranking;
mod render;
pub mod sla;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, NaiveDateTime, Utc};
use clap::{Args, ValueEnum};
use duckdb::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::cli::Source;
use crate::error::{EXIT_CHECK_FAILED, EXIT_OK};
use crate::output::Table;
use crate::queries::Sql;
use crate::query::{self, Session};
use crate::warehouse::Version;
use config::Config;

/// Every check, in the order a run reports them.
pub const NAMES: &[&str] = &[
    "completeness",
    "freshness",
    "sla",
    "uniqueness",
    "validity",
    "quarantine_rate",
    "referential_integrity",
    "reconciliation",
    "top10_availability",
    "volume_anomaly",
    "ranking_stability",
    "canonical_map",
];

/// `top10 check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: Source,
    /// Check this event date [default: the latest date of the warehouse].
    #[arg(long, value_parser = crate::parse::date, conflicts_with_all = ["from", "to"])]
    pub date: Option<NaiveDate>,
    /// Check every date from this one (inclusive).
    #[arg(long, value_parser = crate::parse::date, requires = "to")]
    pub from: Option<NaiveDate>,
    /// Check every date up to this one (inclusive).
    #[arg(long, value_parser = crate::parse::date, requires = "from")]
    pub to: Option<NaiveDate>,
    /// `table` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// Show the recorded results of earlier runs instead of running checks.
    #[arg(long, conflicts_with_all = ["date", "from", "to"])]
    pub history: bool,
    /// With --history: only this check.
    #[arg(long, requires = "history")]
    pub check: Option<String>,
    /// Settings file [default: top10.toml beside the lake, else in the
    /// warehouse folder].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Warn when more than this percent of a date's events are quarantined
    /// [default: 1].
    #[arg(long, value_name = "PCT")]
    pub quarantine_rate: Option<f64>,
    /// Warn when more than this percent of a date's fact rows have an orphan
    /// user or show [default: 1].
    #[arg(long, value_name = "PCT")]
    pub orphan_rate: Option<f64>,
    /// Warn when more than this percent of a date's events arrived after the
    /// publication deadline [default: 5].
    #[arg(long, value_name = "PCT")]
    pub late_arrival: Option<f64>,
    /// Seconds the aggregate may differ from the fact per (country, show)
    /// [default: 5].
    #[arg(long, value_name = "SECONDS")]
    pub reconciliation_tolerance: Option<i64>,
    /// Goal for the overall discrepancy, in percent [default: 0.1].
    #[arg(long, value_name = "PCT")]
    pub reconciliation_goal: Option<f64>,
    /// Warn when a country's events leave this band (in percent) around the
    /// median of the 7 days before [default: 50].
    #[arg(long, value_name = "PCT")]
    pub volume_band: Option<f64>,
    /// #10 and #11 are nearly tied within this percent [default: 1].
    #[arg(long, value_name = "PCT")]
    pub near_tie: Option<f64>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Aligned columns for reading.
    Table,
    /// One JSON array of objects.
    Json,
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

/// How bad it is when a check fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The status of a check of this severity that fired.
    pub fn when_fired(self) -> Status {
        if self >= Severity::High {
            Status::Fail
        } else {
            Status::Warn
        }
    }
}

/// One check's result for one date (or for the whole warehouse: no date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub check: String,
    pub status: Status,
    pub severity: Severity,
    pub date: Option<NaiveDate>,
    pub details: Json,
    /// One line for the table rendering.
    #[serde(skip)]
    pub summary: String,
}

/// What every check can read.
pub(crate) struct Ctx<'a> {
    pub conn: &'a Connection,
    pub cfg: &'a Config,
}

impl Ctx<'_> {
    /// A result: `fired` decides between pass and the severity's status.
    pub fn result(
        &self,
        name: &str,
        date: Option<NaiveDate>,
        fired: bool,
        details: Json,
        summary: String,
    ) -> Check {
        let severity = self.cfg.severity(name);
        Check {
            check: name.to_string(),
            status: if fired {
                severity.when_fired()
            } else {
                Status::Pass
            },
            severity,
            date,
            details,
            summary,
        }
    }

    /// Run a check's query with bound parameters; rows as JSON objects.
    pub fn rows(&self, sql: Sql, params: &[&dyn duckdb::ToSql]) -> Result<Vec<Json>> {
        let t = Table::query(self.conn, sql.text, params)
            .with_context(|| format!("query {}", sql.name))?;
        match t.to_json() {
            Json::Array(rows) => Ok(rows),
            _ => Ok(Vec::new()),
        }
    }
}

/// An integer field of a result row (0 when NULL or missing).
pub(crate) fn int(row: &Json, key: &str) -> i64 {
    row.get(key)
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
        .unwrap_or(0)
}

/// A percentage `part / whole`, 0 when `whole` is 0, rounded to 4 decimals.
pub(crate) fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part * 100.0 / whole * 10_000.0).round() / 10_000.0
    } else {
        0.0
    }
}

/// Run `top10 check …`.
pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let version = query::resolve(&args.source)?;
    let root = warehouse_root(&version);
    if args.history {
        if let Some(c) = &args.check
            && !NAMES.contains(&c.as_str())
        {
            bail!("unknown check '{c}' (checks: {})", NAMES.join(", "));
        }
        let table = history::read(&root, args.check.as_deref())?;
        return print(|out| render::history(&table, args.format, out)).map(|_| EXIT_OK.into());
    }
    let cfg = Config::load(
        &args,
        &config_candidates(args.source.lake.as_deref(), &version, &root),
    )?;
    let dates = dates_to_check(&args, &version)?;
    let session = Session::open(version)?;
    let checks = run_checks(&session.conn, &cfg, &root, &session.version.name, &dates)?;
    if let Err(e) = history::append(&root, &checks, Utc::now().naive_utc()) {
        crate::error::say(&format!(
            "top10: warning: results not recorded in pipeline_health: {}",
            crate::error::describe(&e)
        ));
    }
    print(|out| render::results(&checks, args.format, out))?;
    let failed = checks.iter().any(|c| c.status == Status::Fail);
    Ok(ExitCode::from(if failed {
        EXIT_CHECK_FAILED
    } else {
        EXIT_OK
    }))
}

fn print(f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    f(&mut out)?;
    out.flush()?;
    Ok(())
}

/// Every check for every date, then the warehouse-wide ones.
pub fn run_checks(
    conn: &Connection,
    cfg: &Config,
    root: &Path,
    live: &str,
    dates: &[NaiveDate],
) -> Result<Vec<Check>> {
    let ctx = Ctx { conn, cfg };
    let builds = sla::read_history(&crate::warehouse::Warehouse::new(root).history_file(), live)?;
    let zones = data::load_deadlines(&ctx, dates)?;
    let mut out = Vec::new();
    for &d in dates {
        out.push(data::completeness(&ctx, d)?);
        out.push(data::freshness(&ctx, d)?);
        out.push(data::sla(&ctx, d, &zones, &builds));
        out.push(data::uniqueness(&ctx, d)?);
        out.push(data::validity(&ctx, d)?);
        out.push(data::quarantine_rate(&ctx, d)?);
        out.push(data::referential_integrity(&ctx, d)?);
        out.push(data::reconciliation(&ctx, d)?);
        out.push(ranking::top10_availability(&ctx, d)?);
        out.push(ranking::volume_anomaly(&ctx, d)?);
        out.push(ranking::ranking_stability(&ctx, d)?);
    }
    out.push(ranking::canonical_map(&ctx)?);
    Ok(out)
}

/// The checks of one date (and the warehouse-wide ones) on `session`, as
/// `top10 check --date` runs them but without recording them in
/// `pipeline_health`: for the explorer's quality pane.
pub fn run_date(session: &Session, cfg: &Config, date: NaiveDate) -> Result<Vec<Check>> {
    let root = warehouse_root(&session.version);
    run_checks(&session.conn, cfg, &root, &session.version.name, &[date])
}

/// The settings `top10 check` uses without `--config` or flags: the first
/// `top10.toml` beside the lake the version was built from or in the
/// warehouse folder, else the defaults.
pub fn default_config(version: &Version) -> Result<Config> {
    let root = warehouse_root(version);
    Config::find(&config_candidates(None, version, &root))
}

/// The warehouse folder of a version (`<root>/versions/<name>`).
fn warehouse_root(version: &Version) -> PathBuf {
    version
        .dir
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| version.dir.clone())
}

/// Where `top10.toml` may be: beside the lake (given, or the one the
/// version was built from), then in the warehouse folder.
fn config_candidates(lake: Option<&Path>, version: &Version, root: &Path) -> Vec<PathBuf> {
    let lake = lake.map_or_else(|| PathBuf::from(&version.manifest.lake), Path::to_path_buf);
    let mut out = Vec::new();
    if let Some(parent) = lake.parent() {
        out.push(parent.join("top10.toml"));
    }
    out.push(root.join("top10.toml"));
    out
}

/// The dates a run checks, each one the warehouse has data for.
fn dates_to_check(args: &CheckArgs, version: &Version) -> Result<Vec<NaiveDate>> {
    let have = &version.manifest.dates;
    let (Some(first), Some(last)) = (have.first(), have.last()) else {
        bail!("this warehouse has no data to check");
    };
    let (from, to) = match (args.date, args.from, args.to) {
        (Some(d), _, _) => (d, d),
        (None, Some(f), Some(t)) => (f, t),
        _ => (*last, *last),
    };
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let dates: Vec<NaiveDate> = have
        .iter()
        .copied()
        .filter(|d| from <= *d && *d <= to)
        .collect();
    if from < *first || to > *last || dates.is_empty() {
        bail!("no data for {from}..{to}: this warehouse covers {first}..{last}");
    }
    Ok(dates)
}

/// A UTC timestamp as the JSON details show it.
pub(crate) fn ts(t: NaiveDateTime) -> String {
    crate::parse::timestamp_text(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_statuses() {
        assert_eq!(Severity::Critical.when_fired(), Status::Fail);
        assert_eq!(Severity::High.when_fired(), Status::Fail);
        assert_eq!(Severity::Medium.when_fired(), Status::Warn);
        assert_eq!(Severity::Info.when_fired(), Status::Warn);
        assert_eq!(serde_json::to_string(&Status::Warn).unwrap(), "\"warn\"");
        assert_eq!(
            serde_json::to_string(&Severity::Critical).unwrap(),
            "\"critical\""
        );
    }

    #[test]
    fn every_check_has_a_severity_and_its_query_documents_itself() {
        for n in NAMES {
            let _ = config::default_severity(n);
        }
        assert_eq!(
            config::default_severity("ranking_stability"),
            Severity::Info
        );
        for q in [
            crate::queries::CHECK_COMPLETENESS,
            crate::queries::CHECK_RECONCILIATION,
            crate::queries::CANONICAL_CYCLES,
        ] {
            assert!(q.text.trim_start().starts_with("--"), "{}", q.name);
        }
        assert!((pct(1.0, 3.0) - 33.3333).abs() < 1e-9);
        assert_eq!(pct(1.0, 0.0), 0.0);
    }
}
