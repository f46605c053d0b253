//! The landing files read straight from Parquet, for the default engine
//! ([`super::scan`]): the columns of SPEC §1 by name, in the types the
//! `sql` engine's `landing_rows` view casts them to (`queries/build_load_raw.sql`),
//! with each row's position in its file; and the small snapshots the
//! default engine needs whole (dim_geo's countries, the restrictions and the
//! resolved canonical map: [`read_all`]).
//!
//! Why not through DuckDB: moving rows from DuckDB into Rust (its Arrow
//! stream) cost about what the Rust aggregate saves (docs/benchmarks.md,
//! "Session 7"); decoding the files here costs what DuckDB's own scan does.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use arrow::array::{Array, ArrayRef, Int64Array, StringArray, TimestampMicrosecondArray};
use arrow::compute::{CastOptions, cast_with_options};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReaderBuilder, RowSelection};
use parquet::basic::Type as Physical;

use crate::lake::RawFile;

/// Rows per decoded batch.
const BATCH_ROWS: usize = 16_384;

/// A landing column and the type the pipeline reads it as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    EventId,
    UserId,
    ShowId,
    Country,
    WatchSeconds,
    EventTs,
    Src,
    IngestionTs,
}

impl Col {
    /// Every column, in `landing_rows`' order.
    pub const ALL: [Col; 8] = [
        Col::EventId,
        Col::UserId,
        Col::ShowId,
        Col::Country,
        Col::WatchSeconds,
        Col::EventTs,
        Col::Src,
        Col::IngestionTs,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Col::EventId => "event_id",
            Col::UserId => "user_id",
            Col::ShowId => "show_id",
            Col::Country => "country",
            Col::WatchSeconds => "watch_seconds",
            Col::EventTs => "event_ts",
            Col::Src => "src",
            Col::IngestionTs => "ingestion_ts",
        }
    }

    /// The type `landing_rows` gives it: VARCHAR, BIGINT or TIMESTAMP.
    pub fn data_type(self) -> DataType {
        match self {
            Col::EventId | Col::Country | Col::Src => DataType::Utf8,
            Col::UserId | Col::ShowId | Col::WatchSeconds => DataType::Int64,
            Col::EventTs | Col::IngestionTs => DataType::Timestamp(TimeUnit::Microsecond, None),
        }
    }
}

/// `file`'s row count if this reader gives exactly what DuckDB gives for
/// it: its timestamps are stored as seconds, milliseconds or microseconds
/// (not nanoseconds or Spark's INT96, which the two readers convert
/// differently at the edges of their ranges). None for a file the `sql`
/// engine must build.
pub fn supported_rows(file: &RawFile) -> Result<Option<u64>> {
    let f =
        File::open(&file.path).with_context(|| format!("cannot open {}", file.path.display()))?;
    let b = ParquetRecordBatchReaderBuilder::try_new(f)
        .map_err(read_error)
        .with_context(|| format!("reading {}", file.path.display()))?;
    let parquet = b.parquet_schema();
    for col in [Col::EventTs, Col::IngestionTs] {
        let Some((i, field)) = b.schema().column_with_name(col.name()) else {
            return Ok(None);
        };
        let leaf = parquet
            .columns()
            .iter()
            .position(|c| c.path().parts() == [field.name().as_str()]);
        let int96 = leaf.is_some_and(|l| parquet.column(l).physical_type() == Physical::INT96);
        let unit_ok = matches!(
            b.schema().field(i).data_type(),
            DataType::Timestamp(
                TimeUnit::Second | TimeUnit::Millisecond | TimeUnit::Microsecond,
                None
            )
        );
        if int96 || !unit_ok || leaf.is_none() {
            return Ok(None);
        }
    }
    Ok(Some(b.metadata().file_metadata().num_rows().max(0) as u64))
}

/// One decoded batch: the requested columns in the pipeline's types, and
/// the file row of its first row.
pub struct Batch {
    pub first_row: u64,
    pub columns: Vec<ArrayRef>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |c| c.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn string(&self, i: usize) -> &StringArray {
        self.columns[i]
            .as_any()
            .downcast_ref()
            .expect("cast to Utf8")
    }

    pub fn int(&self, i: usize) -> &Int64Array {
        self.columns[i]
            .as_any()
            .downcast_ref()
            .expect("cast to Int64")
    }

    pub fn timestamp(&self, i: usize) -> &TimestampMicrosecondArray {
        self.columns[i]
            .as_any()
            .downcast_ref()
            .expect("cast to Timestamp(µs)")
    }
}

/// Decode `cols` of `file`, batch by batch, into `each`.
pub fn read(file: &Path, cols: &[Col], each: impl FnMut(Batch) -> Result<()>) -> Result<()> {
    read_rows(file, &named(cols), None, each)
}

/// Every row of the columns `cols` (name, type) of a small Parquet file,
/// such as a dimension snapshot, cast to those types: one array per column.
pub fn read_all(file: &Path, cols: &[(&str, DataType)]) -> Result<Vec<ArrayRef>> {
    let mut parts: Vec<Vec<ArrayRef>> = vec![Vec::new(); cols.len()];
    read_rows(file, cols, None, |b| {
        for (part, column) in parts.iter_mut().zip(b.columns) {
            part.push(column);
        }
        Ok(())
    })?;
    parts
        .iter()
        .zip(cols)
        .map(|(part, (_, t))| concat(part, t))
        .collect()
}

fn named(cols: &[Col]) -> Vec<(&'static str, DataType)> {
    cols.iter().map(|c| (c.name(), c.data_type())).collect()
}

/// Decode `cols` of only the rows `rows` (sorted file rows) of `file`, which
/// has `total` rows; a batch's `first_row` is then its position among them.
pub fn read_selected(
    file: &Path,
    cols: &[Col],
    rows: &[u64],
    total: u64,
    each: impl FnMut(Batch) -> Result<()>,
) -> Result<()> {
    let total = total as usize;
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for &r in rows {
        let r = r as usize;
        match ranges.last_mut() {
            Some(last) if last.end == r => last.end = r + 1,
            _ => ranges.push(r..r + 1),
        }
    }
    let selection = RowSelection::from_consecutive_ranges(ranges.into_iter(), total);
    read_rows(file, &named(cols), Some(selection), each)
}

/// Decode the columns `cols` (name, type) of `file`, cast to those types.
fn read_rows(
    file: &Path,
    cols: &[(&str, DataType)],
    selection: Option<RowSelection>,
    mut each: impl FnMut(Batch) -> Result<()>,
) -> Result<()> {
    let mut run = || -> Result<()> {
        let f = File::open(file)?;
        let b = ParquetRecordBatchReaderBuilder::try_new(f).map_err(read_error)?;
        let parquet = b.parquet_schema();
        // Top-level columns by name (the files may order them differently).
        let mut leaves = Vec::with_capacity(cols.len());
        for (name, _) in cols {
            let l = parquet
                .columns()
                .iter()
                .position(|d| d.path().parts() == [*name])
                .ok_or_else(|| anyhow!("no column {name}"))?;
            leaves.push(l);
        }
        let mask = ProjectionMask::leaves(parquet, leaves);
        let mut b = b.with_projection(mask).with_batch_size(BATCH_ROWS);
        if let Some(selection) = selection.clone() {
            b = b.with_row_selection(selection);
        }
        let reader = b.build()?;
        let options = CastOptions {
            safe: false,
            ..CastOptions::default()
        };
        let mut first_row = 0u64;
        for rb in reader {
            let rb = rb.map_err(read_error)?;
            let mut columns = Vec::with_capacity(cols.len());
            for (name, t) in cols {
                let a = rb
                    .column_by_name(name)
                    .ok_or_else(|| anyhow!("no column {name}"))?;
                columns.push(if a.data_type() == t {
                    a.clone()
                } else {
                    cast_with_options(a, t, &options).with_context(|| format!("column {name}"))?
                });
            }
            let n = rb.num_rows() as u64;
            each(Batch { first_row, columns })?;
            first_row += n;
        }
        Ok(())
    };
    run().with_context(|| format!("reading {}", file.display()))
}

/// A Parquet error, worded so that the build's repair of invalid UTF-8
/// (`lake::repair`) recognises one. The caller names the file.
fn read_error(e: impl std::fmt::Display) -> anyhow::Error {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("utf8") || lower.contains("utf-8") {
        anyhow!("invalid string encoding ({text})")
    } else {
        anyhow!("{text}")
    }
}

/// The arrays of `parts` one after another; an empty array of type `t`
/// when there are none (a file of no rows gives no batch).
pub fn concat<'a>(parts: impl IntoIterator<Item = &'a ArrayRef>, t: &DataType) -> Result<ArrayRef> {
    let parts: Vec<&dyn Array> = parts.into_iter().map(|a| a.as_ref()).collect();
    if parts.is_empty() {
        return Ok(arrow::array::new_empty_array(t));
    }
    Ok(arrow::compute::concat(&parts)?)
}

/// Every landing column as a nullable field of its pipeline type, in
/// `landing_rows`' order.
pub fn fields() -> Vec<Field> {
    Col::ALL
        .iter()
        .map(|c| Field::new(c.name(), c.data_type(), true))
        .collect()
}

/// The Arrow schema of the candidates ([`super::scan`], [`super::versions`]):
/// every landing column, then file_id and src_row.
pub fn candidate_schema() -> Arc<Schema> {
    let mut fields = fields();
    fields.push(Field::new("file_id", DataType::Int64, true));
    fields.push(Field::new("src_row", DataType::Int64, true));
    Arc::new(Schema::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{TimestampNanosecondArray, TimestampSecondArray};
    use chrono::NaiveDate;

    /// A landing file whose two timestamps are `ts`, as `RawFile`.
    fn file_with(dir: &Path, name: &str, ts: ArrayRef) -> RawFile {
        let path = dir.join(name);
        let schema = Arc::new(Schema::new(vec![
            Field::new("event_ts", ts.data_type().clone(), true),
            Field::new("ingestion_ts", ts.data_type().clone(), true),
        ]));
        let rb = arrow::array::RecordBatch::try_new(schema.clone(), vec![ts.clone(), ts]).unwrap();
        let mut w =
            parquet::arrow::ArrowWriter::try_new(File::create(&path).unwrap(), schema, None)
                .unwrap();
        w.write(&rb).unwrap();
        w.close().unwrap();
        RawFile {
            dt: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            path,
            name: name.into(),
            bytes: 0,
            modified: None,
        }
    }

    #[test]
    fn nanosecond_timestamps_are_left_to_the_sql_engine() {
        let dir = tempfile::tempdir().unwrap();
        let micros = file_with(
            dir.path(),
            "us.parquet",
            Arc::new(TimestampMicrosecondArray::from(vec![1])),
        );
        let secs = file_with(
            dir.path(),
            "s.parquet",
            Arc::new(TimestampSecondArray::from(vec![1])),
        );
        let nanos = file_with(
            dir.path(),
            "ns.parquet",
            Arc::new(TimestampNanosecondArray::from(vec![1])),
        );
        assert_eq!(supported_rows(&micros).unwrap(), Some(1));
        assert_eq!(supported_rows(&secs).unwrap(), Some(1));
        assert_eq!(supported_rows(&nanos).unwrap(), None);
        // Seconds are read as microseconds, as DuckDB's CAST does.
        let mut got = Vec::new();
        read(&secs.path, &[Col::EventTs], |b| {
            got.push(b.timestamp(0).value(0));
            Ok(())
        })
        .unwrap();
        assert_eq!(got, vec![1_000_000]);
    }

    #[test]
    fn a_refused_string_reads_as_an_encoding_error() {
        let e = read_error("encountered non UTF-8 data");
        assert!(e.to_string().contains("invalid string encoding"), "{e}");
        let e = read_error("EOF");
        assert!(!e.to_string().contains("encoding"), "{e}");
    }

    #[test]
    fn candidate_columns_follow_landing_rows() {
        let s = candidate_schema();
        let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(
            names,
            [
                "event_id",
                "user_id",
                "show_id",
                "country",
                "watch_seconds",
                "event_ts",
                "src",
                "ingestion_ts",
                "file_id",
                "src_row"
            ]
        );
    }
}
