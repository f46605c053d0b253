//! What the explorer asks the worker for and what comes back: the cache
//! [`Key`] of every pane's data, the typed rows each pane renders, and the
//! record of the SQL that produced them ([`SqlRun`]). The parsers turn a
//! query's [`Table`] into typed rows by column name, so a column added to a
//! query never shifts what a pane shows.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::checks::Check;
use crate::lineage::Explanation;
use crate::lineage::changes::Changes;
use crate::output::{Cell, Table};
use crate::queries::Sql;

/// What the Top 10 pane ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Metric {
    /// Total watch time: the published list.
    #[default]
    Hours,
    /// Watch time divided by runtime (Netflix's ranking since 2023).
    Views,
    /// Distinct viewers.
    Viewers,
}

impl Metric {
    /// The value bound as the query's `$3`.
    pub fn param(self) -> &'static str {
        match self {
            Metric::Hours => "hours",
            Metric::Views => "views",
            Metric::Viewers => "viewers",
        }
    }

    /// The next metric of the `m` cycle.
    pub fn next(self) -> Metric {
        match self {
            Metric::Hours => Metric::Views,
            Metric::Views => Metric::Viewers,
            Metric::Viewers => Metric::Hours,
        }
    }

    /// How the pane's title names the ranking.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Hours => "ranked by hours · the published list",
            Metric::Views => "ranked by views = hours ÷ runtime · NOT the published list",
            Metric::Viewers => "ranked by viewers · NOT the published list",
        }
    }
}

/// The cache key of one pane's data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// Country names and viewers on a date.
    Countries(NaiveDate),
    /// The Top 10 of a date and country by a metric.
    Top10(NaiveDate, String, Metric),
    /// Week-over-week movers of a date and country, with daily sparklines.
    Wow(NaiveDate, String),
    /// The originals share of every date and country.
    Share,
    /// The data-quality checks of a date (`top10 check --date`, unrecorded).
    Quality(NaiveDate),
    /// The rows behind one check of a date (see [`offenders_sql`]).
    Offenders(NaiveDate, String),
    /// The lineage of one (date, country, show): `lineage::explain`.
    Explain(NaiveDate, String, i64),
    /// Every show of dim_shows with its title, for the "why not?" prompt.
    ShowTitles,
    /// The Top 10 of a date and country as published and now:
    /// `lineage::changes::changes`.
    Changes(NaiveDate, String),
}

impl Key {
    /// A short description for loading and error lines.
    pub fn describe(&self) -> String {
        match self {
            Key::Countries(d) => format!("countries on {d}"),
            Key::Top10(d, c, m) => format!("Top 10 {c} {d} by {}", m.param()),
            Key::Wow(d, c) => format!("week over week {c} {d}"),
            Key::Share => "originals share".to_string(),
            Key::Quality(d) => format!("quality checks of {d}"),
            Key::Offenders(d, c) => format!("offenders of {c} on {d}"),
            Key::Explain(d, c, s) => format!("lineage of show {s} in {c} on {d}"),
            Key::ShowTitles => "show titles".to_string(),
            Key::Changes(d, c) => {
                format!("changes since publication in {c} on {d} (rebuilding the date)")
            }
        }
    }
}

/// The query that lists the offenders of `check`, for the checks that have
/// one; the others show their details.
pub fn offenders_sql(check: &str) -> Option<Sql> {
    match check {
        "quarantine_rate" => Some(crate::queries::TUI_QUALITY_QUARANTINE),
        "referential_integrity" => Some(crate::queries::TUI_QUALITY_ORPHANS),
        "completeness" => Some(crate::queries::TUI_QUALITY_MISSING_COUNTRIES),
        _ => None,
    }
}

/// One query as it ran: which SQL, the values bound to `$1…`, how long it
/// took and how many rows it returned.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlRun {
    pub sql: Sql,
    /// Each parameter as a SQL literal (`'2026-10-11'`, `NULL`).
    pub params: Vec<String>,
    pub elapsed: Duration,
    pub rows: usize,
}

/// A country of the country pane.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryRow {
    pub code: String,
    pub name: String,
    pub viewers: i64,
}

/// A row of the Top 10 pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Top10Row {
    pub rank: i64,
    /// Rank by the same metric the day before, if it was ranked.
    pub prev_rank: Option<i64>,
    pub show_id: i64,
    pub title: Option<String>,
    pub genre: Option<String>,
    pub is_original: Option<bool>,
    pub total_watch_seconds: i64,
    pub viewers: i64,
    /// Hours ÷ runtime; none when the runtime is unknown.
    pub views: Option<f64>,
    pub days_in_top10_30d: i64,
}

/// A row of the week-over-week pane.
#[derive(Debug, Clone, PartialEq)]
pub struct WowRow {
    pub show_id: i64,
    pub title: Option<String>,
    pub this_week: i64,
    pub prev_week: i64,
    pub delta: i64,
    pub pct_change: Option<f64>,
    /// Watch seconds of each of the 14 days, the earlier week first.
    pub daily: Vec<i64>,
}

/// The week-over-week pane's data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WowData {
    /// Monday of the later week (none when no show was watched).
    pub week_start: Option<NaiveDate>,
    pub rows: Vec<WowRow>,
}

/// Originals and total watch seconds of one (date, country).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ShareCell {
    pub originals: i64,
    pub total: i64,
}

impl ShareCell {
    /// Originals' share in percent, 0 when there is no watch time.
    pub fn pct(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.originals as f64 * 100.0 / self.total as f64
        }
    }
}

/// The originals share of every date and country.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShareData {
    pub dates: Vec<NaiveDate>,
    /// Per country, one cell per date of `dates`.
    pub by_country: HashMap<String, Vec<ShareCell>>,
    /// All countries together (sums, not an average of shares).
    pub all: Vec<ShareCell>,
}

impl ShareData {
    /// The series of one country (empty when unknown).
    pub fn country(&self, code: &str) -> &[ShareCell] {
        self.by_country.get(code).map_or(&[], Vec::as_slice)
    }

    /// The index of `date` in `dates`.
    pub fn index(&self, date: NaiveDate) -> Option<usize> {
        self.dates.binary_search(&date).ok()
    }

    /// The series of `country` (and all countries) as a table for export.
    pub fn table(&self, country: &str) -> Table {
        let series = self.country(country);
        Table {
            columns: [
                "event_date",
                "country",
                "originals_watch_seconds",
                "total_watch_seconds",
                "originals_share_pct",
                "all_countries_share_pct",
            ]
            .map(String::from)
            .to_vec(),
            rows: self
                .dates
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let c = series.get(i).copied().unwrap_or_default();
                    let all = self.all.get(i).copied().unwrap_or_default();
                    vec![
                        Cell::Text(d.to_string()),
                        Cell::Text(country.to_string()),
                        Cell::Int(c.originals),
                        Cell::Int(c.total),
                        Cell::Float(c.pct()),
                        Cell::Float(all.pct()),
                    ]
                })
                .collect(),
        }
    }
}

/// The typed content of one pane.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Countries(Vec<CountryRow>),
    Top10(Vec<Top10Row>),
    Wow(WowData),
    Share(ShareData),
    /// Every check of a date, in `checks::NAMES` order.
    Quality(Vec<Check>),
    /// The rows of an offenders query.
    Offenders(Table),
    /// The lineage of one key, and how long `lineage::explain` took.
    Explain(Box<Explanation>, Duration),
    /// (show_id, title) of every titled show, by title.
    ShowTitles(Vec<(i64, String)>),
    /// Published vs now, and how long `lineage::changes::changes` took.
    Changes(Box<Changes>, Duration),
}

/// A finished request: the typed data, the table to export and the SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub data: Data,
    /// What `e` writes: the rows as the query returned them.
    pub table: Table,
    pub runs: Vec<SqlRun>,
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done(Arc<Loaded>),
    Failed(String),
    /// Interrupted because the view moved on; asked again if still needed.
    Cancelled,
    /// Dropped unrun because the view had moved on.
    Skipped,
}

/// The worker's answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub key: Key,
    pub outcome: Outcome,
}

/// Check results as rows, as `top10 check --format json` names them.
pub fn checks_table(checks: &[Check]) -> Table {
    Table {
        columns: ["date", "check", "status", "severity", "summary", "details"]
            .map(String::from)
            .to_vec(),
        rows: checks
            .iter()
            .map(|c| {
                vec![
                    c.date.map_or(Cell::Null, |d| Cell::Text(d.to_string())),
                    Cell::Text(c.check.clone()),
                    Cell::Text(c.status.as_str().into()),
                    Cell::Text(c.severity.as_str().into()),
                    Cell::Text(c.summary.clone()),
                    Cell::Text(c.details.to_string()),
                ]
            })
            .collect(),
    }
}

// ------------------------------------------------------------------ parsing

fn col(t: &Table, name: &str) -> Result<usize> {
    t.columns
        .iter()
        .position(|c| c == name)
        .with_context(|| format!("the query returned no column {name}"))
}

fn int(c: &Cell) -> Option<i64> {
    match c {
        Cell::Int(i) => Some(*i),
        Cell::Float(f) => Some(*f as i64),
        _ => None,
    }
}

fn float(c: &Cell) -> Option<f64> {
    match c {
        Cell::Int(i) => Some(*i as f64),
        Cell::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

fn text(c: &Cell) -> Option<String> {
    match c {
        Cell::Null => None,
        other => Some(other.text()),
    }
}

fn date(c: &Cell) -> Option<NaiveDate> {
    match c {
        Cell::Text(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok(),
        _ => None,
    }
}

/// Rows of `tui_countries.sql`.
pub fn parse_countries(t: &Table) -> Result<Vec<CountryRow>> {
    let (c, n, v) = (
        col(t, "country")?,
        col(t, "country_name")?,
        col(t, "viewers")?,
    );
    Ok(t.rows
        .iter()
        .map(|r| {
            let code = text(&r[c]).unwrap_or_default();
            CountryRow {
                name: text(&r[n]).unwrap_or_else(|| code.clone()),
                code,
                viewers: int(&r[v]).unwrap_or(0),
            }
        })
        .collect())
}

/// Rows of `tui_top10_metric.sql`.
pub fn parse_top10(t: &Table) -> Result<Vec<Top10Row>> {
    let rank = col(t, "rank")?;
    let prev = col(t, "prev_rank")?;
    let id = col(t, "show_id")?;
    let title = col(t, "title")?;
    let genre = col(t, "genre")?;
    let orig = col(t, "is_original")?;
    let secs = col(t, "total_watch_seconds")?;
    let viewers = col(t, "viewers")?;
    let views = col(t, "views")?;
    let days = col(t, "days_in_top10_30d")?;
    Ok(t.rows
        .iter()
        .map(|r| Top10Row {
            rank: int(&r[rank]).unwrap_or(0),
            prev_rank: int(&r[prev]),
            show_id: int(&r[id]).unwrap_or(0),
            title: text(&r[title]),
            genre: text(&r[genre]),
            is_original: match r[orig] {
                Cell::Bool(b) => Some(b),
                _ => None,
            },
            total_watch_seconds: int(&r[secs]).unwrap_or(0),
            viewers: int(&r[viewers]).unwrap_or(0),
            views: float(&r[views]),
            days_in_top10_30d: int(&r[days]).unwrap_or(0),
        })
        .collect())
}

/// Rows of `wow.sql` with the sparklines of `tui_wow_daily.sql`.
pub fn parse_wow(wow: &Table, daily: &Table) -> Result<WowData> {
    let id = col(wow, "show_id")?;
    let title = col(wow, "title")?;
    let start = col(wow, "week_start")?;
    let this = col(wow, "this_week_watch_seconds")?;
    let prev = col(wow, "prev_week_watch_seconds")?;
    let delta = col(wow, "delta_watch_seconds")?;
    let pct = col(wow, "pct_change")?;
    let week_start = wow.rows.first().and_then(|r| date(&r[start]));

    let (d_id, d_date, d_secs) = (
        col(daily, "show_id")?,
        col(daily, "event_date")?,
        col(daily, "total_watch_seconds")?,
    );
    let mut days: HashMap<i64, Vec<i64>> = HashMap::new();
    if let Some(ws) = week_start {
        let first = ws - chrono::Duration::days(7);
        for r in &daily.rows {
            let (Some(show), Some(d)) = (int(&r[d_id]), date(&r[d_date])) else {
                continue;
            };
            let i = (d - first).num_days();
            if (0..14).contains(&i) {
                days.entry(show).or_insert_with(|| vec![0; 14])[i as usize] +=
                    int(&r[d_secs]).unwrap_or(0);
            }
        }
    }
    let rows = wow
        .rows
        .iter()
        .map(|r| {
            let show_id = int(&r[id]).unwrap_or(0);
            WowRow {
                show_id,
                title: text(&r[title]),
                this_week: int(&r[this]).unwrap_or(0),
                prev_week: int(&r[prev]).unwrap_or(0),
                delta: int(&r[delta]).unwrap_or(0),
                pct_change: float(&r[pct]),
                daily: days.remove(&show_id).unwrap_or_else(|| vec![0; 14]),
            }
        })
        .collect();
    Ok(WowData { week_start, rows })
}

/// Rows of `share.sql` over every date and country.
pub fn parse_share(t: &Table) -> Result<ShareData> {
    let (d, c, o, tot) = (
        col(t, "event_date")?,
        col(t, "country")?,
        col(t, "originals_watch_seconds")?,
        col(t, "total_watch_seconds")?,
    );
    let mut dates: Vec<NaiveDate> = t.rows.iter().filter_map(|r| date(&r[d])).collect();
    dates.sort();
    dates.dedup();
    let mut out = ShareData {
        all: vec![ShareCell::default(); dates.len()],
        dates,
        by_country: HashMap::new(),
    };
    for r in &t.rows {
        let (Some(day), Some(code)) = (date(&r[d]), text(&r[c])) else {
            continue;
        };
        let Some(i) = out.index(day) else { continue };
        let cell = ShareCell {
            originals: int(&r[o]).unwrap_or(0),
            total: int(&r[tot]).unwrap_or(0),
        };
        let n = out.dates.len();
        out.by_country
            .entry(code)
            .or_insert_with(|| vec![ShareCell::default(); n])[i] = cell;
        out.all[i].originals += cell.originals;
        out.all[i].total += cell.total;
    }
    Ok(out)
}

/// Parse `queries/tui_show_titles.sql`.
pub fn parse_show_titles(t: &Table) -> Result<Vec<(i64, String)>> {
    let (id, title) = (col(t, "show_id")?, col(t, "title")?);
    Ok(t.rows
        .iter()
        .filter_map(|r| Some((int(&r[id])?, text(&r[title])?)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_sums_countries_rather_than_averaging_shares() {
        let t = Table {
            columns: [
                "event_date",
                "country",
                "originals_watch_seconds",
                "total_watch_seconds",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![
                vec![
                    Cell::Text("2026-10-01".into()),
                    Cell::Text("US".into()),
                    Cell::Int(10),
                    Cell::Int(100),
                ],
                vec![
                    Cell::Text("2026-10-01".into()),
                    Cell::Text("GB".into()),
                    Cell::Int(90),
                    Cell::Int(100),
                ],
                vec![
                    Cell::Text("2026-10-02".into()),
                    Cell::Text("US".into()),
                    Cell::Int(0),
                    Cell::Int(0),
                ],
            ],
        };
        let s = parse_share(&t).unwrap();
        assert_eq!(s.dates.len(), 2);
        assert_eq!(s.country("US")[0].pct(), 10.0);
        assert_eq!(s.all[0].pct(), 50.0);
        assert_eq!(s.country("US")[1].pct(), 0.0);
        assert_eq!(s.country("GB")[1], ShareCell::default());
        assert!(s.country("FR").is_empty());
    }

    #[test]
    fn metric_cycles_through_all_three() {
        let m = Metric::default();
        assert_eq!(m, Metric::Hours);
        assert_eq!(m.next().next().next(), m);
        assert!(m.label().contains("published"));
        assert!(m.next().label().contains("NOT"));
    }
}
