//! The `pipeline_health` table (case study §6): every `top10 check` run
//! appends its results, one row per check and date, as a new Parquet file
//! `<warehouse>/pipeline_health/run-<UTC time>-<pid>.parquet`. It lives at
//! the warehouse root, outside the versions, so rebuilds never touch it;
//! a run's file is written under a temporary name and renamed, so a reader
//! never sees half of a run.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDateTime;
use duckdb::params;

use super::Check;
use crate::db;
use crate::output::Table;
use crate::queries;

/// The pipeline name recorded with every row.
pub const PIPELINE: &str = "top10";

/// The folder of the table.
pub fn dir(root: &Path) -> PathBuf {
    root.join("pipeline_health")
}

/// Append one run's results; returns the file written.
pub fn append(root: &Path, checks: &[Check], check_ts: NaiveDateTime) -> Result<PathBuf> {
    let dir = dir(root);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = format!(
        "run-{}-{}.parquet",
        check_ts.format("%Y%m%dT%H%M%S%.6fZ"),
        std::process::id()
    );
    let file = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let conn = db::open_restricted(&[&dir], "")?;
    conn.execute_batch(queries::CHECK_HISTORY_SCHEMA.text)?;
    let ts = check_ts.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    {
        let mut insert = conn.prepare(queries::CHECK_HISTORY_INSERT.text)?;
        for c in checks {
            insert.execute(params![
                PIPELINE,
                c.check,
                c.status.as_str(),
                ts,
                c.details.to_string(),
                c.severity.as_str(),
                c.date.map(|d| d.to_string()),
            ])?;
        }
    }
    let written = conn
        .execute_batch(&format!(
            "COPY pipeline_health TO {} (FORMAT parquet, COMPRESSION zstd);",
            db::path_literal(&tmp)
        ))
        .with_context(|| format!("writing {}", tmp.display()))
        .and_then(|_| {
            fs::rename(&tmp, &file).with_context(|| format!("moving {} into place", tmp.display()))
        });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written?;
    Ok(file)
}

/// Every recorded result, oldest run first, optionally of one check. A
/// warehouse never checked has an empty history.
pub fn read(root: &Path, check: Option<&str>) -> Result<Table> {
    let dir = dir(root);
    let has_runs = fs::read_dir(&dir)
        .map(|it| {
            it.filter_map(|e| e.ok()).any(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with("run-") && n.ends_with(".parquet")
            })
        })
        .unwrap_or(false);
    if !has_runs {
        return Ok(Table {
            columns: [
                "check_ts",
                "check_name",
                "date",
                "status",
                "severity",
                "details",
            ]
            .map(String::from)
            .to_vec(),
            rows: Vec::new(),
        });
    }
    let conn = db::open_restricted(&[&dir], "")?;
    let glob = dir.join("run-*.parquet").to_string_lossy().into_owned();
    Table::query(&conn, queries::CHECK_HISTORY.text, &[&glob, &check])
        .with_context(|| format!("reading {}", dir.display()))
}
