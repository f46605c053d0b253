//! The human rendering of an explanation: a headline, the path from raw
//! rows to the rank, the neighbours, merged ids, and the source events.

use std::io::Write;

use anyhow::Result;

use super::Explanation;
use crate::cli::Format;
use crate::output::{Cell, Table};

/// Hours with one decimal, the unit the Top 10 is published in.
pub fn hours(seconds: i64) -> String {
    format!("{:.1} h", seconds as f64 / 3600.0)
}

/// The first line: the show, its kind, the key.
pub fn headline(e: &Explanation) -> String {
    let title = e.title.as_deref().unwrap_or("(not in dim_shows)");
    let kind = match e.is_original {
        Some(true) => "original",
        Some(false) => "licensed",
        None => "orphan show",
    };
    let asked = e
        .requested_show_id
        .map(|id| format!(" (asked for {id}, merged into it)"))
        .unwrap_or_default();
    let as_of = e
        .as_of
        .map(|t| format!(", as of {}", crate::parse::timestamp_text(t)))
        .unwrap_or_default();
    format!(
        "Show {}{asked} \"{title}\" ({}, {kind}) in {} on {}{as_of}",
        e.show_id,
        e.genre.as_deref().unwrap_or("no genre"),
        e.country,
        e.date
    )
}

/// `n` and its noun, singular for one: `1 viewer`, `3 viewers`.
pub fn counted(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The second line: ranked #n, excluded by a rule, or not watched.
pub fn verdict(e: &Explanation) -> String {
    match (&e.aggregate, e.status) {
        (Some(a), "ranked") => format!(
            "Ranked #{} {}: {} watch seconds ({}), {}.",
            a.rank_in_country.unwrap_or_default(),
            if e.in_top10 {
                "in the published Top 10"
            } else {
                "(not in the Top 10)"
            },
            a.total_watch_seconds,
            hours(a.total_watch_seconds),
            counted(a.viewers, "viewer", "viewers")
        ),
        (Some(a), _) => format!(
            "Not ranked: excluded by the {} rule ({} watch seconds, {}).",
            e.exclusion_rule.as_deref().unwrap_or("?"),
            a.total_watch_seconds,
            counted(a.viewers, "viewer", "viewers")
        ),
        (None, _) => "Not ranked: no valid event of this show in this country on this date.".into(),
    }
}

/// Write `e` in `format`.
pub fn write(e: &Explanation, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, e)?;
            writeln!(out)?;
        }
        Format::Csv => e.events_table.write(Format::Csv, out)?,
        Format::Table => write_text(e, out)?,
    }
    Ok(())
}

fn write_text(e: &Explanation, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "{}", headline(e))?;
    writeln!(out, "{}", verdict(e))?;
    if let Some(n) = e.watch_seconds_to_enter_top10 {
        writeln!(
            out,
            "It needs {n} more watch seconds ({}) to enter the Top 10.",
            hours(n)
        )?;
    }
    writeln!(out, "\nPath from raw rows to rank")?;
    let path = Table {
        columns: vec!["step".into(), "count".into(), "detail".into()],
        rows: e
            .path
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.step.into()),
                    Cell::Int(s.count),
                    Cell::Text(s.detail.clone()),
                ]
            })
            .collect(),
    };
    path.write(Format::Table, out)?;

    if !e.neighbours.is_empty() {
        writeln!(out, "\nNeighbours in the ranking")?;
        let t = Table {
            columns: [
                "rank",
                "show_id",
                "title",
                "total_watch_seconds",
                "viewers",
                "position",
                "separated_by",
                "difference",
            ]
            .map(String::from)
            .to_vec(),
            rows: e
                .neighbours
                .iter()
                .map(|n| {
                    vec![
                        Cell::Int(n.rank),
                        Cell::Int(n.show_id),
                        n.title.clone().map_or(Cell::Null, Cell::Text),
                        Cell::Int(n.total_watch_seconds),
                        Cell::Int(n.viewers),
                        Cell::Text(n.position.into()),
                        Cell::Text(n.separated_by.into()),
                        Cell::Int(n.difference),
                    ]
                })
                .collect(),
        };
        t.write(Format::Table, out)?;
    }
    if !e.merged_ids.is_empty() {
        let ids: Vec<String> = e
            .merged_ids
            .iter()
            .map(|m| {
                format!(
                    "{} ({} hop{}, {} kept events)",
                    m.old_show_id,
                    m.hops,
                    if m.hops == 1 { "" } else { "s" },
                    m.kept_events
                )
            })
            .collect();
        writeln!(out, "\nMerged into this show: {}", ids.join("; "))?;
    }
    writeln!(
        out,
        "\nSource events ({})",
        counted(e.events_table.rows.len() as i64, "raw row", "raw rows")
    )?;
    e.events_table.write(Format::Table, out)?;
    Ok(())
}
