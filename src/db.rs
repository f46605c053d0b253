//! DuckDB connections: one for a build (working tables in memory, spilling
//! to the build's own folder) and one per reader, with views over a
//! warehouse version's files.
//!
//! File paths are the only values placed in SQL text, because DuckDB's
//! `COPY … TO` and view definitions take no parameters. They go through
//! [`literal`], which quotes them as SQL string literals; everything a user
//! types (dates, countries, ids) is bound as a parameter.
//!
//! Every connection is restricted ([`open_restricted`]) to the folders it
//! was given — the lake and the build's staging folder, or the warehouse —
//! with external access and extension auto-loading off and its
//! configuration locked, so no SQL can reach anything else.

use std::cell::{OnceCell, RefCell};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use duckdb::Connection;

use crate::pipeline::fact::{self, FACT};
use crate::warehouse::{PARTITIONED, SNAPSHOTS, Version};

/// A SQL string literal for `s`: single quotes doubled, the whole quoted.
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A path as a SQL string literal. Only for paths below a folder that
/// passed [`check_path`] (the lake, the warehouse, a scratch folder).
pub fn path_literal(p: &Path) -> String {
    literal(&p.to_string_lossy())
}

/// Refuse a folder whose path DuckDB cannot take as written: one that is not
/// UTF-8 (DuckDB's paths are UTF-8 strings, so it would open another name),
/// or one with `*`, `?` or `[` (DuckDB reads every path as a file pattern,
/// and has no escape for them). Checked before anything is written there.
/// `what` names the folder in the message ("lake", "warehouse").
pub fn check_path(what: &str, p: &Path) -> Result<()> {
    let Some(text) = p.to_str() else {
        anyhow::bail!(
            "{what} {}: the path is not valid UTF-8, and DuckDB opens only UTF-8 paths; rename the folder",
            p.display()
        );
    };
    if let Some(c) = text.chars().find(|c| matches!(c, '*' | '?' | '[')) {
        anyhow::bail!(
            "{what} {text}: DuckDB reads `{c}` in a path as a file pattern, so top10 cannot use this folder; rename it or choose another"
        );
    }
    Ok(())
}

/// An in-memory connection that can read and write files only below
/// `dirs`: no other file, no network, no extension loading, and settings
/// locked. `setup` runs first (for settings that must precede the lock).
pub fn open_restricted(dirs: &[&Path], setup: &str) -> Result<Connection> {
    let conn = Connection::open_in_memory().context("starting DuckDB")?;
    let allowed: Vec<String> = dirs
        .iter()
        .map(|d| {
            let d = std::fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf());
            literal(&format!("{}/", d.to_string_lossy().trim_end_matches('/')))
        })
        .collect();
    // DuckDB 2.0's window_self_join rewrite turns `count(*) OVER (PARTITION
    // BY …)` into a self-join whose aggregate side loses a hive-partition
    // filter, so the window counts every date's rows (see the test below).
    conn.execute_batch(&format!(
        "SET enable_progress_bar = false;\n\
         SET disabled_optimizers = 'window_self_join';\n\
         {setup}\n\
         SET autoinstall_known_extensions = false;\n\
         SET autoload_known_extensions = false;\n\
         SET allowed_directories = [{}];\n\
         SET enable_external_access = false;\n\
         SET lock_configuration = true;",
        allowed.join(", ")
    ))
    .context("configuring DuckDB")?;
    Ok(conn)
}

/// A connection for a build: it reads the lake, writes the staging folder,
/// and spills to `staging/_tmp` beyond `memory_mib` MiB. A partitioned
/// `COPY` flushes each thread's rows of a date every 50,000 rows instead of
/// DuckDB's 524,288: with 35 dates open that buffer alone outgrew the memory
/// limit and spilled, and the fact write took 7.4 s instead of 4.1 s on the
/// 10-million-event lake (docs/benchmarks.md).
pub fn open_for_build(lake: &Path, staging: &Path, memory_mib: Option<u64>) -> Result<Connection> {
    let tmp = staging.join("_tmp");
    // None: DuckDB's own default, 80 % of the machine's memory.
    let limit = memory_mib
        .map(|m| format!("SET memory_limit = '{m}MiB';"))
        .unwrap_or_default();
    open_restricted(
        &[lake, staging],
        &format!(
            "SET temp_directory = {}; SET preserve_insertion_order = false; \
             {limit} SET partitioned_write_flush_threshold = 50000;",
            path_literal(&tmp)
        ),
    )
}

/// The build's connection ([`open_for_build`]), opened when a stage first
/// needs it. A rebuild whose dimensions and canonical map are the live
/// version's, by the default engine, never does (unless a landing file sends
/// it to the `sql` engine): DuckDB's start-up and first statement were a
/// third of a 1 M-event lake's one-day rebuild (docs/benchmarks.md,
/// "Session 9").
pub struct BuildDb<'a> {
    lake: &'a Path,
    staging: &'a Path,
    memory_mib: Option<u64>,
    conn: OnceCell<Connection>,
    /// Views asked for before the connection opened, defined when it does.
    views: RefCell<Vec<(&'static str, PathBuf)>>,
}

impl<'a> BuildDb<'a> {
    pub fn new(lake: &'a Path, staging: &'a Path, memory_mib: Option<u64>) -> BuildDb<'a> {
        BuildDb {
            lake,
            staging,
            memory_mib,
            conn: OnceCell::new(),
            views: RefCell::new(Vec::new()),
        }
    }

    /// The connection, opened (with the views asked for so far) if it is not yet.
    pub fn conn(&self) -> Result<&Connection> {
        if let Some(conn) = self.conn.get() {
            return Ok(conn);
        }
        let conn = open_for_build(self.lake, self.staging, self.memory_mib)?;
        for (name, file) in self.views.borrow().iter() {
            define_view(&conn, name, file)?;
        }
        Ok(self.conn.get_or_init(|| conn))
    }

    /// A temporary view `name` (a fixed identifier) over the Parquet file
    /// `file`: now if the connection is open, else when it opens.
    pub fn view(&self, name: &'static str, file: &Path) -> Result<()> {
        match self.conn.get() {
            Some(conn) => define_view(conn, name, file),
            None => {
                self.views.borrow_mut().push((name, file.to_path_buf()));
                Ok(())
            }
        }
    }
}

fn define_view(conn: &Connection, name: &str, file: &Path) -> Result<()> {
    conn.execute_batch(&format!(
        "CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet({});",
        path_literal(file)
    ))
    .with_context(|| format!("reading {}", file.display()))
}

/// An in-memory connection with one view per table of `version`, named as
/// the tables are (`top10_country_day`, `dim_shows`, …). `dim_shows` and
/// `dim_geo` are deduplicated on their keys so a doubled dimension row can
/// never double a ranked row.
pub fn open_version(version: &Version) -> Result<Connection> {
    // The warehouse root: the version's files, and pipeline_health beside them.
    let root = version
        .dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(&version.dir);
    // Versions never change, so the Parquet footers read by one query can
    // serve the next (the explorer's panes all read the same files). Set
    // before the configuration is locked.
    let conn = open_restricted(&[root], "SET parquet_metadata_cache = true;")?;
    let mut sql = String::new();
    for table in PARTITIONED {
        let glob = version.table_glob(table);
        let hive = glob.ends_with("*.parquet");
        sql.push_str(&format!(
            "CREATE VIEW {table} AS SELECT * FROM read_parquet({}{});\n",
            path_literal(&glob),
            if hive {
                ", hive_partitioning = true, hive_types = {'event_date': DATE}"
            } else {
                ""
            }
        ));
    }
    // The fact is stored merge-on-read: a view over the kept landing files.
    fact::verify(&version.dir, &version.manifest.segments)?;
    sql.push_str(&format!(
        "CREATE VIEW {FACT} AS\n{};\n",
        fact::view_sql(&version.dir, &version.manifest.segments)
    ));
    for table in SNAPSHOTS {
        let file = path_literal(&version.snapshot(table));
        let body = match *table {
            "dim_shows" => format!(
                "SELECT * FROM read_parquet({file}) QUALIFY row_number() OVER (PARTITION BY show_id ORDER BY title NULLS LAST) = 1"
            ),
            "dim_geo" => format!(
                "SELECT * FROM read_parquet({file}) QUALIFY row_number() OVER (PARTITION BY country ORDER BY country_name NULLS LAST) = 1"
            ),
            _ => format!("SELECT * FROM read_parquet({file})"),
        };
        sql.push_str(&format!("CREATE VIEW {table} AS {body};\n"));
    }
    conn.execute_batch(&sql)
        .with_context(|| format!("opening warehouse version {}", version.dir.display()))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_double_quotes() {
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal("a'); DROP TABLE x; --"), "'a''); DROP TABLE x; --'");
    }

    #[test]
    fn the_build_connection_opens_on_first_use_with_the_views_asked_for() {
        let lake = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir().unwrap();
        for (name, x) in [("a", 1), ("b", 2)] {
            Connection::open_in_memory()
                .unwrap()
                .execute_batch(&format!(
                    "COPY (SELECT {x} AS x) TO {} (FORMAT parquet)",
                    path_literal(&staging.path().join(format!("{name}.parquet")))
                ))
                .unwrap();
        }
        let db = BuildDb::new(lake.path(), staging.path(), Some(256));
        db.view("a", &staging.path().join("a.parquet")).unwrap();
        assert!(
            db.conn.get().is_none(),
            "a view alone does not start DuckDB"
        );
        let conn = db.conn().unwrap();
        db.view("b", &staging.path().join("b.parquet")).unwrap();
        let sum: i64 = conn
            .query_row("SELECT (SELECT x FROM a) + (SELECT x FROM b)", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(sum, 3);
        assert!(std::ptr::eq(conn, db.conn().unwrap()), "opened once");
    }

    #[test]
    fn a_restricted_connection_reaches_only_its_folders() {
        let inside = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let make = |dir: &Path| {
            let f = dir.join("t.parquet");
            Connection::open_in_memory()
                .unwrap()
                .execute_batch(&format!(
                    "COPY (SELECT 1 AS x) TO {} (FORMAT parquet)",
                    path_literal(&f)
                ))
                .unwrap();
            f
        };
        let (a, b) = (make(inside.path()), make(outside.path()));
        let conn = open_restricted(&[inside.path()], "").unwrap();
        let read = |f: &Path| {
            conn.query_row(
                &format!("SELECT count(*) FROM read_parquet({})", path_literal(f)),
                [],
                |r| r.get::<_, i64>(0),
            )
        };
        assert_eq!(read(&a).unwrap(), 1);
        assert!(read(&b).is_err(), "a file outside the allowed folders");
        assert!(
            conn.execute_batch("SET enable_external_access = true")
                .is_err(),
            "settings are locked"
        );
        assert!(conn.execute_batch("INSTALL httpfs").is_err());
        let w = conn.execute_batch(&format!(
            "COPY (SELECT 1) TO {} (FORMAT parquet)",
            path_literal(&outside.path().join("x.parquet"))
        ));
        assert!(w.is_err(), "no write outside");
    }

    /// A window over a hive-partitioned scan filtered on the partition
    /// column sees only the filtered rows (DuckDB 2.0's window_self_join
    /// rewrite, disabled by `open_restricted`, counts every partition).
    #[test]
    fn windows_respect_partition_filters() {
        let dir = tempfile::tempdir().unwrap();
        Connection::open_in_memory()
            .unwrap()
            .execute_batch(&format!(
                "COPY (SELECT CASE WHEN i < 10 THEN DATE '2026-01-01' ELSE DATE '2026-01-02' END AS event_date, i % 2 AS k FROM range(100) t(i)) TO {} (FORMAT parquet, PARTITION_BY (event_date))",
                path_literal(dir.path())
            ))
            .unwrap();
        let conn = open_restricted(&[dir.path()], "").unwrap();
        let n: i64 = conn
            .query_row(
                &format!(
                    "SELECT max(n) FROM (SELECT count(*) OVER (PARTITION BY k) AS n FROM read_parquet({}, hive_partitioning = true) WHERE event_date = DATE '2026-01-01')",
                    path_literal(&dir.path().join("*/*.parquet"))
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 5, "10 rows on the day, 5 per k");
    }

    #[test]
    fn paths_duckdb_would_misread_are_refused() {
        assert!(check_path("lake", Path::new("/tmp/it's a \"lake\" é; --")).is_ok());
        for bad in ["/tmp/gl*b", "/tmp/what?", "/tmp/[1]/lake"] {
            let e = check_path("lake", Path::new(bad)).unwrap_err().to_string();
            assert!(e.starts_with(&format!("lake {bad}: DuckDB reads")), "{e}");
        }
        use std::os::unix::ffi::OsStrExt;
        let not_utf8 = Path::new(std::ffi::OsStr::from_bytes(b"/tmp/l\xffk"));
        let e = check_path("warehouse", not_utf8).unwrap_err().to_string();
        assert!(e.contains("not valid UTF-8"), "{e}");
    }

    #[test]
    fn a_quoted_path_reaches_duckdb_intact() {
        let conn = Connection::open_in_memory().unwrap();
        let tricky = "/tmp/it's a \"lake\" é; --";
        let got: String = conn
            .query_row(&format!("SELECT {}", literal(tricky)), [], |r| r.get(0))
            .unwrap();
        assert_eq!(got, tricky);
    }
}
