//! The checks on the data of one date: completeness, freshness and the SLA
//! (case study §4, §6), uniqueness, validity, the quarantine rate,
//! referential integrity and reconciliation of the aggregate with the fact.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value as Json, json};

use super::sla::{self, BuildRecord};
use super::{Check, Ctx, int, pct, ts};
use crate::queries;

/// Each country's publication deadline (UTC) per checked date.
pub(crate) struct Deadlines {
    /// Per date: each country, its deadline and the end of its own
    /// calendar day (both UTC).
    pub by_date: BTreeMap<NaiveDate, Vec<(String, NaiveDateTime, Option<NaiveDateTime>)>>,
    /// Countries whose dim_geo time zone is not a known IANA name; their
    /// deadline is taken in UTC and the SLA check names them.
    pub unknown_zones: Vec<String>,
}

/// Compute the deadlines from dim_geo's time zones and load them into the
/// `check_deadlines` temp table that the freshness query joins.
pub(crate) fn load_deadlines(ctx: &Ctx, dates: &[NaiveDate]) -> Result<Deadlines> {
    let zones = ctx.rows(queries::CHECK_ZONES, &[])?;
    let hour = ctx.cfg.thresholds.sla_local_hour;
    let mut out = Deadlines {
        by_date: BTreeMap::new(),
        unknown_zones: Vec::new(),
    };
    ctx.conn
        .execute_batch(queries::CHECK_DEADLINES.text)
        .context("query check_deadlines")?;
    let mut insert = ctx.conn.prepare(queries::CHECK_DEADLINES_INSERT.text)?;
    for z in &zones {
        let country = z["country"].as_str().unwrap_or_default().to_string();
        let tz = z["timezone"].as_str().and_then(sla::zone);
        if tz.is_none() {
            out.unknown_zones.push(country.clone());
        }
        for &d in dates {
            let zone = tz.unwrap_or(chrono_tz::UTC);
            let deadline = sla::deadline_utc(d, zone, hour)
                .context("a deadline past the end of the calendar")?;
            let day_end = sla::deadline_utc(d, zone, 0);
            // Bound as a timestamp, not as `ts` text: chrono writes years
            // past 9999 with a sign (`+10000-01-01`) that DuckDB refuses.
            insert.execute(duckdb::params![d.to_string(), country, deadline])?;
            out.by_date
                .entry(d)
                .or_default()
                .push((country.clone(), deadline, day_end));
        }
    }
    Ok(out)
}

pub(crate) fn completeness(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let rows = ctx.rows(queries::CHECK_COMPLETENESS, &[&d.to_string()])?;
    let missing: Vec<&str> = rows.iter().filter_map(|r| r["country"].as_str()).collect();
    let summary = if missing.is_empty() {
        "every country has aggregate rows".to_string()
    } else {
        format!("no aggregate rows for {}", missing.join(", "))
    };
    Ok(ctx.result(
        "completeness",
        Some(d),
        !missing.is_empty(),
        json!({ "missing_countries": missing }),
        summary,
    ))
}

pub(crate) fn freshness(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let mut rows = ctx.rows(queries::CHECK_FRESHNESS, &[&d.to_string()])?;
    let events: i64 = rows.iter().map(|r| int(r, "events")).sum();
    let late: i64 = rows.iter().map(|r| int(r, "after_deadline")).sum();
    // The latest arrival of all countries, as the query compared them: a
    // maximum of the rows' text would put year 200000 before 2026.
    let last = rows
        .first()
        .and_then(|r| r["last_arrival_all"].as_str())
        .map(str::to_string);
    for r in &mut rows {
        if let Some(r) = r.as_object_mut() {
            r.remove("last_arrival_all");
        }
    }
    let late_pct = pct(late as f64, events as f64);
    let threshold = ctx.cfg.thresholds.late_arrival_pct;
    let fired = events == 0 || late_pct > threshold;
    let summary = match &last {
        Some(l) => format!(
            "last arrival {l}; {late} of {events} events ({late_pct:.2} %) after the deadline (warn above {threshold} %)"
        ),
        None => "no events for this date".to_string(),
    };
    Ok(ctx.result(
        "freshness",
        Some(d),
        fired,
        json!({
            "last_arrival": last,
            "events": events,
            "arrived_after_deadline": late,
            "late_pct": late_pct,
            "threshold_pct": threshold,
            "countries": rows,
        }),
        summary,
    ))
}

pub(crate) fn sla(ctx: &Ctx, d: NaiveDate, deadlines: &Deadlines, builds: &[BuildRecord]) -> Check {
    let hour = ctx.cfg.thresholds.sla_local_hour;
    let countries = deadlines.by_date.get(&d).map(Vec::as_slice).unwrap_or(&[]);
    // Each country's publication: the first build after its day ended (in
    // UTC, or earlier where it is east of UTC; see `sla::BuildRecord`).
    let by_country: Vec<(&str, NaiveDateTime, Option<&BuildRecord>)> = countries
        .iter()
        .map(|(c, deadline, day_end)| {
            (
                c.as_str(),
                *deadline,
                sla::first_publication(builds, d, *day_end),
            )
        })
        .collect();
    let first = by_country
        .iter()
        .filter_map(|(_, _, b)| *b)
        .min_by_key(|b| b.published_at());
    let published = first.map(BuildRecord::published_at);
    // The countries that missed (not published, or after their deadline),
    // in dim_geo's order, with when they were published.
    let missed_at: Vec<(&str, Option<NaiveDateTime>)> = by_country
        .iter()
        .map(|(c, deadline, b)| (*c, *deadline, b.map(BuildRecord::published_at)))
        .filter(|(_, deadline, at)| at.is_none_or(|p| p >= *deadline))
        .map(|(c, _, at)| (c, at))
        .collect();
    let missed: Vec<&str> = missed_at.iter().map(|(c, _)| *c).collect();
    let deadline_map: serde_json::Map<String, Json> = countries
        .iter()
        .map(|(c, t, _)| (c.clone(), Json::String(ts(*t))))
        .collect();
    let published_map: serde_json::Map<String, Json> = by_country
        .iter()
        .map(|(c, _, b)| {
            let at = b.map_or(Json::Null, |b| Json::String(ts(b.published_at())));
            (c.to_string(), at)
        })
        .collect();
    // Grouped by when they were published, for the summary.
    let mut late: BTreeMap<Option<NaiveDateTime>, Vec<&str>> = BTreeMap::new();
    for (c, at) in &missed_at {
        late.entry(*at).or_default().push(c);
    }
    let summary = match published {
        None => "no recorded build published this date after it ended".to_string(),
        Some(p) if late.is_empty() => format!(
            "published {} (UTC), before {hour:02}:00 local everywhere",
            ts(p)
        ),
        Some(_) => late
            .iter()
            .map(|(at, cs)| match at {
                Some(p) => format!(
                    "published {} (UTC): after {hour:02}:00 local in {}",
                    ts(*p),
                    cs.join(", ")
                ),
                None => format!("no build after the day ended in {}", cs.join(", ")),
            })
            .collect::<Vec<_>>()
            .join("; "),
    };
    ctx.result(
        "sla",
        Some(d),
        !missed.is_empty() || published.is_none(),
        json!({
            "published_at": published.map(ts),
            "build": first.map(|b| b.version.clone()),
            "published_at_by_country": published_map,
            "deadline_local_hour": hour,
            "deadlines_utc": deadline_map,
            "missed_countries": missed,
            "unknown_timezones": deadlines.unknown_zones,
        }),
        summary,
    )
}

pub(crate) fn uniqueness(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let rows = ctx.rows(queries::CHECK_UNIQUENESS, &[&d.to_string()])?;
    let n = rows.first().map_or(0, |r| int(r, "duplicated"));
    let examples: Vec<Json> = rows
        .iter()
        .map(|r| json!({"event_id": r["event_id"], "copies": r["copies"], "dates": r["dates"]}))
        .collect();
    Ok(ctx.result(
        "uniqueness",
        Some(d),
        n > 0,
        json!({ "duplicated_event_ids": n, "examples": examples }),
        if n == 0 {
            "every event_id is in the fact once".into()
        } else {
            format!("{n} event_ids are in the fact more than once")
        },
    ))
}

pub(crate) fn validity(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let rows = ctx.rows(queries::CHECK_VALIDITY, &[&d.to_string()])?;
    let n = rows.first().map_or(0, |r| int(r, "bad_rows"));
    let examples: Vec<Json> = rows
        .iter()
        .map(|r| {
            json!({"event_id": r["event_id"], "country": r["country"], "show_id": r["show_id"], "watch_seconds": r["watch_seconds"]})
        })
        .collect();
    Ok(ctx.result(
        "validity",
        Some(d),
        n > 0,
        json!({ "out_of_range_rows": n, "valid_range": [0, 86400], "examples": examples }),
        if n == 0 {
            "every fact watch_seconds is within 0..=86400".into()
        } else {
            format!("{n} fact rows have watch_seconds outside 0..=86400")
        },
    ))
}

pub(crate) fn quarantine_rate(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let rows = ctx.rows(queries::CHECK_QUARANTINE, &[&d.to_string()])?;
    let fact: i64 = rows
        .iter()
        .filter(|r| r["kind"] == "fact")
        .map(|r| int(r, "n"))
        .sum();
    let by_reason: serde_json::Map<String, Json> = rows
        .iter()
        .filter(|r| r["kind"] == "quarantine")
        .map(|r| {
            let reason = r["reason"].as_str().unwrap_or("NULL").to_string();
            (reason, json!(int(r, "n")))
        })
        .collect();
    let quarantined: i64 = by_reason.values().filter_map(Json::as_i64).sum();
    let rate = pct(quarantined as f64, (quarantined + fact) as f64);
    let threshold = ctx.cfg.thresholds.quarantine_rate_pct;
    Ok(ctx.result(
        "quarantine_rate",
        Some(d),
        rate > threshold,
        json!({
            "quarantined": quarantined,
            "events": quarantined + fact,
            "rate_pct": rate,
            "threshold_pct": threshold,
            "by_reason": by_reason,
        }),
        format!(
            "{quarantined} of {} events quarantined ({rate:.2} %, warn above {threshold} %)",
            quarantined + fact
        ),
    ))
}

pub(crate) fn referential_integrity(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let rows = ctx.rows(queries::CHECK_ORPHANS, &[&d.to_string()])?;
    let fact_rows = rows.first().map_or(0, |r| int(r, "fact_rows"));
    let side = |kind: &str| -> (i64, Json) {
        let mine: Vec<&Json> = rows.iter().filter(|r| r["kind"] == kind).collect();
        let total = mine.first().map_or(0, |r| int(r, "total_rows"));
        let detail = json!({
            "rows": total,
            "distinct_ids": mine.first().map_or(0, |r| int(r, "distinct_ids")),
            "examples": mine.iter().map(|r| json!({"id": r["id"], "rows": r["n"]})).collect::<Vec<_>>(),
        });
        (total, detail)
    };
    let (user_rows, users) = side("user");
    let (show_rows, shows) = side("show");
    let rate = pct((user_rows + show_rows) as f64, fact_rows as f64);
    let threshold = ctx.cfg.thresholds.orphan_rate_pct;
    Ok(ctx.result(
        "referential_integrity",
        Some(d),
        rate > threshold,
        json!({
            "fact_rows": fact_rows,
            "orphan_users": users,
            "orphan_shows": shows,
            "orphan_rate_pct": rate,
            "threshold_pct": threshold,
        }),
        format!(
            "{user_rows} rows of orphan users, {show_rows} of orphan shows ({rate:.2} % of {fact_rows}, warn above {threshold} %)"
        ),
    ))
}

pub(crate) fn reconciliation(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let t = &ctx.cfg.thresholds;
    let rows = ctx.rows(
        queries::CHECK_RECONCILIATION,
        &[&d.to_string(), &t.reconciliation_tolerance_seconds],
    )?;
    let first = rows.first();
    let mismatched = first.map_or(0, |r| int(r, "mismatched"));
    let total_diff = first.map_or(0, |r| int(r, "total_diff"));
    let fact_total = first.map_or(0, |r| int(r, "fact_total"));
    let keys = first.map_or(0, |r| int(r, "keys"));
    let discrepancy = if fact_total > 0 {
        pct(total_diff as f64, fact_total as f64)
    } else if total_diff > 0 {
        100.0
    } else {
        0.0
    };
    let examples: Vec<Json> = rows
        .iter()
        .filter(|r| int(r, "diff") > t.reconciliation_tolerance_seconds)
        .map(|r| {
            json!({"country": r["country"], "show_id": r["show_id"], "fact_seconds": r["fact_seconds"], "agg_seconds": r["agg_seconds"], "diff": r["diff"]})
        })
        .collect();
    let over_goal = discrepancy > t.reconciliation_goal_pct;
    let mut check = ctx.result(
        "reconciliation",
        Some(d),
        over_goal,
        json!({
            "keys": keys,
            "mismatched_keys": mismatched,
            "tolerance_seconds": t.reconciliation_tolerance_seconds,
            "discrepancy_pct": discrepancy,
            "goal_pct": t.reconciliation_goal_pct,
            "examples": examples,
        }),
        format!(
            "{mismatched} of {keys} (country, show) sums off by more than {} s; discrepancy {discrepancy:.4} % (goal {} %)",
            t.reconciliation_tolerance_seconds, t.reconciliation_goal_pct
        ),
    );
    // Keys off beyond the tolerance are worth a look even when the total
    // is within the goal.
    if !over_goal && mismatched > 0 {
        check.status = super::Status::Warn;
    }
    Ok(check)
}
