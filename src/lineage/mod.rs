//! `top10 explain`: the lineage of one (date, country, show) — SPEC §3. The
//! ranked row, its aggregate, the path from raw rows to the rank with the
//! count at each step, the raw rows themselves with their status, the show
//! ids merged into it, the rule that excluded it or the gap to the Top 10,
//! and its neighbours in the ranking with what separates them.
//!
//! Everything is read from one warehouse version; with `--as-of`, the key's
//! date is first rebuilt as of that time into a temporary warehouse, so the
//! explanation is of what was published then.

pub mod changes;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};

use std::io::Write;

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::Value as Json;

use crate::output::{Cell, Table};
use crate::queries;
use crate::query::Session;

/// One step of the path from raw rows to the rank.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    pub step: &'static str,
    pub count: i64,
    pub detail: String,
}

/// A ranked row next to the explained one.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Neighbour {
    pub rank: i64,
    pub show_id: i64,
    pub title: Option<String>,
    pub total_watch_seconds: i64,
    pub viewers: i64,
    /// `above` or `below` the explained show (or `cutoff` for #10).
    pub position: &'static str,
    /// What decides their order: `watch_seconds`, `viewers` or `show_id`.
    pub separated_by: &'static str,
    /// The difference in that measure (explained minus neighbour).
    pub difference: i64,
}

/// The aggregate row of the key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Aggregate {
    pub total_watch_seconds: i64,
    pub viewers: i64,
    pub rank_in_country: Option<i64>,
    pub exclusion_reason: Option<String>,
}

/// An old show id merged into the explained show.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MergedId {
    pub old_show_id: i64,
    pub hops: i64,
    /// Kept events delivered under this id.
    pub kept_events: i64,
}

/// The full explanation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    pub date: NaiveDate,
    pub country: String,
    /// The canonical show explained.
    pub show_id: i64,
    /// The id asked for, when it was an old id merged into `show_id`.
    pub requested_show_id: Option<i64>,
    pub title: Option<String>,
    pub genre: Option<String>,
    pub is_original: Option<bool>,
    pub as_of: Option<NaiveDateTime>,
    /// `ranked`, `excluded`, or `not_watched`.
    pub status: &'static str,
    pub in_top10: bool,
    pub aggregate: Option<Aggregate>,
    pub exclusion_rule: Option<String>,
    /// For a show outside the Top 10: the watch seconds it needs to enter.
    pub watch_seconds_to_enter_top10: Option<i64>,
    pub neighbours: Vec<Neighbour>,
    pub path: Vec<Step>,
    pub merged_ids: Vec<MergedId>,
    /// Every raw row behind the key, each with its status.
    pub events: Json,
    #[serde(skip)]
    pub events_table: Table,
}

fn text(c: &Cell) -> Option<String> {
    match c {
        Cell::Null => None,
        other => Some(other.text()),
    }
}

fn int(c: &Cell) -> Option<i64> {
    match c {
        Cell::Int(i) => Some(*i),
        _ => None,
    }
}

/// Explain one key of `session`'s warehouse.
pub fn explain(
    session: &Session,
    date: NaiveDate,
    country: &str,
    show: i64,
    as_of: Option<NaiveDateTime>,
) -> Result<Explanation> {
    session.check_country(country)?;
    session.check_date(date)?;
    let conn = &session.conn;
    let d = date.to_string();

    let canonical: i64 = conn
        .query_row(queries::EXPLAIN_CANONICAL.text, [show], |r| r.get(0))
        .context("explain_canonical")?;
    let row = Table::query(conn, queries::EXPLAIN_ROW.text, &[&d, &country, &canonical])
        .context("explain_row")?;
    let r = &row.rows[0];
    let (title, genre, is_original) = (
        text(&r[4]),
        text(&r[5]),
        match r[6] {
            Cell::Bool(b) => Some(b),
            _ => None,
        },
    );
    let aggregate = int(&r[0]).map(|total| Aggregate {
        total_watch_seconds: total,
        viewers: int(&r[1]).unwrap_or(0),
        rank_in_country: int(&r[2]),
        exclusion_reason: text(&r[3]),
    });
    let merged = Table::query(conn, queries::EXPLAIN_MERGED_IDS.text, &[&canonical])
        .context("explain_merged_ids")?;
    if aggregate.is_none() && title.is_none() && merged.rows.is_empty() {
        bail!(
            "unknown show {show}: it is not in dim_shows and has no events in {country} on {date}"
        );
    }

    let events = Table::query(
        conn,
        queries::EXPLAIN_EVENTS.text,
        &[&d, &country, &canonical],
    )
    .context("explain_events")?;
    let col = |name: &str| {
        events
            .columns
            .iter()
            .position(|c| c == name)
            .expect("known column")
    };
    let (status_c, reason_c, user_c, show_c, secs_c) = (
        col("status"),
        col("reason"),
        col("user_id"),
        col("show_id"),
        col("watch_seconds"),
    );
    let status = |r: &Vec<Cell>| r[status_c].text();
    let kept: Vec<&Vec<Cell>> = events.rows.iter().filter(|r| status(r) == "kept").collect();
    let quarantined: Vec<&Vec<Cell>> = events
        .rows
        .iter()
        .filter(|r| status(r) == "quarantined")
        .collect();
    let duplicates = events.rows.len() - kept.len() - quarantined.len();
    let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
    for r in &quarantined {
        *reasons.entry(r[reason_c].text()).or_default() += 1;
    }
    let kept_seconds: i64 = kept.iter().filter_map(|r| int(&r[secs_c])).sum();
    let kept_viewers = kept
        .iter()
        .filter_map(|r| int(&r[user_c]))
        .collect::<BTreeSet<_>>()
        .len() as i64;
    let merged_ids: Vec<MergedId> = merged
        .rows
        .iter()
        .map(|m| {
            let old = int(&m[0]).unwrap_or_default();
            MergedId {
                old_show_id: old,
                hops: int(&m[1]).unwrap_or_default(),
                kept_events: kept.iter().filter(|r| int(&r[show_c]) == Some(old)).count() as i64,
            }
        })
        .collect();
    let merged_events: i64 = merged_ids.iter().map(|m| m.kept_events).sum();

    let rank = aggregate.as_ref().and_then(|a| a.rank_in_country);
    let exclusion_rule = aggregate.as_ref().and_then(|a| a.exclusion_reason.clone());
    let status = match (&aggregate, rank) {
        (None, _) => "not_watched",
        (Some(_), Some(_)) => "ranked",
        (Some(_), None) => "excluded",
    };

    let mut path = vec![
        Step {
            step: "raw rows",
            count: events.rows.len() as i64,
            detail: "every delivered version of the key's events".into(),
        },
        Step {
            step: "duplicates",
            count: duplicates as i64,
            detail: format!(
                "versions that lost deduplication; {} remain",
                render::counted((kept.len() + quarantined.len()) as i64, "event", "events")
            ),
        },
        Step {
            step: "quarantined",
            count: quarantined.len() as i64,
            detail: if reasons.is_empty() {
                "none".into()
            } else {
                reasons
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        },
        Step {
            step: "merged ids",
            count: merged_events,
            detail: if merged_ids.is_empty() {
                "no show id is merged into this one".into()
            } else {
                // Every merged id with its own count: an id that delivered
                // nothing on this date is listed as such, not implied to.
                format!(
                    "kept events by old id: {}",
                    merged_ids
                        .iter()
                        .map(|m| format!("{} {}", m.old_show_id, m.kept_events))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        },
        Step {
            step: "fact events",
            count: kept.len() as i64,
            detail: format!(
                "{kept_seconds} watch seconds from {}",
                render::counted(kept_viewers, "viewer", "viewers")
            ),
        },
    ];
    match &aggregate {
        Some(a) => {
            path.push(Step {
                step: "aggregate",
                count: a.total_watch_seconds,
                detail: format!(
                    "total_watch_seconds, {}",
                    render::counted(a.viewers, "viewer", "viewers")
                ),
            });
            path.push(Step {
                step: "eligibility",
                count: i64::from(exclusion_rule.is_none()),
                detail: match &exclusion_rule {
                    None => "eligible".into(),
                    Some(rule) => format!("excluded by {rule}"),
                },
            });
            if let Some(rank) = rank {
                path.push(Step {
                    step: "rank",
                    count: rank,
                    detail: if rank <= 10 {
                        "in the Top 10".into()
                    } else {
                        "below the Top 10".into()
                    },
                });
            }
        }
        None => path.push(Step {
            step: "aggregate",
            count: 0,
            detail: "no valid event of this show in this country on this date".into(),
        }),
    }

    // Neighbours in the ranking and the cut-off of the Top 10.
    let near = Table::query(
        conn,
        queries::EXPLAIN_NEIGHBOURS.text,
        &[&d, &country, &rank.unwrap_or(-10)],
    )
    .context("explain_neighbours")?;
    let me = aggregate
        .as_ref()
        .map(|a| (a.total_watch_seconds, a.viewers))
        .unwrap_or((0, 0));
    let mut neighbours = Vec::new();
    let mut cutoff = None;
    for n in &near.rows {
        let (Some(nr), Some(nid)) = (int(&n[0]), int(&n[1])) else {
            continue;
        };
        let (ns, nv) = (int(&n[3]).unwrap_or(0), int(&n[4]).unwrap_or(0));
        let (separated_by, difference) = separation(me, canonical, (ns, nv), nid);
        let position = match rank {
            Some(r) if nr == r => continue,
            Some(r) if nr == r - 1 => "above",
            Some(r) if nr == r + 1 => "below",
            _ => "cutoff",
        };
        let neighbour = Neighbour {
            rank: nr,
            show_id: nid,
            title: text(&n[2]),
            total_watch_seconds: ns,
            viewers: nv,
            position,
            separated_by,
            difference,
        };
        if nr == 10 {
            cutoff = Some(neighbour.clone());
        }
        if position != "cutoff" {
            neighbours.push(neighbour);
        }
    }
    let in_top10 = rank.is_some_and(|r| r <= 10);
    let watch_seconds_to_enter_top10 = match (&cutoff, in_top10, &exclusion_rule) {
        (Some(c), false, None) => Some(seconds_to_pass(me, canonical, c)),
        _ => None,
    };
    if let (Some(c), false, None) = (&cutoff, in_top10, &exclusion_rule)
        && !neighbours.iter().any(|n| n.rank == 10)
    {
        neighbours.push(c.clone());
    }

    Ok(Explanation {
        date,
        country: country.to_string(),
        show_id: canonical,
        requested_show_id: (canonical != show).then_some(show),
        title,
        genre,
        is_original,
        as_of,
        status,
        in_top10,
        aggregate,
        exclusion_rule,
        watch_seconds_to_enter_top10,
        neighbours,
        path,
        merged_ids,
        events: events.to_json(),
        events_table: events,
    })
}

/// What orders two shows (SPEC §2.7: watch seconds, then viewers, then show
/// id ascending) and by how much, from the first show's side.
fn separation(me: (i64, i64), my_id: i64, other: (i64, i64), other_id: i64) -> (&'static str, i64) {
    if me.0 != other.0 {
        ("watch_seconds", me.0 - other.0)
    } else if me.1 != other.1 {
        ("viewers", me.1 - other.1)
    } else {
        ("show_id", my_id - other_id)
    }
}

/// The fewest extra watch seconds (with no extra viewers) that would rank a
/// show with `me` above `cutoff`.
fn seconds_to_pass(me: (i64, i64), my_id: i64, cutoff: &Neighbour) -> i64 {
    let gap = cutoff.total_watch_seconds - me.0;
    let wins_tie = me.1 > cutoff.viewers || (me.1 == cutoff.viewers && my_id < cutoff.show_id);
    (if wins_tie { gap } else { gap + 1 }).max(0)
}

/// Run `top10 explain`.
pub fn run(args: &crate::cli::ExplainArgs) -> Result<std::process::ExitCode> {
    use crate::pipeline::{self, BuildOptions, DateRange};
    use crate::warehouse::Warehouse;

    let version = crate::query::resolve(&args.source)?;
    let lake_of = |v: &crate::warehouse::Version| -> std::path::PathBuf {
        args.source
            .lake
            .clone()
            .unwrap_or_else(|| v.manifest.lake.clone().into())
    };
    let Some(show) = args.show else {
        // --changes (clap requires one of the two).
        let lake = lake_of(&version);
        let now = Session::open(version)?;
        let c = changes::changes(&now, &lake, args.date, &args.country, false)?;
        let mut out = std::io::stdout().lock();
        changes::write(&c, args.format, &mut out)?;
        out.flush()?;
        return Ok(std::process::ExitCode::from(crate::error::EXIT_OK));
    };
    // As of a past moment: rebuild just that date from the lake, pinned to it,
    // in a temporary warehouse that is removed afterwards.
    let _scratch;
    let session = match args.as_of {
        None => Session::open(version)?,
        Some(as_of) => {
            let lake = lake_of(&version);
            let scratch = tempfile::Builder::new()
                .prefix("top10-explain-")
                .tempdir()
                .context("creating a temporary warehouse")?;
            let opts = BuildOptions {
                range: Some(DateRange::new(args.date, args.date)?),
                as_of: Some(as_of),
                memory_limit_mib: None,
                batch_rows: None,
                engine: Default::default(),
                quiet: false,
            };
            pipeline::build(&lake, scratch.path(), &opts)
                .with_context(|| format!("rebuilding {} as of {as_of}", args.date))?;
            let v = Warehouse::new(scratch.path()).current()?;
            _scratch = scratch;
            Session::open(v)?
        }
    };
    let e = explain(&session, args.date, &args.country, show, args.as_of)?;
    let mut out = std::io::stdout().lock();
    render::write(&e, args.format, &mut out)?;
    out.flush()?;
    Ok(std::process::ExitCode::from(crate::error::EXIT_OK))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(secs: i64, viewers: i64, id: i64) -> Neighbour {
        Neighbour {
            rank: 10,
            show_id: id,
            title: None,
            total_watch_seconds: secs,
            viewers,
            position: "cutoff",
            separated_by: "watch_seconds",
            difference: 0,
        }
    }

    #[test]
    fn gap_follows_the_tie_breaks() {
        // More viewers: equal seconds are enough.
        assert_eq!(seconds_to_pass((900, 50,), 7, &cut(1000, 40, 5)), 100);
        // Fewer viewers: one second more than the cut-off.
        assert_eq!(seconds_to_pass((900, 30), 7, &cut(1000, 40, 5)), 101);
        // Equal viewers: the lower show id wins the tie.
        assert_eq!(seconds_to_pass((900, 40), 3, &cut(1000, 40, 5)), 100);
        assert_eq!(seconds_to_pass((900, 40), 9, &cut(1000, 40, 5)), 101);
    }

    #[test]
    fn separation_names_the_deciding_measure() {
        assert_eq!(separation((10, 1), 1, (8, 5), 2), ("watch_seconds", 2));
        assert_eq!(separation((10, 4), 1, (10, 5), 2), ("viewers", -1));
        assert_eq!(separation((10, 5), 1, (10, 5), 2), ("show_id", -1));
    }
}
