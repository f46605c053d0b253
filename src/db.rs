//! DuckDB connections: one for a build (working tables in memory, spilling
//! to the build's own folder) and one per reader, with views over a
//! warehouse version's files.
//!
//! File paths are the only values placed in SQL text, because DuckDB's
//! `COPY … TO` and view definitions take no parameters. They go through
//! [`literal`], which quotes them as SQL string literals; everything a user
//! types (dates, countries, ids) is bound as a parameter.

use std::path::Path;

use anyhow::{Context, Result};
use duckdb::Connection;

use crate::warehouse::{PARTITIONED, SNAPSHOTS, Version};

/// A SQL string literal for `s`: single quotes doubled, the whole quoted.
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A path as a SQL string literal.
pub fn path_literal(p: &Path) -> String {
    literal(&p.to_string_lossy())
}

/// An in-memory connection for a build, spilling to `temp_dir`.
pub fn open_for_build(temp_dir: &Path) -> Result<Connection> {
    let conn = Connection::open_in_memory().context("starting DuckDB")?;
    conn.execute_batch(&format!(
        "SET temp_directory = {}; SET enable_progress_bar = false; SET preserve_insertion_order = false;",
        path_literal(temp_dir)
    ))
    .context("configuring DuckDB")?;
    Ok(conn)
}

/// An in-memory connection with one view per table of `version`, named as
/// the tables are (`top10_country_day`, `dim_shows`, …). `dim_shows` and
/// `dim_geo` are deduplicated on their keys so a doubled dimension row can
/// never double a ranked row.
pub fn open_version(version: &Version) -> Result<Connection> {
    let conn = Connection::open_in_memory().context("starting DuckDB")?;
    let mut sql = String::from("SET enable_progress_bar = false;\n");
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
    fn a_quoted_path_reaches_duckdb_intact() {
        let conn = Connection::open_in_memory().unwrap();
        let tricky = "/tmp/it's a \"lake\" é; --";
        let got: String = conn
            .query_row(&format!("SELECT {}", literal(tricky)), [], |r| r.get(0))
            .unwrap();
        assert_eq!(got, tricky);
    }
}
