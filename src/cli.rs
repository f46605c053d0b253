//! The command line: clap definitions, their validation into typed settings,
//! and the one `match` that sends each command to the module that does it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{self, EXIT_OK};
use crate::{generate, lineage, parse, pipeline, query, sample, tui, warehouse};

/// A terminal analytics explorer for the "Top 10 shows by country per day"
/// pipeline: generate a lake, build the warehouse, query it.
///
/// With no command, opens the explorer on the built-in sample (or, when
/// stdout is not a terminal, prints the sample's Top 10).
#[derive(Debug, Parser)]
#[command(name = "top10", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a synthetic lake (SPEC §1), the same for the same seed.
    Generate(GenerateArgs),
    /// Run the pipeline (SPEC §2) from a lake into a warehouse.
    Build(BuildArgs),
    /// Answer an analytics question (SPEC §3) headless.
    #[command(subcommand)]
    Query(QueryCommand),
    /// Run the data-quality checks on a warehouse (exit 1 when one fails).
    Check(crate::checks::CheckArgs),
    /// Trace one ranked (or unranked) row back to its source events.
    Explain(ExplainArgs),
    /// Open the explorer (a terminal UI) on a lake or warehouse [default: the
    /// built-in sample].
    Tui(TuiArgs),
    /// Measure the pipeline: build against the case study's SQL and the
    /// floor, a one-day rebuild, Top 10 read latency, peak memory.
    Bench(crate::bench::BenchArgs),
}

#[derive(Debug, Args)]
pub struct TuiArgs {
    #[command(flatten)]
    pub source: Source,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Folder to write the lake into (must not exist, or be empty, unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// First day of data (UTC).
    #[arg(long, value_parser = parse::date, default_value = generate::DEFAULT_START)]
    pub start: NaiveDate,
    /// Number of days of events.
    #[arg(long, default_value_t = 35)]
    pub days: u32,
    /// Number of countries (taken from a built-in list of real ones).
    #[arg(long, default_value_t = 24)]
    pub countries: usize,
    /// Number of shows in the catalog.
    #[arg(long, default_value_t = 300)]
    pub shows: usize,
    /// Number of users.
    #[arg(long, default_value_t = 60_000)]
    pub users: usize,
    /// Average number of watch events per day, before weekend peaks and faults.
    #[arg(long, default_value_t = 12_000)]
    pub events_per_day: u64,
    /// Random seed: the same seed and settings give the same lake.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Share of events delivered again (some with a changed payload, some with
    /// an equal ingestion_ts).
    #[arg(long, default_value_t = 0.02)]
    pub duplicate_rate: f64,
    /// Share of events that land 1-3 days after they happened.
    #[arg(long, default_value_t = 0.015)]
    pub late_rate: f64,
    /// Share of events that are invalid (NULL fields, out-of-range watch
    /// seconds, unknown countries).
    #[arg(long, default_value_t = 0.003)]
    pub invalid_rate: f64,
    /// Share of events from users missing from dim_users.
    #[arg(long, default_value_t = 0.002)]
    pub orphan_user_rate: f64,
    /// Replace --out if it already holds files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The lake to read (SPEC §1 layout).
    #[arg(long)]
    pub lake: PathBuf,
    /// The warehouse to write [default: a folder beside the lake].
    #[arg(long)]
    pub warehouse: Option<PathBuf>,
    /// Rebuild only event dates from this one (inclusive).
    #[arg(long, value_parser = parse::date, requires = "to")]
    pub from: Option<NaiveDate>,
    /// Rebuild only event dates up to this one (inclusive).
    #[arg(long, value_parser = parse::date, requires = "from")]
    pub to: Option<NaiveDate>,
    /// See only rows ingested at or before this UTC time (reproduces what was
    /// published then).
    #[arg(long, value_parser = parse::timestamp)]
    pub as_of: Option<NaiveDateTime>,
    /// DuckDB's memory limit for the build; beyond it, working tables spill
    /// to disk inside the new version's folder (removed when it is done).
    /// What the build holds outside DuckDB (the hashes it sorts, and with
    /// the default engine the aggregate's facts) is sized by it too, on top
    /// of it.
    #[arg(long, value_parser = parse::memory_size, default_value = pipeline::DEFAULT_MEMORY_LIMIT)]
    pub memory_limit: u64,
    /// The most landing rows the aggregate takes in one batch of event
    /// dates; fewer use less memory and scan more [default: from
    /// --memory-limit, about 33 million rows a GiB; 90 million with
    /// --engine sql].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_rows: Option<u64>,
    /// How deduplication, validation and the aggregate run: `scan`, one
    /// pass over the landing files in Rust (the fastest), or `sql`, every
    /// stage as the SQL in queries/ (the portable form; same results).
    #[arg(long, value_enum, default_value_t = EngineArg::Scan)]
    pub engine: EngineArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// One pass over the landing files feeds every stage.
    Scan,
    /// Every stage as the SQL in queries/.
    Sql,
}

/// Where a query reads from: a warehouse, a lake (built on demand), or, with
/// neither, the built-in sample.
#[derive(Debug, Args, Clone)]
pub struct Source {
    /// A lake; its warehouse is built if missing.
    #[arg(long)]
    pub lake: Option<PathBuf>,
    /// A built warehouse [default: a folder beside --lake].
    #[arg(long)]
    pub warehouse: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub source: Source,
    /// The event date (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = parse::date)]
    pub date: NaiveDate,
    /// The country (ISO code, as in dim_geo: US, GB, …).
    #[arg(long, value_parser = parse::country)]
    pub country: String,
    /// The show id (an old id of a merged show is followed to its canonical id).
    #[arg(long, required_unless_present = "changes")]
    pub show: Option<i64>,
    /// Instead of one show: the Top 10 as published (06:00 local time the next
    /// morning) against the Top 10 now, and the late or re-delivered events
    /// that moved each show.
    #[arg(long, conflicts_with_all = ["show", "as_of"])]
    pub changes: bool,
    /// Explain the list as it was published at this UTC time: the date is
    /// rebuilt from the lake with only the rows ingested by then.
    #[arg(long, value_parser = parse::timestamp)]
    pub as_of: Option<NaiveDateTime>,
    /// `table` for people, `json` for programs, `csv` for the source events.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for reading.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON array of objects.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// The homepage Top 10 for a date and country.
    Top10 {
        #[command(flatten)]
        source: Source,
        /// The event date (YYYY-MM-DD, UTC).
        #[arg(long, value_parser = parse::date)]
        date: NaiveDate,
        /// The country (ISO code, as in dim_geo: US, GB, …).
        #[arg(long, value_parser = parse::country)]
        country: String,
        /// `table` for people, `csv` and `json` for programs.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Week-over-week movers: the latest complete Monday-Sunday week ending on
    /// or before the date against the week before.
    Wow {
        #[command(flatten)]
        source: Source,
        /// The event date (YYYY-MM-DD, UTC).
        #[arg(long, value_parser = parse::date)]
        date: NaiveDate,
        /// The country (ISO code, as in dim_geo: US, GB, …).
        #[arg(long, value_parser = parse::country)]
        country: String,
        /// `table` for people, `csv` and `json` for programs.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Originals' share of watch time per date and country.
    Share {
        #[command(flatten)]
        source: Source,
        /// The first event date (YYYY-MM-DD, UTC), inclusive.
        #[arg(long, value_parser = parse::date)]
        from: NaiveDate,
        /// The last event date, inclusive.
        #[arg(long, value_parser = parse::date)]
        to: NaiveDate,
        /// Only this country [default: every country].
        #[arg(long, value_parser = parse::country)]
        country: Option<String>,
        /// `table` for people, `csv` and `json` for programs.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    error::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_exit(err),
    };
    match run(cli) {
        Ok(code) => code,
        // A reader that went away (`top10 … | head`) is not an error.
        Err(err) if error::is_broken_pipe(&err) => ExitCode::from(EXIT_OK),
        Err(err) => error::report(&err),
    }
}

/// Help and version go to stdout with exit 0; a usage error becomes one line
/// (clap's message, folded, without its usage and "For more information"
/// footer) and exit 2.
fn clap_exit(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        // Help that cannot be written (a full disk) is an error like any
        // other output; a reader that went away is not.
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match err.print() {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                error::report(&anyhow::Error::from(e))
            }
            _ => ExitCode::from(EXIT_OK),
        },
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `top10 query` alone: one line naming what it takes, not the
            // whole help on stderr.
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut path = vec!["top10".to_string()];
            for arg in std::env::args_os().skip(1) {
                let Some(sub) = arg.to_str().and_then(|a| cmd.find_subcommand(a)).cloned() else {
                    break;
                };
                path.push(sub.get_name().to_string());
                cmd = sub;
            }
            let path = path.join(" ");
            let subs: Vec<&str> = cmd
                .get_subcommands()
                .map(|s| s.get_name())
                .filter(|n| *n != "help")
                .collect();
            error::say(&format!(
                "top10: error: `{path}` needs a command: {} (see `{path} --help`)",
                subs.join(", ")
            ));
            ExitCode::from(error::EXIT_ERROR)
        }
        _ => {
            // The message and what it lists (e.g. the missing arguments),
            // folded into one line; the usage and "For more information"
            // footer after the first blank line are left out.
            let text = err.render().to_string();
            let line = text
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let line = line.trim_start_matches("error: ");
            error::say(&format!("top10: error: {line}"));
            ExitCode::from(error::EXIT_ERROR)
        }
    }
}

/// Run one parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => tui::run(&Source {
            lake: None,
            warehouse: None,
        }),
        None => sample::overview(),
        Some(Command::Generate(args)) => {
            let params = generate::Params::try_from(&args)?;
            let summary = generate::run(&params, &args.out, args.force)?;
            error::say(&summary.line(&args.out));
            Ok(ExitCode::from(EXIT_OK))
        }
        Some(Command::Build(args)) => {
            let wh = args
                .warehouse
                .clone()
                .unwrap_or_else(|| warehouse::default_beside(&args.lake));
            let range = match (args.from, args.to) {
                (Some(from), Some(to)) => Some(pipeline::DateRange::new(from, to)?),
                _ => None,
            };
            let opts = pipeline::BuildOptions {
                range,
                as_of: args.as_of,
                quiet: false,
                memory_limit_mib: Some(args.memory_limit),
                batch_rows: args.batch_rows,
                engine: match args.engine {
                    EngineArg::Scan => pipeline::Engine::Scan,
                    EngineArg::Sql => pipeline::Engine::Sql,
                },
            };
            let manifest = pipeline::build(&args.lake, &wh, &opts)?;
            error::say(&manifest.summary(&wh));
            if let Some(note) = manifest.kept_note() {
                error::say(&note);
            }
            Ok(ExitCode::from(EXIT_OK))
        }
        Some(Command::Query(q)) => query::run(q),
        Some(Command::Check(args)) => crate::checks::run(args),
        Some(Command::Explain(args)) => lineage::run(&args),
        Some(Command::Tui(args)) => tui::run(&args.source),
        Some(Command::Bench(args)) => crate::bench::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `--help` says what every option is for.
    #[test]
    fn every_option_has_a_help_line() {
        fn walk(c: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in c.get_arguments() {
                let id = a.get_id().as_str();
                if id != "help" && id != "version" && a.get_help().is_none() {
                    missing.push(format!("{path} --{id}"));
                }
            }
            for s in c.get_subcommands() {
                walk(s, &format!("{path} {}", s.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "top10", &mut missing);
        assert!(missing.is_empty(), "no help: {missing:?}");
    }
}
