//! `top10 query`: SPEC §3 analytics, answered headless from a warehouse
//! version. Arguments are checked against what the warehouse holds (known
//! countries, dates with data) before any query runs, so a typo is a clear
//! error rather than an empty answer.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use duckdb::Connection;

use crate::cli::{QueryCommand, Source};
use crate::error::EXIT_OK;
use crate::output::Table;
use crate::pipeline::{self, BuildOptions};
use crate::queries;
use crate::warehouse::{self, Version, Warehouse};
use crate::{db, sample};

/// The warehouse version a command reads: `--warehouse`, the warehouse
/// beside `--lake` (built on first use), or the built-in sample.
pub fn resolve(source: &Source) -> Result<Version> {
    match (&source.lake, &source.warehouse) {
        (None, None) => sample::warehouse(),
        (lake, Some(wh)) => {
            let w = Warehouse::new(wh);
            match lake {
                Some(lake) if !w.exists() => build_first(lake, wh),
                _ => w.current(),
            }
        }
        (Some(lake), None) => {
            let wh = warehouse::default_beside(lake);
            if Warehouse::new(&wh).exists() {
                Warehouse::new(&wh).current()
            } else {
                build_first(lake, &wh)
            }
        }
    }
}

fn build_first(lake: &Path, wh: &Path) -> Result<Version> {
    eprintln!(
        "building warehouse {} from {} (first use)",
        wh.display(),
        lake.display()
    );
    let m = pipeline::build(lake, wh, &BuildOptions::default())?;
    eprintln!("{}", m.summary(wh));
    Warehouse::new(wh).current()
}

/// A connection to a version, with its arguments checked.
pub struct Session {
    pub version: Version,
    pub conn: Connection,
}

impl Session {
    pub fn open(version: Version) -> Result<Session> {
        let conn = db::open_version(&version)?;
        Ok(Session { version, conn })
    }

    /// Fail unless `country` is in the warehouse's dim_geo.
    pub fn check_country(&self, country: &str) -> Result<()> {
        let known = &self.version.manifest.countries;
        if !known.iter().any(|c| c == country) {
            bail!(
                "unknown country '{country}': this warehouse has {}",
                known.join(", ")
            );
        }
        Ok(())
    }

    /// Fail unless `date` is within the dates the warehouse has data for.
    pub fn check_date(&self, date: NaiveDate) -> Result<()> {
        let dates = &self.version.manifest.dates;
        match (dates.first(), dates.last()) {
            (Some(first), Some(last)) if *first <= date && date <= *last => Ok(()),
            (Some(first), Some(last)) => {
                bail!("no data for {date}: this warehouse covers {first}..{last}")
            }
            _ => bail!("this warehouse has no data"),
        }
    }

    pub fn top10(&self, date: NaiveDate, country: &str) -> Result<Table> {
        self.check_country(country)?;
        self.check_date(date)?;
        Table::query(
            &self.conn,
            queries::TOP10.text,
            &[&date.to_string(), &country],
        )
        .context("query top10")
    }

    pub fn wow(&self, date: NaiveDate, country: &str) -> Result<Table> {
        self.check_country(country)?;
        self.check_date(date)?;
        Table::query(
            &self.conn,
            queries::WOW.text,
            &[&date.to_string(), &country],
        )
        .context("query wow")
    }

    pub fn share(&self, from: NaiveDate, to: NaiveDate, country: Option<&str>) -> Result<Table> {
        if from > to {
            bail!("--from {from} is after --to {to}");
        }
        if let Some(c) = country {
            self.check_country(c)?;
        }
        let dates = &self.version.manifest.dates;
        if !dates.iter().any(|d| from <= *d && *d <= to) {
            match (dates.first(), dates.last()) {
                (Some(a), Some(b)) => {
                    bail!("no data from {from} to {to}: this warehouse covers {a}..{b}")
                }
                _ => bail!("this warehouse has no data"),
            }
        }
        Table::query(
            &self.conn,
            queries::SHARE.text,
            &[&from.to_string(), &to.to_string(), &country],
        )
        .context("query share")
    }
}

/// Run `top10 query …`.
pub fn run(cmd: QueryCommand) -> Result<ExitCode> {
    let (source, format) = match &cmd {
        QueryCommand::Top10 { source, format, .. }
        | QueryCommand::Wow { source, format, .. }
        | QueryCommand::Share { source, format, .. } => (source, *format),
    };
    let session = Session::open(resolve(source)?)?;
    let table = match &cmd {
        QueryCommand::Top10 { date, country, .. } => session.top10(*date, country)?,
        QueryCommand::Wow { date, country, .. } => session.wow(*date, country)?,
        QueryCommand::Share {
            from, to, country, ..
        } => session.share(*from, *to, country.as_deref())?,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    table.write(format, &mut out)?;
    out.flush()?;
    Ok(ExitCode::from(EXIT_OK))
}
