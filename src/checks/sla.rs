//! The publication SLA (case study §6): the Top 10 of date D must be built
//! before 06:00 local time on D + 1 in each country's own time zone. The
//! deadline is computed with chrono-tz, so it follows daylight saving: the
//! same local hour is a different UTC instant before and after a change.
//!
//! When a date was published is read from the warehouse's build history
//! (`build_history.jsonl`). A build publishes date D for a country when its
//! date range covers D, D is among the dates it holds, and it ran after D
//! ended, in UTC or in the country's time zone, whichever is first: a build
//! that ran during D only had part of the day, but east of UTC the list is
//! due before the UTC day ends. A build's publication
//! time is its `--as-of` when it has one (a replay of history pretends to run
//! at that moment), else the time it finished.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;

/// One line of `build_history.jsonl`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BuildRecord {
    pub version: String,
    pub finished_at: NaiveDateTime,
    #[serde(default)]
    pub as_of: Option<NaiveDateTime>,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub first_date: Option<NaiveDate>,
    #[serde(default)]
    pub last_date: Option<NaiveDate>,
}

impl BuildRecord {
    /// When this build's output counts as published (UTC).
    pub fn published_at(&self) -> NaiveDateTime {
        self.as_of.unwrap_or(self.finished_at)
    }

    /// Whether this build published the Top 10 of `date` for a country
    /// whose own calendar day `date` ends at `local_end` (UTC): it covers
    /// the date and ran once the day was over, in UTC or where the country
    /// is, whichever came first. East of UTC the list is due before the UTC
    /// day ends (06:00 in Tokyo is 21:00 UTC the day before), so a build
    /// after the local day counts there, with the day's events so far.
    pub fn publishes(&self, date: NaiveDate, local_end: Option<NaiveDateTime>) -> bool {
        let in_range = self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t);
        let held =
            self.first_date.is_some_and(|f| f <= date) && self.last_date.is_some_and(|l| date <= l);
        let utc_end = date.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0));
        let day_over = match (utc_end, local_end) {
            (Some(u), Some(l)) => Some(u.min(l)),
            (u, l) => u.or(l),
        }
        .is_some_and(|end| self.published_at() >= end);
        in_range && held && day_over
    }
}

/// Every recorded build that went live up to version `live`; a warehouse
/// without history has none. A build appends its line before it switches
/// `CURRENT`, so a line of a version newer than `live` is a build still
/// committing, or one killed before it went live, and a last line with no
/// newline one killed while writing it: neither published anything. Any
/// other line that cannot be read is an error naming the file and line.
pub fn read_history(path: &Path, live: &str) -> Result<Vec<BuildRecord>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    // Only whole lines.
    let text = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    let records: Vec<BuildRecord> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{} line {}: not a build record", path.display(), i + 1))
        })
        .collect::<Result<_>>()?;
    // Version names sort by number (`v000042`).
    Ok(records
        .into_iter()
        .filter(|b| b.version.as_str() <= live)
        .collect())
}

/// The build that first published `date` for a country whose day ends at
/// `local_end` (UTC; None: judged in UTC), if any did.
pub fn first_publication(
    history: &[BuildRecord],
    date: NaiveDate,
    local_end: Option<NaiveDateTime>,
) -> Option<&BuildRecord> {
    history
        .iter()
        .filter(|b| b.publishes(date, local_end))
        .min_by_key(|b| b.published_at())
}

/// The UTC instant of `hour`:00 local time in `tz` on the day after `date`.
/// When that local time occurs twice (clocks going back) the earlier one
/// counts; when it does not exist (clocks going forward) the first local
/// time after the gap does.
pub fn deadline_utc(date: NaiveDate, tz: Tz, hour: u32) -> Option<NaiveDateTime> {
    let mut local = date.succ_opt()?.and_hms_opt(hour, 0, 0)?;
    // A gap is at most a few hours; step through it a quarter hour at a time.
    for _ in 0..16 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return Some(t.naive_utc()),
            LocalResult::Ambiguous(a, b) => return Some(a.naive_utc().min(b.naive_utc())),
            LocalResult::None => local += Duration::minutes(15),
        }
    }
    None
}

/// Parse an IANA time zone name.
pub fn zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    fn deadline(date: &str, tz: &str) -> NaiveDateTime {
        deadline_utc(d(date), zone(tz).unwrap(), 6).unwrap()
    }

    #[test]
    fn deadline_follows_daylight_saving_in_autumn() {
        // Summer time until 2026-10-25 01:00 UTC in the EU.
        assert_eq!(
            deadline("2026-10-23", "Europe/London"),
            t("2026-10-24T05:00:00")
        );
        assert_eq!(
            deadline("2026-10-23", "Europe/Berlin"),
            t("2026-10-24T04:00:00")
        );
        assert_eq!(
            deadline("2026-10-24", "Europe/London"),
            t("2026-10-25T06:00:00")
        );
        assert_eq!(
            deadline("2026-10-24", "Europe/Berlin"),
            t("2026-10-25T05:00:00")
        );
        // New York changes a week later.
        assert_eq!(
            deadline("2026-10-24", "America/New_York"),
            t("2026-10-25T10:00:00")
        );
        assert_eq!(
            deadline("2026-10-31", "America/New_York"),
            t("2026-11-01T11:00:00")
        );
        // No daylight saving at all.
        assert_eq!(
            deadline("2026-10-24", "Asia/Tokyo"),
            t("2026-10-24T21:00:00")
        );
    }

    #[test]
    fn deadline_follows_daylight_saving_in_spring_and_gaps() {
        assert_eq!(
            deadline("2026-03-28", "Europe/Berlin"),
            t("2026-03-29T04:00:00")
        );
        assert_eq!(
            deadline("2026-03-27", "Europe/Berlin"),
            t("2026-03-28T05:00:00")
        );
        // 02:30 does not exist in Berlin on 2026-03-29: the first time after
        // the gap (03:00 CEST = 01:00 UTC) is the deadline.
        let gap = deadline_utc(d("2026-03-28"), zone("Europe/Berlin").unwrap(), 2).unwrap();
        assert_eq!(gap, t("2026-03-29T01:00:00"));
        // 01:00 happens twice in London on 2026-10-25: the earlier counts.
        let twice = deadline_utc(d("2026-10-24"), zone("Europe/London").unwrap(), 1).unwrap();
        assert_eq!(twice, t("2026-10-25T00:00:00"));
    }

    fn build(as_of: Option<&str>, finished: &str, range: Option<(&str, &str)>) -> BuildRecord {
        BuildRecord {
            version: "v1".into(),
            finished_at: t(finished),
            as_of: as_of.map(t),
            from: range.map(|r| d(r.0)),
            to: range.map(|r| d(r.1)),
            first_date: Some(d("2026-10-01")),
            last_date: Some(d("2026-10-31")),
        }
    }

    #[test]
    fn publication_is_the_earliest_covering_build_after_the_day() {
        let history = vec![
            build(None, "2026-11-20T12:00:00", None),
            build(Some("2026-10-25T05:30:00"), "2026-11-21T12:00:00", None),
            build(
                Some("2026-10-24T03:00:00"),
                "2026-11-22T12:00:00",
                Some(("2026-10-22", "2026-10-23")),
            ),
        ];
        let first = |date| first_publication(&history, d(date), None).map(|b| b.published_at());
        assert_eq!(first("2026-10-23"), Some(t("2026-10-24T03:00:00")));
        // The range build does not cover the 24th; the as-of build of the
        // 25th does, and it ran after the 24th ended.
        assert_eq!(first("2026-10-24"), Some(t("2026-10-25T05:30:00")));
        // Only the plain build ran after the 25th ended.
        assert_eq!(first("2026-10-25"), Some(t("2026-11-20T12:00:00")));
        assert_eq!(first("2026-11-05"), None);
    }

    /// East of UTC the deadline comes before the UTC day ends: a build after
    /// the local day ended publishes there, and only there.
    #[test]
    fn east_of_utc_a_build_after_the_local_day_publishes() {
        let history = vec![
            build(Some("2026-10-24T20:30:00"), "2026-11-20T12:00:00", None),
            build(None, "2026-11-21T12:00:00", None),
        ];
        let tokyo = zone("Asia/Tokyo").unwrap();
        let end = |tz| deadline_utc(d("2026-10-24"), tz, 0);
        assert_eq!(end(tokyo), Some(t("2026-10-24T15:00:00")));
        let first =
            |tz| first_publication(&history, d("2026-10-24"), end(tz)).map(|b| b.published_at());
        assert_eq!(first(tokyo), Some(t("2026-10-24T20:30:00")));
        assert!(first(tokyo).unwrap() < deadline("2026-10-24", "Asia/Tokyo"));
        // In London the 20:30 build had only part of the day.
        let london = zone("Europe/London").unwrap();
        assert_eq!(first(london), Some(t("2026-11-21T12:00:00")));
        // West of UTC the UTC day ends first.
        let ny = zone("America/New_York").unwrap();
        assert_eq!(first(ny), Some(t("2026-11-21T12:00:00")));
    }
}
