//! `top10 explain --changes`: the Top 10 of a date and country as it was
//! published — as of 06:00 local time the next morning in that country's
//! time zone — against the Top 10 now, and for each show that moved, the
//! late or re-delivered events that moved it.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use serde::Serialize;
use serde_json::Value as Json;

use crate::cli::Format;
use crate::output::{Cell, Table};
use crate::pipeline::{self, BuildOptions, DateRange};
use crate::queries;
use crate::query::Session;
use crate::warehouse::Warehouse;

/// The local hour by which a date's Top 10 is published (the case study's SLA).
pub const PUBLISH_HOUR: u32 = 6;

/// When the Top 10 of `date` is published in `tz`: 06:00 local time on the
/// next day, as UTC. On a daylight-saving gap the first valid instant after.
pub fn publication_time(date: NaiveDate, tz: &str) -> Result<NaiveDateTime> {
    let tz: chrono_tz::Tz = tz
        .parse()
        .map_err(|_| anyhow::anyhow!("dim_geo has an unknown time zone '{tz}'"))?;
    let local = (date + Duration::days(1))
        .and_hms_opt(PUBLISH_HOUR, 0, 0)
        .expect("a valid time");
    let mut t = local;
    loop {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return Ok(dt.naive_utc());
        }
        t += Duration::minutes(15);
    }
}

/// A show whose rank changed since publication.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Moved {
    pub show_id: i64,
    pub title: Option<String>,
    pub published_rank: Option<i64>,
    pub now_rank: Option<i64>,
    pub published_watch_seconds: Option<i64>,
    pub now_watch_seconds: Option<i64>,
    /// The rows that reached this show after publication.
    pub arrivals: Json,
    #[serde(skip)]
    pub arrivals_table: Table,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Changes {
    pub date: NaiveDate,
    pub country: String,
    pub timezone: String,
    /// UTC time of publication.
    pub published_at: NaiveDateTime,
    pub published: Json,
    pub now: Json,
    pub moved: Vec<Moved>,
    /// Shows of both lists whose watch seconds changed since publication,
    /// moved or not.
    pub totals_changed: usize,
    /// The published list (`queries/top10.sql` on the rebuilt date).
    #[serde(skip)]
    pub published_table: Table,
    /// The list now.
    #[serde(skip)]
    pub now_table: Table,
}

fn ranks(t: &Table) -> Vec<(i64, i64, Option<String>, i64)> {
    t.rows
        .iter()
        .map(|r| {
            let int = |c: &Cell| match c {
                Cell::Int(i) => *i,
                _ => 0,
            };
            let title = match &r[2] {
                Cell::Text(s) => Some(s.clone()),
                _ => None,
            };
            (int(&r[0]), int(&r[1]), title, int(&r[5]))
        })
        .collect()
}

/// Compare the published Top 10 with the current one. `quiet` hides the
/// spinner of the rebuild (the explorer owns the terminal).
pub fn changes(
    now: &Session,
    lake: &std::path::Path,
    date: NaiveDate,
    country: &str,
    quiet: bool,
) -> Result<Changes> {
    now.check_country(country)?;
    now.check_date(date)?;
    let tz: String = now
        .conn
        .query_row(queries::CHANGES_TIMEZONE.text, [country], |r| r.get(0))
        .context("changes_timezone")?;
    let published_at = publication_time(date, &tz)?;

    let scratch = tempfile::Builder::new()
        .prefix("top10-changes-")
        .tempdir()
        .context("creating a temporary warehouse")?;
    let opts = BuildOptions {
        range: Some(DateRange::new(date, date)?),
        as_of: Some(published_at),
        memory_limit_mib: None,
        batch_rows: None,
        engine: Default::default(),
        quiet,
    };
    pipeline::build(lake, scratch.path(), &opts)
        .with_context(|| format!("rebuilding {date} as published at {published_at}"))?;
    let then = Session::open(Warehouse::new(scratch.path()).current()?)?;

    let published_table = then.top10(date, country)?;
    let now_table = now.top10(date, country)?;
    let (p, n) = (ranks(&published_table), ranks(&now_table));
    let find =
        |v: &[(i64, i64, Option<String>, i64)], id: i64| v.iter().find(|x| x.1 == id).cloned();
    let ids: BTreeSet<i64> = p.iter().chain(&n).map(|x| x.1).collect();
    let totals_changed = ids
        .iter()
        .filter(|id| find(&p, **id).map(|x| x.3) != find(&n, **id).map(|x| x.3))
        .count();
    let mut moved = Vec::new();
    for id in ids {
        let (a, b) = (find(&p, id), find(&n, id));
        if a.as_ref().map(|x| x.0) == b.as_ref().map(|x| x.0) {
            continue;
        }
        let arrivals = Table::query(
            &now.conn,
            queries::CHANGES_ARRIVALS.text,
            &[&date.to_string(), &country, &id, &published_at.to_string()],
        )
        .context("changes_arrivals")?;
        moved.push(Moved {
            show_id: id,
            title: b.as_ref().or(a.as_ref()).and_then(|x| x.2.clone()),
            published_rank: a.as_ref().map(|x| x.0),
            now_rank: b.as_ref().map(|x| x.0),
            published_watch_seconds: watch_seconds(&then, date, country, id)?,
            now_watch_seconds: watch_seconds(now, date, country, id)?,
            arrivals: arrivals.to_json(),
            arrivals_table: arrivals,
        });
    }
    moved.sort_by_key(|m| {
        (
            m.now_rank.unwrap_or(i64::MAX),
            m.published_rank.unwrap_or(i64::MAX),
        )
    });
    Ok(Changes {
        date,
        country: country.to_string(),
        timezone: tz,
        published_at,
        published: published_table.to_json(),
        now: now_table.to_json(),
        moved,
        totals_changed,
        published_table,
        now_table,
    })
}

impl Changes {
    /// The line said when no show moved: whether anything changed at all.
    pub fn unmoved_note(&self) -> Option<String> {
        if !self.moved.is_empty() {
            return None;
        }
        Some(match self.totals_changed {
            0 => "Nothing moved: no late or re-delivered event changed the list.".to_string(),
            n => format!(
                "No rank changed: late or re-delivered events changed the watch seconds of {n} of these shows, not their order."
            ),
        })
    }
}

/// A show's total watch seconds in a warehouse (None: not watched).
fn watch_seconds(s: &Session, date: NaiveDate, country: &str, show: i64) -> Result<Option<i64>> {
    let t = Table::query(
        &s.conn,
        queries::EXPLAIN_ROW.text,
        &[&date.to_string(), &country, &show],
    )?;
    Ok(match t.rows.first().map(|r| &r[0]) {
        Some(Cell::Int(i)) => Some(*i),
        _ => None,
    })
}

fn rank_text(r: Option<i64>) -> String {
    r.map_or("out".into(), |r| format!("#{r}"))
}

/// Write a comparison in `format` (`csv` lists the arrivals of every moved show).
pub fn write(c: &Changes, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, c)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut all = Table::default();
            for m in &c.moved {
                all.columns = std::iter::once("moved_show_id".to_string())
                    .chain(m.arrivals_table.columns.iter().cloned())
                    .collect();
                for r in &m.arrivals_table.rows {
                    all.rows.push(
                        std::iter::once(Cell::Int(m.show_id))
                            .chain(r.iter().cloned())
                            .collect(),
                    );
                }
            }
            all.write(Format::Csv, out)?;
        }
        Format::Table => {
            writeln!(
                out,
                "Top 10 in {} on {}: as published at {} UTC (06:00 {} the next morning) and now",
                c.country,
                c.date,
                c.published_at.format("%Y-%m-%d %H:%M"),
                c.timezone
            )?;
            writeln!(out, "\nPublished")?;
            c.published_table.write(Format::Table, out)?;
            writeln!(out, "\nNow")?;
            c.now_table.write(Format::Table, out)?;
            if let Some(note) = c.unmoved_note() {
                writeln!(out, "\n{note}")?;
            }
            for m in &c.moved {
                let delta =
                    m.now_watch_seconds.unwrap_or(0) - m.published_watch_seconds.unwrap_or(0);
                let why = if m.arrivals_table.rows.is_empty() {
                    "no row of its own arrived after publication: other shows moved past it or behind it".to_string()
                } else {
                    format!(
                        "{} arrived after publication",
                        super::render::counted(m.arrivals_table.rows.len() as i64, "row", "rows")
                    )
                };
                writeln!(
                    out,
                    "\n{} \"{}\": {} -> {} ({:+} watch seconds); {why}",
                    m.show_id,
                    m.title.as_deref().unwrap_or("(not in dim_shows)"),
                    rank_text(m.published_rank),
                    rank_text(m.now_rank),
                    delta,
                )?;
                if !m.arrivals_table.rows.is_empty() {
                    m.arrivals_table.write(Format::Table, out)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn publication_follows_daylight_saving() {
        // London: BST (UTC+1) until 2026-10-25 01:00 UTC, then GMT.
        assert_eq!(
            publication_time(d("2026-10-23"), "Europe/London")
                .unwrap()
                .to_string(),
            "2026-10-24 05:00:00"
        );
        assert_eq!(
            publication_time(d("2026-10-24"), "Europe/London")
                .unwrap()
                .to_string(),
            "2026-10-25 06:00:00"
        );
        // New York: EDT (UTC-4) in summer.
        assert_eq!(
            publication_time(d("2026-07-01"), "America/New_York")
                .unwrap()
                .to_string(),
            "2026-07-02 10:00:00"
        );
        // Sydney: ahead of UTC, so publication is the previous UTC evening.
        assert_eq!(
            publication_time(d("2026-07-01"), "Australia/Sydney")
                .unwrap()
                .to_string(),
            "2026-07-01 20:00:00"
        );
        assert!(publication_time(d("2026-07-01"), "Mars/Olympus").is_err());
    }

    /// With no show moved, the note says whether watch seconds changed.
    #[test]
    fn the_unmoved_note_tells_changed_totals_from_none() {
        let mut c = Changes {
            date: d("2026-07-01"),
            country: "US".into(),
            timezone: "America/New_York".into(),
            published_at: d("2026-07-02").and_hms_opt(10, 0, 0).unwrap(),
            published: Json::Null,
            now: Json::Null,
            moved: Vec::new(),
            totals_changed: 0,
            published_table: Table::default(),
            now_table: Table::default(),
        };
        assert!(c.unmoved_note().unwrap().starts_with("Nothing moved"));
        c.totals_changed = 2;
        let note = c.unmoved_note().unwrap();
        assert!(
            note.starts_with("No rank changed") && note.contains(" 2 "),
            "{note}"
        );
    }
}
