//! `e`: the focused pane's rows — the table its query returned, as cached —
//! written to a CSV or JSON file, with the same renderings as
//! `top10 query --format csv|json`. Files go to the folder the explorer was
//! started in (or `$TOP10_EXPORT_DIR`), named after the pane and its
//! selection, e.g. `top10-top10-2026-10-11-US-hours.csv`; an export of the
//! same view replaces the previous file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;

use super::app::{App, Pane};
use super::data::{Data, Key};
use crate::cli::Format;
use crate::output::{Cell, Table};

/// The two file formats of `e`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    fn format(self) -> Format {
        match self {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Json => Format::Json,
        }
    }
}

/// The folder exports go to: `$TOP10_EXPORT_DIR`, else the current folder.
pub fn default_dir() -> PathBuf {
    std::env::var_os("TOP10_EXPORT_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(std::env::temp_dir)
}

/// The date pane's rows: the dates with data.
pub fn dates_table(dates: &[NaiveDate]) -> Table {
    Table {
        columns: vec!["event_date".to_string()],
        rows: dates
            .iter()
            .map(|d| vec![Cell::Text(d.to_string())])
            .collect(),
    }
}

/// Write `table` as `<dir>/<stem>.<ext>`, through a temporary file renamed
/// into place; returns the absolute path.
pub fn write(table: &Table, dir: &Path, stem: &str, format: ExportFormat) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let path = dir.join(format!("{stem}.{}", format.extension()));
    let tmp = dir.join(format!(".{stem}.{}.tmp", format.extension()));
    let written = (|| -> Result<()> {
        let file = File::create(&tmp)?;
        let mut out = BufWriter::new(file);
        table.write(format.format(), &mut out)?;
        out.flush()?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    })();
    // A write that failed (a full disk) leaves no temporary file behind, and
    // says which file it was writing.
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("writing {}", path.display())));
    }
    Ok(path)
}

/// Write the focused pane's rows; the message says where, or why not.
pub fn focused_pane(app: &App, format: ExportFormat) -> String {
    let pane = app.focus;
    let (table, stem) = match pane {
        Pane::Date => (dates_table(&app.info.dates), "top10-dates".to_string()),
        Pane::Country => match app.loaded(&Key::Countries(app.date)) {
            Some(l) => (l.table.clone(), format!("top10-countries-{}", app.date)),
            None => return "nothing to export yet: the countries are loading".into(),
        },
        Pane::Top10 => {
            let key = Key::Top10(app.date, app.country.clone(), app.metric);
            match app.loaded(&key) {
                Some(l) => (
                    l.table.clone(),
                    format!(
                        "top10-top10-{}-{}-{}",
                        app.date,
                        app.country,
                        app.metric.param()
                    ),
                ),
                None => return "nothing to export yet: the Top 10 is loading".into(),
            }
        }
        Pane::Wow => match app.loaded(&Key::Wow(app.date, app.country.clone())) {
            Some(l) => (
                l.table.clone(),
                format!("top10-wow-{}-{}", app.date, app.country),
            ),
            None => return "nothing to export yet: week over week is loading".into(),
        },
        Pane::Share => match app.loaded(&Key::Share).map(|l| &l.data) {
            Some(Data::Share(s)) => (
                s.table(&app.country),
                format!("top10-share-{}", app.country),
            ),
            _ => return "nothing to export yet: the share is loading".into(),
        },
    };
    match write(&table, &app.export_dir, &stem, format) {
        Ok(path) => format!(
            "exported {} rows of the {} pane to {}",
            table.rows.len(),
            pane.name(),
            path.display()
        ),
        Err(e) => format!("export failed: {}", crate::error::one_line(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_csv_and_json_beside_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 10, 11).unwrap();
        let t = dates_table(&[d]);
        let csv = write(&t, dir.path(), "x", ExportFormat::Csv).unwrap();
        assert_eq!(
            std::fs::read_to_string(&csv).unwrap(),
            "event_date\n2026-10-11\n"
        );
        let json = write(&t, dir.path(), "x", ExportFormat::Json).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(v[0]["event_date"], "2026-10-11");
        assert!(csv.is_absolute());
    }

    /// A failed export names its file and leaves no temporary file (here the
    /// final rename fails: a non-empty folder is in the way).
    #[test]
    fn a_failed_export_names_the_file_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("x.csv/inside")).unwrap();
        let t = dates_table(&[NaiveDate::from_ymd_opt(2026, 10, 11).unwrap()]);
        let e = write(&t, dir.path(), "x", ExportFormat::Csv).unwrap_err();
        assert!(format!("{e:#}").contains("x.csv"), "{e:#}");
        assert!(!dir.path().join(".x.csv.tmp").exists());
    }
}
