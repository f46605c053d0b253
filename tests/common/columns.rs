//! Tolerant readers for Parquet files written by `top10` (DuckDB) or by the tests.
//!
//! Every getter takes a column by name and accepts the physical types a writer may
//! reasonably choose (any integer width, any timestamp unit with or without a time
//! zone, plain/large/view/dictionary strings), converting to one canonical Rust
//! type. A missing column or a type that cannot mean what is asked for panics with
//! the file and the column named.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{
    DataType, Date32Type, Date64Type, Float64Type, Int64Type, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{DAY, SECOND};

/// All rows of one Parquet file, as Arrow batches, with the file's path for messages.
pub struct ParquetFile {
    pub path: String,
    pub batches: Vec<RecordBatch>,
}

impl ParquetFile {
    /// Reads a whole Parquet file.
    pub fn read(path: &Path) -> Self {
        let shown = path.display().to_string();
        let file = File::open(path).unwrap_or_else(|e| panic!("cannot open {shown}: {e}"));
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.build())
            .unwrap_or_else(|e| panic!("cannot read {shown} as Parquet: {e}"));
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("cannot decode {shown}: {e}"));
        Self {
            path: shown,
            batches,
        }
    }

    /// Number of rows in the file.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Whether the file has a column of that name.
    pub fn has_column(&self, name: &str) -> bool {
        self.batches
            .first()
            .is_some_and(|b| b.schema().column_with_name(name).is_some())
    }

    fn columns(&self, name: &str) -> Vec<ArrayRef> {
        self.batches
            .iter()
            .map(|b| {
                b.column_by_name(name).cloned().unwrap_or_else(|| {
                    let have: Vec<String> = b
                        .schema()
                        .fields()
                        .iter()
                        .map(|f| f.name().clone())
                        .collect();
                    panic!("{}: no column `{name}` (columns: {have:?})", self.path)
                })
            })
            .collect()
    }

    fn bad_type(&self, name: &str, dt: &DataType, wanted: &str) -> ! {
        panic!(
            "{}: column `{name}` has type {dt}, expected {wanted}",
            self.path
        )
    }

    /// A string column.
    pub fn strings(&self, name: &str) -> Vec<Option<String>> {
        let mut out = Vec::with_capacity(self.num_rows());
        for col in self.columns(name) {
            let dt = col.data_type().clone();
            let is_stringish = |t: &DataType| {
                matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
            };
            let ok = is_stringish(&dt)
                || matches!(&dt, DataType::Dictionary(_, v) if is_stringish(v))
                || matches!(dt, DataType::Null);
            if !ok {
                self.bad_type(name, &dt, "a string");
            }
            let col = cast(&col, &DataType::Utf8)
                .unwrap_or_else(|_| self.bad_type(name, &dt, "a string"));
            let a = col.as_string::<i32>();
            out.extend((0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i).to_owned())));
        }
        out
    }

    /// An integer column of any width. A `DOUBLE` or scale-0 `DECIMAL` holding whole
    /// numbers is accepted with a warning on stderr (DuckDB's `SUM` returns
    /// `HUGEINT`, which it may write in those forms when the build does not cast).
    pub fn ints(&self, name: &str) -> Vec<Option<i64>> {
        let mut out = Vec::with_capacity(self.num_rows());
        for col in self.columns(name) {
            let dt = col.data_type().clone();
            let col: ArrayRef = match &dt {
                DataType::Int8
                | DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::UInt8
                | DataType::UInt16
                | DataType::UInt32
                | DataType::UInt64
                | DataType::Null => cast(&col, &DataType::Int64)
                    .unwrap_or_else(|_| self.bad_type(name, &dt, "an integer")),
                DataType::Decimal128(_, 0) | DataType::Decimal256(_, 0) => {
                    eprintln!(
                        "warning: {}: column `{name}` is {dt}, not an integer",
                        self.path
                    );
                    cast(&col, &DataType::Int64)
                        .unwrap_or_else(|_| self.bad_type(name, &dt, "an integer"))
                }
                DataType::Float64 | DataType::Float32 => {
                    eprintln!(
                        "warning: {}: column `{name}` is {dt}, not an integer",
                        self.path
                    );
                    let f = cast(&col, &DataType::Float64)
                        .unwrap_or_else(|_| self.bad_type(name, &dt, "an integer"));
                    let f = f.as_primitive::<Float64Type>();
                    let v: Vec<Option<i64>> = (0..f.len())
                        .map(|i| {
                            f.is_valid(i).then(|| {
                                let x = f.value(i);
                                assert!(x.fract() == 0.0, "{}: `{name}` holds {x}", self.path);
                                x as i64
                            })
                        })
                        .collect();
                    Arc::new(arrow::array::Int64Array::from(v)) as ArrayRef
                }
                _ => self.bad_type(name, &dt, "an integer"),
            };
            let a = col.as_primitive::<Int64Type>();
            out.extend((0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))));
        }
        out
    }

    /// A timestamp column, in microseconds since the epoch, whatever its unit; a time
    /// zone, if any, is ignored (the stored instant is UTC either way).
    pub fn timestamps(&self, name: &str) -> Vec<Option<i64>> {
        let mut out = Vec::with_capacity(self.num_rows());
        for col in self.columns(name) {
            let dt = col.data_type().clone();
            macro_rules! scaled {
                ($t:ty, $f:expr) => {{
                    let a = col.as_primitive::<$t>();
                    out.extend((0..a.len()).map(|i| a.is_valid(i).then(|| $f(a.value(i)))));
                }};
            }
            match dt {
                DataType::Timestamp(TimeUnit::Second, _) => {
                    scaled!(TimestampSecondType, |v: i64| v * SECOND)
                }
                DataType::Timestamp(TimeUnit::Millisecond, _) => {
                    scaled!(TimestampMillisecondType, |v: i64| v * 1_000)
                }
                DataType::Timestamp(TimeUnit::Microsecond, _) => {
                    scaled!(TimestampMicrosecondType, |v: i64| v)
                }
                DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                    scaled!(TimestampNanosecondType, |v: i64| v.div_euclid(1_000))
                }
                DataType::Null => out.extend((0..col.len()).map(|_| None)),
                _ => self.bad_type(name, &dt, "a timestamp"),
            }
        }
        out
    }

    /// A date column, in days since the epoch (`DATE`, `Date64` or a timestamp at
    /// midnight).
    pub fn dates(&self, name: &str) -> Vec<Option<i32>> {
        let mut out = Vec::with_capacity(self.num_rows());
        for col in self.columns(name) {
            let dt = col.data_type().clone();
            match dt {
                DataType::Date32 => {
                    let a = col.as_primitive::<Date32Type>();
                    out.extend((0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))));
                }
                DataType::Date64 => {
                    let a = col.as_primitive::<Date64Type>();
                    out.extend((0..a.len()).map(|i| {
                        a.is_valid(i)
                            .then(|| i32::try_from(a.value(i).div_euclid(DAY / 1_000)).unwrap())
                    }));
                }
                DataType::Timestamp(..) | DataType::Null => {
                    let one = ParquetFile {
                        path: self.path.clone(),
                        batches: vec![RecordBatch::try_from_iter([(name, col)]).unwrap()],
                    };
                    out.extend(
                        one.timestamps(name)
                            .into_iter()
                            .map(|t| t.map(|t| i32::try_from(t.div_euclid(DAY)).unwrap())),
                    );
                }
                _ => self.bad_type(name, &dt, "a date"),
            }
        }
        out
    }

    /// A boolean column.
    pub fn bools(&self, name: &str) -> Vec<Option<bool>> {
        let mut out = Vec::with_capacity(self.num_rows());
        for col in self.columns(name) {
            let dt = col.data_type().clone();
            if dt != DataType::Boolean {
                self.bad_type(name, &dt, "a boolean");
            }
            let a = col.as_boolean();
            out.extend((0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))));
        }
        out
    }
}
