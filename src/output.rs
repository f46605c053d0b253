//! Query results as a small typed table, and their three renderings:
//! aligned text for people, CSV for spreadsheets, JSON for programs.

use std::io::Write;

use anyhow::Result;
use duckdb::types::{TimeUnit, Value};
use serde_json::{Map, Number, Value as Json};

use crate::cli::Format;

/// One cell of a result.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Cell {
    /// Convert a DuckDB value; dates and timestamps become ISO text.
    pub fn from_value(v: Value) -> Cell {
        use chrono::{DateTime, NaiveDate};
        match v {
            Value::Null => Cell::Null,
            Value::Boolean(b) => Cell::Bool(b),
            Value::TinyInt(i) => Cell::Int(i.into()),
            Value::SmallInt(i) => Cell::Int(i.into()),
            Value::Int(i) => Cell::Int(i.into()),
            Value::BigInt(i) => Cell::Int(i),
            Value::HugeInt(i) => i64::try_from(i).map_or(Cell::Float(i as f64), Cell::Int),
            Value::UTinyInt(i) => Cell::Int(i.into()),
            Value::USmallInt(i) => Cell::Int(i.into()),
            Value::UInt(i) => Cell::Int(i.into()),
            Value::UBigInt(i) => i64::try_from(i).map_or(Cell::Float(i as f64), Cell::Int),
            Value::Float(f) => Cell::Float(f.into()),
            Value::Double(f) => Cell::Float(f),
            Value::Decimal(d) => Cell::Float(d.to_string().parse().unwrap_or(f64::NAN)),
            Value::Text(s) => Cell::Text(s),
            // DuckDB's dates reach further than chrono's (and include
            // ±infinity): those are shown empty, as timestamps are, never a
            // panic.
            Value::Date32(days) => Cell::Text(
                NaiveDate::from_ymd_opt(1970, 1, 1)
                    .expect("epoch")
                    .checked_add_signed(chrono::Duration::days(days.into()))
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            Value::Timestamp(unit, t) => {
                let micros = match unit {
                    TimeUnit::Second => t.saturating_mul(1_000_000),
                    TimeUnit::Millisecond => t.saturating_mul(1_000),
                    TimeUnit::Microsecond => t,
                    TimeUnit::Nanosecond => t / 1_000,
                };
                Cell::Text(
                    DateTime::from_timestamp_micros(micros)
                        .map(|d| d.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string())
                        .unwrap_or_default(),
                )
            }
            other => Cell::Text(format!("{other:?}")),
        }
    }

    /// Text for the table and CSV renderings.
    pub fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => format!("{f:.2}"),
            Cell::Text(s) => s.clone(),
        }
    }

    fn json(&self) -> Json {
        match self {
            Cell::Null => Json::Null,
            Cell::Bool(b) => Json::Bool(*b),
            Cell::Int(i) => Json::Number((*i).into()),
            Cell::Float(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Cell::Text(s) => Json::String(s.clone()),
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Float(_))
    }
}

/// A query result: named columns and rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Run a prepared query with parameters and collect every row. The
    /// statement is kept in the connection's cache: the explorer and the
    /// benchmarks ask the same few queries again and again, and preparing
    /// costs more than answering the homepage Top 10.
    pub fn query(
        conn: &duckdb::Connection,
        sql: &str,
        params: &[&dyn duckdb::ToSql],
    ) -> Result<Table> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let columns: Vec<String> = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let cells = (0..columns.len())
                .map(|i| row.get::<_, Value>(i).map(Cell::from_value))
                .collect::<duckdb::Result<Vec<_>>>()?;
            out.push(cells);
        }
        Ok(Table { columns, rows: out })
    }

    /// Write the table in `format`.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> Result<()> {
        match format {
            Format::Table => self.write_aligned(out),
            Format::Csv => self.write_csv(out),
            Format::Json => self.write_json(out),
        }
    }

    /// Aligned columns: numbers right-aligned, text left-aligned.
    fn write_aligned(&self, out: &mut dyn Write) -> Result<()> {
        let texts: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                texts
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([self.columns[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| self.rows.iter().any(|r| r[i].is_numeric()))
            .collect();
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = widths[i].saturating_sub(c.chars().count());
                    if numeric[i] {
                        format!("{}{c}", " ".repeat(pad))
                    } else {
                        format!("{c}{}", " ".repeat(pad))
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        writeln!(out, "{}", line(&self.columns))?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        writeln!(out, "{}", rule.join("  "))?;
        for r in &texts {
            writeln!(out, "{}", line(r))?;
        }
        Ok(())
    }

    fn write_csv(&self, out: &mut dyn Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.columns)?;
        for r in &self.rows {
            w.write_record(r.iter().map(Cell::text))?;
        }
        w.flush()?;
        Ok(())
    }

    /// The rows as JSON objects, keys in column order.
    pub fn to_json(&self) -> Json {
        Json::Array(
            self.rows
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    for (c, v) in self.columns.iter().zip(r) {
                        m.insert(c.clone(), v.json());
                    }
                    Json::Object(m)
                })
                .collect(),
        )
    }

    fn write_json(&self, out: &mut dyn Write) -> Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.to_json())?;
        writeln!(out)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table {
            columns: vec!["rank".into(), "title".into(), "share".into()],
            rows: vec![
                vec![
                    Cell::Int(1),
                    Cell::Text("Dark, \"Harbor\"".into()),
                    Cell::Float(12.345),
                ],
                vec![Cell::Int(10), Cell::Null, Cell::Float(0.0)],
            ],
        }
    }

    fn render(t: &Table, f: Format) -> String {
        let mut buf = Vec::new();
        t.write(f, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn aligned_table_right_aligns_numbers() {
        let s = render(&sample(), Format::Table);
        assert_eq!(
            s,
            "rank  title           share\n----  --------------  -----\n   1  Dark, \"Harbor\"  12.35\n  10                   0.00\n"
        );
    }

    #[test]
    fn csv_quotes_and_json_keeps_types() {
        let s = render(&sample(), Format::Csv);
        assert_eq!(
            s,
            "rank,title,share\n1,\"Dark, \"\"Harbor\"\"\",12.35\n10,,0.00\n"
        );
        let j: Json = serde_json::from_str(&render(&sample(), Format::Json)).unwrap();
        assert_eq!(j[1]["title"], Json::Null);
        assert_eq!(j[0]["rank"], 1);
        let keys: Vec<&String> = j[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["rank", "title", "share"]);
    }
}
