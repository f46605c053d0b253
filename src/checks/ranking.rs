//! The checks on what is published: Top 10 availability (case study §6),
//! volume anomalies per country, ranking stability (information only) and
//! the soundness of the canonical show map the ranking relies on.

use anyhow::Result;
use chrono::NaiveDate;
use serde_json::{Value as Json, json};

use super::{Check, Ctx, int, pct};
use crate::queries;

pub(crate) fn top10_availability(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let rows = ctx.rows(queries::CHECK_TOP10_AVAILABILITY, &[&d.to_string()])?;
    let short: Vec<Json> = rows
        .iter()
        .filter(|r| {
            let expected = int(r, "expected");
            let published = int(r, "published");
            published != expected || int(r, "ranks") != published || int(r, "max_rank") != published
        })
        .map(|r| {
            json!({"country": r["country"], "eligible": r["eligible"], "expected": r["expected"], "published": r["published"], "max_rank": r["max_rank"]})
        })
        .collect();
    let names: Vec<&str> = short.iter().filter_map(|r| r["country"].as_str()).collect();
    let summary = if short.is_empty() {
        format!("{} countries have a complete Top 10", rows.len())
    } else {
        format!("incomplete Top 10 in {}", names.join(", "))
    };
    Ok(ctx.result(
        "top10_availability",
        Some(d),
        !short.is_empty(),
        json!({ "countries": rows.len(), "incomplete": short }),
        summary,
    ))
}

pub(crate) fn volume_anomaly(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let t = &ctx.cfg.thresholds;
    let rows = ctx.rows(
        queries::CHECK_VOLUME,
        &[&d.to_string(), &t.volume_window_days],
    )?;
    let mut judged = 0;
    let mut outside = Vec::new();
    for r in &rows {
        let median = r["median"].as_f64().unwrap_or(0.0);
        if int(r, "history_days") < t.volume_min_history_days || median <= 0.0 {
            continue;
        }
        judged += 1;
        let events = int(r, "events") as f64;
        let change = pct(events - median, median);
        if change.abs() > t.volume_band_pct {
            outside.push(json!({"country": r["country"], "events": r["events"], "median": median, "change_pct": change}));
        }
    }
    let names: Vec<&str> = outside
        .iter()
        .filter_map(|r| r["country"].as_str())
        .collect();
    let summary = if judged == 0 {
        format!(
            "not judged: fewer than {} earlier days of data",
            t.volume_min_history_days
        )
    } else if names.is_empty() {
        format!(
            "{judged} countries within ±{} % of their {}-day median",
            t.volume_band_pct, t.volume_window_days
        )
    } else {
        format!(
            "outside ±{} % of the {}-day median: {}",
            t.volume_band_pct,
            t.volume_window_days,
            names.join(", ")
        )
    };
    Ok(ctx.result(
        "volume_anomaly",
        Some(d),
        !outside.is_empty(),
        json!({
            "band_pct": t.volume_band_pct,
            "window_days": t.volume_window_days,
            "countries_judged": judged,
            "outside_band": outside,
            "countries": rows,
        }),
        summary,
    ))
}

pub(crate) fn ranking_stability(ctx: &Ctx, d: NaiveDate) -> Result<Check> {
    let near = ctx.cfg.thresholds.near_tie_pct;
    let rows = ctx.rows(queries::CHECK_RANKING_STABILITY, &[&d.to_string()])?;
    let mut ties = Vec::new();
    let mut new_total = 0;
    let per_country: Vec<Json> = rows
        .iter()
        .map(|r| {
            let had_prev = r["had_prev"].as_bool().unwrap_or(false);
            let new = had_prev.then(|| int(r, "new_entries"));
            new_total += new.unwrap_or(0);
            let gap = match (r["s10"].as_i64(), r["s11"].as_i64()) {
                (Some(a), Some(b)) => Some(pct((a - b) as f64, a as f64)),
                _ => None,
            };
            let tied = gap.is_some_and(|g| g <= near);
            if tied {
                ties.push(r["country"].clone());
            }
            json!({"country": r["country"], "new_in_top10": new, "gap_10_11_pct": gap, "near_tie": tied})
        })
        .collect();
    let summary = if ties.is_empty() {
        format!("{new_total} new entries in the Top 10s; no near tie at #10/#11")
    } else {
        let names: Vec<&str> = ties.iter().filter_map(Json::as_str).collect();
        format!(
            "{new_total} new entries; #10 and #11 within {near} % in {}",
            names.join(", ")
        )
    };
    Ok(ctx.result(
        "ranking_stability",
        Some(d),
        !ties.is_empty(),
        json!({
            "new_entries": new_total,
            "near_tie_pct": near,
            "near_ties": ties,
            "countries": per_country,
        }),
        summary,
    ))
}

/// Warehouse-wide: the map snapshot the version was built with.
pub(crate) fn canonical_map(ctx: &Ctx) -> Result<Check> {
    let conflicts = ctx.rows(queries::CANONICAL_CONFLICTS, &[])?;
    let cycles = ctx.rows(queries::CANONICAL_CYCLES, &[])?;
    let cycle_ids: Vec<Json> = cycles.iter().map(|r| r["old_show_id"].clone()).collect();
    let summary = if conflicts.is_empty() && cycles.is_empty() {
        "no cycles, no id mapped to two ids".to_string()
    } else {
        format!(
            "{} ids mapped to several ids, {} ids on a cycle",
            conflicts.len(),
            cycles.len()
        )
    };
    Ok(ctx.result(
        "canonical_map",
        None,
        !(conflicts.is_empty() && cycles.is_empty()),
        json!({ "conflicts": conflicts, "cycle_ids": cycle_ids }),
        summary,
    ))
}
