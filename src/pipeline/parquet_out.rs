//! Warehouse tables written straight from Arrow batches, for the default
//! engine, in the layout DuckDB's `COPY … (FORMAT parquet, COMPRESSION
//! zstd, PARTITION_BY (event_date))` gives the `sql` engine's:
//! `<table>/event_date=YYYY-MM-DD/data_0.parquet` without the partition
//! column, and `_schema/<table>.parquet`, no rows, with every column (so
//! an empty table is still readable; `warehouse::schema_file`).
//!
//! Why not DuckDB's COPY: the default engine has these rows in Rust
//! already. Appending them to DuckDB and writing them there cost a fifth
//! of a 1 M-event build; here the dates' files are written on both cores
//! (docs/benchmarks.md, "Session 8").

use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, Schema};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use rayon::prelude::*;

use crate::warehouse;

/// Write `table`'s partitions (event date in days since 1970-01-01, its
/// rows in `schema`) and its schema file into the version at `staging`.
pub fn write_partitions(
    staging: &Path,
    table: &str,
    schema: Schema,
    parts: &[(i32, &RecordBatch)],
) -> Result<()> {
    parts
        .par_iter()
        .try_for_each(|(day, rows)| write_partition(staging, table, *day, rows))?;
    write_schema(staging, table, schema)
}

/// Write one partition of `table`: event date `day` (days since
/// 1970-01-01), its rows without the date.
pub fn write_partition(staging: &Path, table: &str, day: i32, rows: &RecordBatch) -> Result<()> {
    let part = staging
        .join(table)
        .join(format!("event_date={}", date(day)?));
    fs::create_dir_all(&part).with_context(|| format!("creating {}", part.display()))?;
    write_file(&part.join("data_0.parquet"), rows)
}

/// Write `table`'s schema file: no rows, `schema`'s columns and the
/// partition column. The table's folder is made too, so that a table with
/// no rows is still a folder, as the `sql` engine leaves it.
pub fn write_schema(staging: &Path, table: &str, schema: Schema) -> Result<()> {
    let dir = staging.join(table);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new("event_date", DataType::Date32, true));
    let empty = RecordBatch::new_empty(Arc::new(Schema::new(fields)));
    let file = warehouse::schema_file(staging, table);
    fs::create_dir_all(file.parent().expect("a schema file has a folder"))?;
    write_file(&file, &empty)
}

/// Write `rows` to one zstd-compressed Parquet file at `path`.
pub fn write_file(path: &Path, rows: &RecordBatch) -> Result<()> {
    let write = || -> Result<()> {
        // zstd over plain values: on these tables it is both smaller and
        // quicker than over dictionary pages (measured at 1 M events: the
        // aggregate 1.9 MB against 2.5 MB). Statistics per column chunk,
        // which is what readers prune row groups by.
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_dictionary_enabled(false)
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .build();
        let mut w = ArrowWriter::try_new(File::create(path)?, rows.schema(), Some(props))?;
        w.write(rows)?;
        w.close()?;
        Ok(())
    };
    write().with_context(|| format!("writing {}", path.display()))
}

/// Days since 1970-01-01 (Arrow's Date32) as a date.
pub(super) fn date(day: i32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::Duration::days(day as i64)))
        .with_context(|| format!("date {day} (days since 1970-01-01) is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;

    #[test]
    fn partitions_are_folders_by_date_and_the_schema_file_adds_the_date() {
        let dir = tempfile::tempdir().unwrap();
        let schema = Schema::new(vec![Field::new("n", DataType::Int64, true)]);
        let rows = RecordBatch::try_new(
            Arc::new(schema.clone()),
            vec![Arc::new(Int64Array::from(vec![1, 2]))],
        )
        .unwrap();
        write_partitions(dir.path(), "t", schema, &[(0, &rows), (20781, &rows)]).unwrap();
        assert!(
            dir.path()
                .join("t/event_date=1970-01-01/data_0.parquet")
                .is_file()
        );
        assert!(
            dir.path()
                .join("t/event_date=2026-11-24/data_0.parquet")
                .is_file()
        );
        let conn = duckdb::Connection::open_in_memory().unwrap();
        let glob = dir.path().join("t/*/*.parquet");
        let (n, sum, dates): (i64, i64, i64) = conn
            .query_row(
                &format!(
                    "SELECT count(*), sum(n), count(DISTINCT event_date) FROM read_parquet('{}', hive_partitioning = true)",
                    glob.display()
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((n, sum, dates), (4, 6, 2));
        let schema_file = warehouse::schema_file(dir.path(), "t");
        let cols: Vec<(String, String)> = conn
            .prepare(&format!(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{}'))",
                schema_file.display()
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<duckdb::Result<_>>()
            .unwrap();
        assert_eq!(
            cols,
            vec![
                ("n".to_string(), "BIGINT".to_string()),
                ("event_date".to_string(), "DATE".to_string())
            ]
        );
    }
}
