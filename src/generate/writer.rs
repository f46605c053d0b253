//! Parquet writing for generated lakes: raw landing files and the dimension
//! tables, with the physical types SPEC §1 names (naive UTC timestamps, so
//! DuckDB reads `TIMESTAMP`).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Int32Array, Int64Array, StringArray, StringBuilder,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::events::{
    MICROS_PER_DAY, NULL_COUNTRY, NULL_EVENT_ID, NULL_EVENT_TS, NULL_SHOW_ID, NULL_USER_ID,
    NULL_WATCH_SECONDS, Row, SOURCES, country_code, days_since_epoch,
};
use super::world::World;

/// Rows per row group in raw files.
const ROW_GROUP: usize = 128 * 1024;

fn props() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(1).expect("valid level"),
        ))
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .set_created_by(format!("top10 {}", env!("CARGO_PKG_VERSION")))
        .build()
}

fn ts_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, None)
}

/// Write one record batch to `path` as Parquet.
pub fn write_batch(path: &Path, batch: &RecordBatch) -> Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props()))
        .with_context(|| format!("writing {}", path.display()))?;
    writer
        .write(batch)
        .and_then(|_| writer.close().map(|_| ()))
        .with_context(|| format!("writing {}", path.display()))
}

fn nullable<T: Copy>(rows: &[Row], flag: u8, f: impl Fn(&Row) -> T) -> Vec<Option<T>> {
    rows.iter()
        .map(|r| (r.nulls & flag == 0).then(|| f(r)))
        .collect()
}

/// Raw rows as a record batch in the SPEC §1 `raw_watch_events` schema.
pub fn raw_batch(world: &World, rows: &[Row]) -> Result<RecordBatch> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("event_id", DataType::Utf8, true),
        Field::new("user_id", DataType::Int64, true),
        Field::new("show_id", DataType::Int64, true),
        Field::new("country", DataType::Utf8, true),
        Field::new("watch_seconds", DataType::Int32, true),
        Field::new("event_ts", ts_type(), true),
        Field::new("src", DataType::Utf8, true),
        Field::new("ingestion_ts", ts_type(), true),
    ]));
    let mut ids = StringBuilder::with_capacity(rows.len(), rows.len() * 15);
    let mut buf = *b"ev-000000000000";
    for r in rows {
        if r.nulls & NULL_EVENT_ID != 0 {
            ids.append_null();
        } else {
            hex12(r.event_key, &mut buf[3..]);
            ids.append_value(std::str::from_utf8(&buf).expect("ascii"));
        }
    }
    let countries: StringArray = rows
        .iter()
        .map(|r| (r.nulls & NULL_COUNTRY == 0).then(|| country_code(world, r.country)))
        .collect();
    let srcs: StringArray = rows
        .iter()
        .map(|r| Some(SOURCES[usize::from(r.src)]))
        .collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(ids.finish()),
        Arc::new(Int64Array::from(nullable(rows, NULL_USER_ID, |r| {
            r.user_id
        }))),
        Arc::new(Int64Array::from(nullable(rows, NULL_SHOW_ID, |r| {
            r.show_id
        }))),
        Arc::new(countries),
        Arc::new(Int32Array::from(nullable(rows, NULL_WATCH_SECONDS, |r| {
            r.watch_seconds
        }))),
        Arc::new(TimestampMicrosecondArray::from(nullable(
            rows,
            NULL_EVENT_TS,
            |r| r.event_ts,
        ))),
        Arc::new(srcs),
        Arc::new(TimestampMicrosecondArray::from(
            rows.iter().map(|r| r.ingestion_ts).collect::<Vec<_>>(),
        )),
    ];
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// Lower-case hex of the low 48 bits, into 12 bytes.
fn hex12(x: u64, out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in out.iter_mut().take(12).enumerate() {
        *b = HEX[((x >> (44 - 4 * i)) & 0xf) as usize];
    }
}

fn date32(d: NaiveDate) -> i32 {
    days_since_epoch(d) as i32
}

fn ts_of_date(d: NaiveDate, seconds: i64) -> i64 {
    days_since_epoch(d) * MICROS_PER_DAY + seconds * 1_000_000
}

fn batch(fields: Vec<Field>, columns: Vec<ArrayRef>) -> Result<RecordBatch> {
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// Write the five dimension tables of SPEC §1 into `lake`.
pub fn write_dimensions(world: &World, lake: &Path) -> Result<()> {
    let f = |name: &str, t: DataType| Field::new(name, t, true);

    // dim_users
    let u = &world.users;
    write_batch(
        &lake.join("dim_users.parquet"),
        &batch(
            vec![
                f("user_id", DataType::Int64),
                f("signup_date", DataType::Date32),
                f("country", DataType::Utf8),
                f("device_type", DataType::Utf8),
                f("is_active", DataType::Boolean),
                f("created_at", ts_type()),
                f("updated_at", ts_type()),
            ],
            vec![
                Arc::new(Int64Array::from_iter_values(u.iter().map(|x| x.id))),
                Arc::new(Date32Array::from_iter_values(
                    u.iter().map(|x| date32(x.signup_date)),
                )),
                Arc::new(StringArray::from_iter_values(
                    u.iter().map(|x| world.countries[x.country].code),
                )),
                Arc::new(StringArray::from_iter_values(
                    u.iter().map(|x| x.device_type),
                )),
                Arc::new(BooleanArray::from(
                    u.iter().map(|x| x.is_active).collect::<Vec<_>>(),
                )),
                Arc::new(TimestampMicrosecondArray::from_iter_values(
                    u.iter()
                        .map(|x| ts_of_date(x.signup_date, (x.id % 86_400).abs())),
                )),
                Arc::new(TimestampMicrosecondArray::from_iter_values(u.iter().map(
                    |x| ts_of_date(x.signup_date, 86_400 * (x.id % 400) + (x.id % 3_600)),
                ))),
            ],
        )?,
    )?;

    // dim_shows: the catalog (less the orphan) plus the old ids of merged shows.
    let mut shows: Vec<(i64, usize)> = world
        .shows
        .iter()
        .enumerate()
        .filter(|(_, s)| s.in_dim)
        .map(|(i, s)| (s.id, i))
        .collect();
    shows.extend(world.legacy_shows.iter().copied());
    shows.sort_unstable();
    let s = |i: usize| &world.shows[i];
    write_batch(
        &lake.join("dim_shows.parquet"),
        &batch(
            vec![
                f("show_id", DataType::Int64),
                f("title", DataType::Utf8),
                f("genre", DataType::Utf8),
                f("is_original", DataType::Boolean),
                f("release_date", DataType::Date32),
                f("maturity_rating", DataType::Utf8),
                f("runtime_minutes", DataType::Int32),
            ],
            vec![
                Arc::new(Int64Array::from_iter_values(shows.iter().map(|x| x.0))),
                Arc::new(StringArray::from_iter_values(
                    shows.iter().map(|x| s(x.1).title.as_str()),
                )),
                Arc::new(StringArray::from_iter_values(
                    shows.iter().map(|x| s(x.1).genre),
                )),
                Arc::new(BooleanArray::from(
                    shows.iter().map(|x| s(x.1).is_original).collect::<Vec<_>>(),
                )),
                Arc::new(Date32Array::from_iter_values(
                    shows.iter().map(|x| date32(s(x.1).release_date)),
                )),
                Arc::new(StringArray::from_iter_values(
                    shows.iter().map(|x| s(x.1).maturity_rating),
                )),
                Arc::new(Int32Array::from_iter_values(
                    shows.iter().map(|x| s(x.1).runtime_minutes),
                )),
            ],
        )?,
    )?;

    // dim_geo
    let g = &world.countries;
    write_batch(
        &lake.join("dim_geo.parquet"),
        &batch(
            vec![
                f("country", DataType::Utf8),
                f("country_name", DataType::Utf8),
                f("timezone", DataType::Utf8),
            ],
            vec![
                Arc::new(StringArray::from_iter_values(g.iter().map(|c| c.code))),
                Arc::new(StringArray::from_iter_values(g.iter().map(|c| c.name))),
                Arc::new(StringArray::from_iter_values(g.iter().map(|c| c.tz))),
            ],
        )?,
    )?;

    // show_canonical_map
    let m = &world.merges;
    write_batch(
        &lake.join("show_canonical_map.parquet"),
        &batch(
            vec![
                f("old_show_id", DataType::Int64),
                f("new_show_id", DataType::Int64),
                f("merge_date", DataType::Date32),
            ],
            vec![
                Arc::new(Int64Array::from_iter_values(m.iter().map(|x| x.old))),
                Arc::new(Int64Array::from_iter_values(m.iter().map(|x| x.new))),
                Arc::new(Date32Array::from_iter_values(
                    m.iter().map(|x| date32(x.date)),
                )),
            ],
        )?,
    )?;

    // content_restrictions
    let r = &world.restrictions;
    write_batch(
        &lake.join("content_restrictions.parquet"),
        &batch(
            vec![
                f("show_id", DataType::Int64),
                f("restriction_type", DataType::Utf8),
                f("region_code", DataType::Utf8),
            ],
            vec![
                Arc::new(Int64Array::from_iter_values(r.iter().map(|x| x.show_id))),
                Arc::new(StringArray::from_iter_values(r.iter().map(|x| x.kind))),
                Arc::new(r.iter().map(|x| x.region).collect::<StringArray>()),
            ],
        )?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_twelve_digits() {
        let mut b = [0u8; 12];
        hex12(0xabc0_0000_0001, &mut b);
        assert_eq!(&b, b"abc000000001");
    }
}
