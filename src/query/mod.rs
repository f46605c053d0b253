//! `top10 query`: SPEC §3 analytics, answered headless from a warehouse
//! version. Arguments are checked against what the warehouse holds (known
//! countries, dates with data) before any query runs, so a typo is a clear
//! error rather than an empty answer.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

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
    // A lake that cannot be built is its one-line error, not a line saying
    // a build starts and then the error.
    crate::lake::Lake::open(lake)?;
    build_on_first_use(
        lake,
        wh,
        &format!(
            "building warehouse {} from {} (first use)",
            wh.display(),
            lake.display()
        ),
    )
}

/// Build the warehouse at `wh` from `lake`, saying `announce` first, and
/// read its version. Another process building it at the same moment (a
/// second explorer started beside the first) is waited for, and its
/// version read, instead of failing on the lock.
pub fn build_on_first_use(lake: &Path, wh: &Path, announce: &str) -> Result<Version> {
    crate::error::say(announce);
    let w = Warehouse::new(wh);
    match pipeline::build(lake, wh, &BuildOptions::default()) {
        Ok(m) => {
            crate::error::say(&m.summary(wh));
            w.current()
        }
        Err(e) => {
            if e.chain().any(|c| c.is::<crate::warehouse::BuildRunning>()) {
                crate::error::say(&format!(
                    "waiting for the build already running on {}",
                    wh.display()
                ));
                w.wait_for_build(std::time::Duration::from_secs(3_600));
            }
            // A concurrent first run may have built it meanwhile.
            w.current().map_err(|_| e)
        }
    }
}

/// A connection to a version, with its arguments checked.
pub struct Session {
    pub version: Version,
    pub conn: Connection,
    /// The homepage lists of each date read so far, by country (versions
    /// never change, so they never go stale).
    homepage: RefCell<HashMap<NaiveDate, Arc<Homepage>>>,
}

/// Every homepage list of one date, by country, and the columns of one
/// (for a country with no list).
struct Homepage {
    lists: HashMap<String, Table>,
    columns: Vec<String>,
}

impl Session {
    pub fn open(version: Version) -> Result<Session> {
        let conn = db::open_version(&version)?;
        Ok(Session {
            version,
            conn,
            homepage: RefCell::default(),
        })
    }

    /// Another connection to the same database (temporary tables, caches)
    /// for another thread.
    pub fn try_clone(&self) -> Result<Session> {
        Ok(Session {
            version: self.version.clone(),
            conn: self.conn.try_clone()?,
            homepage: RefCell::default(),
        })
    }

    /// The homepage lists of `date`, read in one query (top10_date.sql)
    /// the first time that date is asked for: a homepage read is then a
    /// lookup in memory, about a microsecond, where a DuckDB query of the
    /// Parquet files costs milliseconds (docs/benchmarks.md). Read per date,
    /// so neither opening a version nor a one-off query pays for its whole
    /// history.
    fn homepage(&self, date: NaiveDate) -> Result<Arc<Homepage>> {
        if let Some(h) = self.homepage.borrow().get(&date) {
            return Ok(Arc::clone(h));
        }
        let all = Table::query(&self.conn, queries::TOP10_DATE.text, &[&date.to_string()])
            .context("query top10")?;
        let columns: Vec<String> = all.columns[1..].to_vec();
        let mut lists: HashMap<String, Table> = HashMap::new();
        for row in all.rows {
            lists
                .entry(row[0].text())
                .or_insert_with(|| Table {
                    columns: columns.clone(),
                    rows: Vec::new(),
                })
                .rows
                .push(row[1..].to_vec());
        }
        let h = Arc::new(Homepage { lists, columns });
        self.homepage.borrow_mut().insert(date, Arc::clone(&h));
        Ok(h)
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

    /// SPEC §3 homepage Top 10 (top10.sql; answered from [`Self::homepage`]).
    pub fn top10(&self, date: NaiveDate, country: &str) -> Result<Table> {
        self.check_country(country)?;
        self.check_date(date)?;
        let homepage = self.homepage(date)?;
        Ok(match homepage.lists.get(country) {
            Some(t) => t.clone(),
            // A (date, country) with no list: the columns, no rows.
            None => Table {
                columns: homepage.columns.clone(),
                rows: Vec::new(),
            },
        })
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
        let (from, to) = self.covered(from, to);
        Table::query(
            &self.conn,
            queries::SHARE.text,
            &[&from.to_string(), &to.to_string(), &country],
        )
        .context("query share")
    }

    /// `from..to` cut to the dates the warehouse covers: a date before its
    /// first or after its last would be a row of zeros that says nobody
    /// watched, when the warehouse does not know.
    pub fn covered(&self, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
        let dates = &self.version.manifest.dates;
        match (dates.first(), dates.last()) {
            (Some(a), Some(b)) => (from.max(*a), to.min(*b)),
            _ => (from, to),
        }
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
        QueryCommand::Wow { date, country, .. } => {
            let t = session.wow(*date, country)?;
            if t.rows.is_empty() {
                crate::error::say(&format!(
                    "note: no complete Monday–Sunday week ending on or before {date} has watch time in {country}"
                ));
            }
            t
        }
        QueryCommand::Share {
            from, to, country, ..
        } => {
            let t = session.share(*from, *to, country.as_deref())?;
            let (a, b) = session.covered(*from, *to);
            if (a, b) != (*from, *to) {
                crate::error::say(&format!(
                    "note: this warehouse has no dates before {} or after {}: the share is for {a}..{b}",
                    session.version.manifest.dates.first().expect("some date"),
                    session.version.manifest.dates.last().expect("some date"),
                ));
            }
            t
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    table.write(format, &mut out)?;
    out.flush()?;
    Ok(ExitCode::from(EXIT_OK))
}
