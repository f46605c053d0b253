//! The dimension snapshots of a version: each lake dimension file with the
//! SPEC's column types, in the version as `<name>.parquet`, and a view of
//! that name over it for the build's queries. Never held in DuckDB's memory,
//! where dim_users alone took a gigabyte of the 1.5 GB limit at 20 million
//! users.
//!
//! A lake file whose columns already have the loader's names and DuckDB
//! types, in its order, and whose every value DuckDB reads, is copied as it
//! is: the loaders only cast, so they would write the same values. (Its
//! Parquet layout, such as its compression or row groups, is kept too.) That costs 0.1 s for dim_users at
//! 2 million users, where decoding and encoding it again took 0.4 s (and
//! 4.8 s of the 8.6 s one-day rebuild of the 100 M lake: docs/benchmarks.md).
//! Any other file goes through its loader (`queries/build_load_*.sql`), which
//! casts the columns, and is written anew; from a repaired copy when DuckDB
//! refuses its strings (`lake::repair`).
//!
//! A rebuild of some dates shares the live version's snapshot instead when
//! the lake file still has the bytes that snapshot was copied from (a hard
//! link: a tenth of a 1 M-event lake's one-day rebuild went into copying and
//! checking the five files again).
//!
//! The default engine reads three small snapshots whole in Rust ([`countries`],
//! [`canonical`], [`restrictions`]): a DuckDB statement cost 1 to 4 ms even
//! over a 2 kB file, and without them a rebuild that shares every snapshot
//! need not start DuckDB at all.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Int64Type};
use duckdb::{Connection, params};

use super::landing;
use crate::db;
use crate::lake::{DIMENSIONS, Lake};
use crate::queries::{self, Sql};

/// Write every dimension's snapshot into `staging` and define its view
/// (when DuckDB opens: [`db::BuildDb`]). `previous`: the live version's
/// folder, for a rebuild of some dates. Returns the names of the dimensions
/// whose snapshot it shares.
pub fn snapshot(
    db: &db::BuildDb,
    lake: &Lake,
    staging: &Path,
    previous: Option<&Path>,
) -> Result<Vec<&'static str>> {
    let mut shared = Vec::new();
    for dim in DIMENSIONS {
        let loader = queries::dimension_loader(dim.name).expect("every dimension has a loader");
        let source = lake.dim(dim.name);
        let snapshot = staging.join(format!("{}.parquet", dim.name));
        let unchanged = previous
            .map(|p| p.join(format!("{}.parquet", dim.name)))
            .filter(|p| same_bytes(&source, p).unwrap_or(false));
        if let Some(kept) = unchanged {
            // The live version copied this very file and checked it then:
            // share its snapshot (versions never change).
            super::link_or_copy(&kept, &snapshot)?;
            shared.push(dim.name);
        } else if !copied_as_is(db.conn()?, loader, &source, &snapshot, staging)? {
            rewrite(db.conn()?, loader, &source, &snapshot, staging)?;
        }
        db.view(dim.name, &snapshot)?;
    }
    Ok(shared)
}

/// dim_geo's countries in the snapshots of `dir`: distinct, not NULL, in
/// byte order (DuckDB's order for VARCHAR). The manifest's list, and the
/// default engine's country numbers (a country's position here), which are
/// also the order its tables are written in.
pub fn countries(dir: &Path) -> Result<Vec<String>> {
    let cols = landing::read_all(&dir.join("dim_geo.parquet"), &[("country", DataType::Utf8)])?;
    let countries: BTreeSet<&str> = cols[0].as_string::<i32>().iter().flatten().collect();
    Ok(countries.into_iter().map(String::from).collect())
}

/// The resolved canonical show map in the snapshots of `dir`
/// (`show_canonical_resolved.parquet`): old show id → canonical show id.
pub fn canonical(dir: &Path) -> Result<BTreeMap<i64, i64>> {
    let cols = landing::read_all(
        &dir.join("show_canonical_resolved.parquet"),
        &[
            ("old_show_id", DataType::Int64),
            ("canonical_show_id", DataType::Int64),
        ],
    )?;
    let (old, new) = (
        cols[0].as_primitive::<Int64Type>(),
        cols[1].as_primitive::<Int64Type>(),
    );
    // Both are never NULL: build_canonical_resolve.sql walks only whole edges.
    Ok(old
        .iter()
        .zip(new)
        .filter_map(|(o, n)| Some((o?, n?)))
        .collect())
}

/// One row of content_restrictions, NULLs kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    pub show_id: Option<i64>,
    pub restriction_type: Option<String>,
    pub region_code: Option<String>,
}

/// content_restrictions in the snapshots of `dir`, every row.
pub fn restrictions(dir: &Path) -> Result<Vec<Restriction>> {
    let cols = landing::read_all(
        &dir.join("content_restrictions.parquet"),
        &[
            ("show_id", DataType::Int64),
            ("restriction_type", DataType::Utf8),
            ("region_code", DataType::Utf8),
        ],
    )?;
    let show = cols[0].as_primitive::<Int64Type>();
    let (kind, region) = (cols[1].as_string::<i32>(), cols[2].as_string::<i32>());
    let text = |a: &arrow::array::StringArray, i| a.is_valid(i).then(|| a.value(i).to_string());
    Ok((0..show.len())
        .map(|i| Restriction {
            show_id: show.is_valid(i).then(|| show.value(i)),
            restriction_type: text(kind, i),
            region_code: text(region, i),
        })
        .collect())
}

/// Whether two files hold the same bytes (sizes first, then the contents).
fn same_bytes(a: &Path, b: &Path) -> Result<bool> {
    use std::io::Read;
    if fs::metadata(a)?.len() != fs::metadata(b)?.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (fs::File::open(a)?, fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(fb.read(&mut bb[..1])? == 0);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// Copy `source` into the staging folder's scratch space and, when the
/// copy already is what `loader` would write, move it to `snapshot`. The
/// copy is what is checked, so a lake file replaced meanwhile cannot slip in
/// unchecked; and `snapshot` is only ever written once, so no reader (nor
/// DuckDB's file cache) can see a rejected copy there.
fn copied_as_is(
    conn: &Connection,
    loader: Sql,
    source: &Path,
    snapshot: &Path,
    staging: &Path,
) -> Result<bool> {
    let scratch = staging.join("_tmp");
    fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let copy = scratch.join(snapshot.file_name().expect("a file name"));
    fs::copy(source, &copy).with_context(|| format!("copying {}", source.display()))?;
    // Any error here (a damaged file, strings DuckDB refuses) sends the file
    // through the loader, which reports it or repairs it.
    if matches_loader(conn, loader, &copy).unwrap_or(false) {
        fs::rename(&copy, snapshot).with_context(|| format!("writing {}", snapshot.display()))?;
        return Ok(true);
    }
    fs::remove_file(&copy).with_context(|| format!("removing {}", copy.display()))?;
    Ok(false)
}

/// Whether `file` has exactly the columns `loader` makes of it (names and
/// DuckDB types, in order), and DuckDB reads every value of it. The loaders
/// are casts and nothing else, so then they would write the same values.
fn matches_loader(conn: &Connection, loader: Sql, file: &Path) -> Result<bool> {
    let path = file.to_string_lossy();
    let columns = |sql: &str| -> Result<Vec<(String, String)>> {
        let mut stmt = conn.prepare(&format!(
            "SELECT column_name, column_type FROM (DESCRIBE {sql}\n)"
        ))?;
        let rows = stmt.query_map(params![path], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<duckdb::Result<_>>()?)
    };
    if columns("SELECT * FROM read_parquet($1)")? != columns(loader.text)? {
        return Ok(false);
    }
    conn.prepare(queries::BUILD_READ_DIMENSION.text)?
        .query_row(params![path], |_| Ok(()))?;
    Ok(true)
}

/// Write `loader`'s rows of `source` to `snapshot`.
fn rewrite(
    conn: &Connection,
    loader: Sql,
    source: &Path,
    snapshot: &Path,
    staging: &Path,
) -> Result<()> {
    let copy = format!(
        "COPY ({}) TO {} (FORMAT parquet, COMPRESSION zstd)",
        loader.text,
        db::path_literal(snapshot)
    );
    crate::lake::repair::read_repairing(source, &staging.join("_tmp"), |p| {
        conn.execute(&copy, params![p.to_string_lossy()])
    })
    .with_context(|| format!("reading {}", source.display()))?;
    Ok(())
}
