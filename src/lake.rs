//! The input lake (SPEC §1): finding its files and checking, before anything
//! is read by DuckDB, that every file exists, is Parquet, and has the columns
//! the pipeline needs with usable types. Each problem is one error naming the
//! file and the column. Files whose strings are not valid UTF-8 are read
//! from repaired copies ([`repair`]).

pub mod repair;

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use arrow::datatypes::{DataType, Schema};
use chrono::NaiveDate;
use parquet::arrow::parquet_to_arrow_schema;
use parquet::file::reader::{FileReader, SerializedFileReader};

/// The folder of landing partitions inside a lake.
pub const RAW_DIR: &str = "raw_watch_events";

/// A logical column type, and the physical types accepted for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Varchar,
    Integer,
    Timestamp,
    Date,
    Boolean,
}

impl Kind {
    fn accepts(self, t: &DataType) -> bool {
        use DataType::*;
        match self {
            Kind::Varchar => matches!(t, Utf8 | LargeUtf8 | Utf8View),
            // Not UInt64: its values above BIGINT's range would stop the
            // build inside DuckDB, far from the file that holds them.
            Kind::Integer => matches!(t, Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32),
            Kind::Timestamp => matches!(t, Timestamp(_, None)),
            Kind::Date => matches!(t, Date32 | Date64),
            Kind::Boolean => matches!(t, Boolean),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Varchar => "VARCHAR",
            Kind::Integer => "an integer type that fits BIGINT (INTEGER, BIGINT; not UBIGINT)",
            Kind::Timestamp => "TIMESTAMP (UTC, without time zone)",
            Kind::Date => "DATE",
            Kind::Boolean => "BOOLEAN",
        }
    }
}

/// A table of the lake and its required columns.
pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

use Kind::*;

pub const RAW: TableSpec = TableSpec {
    name: RAW_DIR,
    columns: &[
        ("event_id", Varchar),
        ("user_id", Integer),
        ("show_id", Integer),
        ("country", Varchar),
        ("watch_seconds", Integer),
        ("event_ts", Timestamp),
        ("src", Varchar),
        ("ingestion_ts", Timestamp),
    ],
};

/// The dimension tables, each a single file `<name>.parquet` in the lake.
pub const DIMENSIONS: &[TableSpec] = &[
    TableSpec {
        name: "dim_users",
        columns: &[
            ("user_id", Integer),
            ("signup_date", Date),
            ("country", Varchar),
            ("device_type", Varchar),
            ("is_active", Boolean),
            ("created_at", Timestamp),
            ("updated_at", Timestamp),
        ],
    },
    TableSpec {
        name: "dim_shows",
        columns: &[
            ("show_id", Integer),
            ("title", Varchar),
            ("genre", Varchar),
            ("is_original", Boolean),
            ("release_date", Date),
            ("maturity_rating", Varchar),
            ("runtime_minutes", Integer),
        ],
    },
    TableSpec {
        name: "dim_geo",
        columns: &[
            ("country", Varchar),
            ("country_name", Varchar),
            ("timezone", Varchar),
        ],
    },
    TableSpec {
        name: "show_canonical_map",
        columns: &[
            ("old_show_id", Integer),
            ("new_show_id", Integer),
            ("merge_date", Date),
        ],
    },
    TableSpec {
        name: "content_restrictions",
        columns: &[
            ("show_id", Integer),
            ("restriction_type", Varchar),
            ("region_code", Varchar),
        ],
    },
];

/// One landing file.
#[derive(Debug, Clone)]
pub struct RawFile {
    /// The landing date from its `dt=` folder.
    pub dt: NaiveDate,
    pub path: PathBuf,
    /// Its path below `raw_watch_events/`, e.g. `dt=2026-01-05/part-00000.parquet`:
    /// the identity lineage uses.
    pub name: String,
    pub bytes: u64,
    /// Its modification time when the lake was opened: with `bytes`, what
    /// [`RawFile::unchanged`] compares, since a build reads each file more
    /// than once.
    pub modified: Option<std::time::SystemTime>,
}

impl RawFile {
    /// Fail unless the file still has the size and modification time it
    /// had when the lake was opened.
    pub fn unchanged(&self) -> Result<()> {
        let meta = std::fs::metadata(&self.path).ok();
        let now = (
            meta.as_ref().map(|m| m.len()),
            meta.as_ref().and_then(|m| m.modified().ok()),
        );
        if now != (Some(self.bytes), self.modified) {
            bail!(
                "landing file {} changed while the build read it; nothing was published: build again once the lake is still",
                self.path.display()
            );
        }
        Ok(())
    }
}

/// A lake whose layout has been checked.
#[derive(Debug, Clone)]
pub struct Lake {
    pub root: PathBuf,
    /// Every landing file, by landing date then name.
    pub raw_files: Vec<RawFile>,
}

impl Lake {
    /// Find a lake's files. Fails on a missing folder, a missing dimension
    /// file, a badly named partition, a stray file, or no landing files.
    pub fn open(root: &Path) -> Result<Lake> {
        if !root.is_dir() {
            bail!("lake {} does not exist or is not a folder", root.display());
        }
        crate::db::check_path("lake", root)?;
        let raw_dir = root.join(RAW_DIR);
        if !raw_dir.is_dir() {
            bail!(
                "lake {} has no {RAW_DIR}/ folder: is it a lake (see SPEC §1)?",
                root.display()
            );
        }
        for dim in DIMENSIONS {
            let p = dim_path(root, dim.name);
            if !p.is_file() {
                bail!("lake {} is missing {}", root.display(), p.display());
            }
        }
        let mut raw_files = Vec::new();
        for entry in read_dir_sorted(&raw_dir)? {
            let name = entry
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if is_hidden(&name) {
                continue;
            }
            if !entry.is_dir() {
                bail!(
                    "unexpected file {} in {RAW_DIR}/: expected only dt=YYYY-MM-DD folders",
                    entry.display()
                );
            }
            let dt = name
                .strip_prefix("dt=")
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .with_context(|| {
                    format!(
                        "bad partition folder {}: expected dt=YYYY-MM-DD",
                        entry.display()
                    )
                })?;
            for file in read_dir_sorted(&entry)? {
                let fname = file
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                if is_hidden(&fname) {
                    continue;
                }
                if !file.is_file() || !fname.ends_with(".parquet") {
                    bail!(
                        "unexpected {} in partition {name}: expected only .parquet files",
                        file.display()
                    );
                }
                crate::db::check_path("landing file", &file)?;
                let meta = file.metadata().ok();
                let bytes = meta.as_ref().map(|m| m.len()).unwrap_or(0);
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                raw_files.push(RawFile {
                    dt,
                    path: file,
                    name: format!("{name}/{fname}"),
                    bytes,
                    modified,
                });
            }
        }
        if raw_files.is_empty() {
            bail!(
                "lake {} is empty: no Parquet files under {RAW_DIR}/dt=*/",
                root.display()
            );
        }
        Ok(Lake {
            root: root.to_path_buf(),
            raw_files,
        })
    }

    /// Whether `p` is the lake's folder or inside it (`p` need not exist).
    pub fn contains(&self, p: &Path) -> bool {
        resolved(p).starts_with(resolved(&self.root))
    }

    /// The path of a dimension table's file.
    pub fn dim(&self, name: &str) -> PathBuf {
        dim_path(&self.root, name)
    }

    /// Check the schemas of every dimension file and of `raw` landing files.
    pub fn validate(&self, raw: &[&RawFile]) -> Result<()> {
        for dim in DIMENSIONS {
            check_schema(&self.dim(dim.name), dim)?;
        }
        for f in raw {
            check_schema(&f.path, &RAW)?;
        }
        Ok(())
    }

    /// The landing dates present, in order.
    pub fn landing_dates(&self) -> Vec<NaiveDate> {
        let mut d: Vec<NaiveDate> = self.raw_files.iter().map(|f| f.dt).collect();
        d.dedup();
        d
    }
}

fn dim_path(root: &Path, name: &str) -> PathBuf {
    root.join(format!("{name}.parquet"))
}

/// Spark's `_SUCCESS`, checksum files and editor droppings are not data.
/// `p` as an absolute path with its existing part resolved (symbolic links,
/// `..`), so that two spellings of one folder compare equal even before the
/// folder exists.
fn resolved(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut existing = abs.as_path();
    let mut missing = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    out.extend(missing.iter().rev());
    out
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    v.sort();
    Ok(v)
}

/// Read a Parquet file's schema (its footer only) and check `spec`'s columns.
pub fn check_schema(path: &Path, spec: &TableSpec) -> Result<()> {
    let schema = read_schema(path)?;
    for &(column, kind) in spec.columns {
        match schema.fields().iter().find(|f| f.name() == column) {
            None => bail!(
                "{} has no column {column} (table {} needs it)",
                path.display(),
                spec.name
            ),
            Some(f) if !kind.accepts(f.data_type()) => bail!(
                "{}: column {column} has type {}, expected {}",
                path.display(),
                f.data_type(),
                kind.name()
            ),
            Some(_) => {}
        }
    }
    Ok(())
}

fn read_schema(path: &Path) -> Result<Schema> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader = SerializedFileReader::new(file)
        .map_err(|e| anyhow::anyhow!("{} is not a readable Parquet file ({e})", path.display()))?;
    let meta = reader.metadata().file_metadata();
    parquet_to_arrow_schema(meta.schema_descr(), meta.key_value_metadata())
        .map_err(|e| anyhow::anyhow!("{}: unsupported Parquet schema ({e})", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_dim_geo() -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("g.parquet");
        duckdb::Connection::open_in_memory()
            .unwrap()
            .execute_batch(&format!(
                "COPY (SELECT 'US' AS country, 'United States' AS country_name, 'America/New_York' AS timezone) TO {} (FORMAT parquet)",
                crate::db::path_literal(&f)
            ))
            .unwrap();
        std::fs::read(f).unwrap()
    }

    #[test]
    fn a_landing_file_that_changed_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part-0.parquet");
        std::fs::write(&path, b"first").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let f = RawFile {
            dt: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            path: path.clone(),
            name: "dt=2026-01-05/part-0.parquet".into(),
            bytes: meta.len(),
            modified: meta.modified().ok(),
        };
        f.unchanged().unwrap();
        std::fs::write(&path, b"second, longer").unwrap();
        let err = f.unchanged().unwrap_err().to_string();
        assert!(err.contains("changed while the build read it"), "{err}");
        std::fs::remove_file(&path).unwrap();
        assert!(f.unchanged().is_err());
    }

    #[test]
    fn a_valid_file_passes_and_a_wrong_spec_names_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("dim_geo.parquet");
        std::fs::write(&f, valid_dim_geo()).unwrap();
        let geo = DIMENSIONS.iter().find(|d| d.name == "dim_geo").unwrap();
        check_schema(&f, geo).unwrap();
        let err = check_schema(&f, &RAW).unwrap_err().to_string();
        assert!(err.contains("no column event_id"), "{err}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Any corruption of a Parquet file — truncation, flipped bytes,
        /// garbage — is an error naming the file, never a panic.
        #[test]
        fn corrupt_files_are_errors_not_panics(
            cut in 0usize..2_000,
            flips in proptest::collection::vec((0usize..2_000, proptest::prelude::any::<u8>()), 0..8),
            garbage in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let mut bytes = valid_dim_geo();
            for (at, b) in flips {
                let n = bytes.len();
                bytes[at % n] ^= b;
            }
            bytes.truncate(cut.min(bytes.len()));
            bytes.extend(garbage);
            let dir = tempfile::tempdir().unwrap();
            let f = dir.path().join("dim_geo.parquet");
            std::fs::write(&f, &bytes).unwrap();
            let geo = DIMENSIONS.iter().find(|d| d.name == "dim_geo").unwrap();
            if let Err(e) = check_schema(&f, geo) {
                proptest::prop_assert!(e.to_string().contains("dim_geo.parquet"), "{}", e);
            }
        }
    }
}
