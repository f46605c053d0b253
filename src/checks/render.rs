//! How check results and their history are printed: aligned columns with a
//! one-line summary per result for people, a JSON array for programs.

use std::io::Write;

use anyhow::Result;
use serde_json::Value as Json;

use super::{Check, CheckFormat, Status};
use crate::cli::Format;
use crate::output::{Cell, Table};

/// The results of a run.
pub(crate) fn results(checks: &[Check], format: CheckFormat, out: &mut dyn Write) -> Result<()> {
    if format == CheckFormat::Json {
        serde_json::to_writer_pretty(&mut *out, checks)?;
        writeln!(out)?;
        return Ok(());
    }
    let table = Table {
        columns: ["date", "check", "status", "severity", "details"]
            .map(String::from)
            .to_vec(),
        rows: checks
            .iter()
            .map(|c| {
                vec![
                    c.date
                        .map_or(Cell::Text("all".into()), |d| Cell::Text(d.to_string())),
                    Cell::Text(c.check.clone()),
                    Cell::Text(c.status.as_str().to_uppercase()),
                    Cell::Text(c.severity.as_str().into()),
                    Cell::Text(c.summary.clone()),
                ]
            })
            .collect(),
    };
    table.write(Format::Table, out)?;
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    writeln!(
        out,
        "\n{} results: {} pass, {} warn, {} fail",
        checks.len(),
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail)
    )?;
    Ok(())
}

/// The recorded history. The table leaves the details out (they are long);
/// JSON gives them back as objects.
pub(crate) fn history(table: &Table, format: CheckFormat, out: &mut dyn Write) -> Result<()> {
    let details = table.columns.iter().position(|c| c == "details");
    match format {
        CheckFormat::Json => {
            let mut rows = match table.to_json() {
                Json::Array(rows) => rows,
                _ => Vec::new(),
            };
            for r in &mut rows {
                if let Some(Json::String(text)) = r.get("details") {
                    let parsed = serde_json::from_str(text).unwrap_or(Json::Null);
                    r["details"] = parsed;
                }
            }
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        CheckFormat::Table => {
            let mut t = table.clone();
            if let Some(i) = details {
                t.columns.remove(i);
                for r in &mut t.rows {
                    r.remove(i);
                }
            }
            t.write(Format::Table, out)?;
        }
    }
    Ok(())
}
