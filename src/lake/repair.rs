//! Lake files whose strings are not valid UTF-8.
//!
//! DuckDB refuses a Parquet file whole when one value of a string column is
//! not valid UTF-8 ("Invalid string encoding found in Parquet file …"), so a
//! single row written by a producer with another encoding (Latin-1, say)
//! would stop every build. SPEC §2 wants bad rows handled, not the build
//! stopped: such a file is read from a *repaired copy* instead, in which
//! each invalid byte sequence of a string column is replaced by U+FFFD (as
//! `String::from_utf8_lossy` does) and everything else — columns, types,
//! row order — is as it was. A repaired country is then not in dim_geo and
//! its row is quarantined as `unknown_country`; a repaired title is shown
//! with the replacement character. Two ids that differ only in their
//! invalid bytes become the same id.
//!
//! Repairing costs a second read and write of the file, so it happens only
//! after DuckDB has refused to read: valid lakes never pay for it. A build
//! reads the landing files wherever it uses the raw rows, so when one is
//! refused the build starts over ([`build_repairing`]) with copies of the
//! files that need it; a dimension file is read once, and only that read is
//! repeated ([`read_repairing`]). Copies are written inside the build's
//! staging folder (which its DuckDB connection may read) and deleted before
//! the version is committed. The raw rows keep the original file's name
//! below `raw_watch_events/` and their row numbers, so lineage still points
//! at the delivered file and row.

use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow::array::{Array, ArrayRef, BinaryArray, RecordBatch, RecordBatchReader, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::basic::{Compression, ConvertedType, LogicalType, Type as PhysicalType};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::{SchemaDescriptor, Type, TypePtr};
use tempfile::TempPath;

use super::RawFile;

/// Whether a DuckDB error is its refusal of strings that are not UTF-8
/// (`Invalid string encoding found in Parquet file "…": value "…" is not
/// valid UTF8!`).
fn is_encoding_error(err: &anyhow::Error) -> bool {
    let text = format!("{err:#}").to_lowercase();
    text.contains("invalid string encoding")
        || text.contains("not valid utf8")
        || text.contains("invalid unicode")
}

/// The folder of a build's staging folder that holds repaired copies of
/// landing files while the build runs.
const REPAIRED_DIR: &str = "_repaired";

/// Run `build`, which reads the landing `files` and writes only into
/// `staging`. If DuckDB refuses a file's strings at any point (the raw rows
/// are read where they are used), empty `staging` and run `build` once
/// more, with a repaired copy (in `staging/_repaired`, removed before
/// returning) in place of each file whose strings are not valid UTF-8.
pub fn build_repairing<T>(
    files: &[&RawFile],
    staging: &Path,
    mut build: impl FnMut(&[&RawFile]) -> Result<T>,
) -> Result<T> {
    let err = match build(files) {
        Ok(v) => return Ok(v),
        Err(e) if is_encoding_error(&e) => e,
        Err(e) => return Err(e),
    };
    let scratch = staging.join(REPAIRED_DIR);
    let mut copies = Vec::new();
    let mut repaired = Vec::with_capacity(files.len());
    for f in files {
        let mut f = (*f).clone();
        if let Some(copy) = readable_copy(&f.path, &scratch)? {
            f.path = copy.to_path_buf();
            copies.push(copy);
        }
        repaired.push(f);
    }
    if copies.is_empty() {
        let _ = fs::remove_dir_all(&scratch);
        return Err(err);
    }
    // What the failed attempt wrote goes; the copies stay.
    for entry in fs::read_dir(staging)? {
        let path = entry?.path();
        if path == scratch {
            continue;
        }
        if path.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    let repaired: Vec<&RawFile> = repaired.iter().collect();
    let out = build(&repaired);
    drop(copies);
    let _ = fs::remove_dir_all(&scratch);
    out
}

/// Run `read` on `file` (a statement that is all or nothing, such as
/// `CREATE TABLE … AS SELECT … FROM read_parquet(file)`). If DuckDB refuses
/// the file's strings, run it once more on a repaired copy in `scratch`.
pub fn read_repairing<T, E>(
    file: &Path,
    scratch: &Path,
    mut read: impl FnMut(&Path) -> std::result::Result<T, E>,
) -> Result<T>
where
    E: Into<anyhow::Error>,
{
    let err = match read(file) {
        Ok(v) => return Ok(v),
        Err(e) => e.into(),
    };
    if !is_encoding_error(&err) {
        return Err(err);
    }
    match readable_copy(file, scratch)? {
        Some(copy) => read(&copy).map_err(Into::into),
        None => Err(err),
    }
}

/// Whether a column holds strings: BYTE_ARRAY annotated as text.
fn is_text(t: &Type) -> bool {
    if !t.is_primitive() || t.get_physical_type() != PhysicalType::BYTE_ARRAY {
        return false;
    }
    let info = t.get_basic_info();
    matches!(
        info.logical_type_ref(),
        Some(LogicalType::String | LogicalType::Enum | LogicalType::Json)
    ) || matches!(
        info.converted_type(),
        ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON
    )
}

/// A copy of the Parquet `file` in `scratch` with every invalid UTF-8
/// sequence of its top-level string columns replaced by U+FFFD, or `None`
/// when all its strings are valid. The copy is deleted when the returned
/// path is dropped.
pub fn readable_copy(file: &Path, scratch: &Path) -> Result<Option<TempPath>> {
    let context = || format!("repairing the strings of {}", file.display());
    copy_repaired(file, scratch).with_context(context)
}

fn copy_repaired(file: &Path, scratch: &Path) -> Result<Option<TempPath>> {
    let open = || File::open(file).with_context(|| format!("cannot open {}", file.display()));
    // The file's schema with its string columns' text annotation taken off,
    // so the reader hands their bytes over as they are instead of refusing
    // invalid UTF-8 (arrow validates text as DuckDB does).
    let meta = ParquetRecordBatchReaderBuilder::try_new(open()?)?;
    let root = meta.parquet_schema().root_schema();
    let mut text = Vec::new();
    let mut fields: Vec<TypePtr> = Vec::new();
    for (i, field) in root.get_fields().iter().enumerate() {
        if is_text(field) {
            text.push(i);
            let info = field.get_basic_info();
            let bytes = Type::primitive_type_builder(field.name(), PhysicalType::BYTE_ARRAY)
                .with_repetition(info.repetition())
                .with_id(info.has_id().then(|| info.id()))
                .build()?;
            fields.push(Arc::new(bytes));
        } else {
            fields.push(Arc::clone(field));
        }
    }
    if text.is_empty() {
        return Ok(None);
    }
    let raw_root = Type::group_type_builder(root.name())
        .with_fields(fields)
        .build()?;
    let options = ArrowReaderOptions::new()
        .with_parquet_schema(Arc::new(SchemaDescriptor::new(Arc::new(raw_root))))
        .with_skip_arrow_metadata(true);
    let reader =
        ParquetRecordBatchReaderBuilder::try_new_with_options(open()?, options)?.build()?;

    // Written with the text annotation back, the strings repaired.
    let in_schema = reader.schema();
    let out_schema = Arc::new(Schema::new(
        in_schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if text.contains(&i) {
                    Arc::new(Field::new(f.name(), DataType::Utf8, f.is_nullable()))
                } else {
                    Arc::clone(f)
                }
            })
            .collect::<Vec<_>>(),
    ));
    fs::create_dir_all(scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let copy = tempfile::Builder::new()
        .prefix("repaired-")
        .suffix(".parquet")
        .tempfile_in(scratch)
        .with_context(|| format!("cannot create a file in {}", scratch.display()))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer = ArrowWriter::try_new(
        copy.as_file().try_clone()?,
        Arc::clone(&out_schema),
        Some(props),
    )?;
    let mut repaired_any = false;
    for batch in reader {
        let batch = batch?;
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        for &i in &text {
            let bytes = columns[i]
                .as_any()
                .downcast_ref::<BinaryArray>()
                .context("a string column read as bytes")?;
            repaired_any |= bytes
                .iter()
                .flatten()
                .any(|b| std::str::from_utf8(b).is_err());
            let strings: StringArray = bytes
                .iter()
                .map(|b| b.map(String::from_utf8_lossy))
                .collect();
            columns[i] = Arc::new(strings);
        }
        writer.write(&RecordBatch::try_new(Arc::clone(&out_schema), columns)?)?;
    }
    writer.close()?;
    // Only a file that needed it is read from a copy.
    Ok(repaired_any.then(|| copy.into_temp_path()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;
    use duckdb::Connection;
    use parquet::arrow::arrow_writer::ArrowWriterOptions;
    use parquet::schema::parser::parse_message_type;

    /// A file with a string column `s` of `values` (raw bytes, annotated
    /// as text) and an integer column `n` numbering the rows.
    fn write(path: &Path, values: &[Option<&[u8]>]) {
        let message = "message m { optional binary s (STRING); required int64 n; }";
        let descr = SchemaDescriptor::new(Arc::new(parse_message_type(message).unwrap()));
        let schema = Arc::new(Schema::new(vec![
            Field::new("s", DataType::Binary, true),
            Field::new("n", DataType::Int64, false),
        ]));
        let batch = RecordBatch::try_new(
            Arc::clone(&schema),
            vec![
                Arc::new(BinaryArray::from(values.to_vec())),
                Arc::new(Int64Array::from_iter_values(0..values.len() as i64)),
            ],
        )
        .unwrap();
        let options = ArrowWriterOptions::new()
            .with_parquet_schema(descr)
            .with_skip_arrow_metadata(true);
        let mut w = ArrowWriter::try_new_with_options(File::create(path).unwrap(), schema, options)
            .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    fn read_strings(conn: &Connection, path: &Path) -> duckdb::Result<Vec<(Option<String>, i64)>> {
        let mut stmt = conn.prepare(&format!(
            "SELECT s, n FROM read_parquet({}) ORDER BY file_row_number",
            crate::db::path_literal(path)
        ))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect()
    }

    #[test]
    fn only_invalid_strings_are_replaced_and_rows_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let (good, bad) = (
            dir.path().join("good.parquet"),
            dir.path().join("bad.parquet"),
        );
        write(&good, &[Some(b"ok"), None]);
        write(
            &bad,
            &[Some(b"ok"), None, Some(b"caf\xe9"), Some(b"\xff\xfe")],
        );
        let scratch = dir.path().join("scratch");
        assert!(readable_copy(&good, &scratch).unwrap().is_none());
        assert_eq!(
            std::fs::read_dir(&scratch).unwrap().count(),
            0,
            "no copy left"
        );

        let conn = Connection::open_in_memory().unwrap();
        let err = read_strings(&conn, &bad).unwrap_err().to_string();
        assert!(is_encoding_error(&anyhow::anyhow!(err.clone())), "{err}");
        let copy = readable_copy(&bad, &scratch).unwrap().unwrap();
        assert_eq!(
            read_strings(&conn, &copy).unwrap(),
            [
                (Some("ok".to_string()), 0),
                (None, 1),
                (Some("caf\u{fffd}".to_string()), 2),
                (Some("\u{fffd}\u{fffd}".to_string()), 3)
            ]
        );
        let kept = copy.to_path_buf();
        drop(copy);
        assert!(!kept.exists(), "the copy is deleted when dropped");

        let got = read_repairing(&bad, &scratch, |p| read_strings(&conn, p)).unwrap();
        assert_eq!(got.len(), 4);
        let other = read_repairing(&dir.path().join("missing.parquet"), &scratch, |p| {
            read_strings(&conn, p)
        });
        assert!(other.is_err(), "other errors pass through");
    }
}
