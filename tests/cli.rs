//! Command-line tests: the real binary on temporary lakes, for every command,
//! every output format and every bad input the foundation issue names.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use support::{
    Built, assert_one_line_error, copy_dir, files_under, generate_and_build, run, run_build,
    sql_path, stderr, stdout, top10,
};
use tempfile::TempDir;

const SMALL: &[&str] = &[
    "--days",
    "15",
    "--countries",
    "5",
    "--shows",
    "40",
    "--users",
    "3000",
    "--events-per-day",
    "4000",
];

fn generate(out: &Path, seed: &str) {
    let mut args = vec!["generate", "--out", out.to_str().unwrap(), "--seed", seed];
    args.extend_from_slice(SMALL);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A lake and its built warehouse, shared by the read-only tests.
fn fixture() -> &'static Built {
    static F: OnceLock<Built> = OnceLock::new();
    F.get_or_init(|| {
        let mut args = vec!["--seed", "7"];
        args.extend_from_slice(SMALL);
        generate_and_build(&args)
    })
}

/// Run a command that must succeed and print JSON; its JSON.
fn ok_json(args: &[&str]) -> Value {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// A private copy of the fixture lake, to break.
fn lake_copy() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    copy_dir(&fixture().lake, &lake);
    (dir, lake)
}

/// Run DuckDB SQL (for crafting bad files).
fn duck(sql: &str) {
    let c = duckdb::Connection::open_in_memory().unwrap();
    c.execute_batch(sql).unwrap();
}

/// Replace a lake file by the rows of `select`, in which `{file}` is its
/// current contents (`read_parquet` of it): written beside the lake, then
/// renamed over the file.
fn rewrite(file: &Path, select: &str) {
    rewrite_with(file, select, "FORMAT parquet");
}

/// [`rewrite`] with the `COPY` options `options` (a codec, say).
fn rewrite_with(file: &Path, select: &str, options: &str) {
    let tmp = file.parent().unwrap().with_extension("rewritten.parquet");
    let select = select.replace("{file}", &format!("read_parquet({})", sql_path(file)));
    duck(&format!(
        "COPY ({select}) TO {} ({options})",
        sql_path(&tmp)
    ));
    std::fs::rename(&tmp, file).unwrap();
}

/// One value of DuckDB SQL (reading the warehouse's files).
fn duck_value<T: duckdb::types::FromSql>(sql: &str) -> T {
    let c = duckdb::Connection::open_in_memory().unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The folder of the warehouse's live version.
fn current_version(wh: &Path) -> PathBuf {
    let name = std::fs::read_to_string(wh.join("CURRENT")).unwrap();
    wh.join("versions").join(name.trim())
}

/// The live version's manifest.
fn current_manifest(wh: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(current_version(wh).join("manifest.json")).unwrap(),
    )
    .unwrap()
}

fn latest_date(wh: &Path) -> String {
    let m = current_manifest(wh);
    m["dates"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

fn wh_arg() -> String {
    fixture().wh.to_str().unwrap().to_string()
}

// ---------------------------------------------------------------- generate

#[test]
fn generate_is_deterministic_for_a_seed() {
    let dir = TempDir::new().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    generate(&a, "11");
    generate(&b, "11");
    generate(&c, "12");
    let files = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files_under(root)
            .into_iter()
            .map(|f| (f.clone(), std::fs::read(root.join(f)).unwrap()))
            .collect()
    };
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert!(fa.len() > 15, "a lake has dimension files and partitions");
    assert_eq!(fa, fb, "same seed, same lake");
    assert_ne!(fa, fc, "another seed, another lake");
}

#[test]
fn generate_lake_has_the_spec_layout_and_faults() {
    let f = fixture();
    for dim in [
        "dim_users",
        "dim_shows",
        "dim_geo",
        "show_canonical_map",
        "content_restrictions",
    ] {
        assert!(f.lake.join(format!("{dim}.parquet")).is_file(), "{dim}");
    }
    let raw = sql_path(&f.lake.join("raw_watch_events/*/*.parquet"));
    let c = duckdb::Connection::open_in_memory().unwrap();
    let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let dup = q(&format!(
        "SELECT count(*) FROM (SELECT event_id FROM read_parquet({raw}) WHERE event_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1)"
    ));
    let same_ts = q(&format!(
        "SELECT count(*) FROM (SELECT event_id, ingestion_ts FROM read_parquet({raw}) WHERE event_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1)"
    ));
    let late = q(&format!(
        "SELECT count(*) FROM read_parquet({raw}) WHERE ingestion_ts >= event_ts + INTERVAL 1 DAY"
    ));
    let nulls = q(&format!(
        "SELECT count(*) FROM read_parquet({raw}) WHERE event_id IS NULL OR user_id IS NULL OR show_id IS NULL OR country IS NULL OR event_ts IS NULL OR watch_seconds IS NULL"
    ));
    let out_of_range = q(&format!(
        "SELECT count(*) FROM read_parquet({raw}) WHERE watch_seconds < 0 OR watch_seconds > 86400"
    ));
    let unknown = q(&format!(
        "SELECT count(*) FROM read_parquet({raw}) r WHERE country NOT IN (SELECT country FROM read_parquet({}))",
        sql_path(&f.lake.join("dim_geo.parquet"))
    ));
    let orphan_users = q(&format!(
        "SELECT count(*) FROM read_parquet({raw}) r WHERE user_id NOT IN (SELECT user_id FROM read_parquet({}))",
        sql_path(&f.lake.join("dim_users.parquet"))
    ));
    let orphan_shows = q(&format!(
        "SELECT count(DISTINCT show_id) FROM read_parquet({raw}) r WHERE show_id NOT IN (SELECT show_id FROM read_parquet({}))",
        sql_path(&f.lake.join("dim_shows.parquet"))
    ));
    let chain = q(&format!(
        "SELECT count(*) FROM read_parquet({m}) a JOIN read_parquet({m}) b ON a.new_show_id = b.old_show_id",
        m = sql_path(&f.lake.join("show_canonical_map.parquet"))
    ));
    let kids = q(&format!(
        "SELECT count(*) FROM read_parquet({}) WHERE restriction_type = 'kids_only'",
        sql_path(&f.lake.join("content_restrictions.parquet"))
    ));
    let blocked = q(&format!(
        "SELECT count(*) FROM read_parquet({}) WHERE restriction_type = 'region_blocked'",
        sql_path(&f.lake.join("content_restrictions.parquet"))
    ));
    for (name, n) in [
        ("re-delivered duplicates", dup),
        ("equal ingestion_ts duplicates", same_ts),
        ("late arrivals", late),
        ("NULL fields", nulls),
        ("out-of-range watch seconds", out_of_range),
        ("unknown countries", unknown),
        ("orphan users", orphan_users),
        ("a merge chain", chain),
        ("kids shows", kids),
        ("region blocks", blocked),
    ] {
        assert!(n > 0, "the generated lake has no {name}");
    }
    assert_eq!(orphan_shows, 1, "exactly one orphan show");
}

#[test]
fn generate_refuses_to_overwrite_unless_forced() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("lake");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep me").unwrap();
    let o = run(&["generate", "--out", out.to_str().unwrap(), "--days", "1"]);
    assert_one_line_error(&o, &["already exists", "--force"]);
    assert_eq!(
        std::fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep me"
    );
    let forced = [
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--days",
        "1",
        "--shows",
        "20",
        "--users",
        "100",
        "--events-per-day",
        "100",
        "--force",
    ];
    let o = run(&forced);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("precious.txt").exists());
    assert!(out.join("dim_geo.parquet").is_file());

    // Left by runs killed midway: the lake moved aside between the two
    // renames, and a staging folder of a process that is gone. The next
    // run removes both and succeeds.
    std::fs::create_dir_all(dir.path().join(".lake.old")).unwrap();
    std::fs::create_dir_all(dir.path().join(".lake.partial-999999999")).unwrap();
    let o = run(&forced);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["lake"]);
}

#[test]
fn generate_rejects_bad_settings() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("x");
    let o = run(&["generate", "--out", out.to_str().unwrap(), "--days", "0"]);
    assert_one_line_error(&o, &["--days"]);
    let o = run(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--late-rate",
        "2",
    ]);
    assert_one_line_error(&o, &["--late-rate"]);
    let o = run(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--start",
        "2026-13-01",
    ]);
    assert_one_line_error(&o, &["2026-13-01"]);
    // Landing dates must stay within years 1 to 9999.
    for start in ["9999-12-31", "-0001-01-01"] {
        let o = run(&[
            "generate",
            "--out",
            out.to_str().unwrap(),
            &format!("--start={start}"),
            "--days",
            "1",
        ]);
        assert_one_line_error(&o, &["--start", "years 1 to 9999"]);
    }
    assert!(!out.exists(), "nothing written");
}

// ---------------------------------------------------------------- build

#[test]
fn build_writes_a_versioned_warehouse_with_a_manifest() {
    let wh = &fixture().wh;
    let current = std::fs::read_to_string(wh.join("CURRENT")).unwrap();
    let v = wh.join("versions").join(current.trim());
    for t in [
        "fact_watch_events",
        "quarantine",
        "duplicates",
        "agg_watch_day_country_show",
        "top10_country_day",
    ] {
        assert!(v.join(t).is_dir(), "{t}");
    }
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(v.join("manifest.json")).unwrap()).unwrap();
    let c = &m["counts"];
    let n = |k: &str| c[k].as_u64().unwrap();
    assert!(n("raw_rows") > 0);
    assert_eq!(n("raw_rows"), n("events") + n("duplicates"));
    let q: u64 = c["quarantined"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(n("events"), q + n("fact_rows"));
    assert!(n("merged_rows") > 0);
    assert!(
        m["segments"].as_array().unwrap().len() == 1,
        "one fact segment"
    );
    assert!(n("top10_rows") <= n("ranked"));
    for k in [
        "load_dimensions",
        "canonical_map",
        "load_raw",
        "dedup",
        "validate",
        "fact",
        "aggregate",
    ] {
        assert!(m["timings_ms"][k].is_u64(), "{k}");
    }
    assert_eq!(m["dates"].as_array().unwrap().len(), 15);
}

#[test]
fn rebuild_is_deterministic_and_switches_versions() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    assert!(run_build(&lake, &wh, &[]).status.success());
    assert!(run_build(&lake, &wh, &[]).status.success());
    assert_eq!(
        std::fs::read_to_string(wh.join("CURRENT")).unwrap().trim(),
        "v000002"
    );
    let date = latest_date(&wh);
    let q = |v: &str| {
        let vd = wh
            .join("versions")
            .join(v)
            .join("agg_watch_day_country_show");
        let c = duckdb::Connection::open_in_memory().unwrap();
        let s: String = c
            .query_row(
                &format!(
                    "SELECT string_agg(concat_ws(',', event_date, country, show_id, total_watch_seconds, viewers, rank_in_country, exclusion_reason), ';' ORDER BY event_date, country, show_id) FROM read_parquet({}, hive_partitioning = true)",
                    sql_path(&vd.join("*/*.parquet"))
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        s
    };
    assert_eq!(q("v000001"), q("v000002"), "same inputs, same outputs");
    assert!(!date.is_empty());
}

#[test]
fn a_second_concurrent_build_fails_clearly() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    std::fs::create_dir_all(&wh).unwrap();
    let lock = std::fs::File::create(wh.join(".lock")).unwrap();
    lock.try_lock().unwrap();
    let o = run_build(&lake, &wh, &[]);
    assert_one_line_error(&o, &["another build is running"]);
    assert!(!wh.join("CURRENT").exists());
}

/// A first build that fails (here on a cycle in the canonical map, found
/// after the warehouse folder was made) leaves no warehouse folder behind,
/// nor the folders above it that it created; a folder that was there stays.
#[test]
fn a_failed_first_build_leaves_nothing() {
    let (dir, lake) = lake_copy();
    duck(&format!(
        "COPY (SELECT * FROM (VALUES (1::BIGINT, 2::BIGINT, DATE '2026-01-01'), (2, 1, DATE '2026-01-01')) t(old_show_id, new_show_id, merge_date)) TO {} (FORMAT parquet)",
        sql_path(&lake.join("show_canonical_map.parquet"))
    ));
    let before = files_under(dir.path());
    let o = run_build(&lake, &dir.path().join("a/b/wh"), &[]);
    assert_one_line_error(&o, &["cycle", "1, 2"]);
    assert!(
        !dir.path().join("a").exists(),
        "a/b/wh and its parents removed"
    );
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    let o = run_build(&lake, &dir.path().join("mine/wh"), &[]);
    assert_one_line_error(&o, &["cycle", "1, 2"]);
    assert!(dir.path().join("mine").is_dir() && !dir.path().join("mine/wh").exists());
    std::fs::remove_dir(dir.path().join("mine")).unwrap();
    assert_eq!(files_under(dir.path()), before);
}

#[test]
fn a_failed_build_leaves_the_previous_version_live() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    let w = wh.to_str().unwrap();
    assert!(run_build(&lake, &wh, &[]).status.success());
    let date = latest_date(&wh);
    let before = stdout(&run(&[
        "query",
        "top10",
        "--warehouse",
        w,
        "--date",
        &date,
        "--country",
        "US",
        "--format",
        "csv",
    ]));
    // Break the lake: a cycle in the canonical map.
    duck(&format!(
        "COPY (SELECT * FROM (VALUES (1::BIGINT, 2::BIGINT, DATE '2026-01-01'), (2, 3, DATE '2026-01-01'), (3, 1, DATE '2026-01-01')) t(old_show_id, new_show_id, merge_date)) TO {} (FORMAT parquet)",
        sql_path(&lake.join("show_canonical_map.parquet"))
    ));
    let o = run_build(&lake, &wh, &[]);
    assert_one_line_error(&o, &["cycle", "1, 2, 3"]);
    assert_eq!(
        std::fs::read_to_string(wh.join("CURRENT")).unwrap().trim(),
        "v000001"
    );
    let names: Vec<String> = std::fs::read_dir(wh.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["v000001"], "no half-written version is left");
    let after = stdout(&run(&[
        "query",
        "top10",
        "--warehouse",
        w,
        "--date",
        &date,
        "--country",
        "US",
        "--format",
        "csv",
    ]));
    assert_eq!(before, after);
}

#[test]
fn partial_rebuild_keeps_other_dates() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    assert!(run_build(&lake, &wh, &[]).status.success());
    let o = run_build(&lake, &wh, &["--from", "2026-09-10", "--to", "2026-09-11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v2 = wh.join("versions/v000002");
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(v2.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["dates"].as_array().unwrap().len(), 15);
    assert_eq!(m["reused_dates"], 13);
    let all = |v: &str| {
        let c = duckdb::Connection::open_in_memory().unwrap();
        let s: String = c.query_row(&format!("SELECT string_agg(concat_ws(',', event_date, country, rank_position, show_id, total_watch_seconds), ';' ORDER BY event_date, country, rank_position) FROM read_parquet({}, hive_partitioning = true)", sql_path(&wh.join("versions").join(v).join("top10_country_day/*/*.parquet"))), [], |r| r.get(0)).unwrap();
        s
    };
    assert_eq!(
        all("v000001"),
        all("v000002"),
        "a partial rebuild of unchanged inputs changes nothing"
    );
}

/// A partial rebuild shares the live version's snapshot of a dimension
/// whose lake file has not changed (a hard link), and snapshots a changed
/// one anew.
#[test]
#[cfg(unix)]
fn a_partial_rebuild_shares_unchanged_dimension_snapshots() {
    use std::os::unix::fs::MetadataExt;
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    assert!(run_build(&lake, &wh, &[]).status.success());
    // A title changes in the lake's dim_shows.
    rewrite(
        &lake.join("dim_shows.parquet"),
        "SELECT * REPLACE (title || ' (new)' AS title) FROM {file}",
    );
    let o = run_build(&lake, &wh, &["--from", "2026-09-10", "--to", "2026-09-11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ino = |v: &str, f: &str| {
        std::fs::metadata(wh.join("versions").join(v).join(f))
            .unwrap()
            .ino()
    };
    // The canonical map did not change: its resolution is shared too.
    for f in [
        "dim_users.parquet",
        "dim_geo.parquet",
        "content_restrictions.parquet",
        "show_canonical_map.parquet",
        "show_canonical_resolved.parquet",
    ] {
        assert_eq!(ino("v000001", f), ino("v000002", f), "{f} shared");
    }
    assert_ne!(
        ino("v000001", "dim_shows.parquet"),
        ino("v000002", "dim_shows.parquet")
    );
    let renamed: i64 = duck_value(&format!(
        "SELECT count(*) FROM read_parquet({}) WHERE title LIKE '% (new)'",
        sql_path(&wh.join("versions/v000002/dim_shows.parquet"))
    ));
    assert!(renamed > 0);
}

/// A partial rebuild after the canonical map changed resolves the new map
/// (the live version's resolution is reused only for the same map).
#[test]
fn a_partial_rebuild_resolves_a_changed_canonical_map() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    assert!(run_build(&lake, &wh, &[]).status.success());
    rewrite(
        &lake.join("show_canonical_map.parquet"),
        "SELECT * FROM {file} UNION ALL SELECT 999999, 999998, DATE '2026-01-01' \
         UNION ALL SELECT 999998, 999997, DATE '2026-01-02'",
    );
    let o = run_build(&lake, &wh, &["--from", "2026-09-10", "--to", "2026-09-11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let resolved: i64 = duck_value(&format!(
        "SELECT canonical_show_id FROM read_parquet({}) WHERE old_show_id = 999999",
        sql_path(&current_version(&wh).join("show_canonical_resolved.parquet"))
    ));
    assert_eq!(resolved, 999997, "resolved through two hops");
}

/// Builds keep the live version and the two before it; older ones are
/// removed while a newer one builds.
#[test]
fn builds_keep_three_versions() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    assert!(run_build(&lake, &wh, &[]).status.success());
    for _ in 0..3 {
        let o = run_build(&lake, &wh, &["--from", "2026-09-11", "--to", "2026-09-11"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut names: Vec<String> = std::fs::read_dir(wh.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('v'))
        .collect();
    names.sort();
    // (v000001 leaves by a rename; its files may still be being deleted.)
    assert_eq!(names, ["v000002", "v000003", "v000004"]);
    assert_eq!(current_version(&wh), wh.join("versions/v000004"));
}

#[test]
fn as_of_sees_only_rows_ingested_by_then() {
    let f = fixture();
    let dir = TempDir::new().unwrap();
    let wh = dir.path().join("wh");
    let o = run_build(&f.lake, &wh, &["--as-of", "2026-09-10T06:00:00"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: Value = serde_json::from_str(
        &std::fs::read_to_string(wh.join("versions/v000001/manifest.json")).unwrap(),
    )
    .unwrap();
    let dates: Vec<&str> = m["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(dates.last(), Some(&"2026-09-10"));
    assert_eq!(m["as_of"], "2026-09-10T06:00:00");
}

/// A `--from/--to` build keeps the other dates as the live version has
/// them; when that version saw the lake at another time (an `--as-of`
/// build), the build says so, and how to rebuild them.
#[test]
fn a_partial_build_says_when_it_keeps_dates_seen_at_another_time() {
    let f = fixture();
    let dir = TempDir::new().unwrap();
    let wh = dir.path().join("wh");
    let day = ["--from", "2026-09-09", "--to", "2026-09-09"];
    let as_of = ["--as-of", "2026-09-12T06:00:00"];
    let note = |o: &std::process::Output| {
        assert!(o.status.success(), "{}", stderr(o));
        stderr(o)
            .lines()
            .find(|l| l.starts_with("note:"))
            .map(str::to_string)
    };
    assert_eq!(note(&run_build(&f.lake, &wh, &[])), None);
    assert_eq!(note(&run_build(&f.lake, &wh, &day)), None, "same lake view");
    assert_eq!(note(&run_build(&f.lake, &wh, &as_of)), None, "a full build");
    let n = note(&run_build(&f.lake, &wh, &day)).expect("a note");
    assert!(
        n.contains("outside 2026-09-09..2026-09-09")
            && n.contains("saw the lake as of 2026-09-12T06:00:00")
            && n.contains("build without --from/--to"),
        "{n}"
    );
    let n = note(&run_build(&f.lake, &wh, &[&day[..], &as_of[..]].concat()));
    assert_eq!(n, None, "the dates kept were seen as of the same time");
}

// ---------------------------------------------------------------- query

#[test]
fn query_top10_json_has_exactly_the_spec_keys() {
    let date = latest_date(&fixture().wh);
    let v = ok_json(&[
        "query",
        "top10",
        "--warehouse",
        &wh_arg(),
        "--date",
        &date,
        "--country",
        "us",
        "--format",
        "json",
    ]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 10);
    for (i, r) in rows.iter().enumerate() {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "rank",
                "show_id",
                "title",
                "genre",
                "is_original",
                "total_watch_seconds",
                "viewers"
            ]
        );
        assert_eq!(r["rank"], i as u64 + 1);
        assert!(r["is_original"].is_boolean() || r["is_original"].is_null());
    }
    let secs: Vec<u64> = rows
        .iter()
        .map(|r| r["total_watch_seconds"].as_u64().unwrap())
        .collect();
    assert!(
        secs.windows(2).all(|w| w[0] >= w[1]),
        "ordered by watch seconds"
    );
}

#[test]
fn query_formats_agree() {
    let date = latest_date(&fixture().wh);
    let get = |fmt: &str| {
        stdout(&run(&[
            "query",
            "top10",
            "--warehouse",
            &wh_arg(),
            "--date",
            &date,
            "--country",
            "GB",
            "--format",
            fmt,
        ]))
    };
    let table = get("table");
    let csv = get("csv");
    let lines: Vec<&str> = table.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "rank",
            "show_id",
            "title",
            "genre",
            "is_original",
            "total_watch_seconds",
            "viewers"
        ],
        "{table}"
    );
    assert!(lines[1].starts_with("----"));
    assert_eq!(lines.len(), 12);
    let csv_lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        csv_lines[0],
        "rank,show_id,title,genre,is_original,total_watch_seconds,viewers"
    );
    assert_eq!(csv_lines.len(), 11);
    // The same show ids in the same order.
    let ids_csv: Vec<&str> = csv_lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let ids_table: Vec<&str> = lines[2..]
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(ids_csv, ids_table);
}

#[test]
fn query_wow_and_share() {
    let date = latest_date(&fixture().wh);
    let v = ok_json(&[
        "query",
        "wow",
        "--warehouse",
        &wh_arg(),
        "--date",
        &date,
        "--country",
        "US",
        "--format",
        "json",
    ]);
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty() && rows.len() <= 20);
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "show_id",
            "title",
            "week_start",
            "this_week_watch_seconds",
            "prev_week_watch_seconds",
            "delta_watch_seconds",
            "pct_change"
        ]
    );
    for r in rows {
        let (t, p, d) = (
            r["this_week_watch_seconds"].as_i64().unwrap(),
            r["prev_week_watch_seconds"].as_i64().unwrap(),
            r["delta_watch_seconds"].as_i64().unwrap(),
        );
        assert_eq!(t - p, d);
        if p == 0 {
            assert!(r["pct_change"].is_null());
        }
    }
    // 2026-09-20 is a Sunday: the week is 09-14..09-20.
    let o = run(&[
        "query",
        "wow",
        "--warehouse",
        &wh_arg(),
        "--date",
        "2026-09-20",
        "--country",
        "US",
        "--format",
        "csv",
    ]);
    assert!(
        stdout(&o).lines().nth(1).unwrap().contains("2026-09-14"),
        "{}",
        stdout(&o)
    );

    let v = ok_json(&[
        "query",
        "share",
        "--warehouse",
        &wh_arg(),
        "--from",
        "2026-09-08",
        "--to",
        "2026-09-10",
        "--format",
        "json",
    ]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 3 * 5, "every date and country");
    for r in rows {
        let pct = r["originals_share_pct"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&pct));
    }
    let o = run(&[
        "query",
        "share",
        "--warehouse",
        &wh_arg(),
        "--from",
        "2026-09-08",
        "--to",
        "2026-09-08",
        "--country",
        "DE",
        "--format",
        "csv",
    ]);
    assert_eq!(stdout(&o).lines().count(), 2);

    // A range reaching before the data is cut to it, with a note: rows of
    // zeros there would say nobody watched.
    let o = run(&[
        "query",
        "share",
        "--warehouse",
        &wh_arg(),
        "--from",
        "2026-09-01",
        "--to",
        "2026-09-08",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let dates: std::collections::BTreeSet<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event_date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates.into_iter().collect::<Vec<_>>(),
        ["2026-09-07", "2026-09-08"]
    );
    assert!(
        stderr(&o).starts_with("note: this warehouse has no dates before 2026-09-07"),
        "{}",
        stderr(&o)
    );
    // No complete week before 2026-09-10 (the data starts on Monday 09-07):
    // an empty list, and a note saying why.
    let o = run(&[
        "query",
        "wow",
        "--warehouse",
        &wh_arg(),
        "--date",
        "2026-09-10",
        "--country",
        "US",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "[]");
    assert!(
        stderr(&o).contains("no complete Monday–Sunday week"),
        "{}",
        stderr(&o)
    );
}

/// Two commands reading a lake with no warehouse yet, at once (two
/// explorers started side by side): one builds it, the other waits for that
/// build instead of failing on its lock, and both answer the same.
#[test]
fn two_first_uses_at_once_both_answer() {
    let (_d, lake) = lake_copy();
    let args = [
        "query",
        "top10",
        "--lake",
        lake.to_str().unwrap(),
        "--date",
        "2026-09-12",
        "--country",
        "US",
        "--format",
        "csv",
    ];
    let bin = assert_cmd::cargo::cargo_bin("top10");
    let spawn = || {
        std::process::Command::new(&bin)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(stdout(&a), stdout(&b));
    assert_eq!(stdout(&a).lines().count(), 11);
}

#[test]
fn query_with_lake_alone_builds_what_is_missing() {
    let (_d, lake) = lake_copy();
    let o = run(&[
        "query",
        "top10",
        "--lake",
        lake.to_str().unwrap(),
        "--date",
        "2026-09-12",
        "--country",
        "US",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("first use"));
    assert!(
        lake.parent()
            .unwrap()
            .join("lake-warehouse/CURRENT")
            .is_file()
    );
    assert_eq!(stdout(&o).lines().count(), 11);
}

// ---------------------------------------------------------------- errors

/// Output that cannot be written (stdout on a full disk) is a one-line
/// error, exit 2: for the sample overview of a bare `top10` and for help.
#[test]
fn a_full_disk_on_stdout_is_an_error_not_a_panic() {
    let cache = TempDir::new().unwrap();
    for args in [&[][..], &["--help"][..], &["query", "--help"][..]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("top10"))
            .env("TOP10_CACHE_DIR", cache.path())
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        // The sample's first use says so on stderr before the error.
        let err = stderr(&o);
        let last = err.lines().last().unwrap_or_default();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            last.starts_with("top10: error: could not write") && last.contains("No space left"),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{err}"
        );
    }
}

#[test]
fn bad_arguments_are_one_line_errors() {
    let w = wh_arg();
    // A command that needs a subcommand names them, in one line.
    let o = run(&["query"]);
    assert_one_line_error(&o, &["`top10 query` needs a command: top10, wow, share"]);
    let o = run(&[
        "query",
        "top10",
        "--warehouse",
        &w,
        "--date",
        "2026-02-30",
        "--country",
        "US",
    ]);
    assert_one_line_error(&o, &["2026-02-30"]);
    let o = run(&[
        "query",
        "top10",
        "--warehouse",
        &w,
        "--date",
        "2026-09-12",
        "--country",
        "XX",
    ]);
    assert_one_line_error(&o, &["unknown country 'XX'"]);
    let o = run(&[
        "query",
        "top10",
        "--warehouse",
        &w,
        "--date",
        "2020-01-01",
        "--country",
        "US",
    ]);
    assert_one_line_error(&o, &["no data for 2020-01-01"]);
    let o = run(&[
        "query",
        "share",
        "--warehouse",
        &w,
        "--from",
        "2026-09-12",
        "--to",
        "2026-09-10",
    ]);
    assert_one_line_error(&o, &["--from 2026-09-12 is after --to 2026-09-10"]);
    let o = run(&[
        "query",
        "top10",
        "--warehouse",
        &w,
        "--date",
        "2026-09-12",
        "--country",
        "USA",
    ]);
    assert_one_line_error(&o, &["'USA'"]);
    let o = run(&[
        "query",
        "top10",
        "--warehouse",
        "/nonexistent/wh",
        "--date",
        "2026-09-12",
        "--country",
        "US",
    ]);
    assert_one_line_error(&o, &["/nonexistent/wh"]);
}

#[test]
fn build_from_after_to_is_rejected() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    let o = run_build(&lake, &wh, &["--from", "2026-09-12", "--to", "2026-09-10"]);
    assert_one_line_error(&o, &["--from 2026-09-12 is after --to 2026-09-10"]);
    assert!(!wh.exists());
}

/// Break a copy of the lake with `breaker`, build, and expect a one-line
/// error naming `needles`, with no warehouse written.
fn assert_bad_lake(breaker: impl FnOnce(&Path), needles: &[&str]) {
    let (_d, lake) = lake_copy();
    breaker(&lake);
    let wh = lake.parent().unwrap().join("wh");
    let o = run_build(&lake, &wh, &[]);
    assert_one_line_error(&o, needles);
    assert!(!wh.exists(), "nothing written for {needles:?}");
}

fn first_raw_file(lake: &Path) -> PathBuf {
    let mut d: Vec<_> = std::fs::read_dir(lake.join("raw_watch_events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    d.sort();
    d[0].join("part-00000.parquet")
}

#[test]
fn missing_lake() {
    let o = run_build(
        Path::new("/nonexistent/lake"),
        Path::new("/tmp/never-written-wh"),
        &[],
    );
    assert_one_line_error(&o, &["/nonexistent/lake", "does not exist"]);
    assert!(!Path::new("/tmp/never-written-wh").exists());
}

#[test]
fn empty_lake() {
    assert_bad_lake(
        |l| {
            std::fs::remove_dir_all(l.join("raw_watch_events")).unwrap();
            std::fs::create_dir_all(l.join("raw_watch_events/dt=2026-09-07")).unwrap();
        },
        &["is empty"],
    );
}

#[test]
fn missing_dimension_file() {
    assert_bad_lake(
        |l| std::fs::remove_file(l.join("dim_geo.parquet")).unwrap(),
        &["dim_geo.parquet", "missing"],
    );
}

#[test]
fn missing_column() {
    assert_bad_lake(
        |l| {
            let p = l.join("dim_shows.parquet");
            duck(&format!(
                "COPY (SELECT * EXCLUDE (genre) FROM read_parquet({})) TO {} (FORMAT parquet)",
                sql_path(&p),
                sql_path(&p.with_extension("parquet.tmp"))
            ));
            std::fs::rename(p.with_extension("parquet.tmp"), &p).unwrap();
        },
        &["dim_shows.parquet", "no column genre"],
    );
}

#[test]
fn wrong_column_type() {
    assert_bad_lake(
        |l| {
            let p = first_raw_file(l);
            duck(&format!(
                "COPY (SELECT * REPLACE (CAST(watch_seconds AS VARCHAR) AS watch_seconds) FROM read_parquet({})) TO {} (FORMAT parquet)",
                sql_path(&p),
                sql_path(&p.with_extension("parquet.tmp"))
            ));
            std::fs::rename(p.with_extension("parquet.tmp"), &p).unwrap();
        },
        &["part-00000.parquet", "column watch_seconds has type Utf8"],
    );
}

#[test]
fn unreadable_parquet_files() {
    assert_bad_lake(
        |l| std::fs::write(first_raw_file(l), b"").unwrap(),
        &["part-00000.parquet", "not a readable Parquet file"],
    );
    assert_bad_lake(
        |l| {
            let p = first_raw_file(l);
            let bytes = std::fs::read(&p).unwrap();
            std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        },
        &["part-00000.parquet", "not a readable Parquet file"],
    );
    assert_bad_lake(
        |l| std::fs::write(l.join("dim_users.parquet"), b"user_id,country\n1,US\n").unwrap(),
        &["dim_users.parquet", "not a readable Parquet file"],
    );
}

#[test]
fn stray_files_and_bad_partition_names() {
    assert_bad_lake(
        |l| std::fs::create_dir_all(l.join("raw_watch_events/dt=garbage")).unwrap(),
        &["dt=garbage", "expected dt=YYYY-MM-DD"],
    );
    assert_bad_lake(
        |l| std::fs::write(first_raw_file(l).with_file_name("notes.csv"), b"x").unwrap(),
        &["notes.csv", "expected only .parquet files"],
    );
}

#[test]
fn hidden_and_marker_files_are_skipped() {
    let (_d, lake) = lake_copy();
    let raw = first_raw_file(&lake);
    std::fs::write(raw.with_file_name("_SUCCESS"), b"").unwrap();
    std::fs::write(raw.with_file_name(".part-00000.parquet.crc"), b"x").unwrap();
    let wh = lake.parent().unwrap().join("wh");
    let o = run_build(&lake, &wh, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_warehouse_from_another_schema_version_asks_for_a_rebuild() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    assert!(run_build(&lake, &wh, &[]).status.success());
    let mf = wh.join("versions/v000001/manifest.json");
    let text = std::fs::read_to_string(&mf)
        .unwrap()
        .replace("\"schema_version\": 2", "\"schema_version\": 1");
    let query = || {
        run(&[
            "query",
            "top10",
            "--warehouse",
            wh.to_str().unwrap(),
            "--date",
            "2026-09-12",
            "--country",
            "US",
        ])
    };
    std::fs::write(&mf, &text).unwrap();
    assert_one_line_error(&query(), &["(schema 1)", "rebuild"]);
    // An older layout's manifest lacks fields this one has: still a request
    // to rebuild, not "damaged".
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("segments");
    std::fs::write(&mf, v.to_string()).unwrap();
    assert_one_line_error(&query(), &["(schema 1)", "rebuild"]);
}

// ---------------------------------------------------------------- sample

#[test]
fn no_arguments_shows_the_sample_top10() {
    let o = run(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Top 10 in US on "), "{out}");
    assert!(out.contains("usage: top10"), "{out}");
    // The ranked rows: a header, a rule, ten rows.
    assert!(
        out.lines()
            .filter(|l| l
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()))
            .count()
            >= 10
    );
    // The second run uses the cache: no first-use build.
    let o = run(&[]);
    assert!(!stderr(&o).contains("first use"), "{}", stderr(&o));
}

#[test]
fn help_and_version() {
    for cmd in [
        &["--help"][..],
        &["generate", "--help"],
        &["build", "--help"],
        &["query", "top10", "--help"],
        &["query", "wow", "--help"],
        &["query", "share", "--help"],
    ] {
        let o = run(cmd);
        assert!(o.status.success(), "{cmd:?}");
        assert!(stdout(&o).contains("Usage:"), "{cmd:?}");
    }
    let o = run(&["--version"]);
    assert!(stdout(&o).starts_with("top10 "));
    let o = run(&["frobnicate"]);
    assert_one_line_error(&o, &["frobnicate"]);
}

/// The committed sample is exactly what `generate` makes with the parameters
/// written in sample_data/README.md: same files, same rows.
#[test]
fn sample_lake_regenerates_identically() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let readme = std::fs::read_to_string(sample.join("README.md")).unwrap();
    // The parameters are the lines of the README's code block after `generate`.
    let block: String = readme
        .split("```sh")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap()
        .replace('\\', " ");
    let words: Vec<&str> = block.split_whitespace().collect();
    let start = words.iter().position(|w| *w == "generate").unwrap() + 1;
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("regen");
    let mut args: Vec<String> = vec!["generate".into()];
    let mut i = start;
    while i < words.len() {
        match words[i] {
            "--out" => {
                args.push("--out".into());
                args.push(out.to_str().unwrap().into());
                i += 2;
            }
            w => {
                args.push(w.into());
                i += 1;
            }
        }
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&refs);
    assert!(o.status.success(), "{}", stderr(&o));

    let list = |root: &Path| -> Vec<String> {
        files_under(root)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|x| x == "parquet"))
            .map(|f| f.to_string_lossy().into_owned())
            .collect()
    };
    let files = list(&sample);
    assert_eq!(files, list(&out), "the same files");
    let c = duckdb::Connection::open_in_memory().unwrap();
    for f in &files {
        let (a, b) = (sql_path(&sample.join(f)), sql_path(&out.join(f)));
        let diff: i64 = c
            .query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM (SELECT * FROM read_parquet({a}) EXCEPT ALL SELECT * FROM read_parquet({b})))
                          + (SELECT count(*) FROM (SELECT * FROM read_parquet({b}) EXCEPT ALL SELECT * FROM read_parquet({a})))"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(diff, 0, "{f} differs");
    }
    let size: u64 = files
        .iter()
        .map(|f| std::fs::metadata(sample.join(f)).unwrap().len())
        .sum();
    assert!(size < 20 * 1024 * 1024, "the sample is {size} bytes");
}

/// A build killed with SIGKILL at several moments leaves the previous
/// version live and readable, and the next build succeeds.
#[test]
fn a_killed_build_leaves_the_previous_version_whole() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    let (l, w) = (lake.to_str().unwrap(), wh.to_str().unwrap());
    assert!(run_build(&lake, &wh, &[]).status.success());
    let date = latest_date(&wh);
    let before = stdout(&run(&[
        "query",
        "top10",
        "--warehouse",
        w,
        "--date",
        &date,
        "--country",
        "US",
        "--format",
        "csv",
    ]));
    let bin = assert_cmd::cargo::cargo_bin("top10");
    for delay_ms in [50, 150, 300, 600] {
        let mut child = std::process::Command::new(&bin)
            .args(["build", "--lake", l, "--warehouse", w])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let after = stdout(&run(&[
            "query",
            "top10",
            "--warehouse",
            w,
            "--date",
            &date,
            "--country",
            "US",
            "--format",
            "csv",
        ]));
        assert_eq!(before, after, "killed after {delay_ms} ms");
    }
    let o = run_build(&lake, &wh, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let leftovers: Vec<String> = std::fs::read_dir(wh.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".building-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Paths with spaces, quotes and non-ASCII letters reach DuckDB intact:
/// generate, build, query and explain all work in such a folder.
#[test]
fn hostile_paths_work() {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("it's a \"lake\" — é; DROP TABLE x; --");
    let lake = root.join("my lake");
    let wh = root.join("ware'house");
    copy_dir(&fixture().lake, &lake);
    let w = wh.to_str().unwrap();
    let o = run_build(&lake, &wh, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "query",
        "top10",
        "--warehouse",
        w,
        "--date",
        "2026-09-12",
        "--country",
        "US",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 11);
    let show = stdout(&o)
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let o = run(&[
        "explain",
        "--warehouse",
        w,
        "--date",
        "2026-09-12",
        "--country",
        "US",
        "--show",
        &show,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_build(&lake, &wh, &["--from", "2026-09-12", "--to", "2026-09-12"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Folders DuckDB would misread — a `*`, `?` or `[` in the path (DuckDB
/// takes every path as a file pattern), or a path that is not UTF-8 — and a
/// warehouse inside the lake are one-line errors before anything is written.
#[test]
fn unusable_folders_are_refused_before_anything_is_written() {
    use std::os::unix::ffi::OsStrExt;
    let (dir, lake) = lake_copy();
    let before = files_under(dir.path());
    let glob_lake = dir.path().join("gl*b[1]");
    std::fs::rename(&lake, &glob_lake).unwrap();
    let o = top10()
        .args(["build", "--lake"])
        .arg(&glob_lake)
        .output()
        .unwrap();
    assert_one_line_error(&o, &["lake", "gl*b[1]", "file pattern"]);
    let o = top10()
        .args([
            "query",
            "top10",
            "--date",
            "2026-09-12",
            "--country",
            "US",
            "--lake",
        ])
        .arg(&glob_lake)
        .output()
        .unwrap();
    assert_one_line_error(&o, &["lake", "gl*b[1]", "file pattern"]);
    let not_utf8 = dir.path().join(std::ffi::OsStr::from_bytes(b"l\xffk"));
    std::fs::rename(&glob_lake, &not_utf8).unwrap();
    let o = top10()
        .args(["build", "--lake"])
        .arg(&not_utf8)
        .output()
        .unwrap();
    assert_one_line_error(&o, &["lake", "not valid UTF-8"]);
    std::fs::rename(&not_utf8, &lake).unwrap();
    let o = run_build(
        &lake,
        &dir.path().join(std::ffi::OsStr::from_bytes(b"w\xff")),
        &[],
    );
    assert_one_line_error(&o, &["warehouse", "not valid UTF-8"]);
    for wh in [
        lake.clone(),
        lake.join("raw_watch_events"),
        lake.join("new").join("..").join("wh"),
    ] {
        let o = run_build(&lake, &wh, &[]);
        assert_one_line_error(&o, &["would be written inside lake", "lake-warehouse"]);
    }
    assert_eq!(files_under(dir.path()), before, "nothing written anywhere");
}

/// A warehouse path that cannot be a folder (a file is there) is a
/// one-line error, and nothing is written.
#[test]
fn an_unwritable_warehouse_is_a_clear_error() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh-file");
    std::fs::write(&wh, b"not a folder").unwrap();
    let o = run_build(&lake, &wh, &[]);
    assert_one_line_error(&o, &["cannot create warehouse folder", "wh-file"]);
    assert_eq!(std::fs::read(&wh).unwrap(), b"not a folder");
}

/// Queries running while builds keep switching versions always see one
/// whole version: every answer is the full build's or the as-of build's,
/// never an error or a mix.
#[test]
fn readers_see_one_version_while_builds_switch() {
    let (_d, lake) = lake_copy();
    let wh = lake.parent().unwrap().join("wh");
    let (l, w) = (lake.to_str().unwrap(), wh.to_str().unwrap());
    let query = || {
        run(&[
            "query",
            "top10",
            "--warehouse",
            w,
            "--date",
            "2026-09-10",
            "--country",
            "US",
            "--format",
            "csv",
        ])
    };
    let as_of = ["--as-of", "2026-09-11T02:00:00"];
    let args = vec!["build", "--lake", l, "--warehouse", w];
    assert!(run(&[&args[..], &as_of[..]].concat()).status.success());
    let early = stdout(&query());
    assert!(run(&args).status.success());
    let full = stdout(&query());
    assert_ne!(early, full, "late rows change the list");

    let bin = assert_cmd::cargo::cargo_bin("top10");
    let builder = std::thread::spawn({
        let (bin, l, w) = (bin.clone(), l.to_string(), w.to_string());
        move || {
            for i in 0..6 {
                let mut c = std::process::Command::new(&bin);
                c.args(["build", "--lake", &l, "--warehouse", &w]);
                if i % 2 == 0 {
                    c.args(["--as-of", "2026-09-11T02:00:00"]);
                }
                assert!(c.output().unwrap().status.success());
            }
        }
    });
    let mut seen = std::collections::BTreeSet::new();
    while !builder.is_finished() {
        let o = query();
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out == early || out == full, "a mixed answer: {out}");
        seen.insert(out == full);
    }
    builder.join().unwrap();
    assert!(!seen.is_empty(), "no query ran during the builds");
}

/// The partitioned tables the commands read.
const TABLES: [&str; 4] = [
    "agg_watch_day_country_show",
    "top10_country_day",
    "duplicates",
    "quarantine",
];

/// A query of every row of `table` in the live version of `wh`.
fn table_rows(wh: &Path, table: &str) -> String {
    let glob = current_version(wh).join(table).join("*").join("*.parquet");
    format!(
        "SELECT * FROM read_parquet({}, hive_partitioning = true)",
        sql_path(&glob)
    )
}

/// How many rows of `table` one of the two warehouses has and the other
/// has not (as multisets).
fn differing_rows(a: &Path, b: &Path, table: &str) -> i64 {
    let (a, b) = (table_rows(a, table), table_rows(b, table));
    duck_value(&format!(
        "SELECT count(*) FROM (({a} EXCEPT ALL {b}) UNION ALL ({b} EXCEPT ALL {a}))"
    ))
}

/// Lake files compressed with each codec DuckDB reads build the same
/// warehouse as the generator's, by both engines, and so does a one-day
/// rebuild: the build keeps a dimension file as it is (its codec too) when
/// its columns already have the right types, and the default engine reads
/// the landing files and three of those snapshots itself.
#[test]
fn every_codec_duckdb_reads_builds_the_same_warehouse() {
    let f = fixture();
    let (dir, lake) = lake_copy();
    let mut files: Vec<PathBuf> = [
        "dim_users",
        "dim_shows",
        "dim_geo",
        "show_canonical_map",
        "content_restrictions",
    ]
    .iter()
    .map(|d| lake.join(format!("{d}.parquet")))
    .collect();
    for part in std::fs::read_dir(lake.join("raw_watch_events")).unwrap() {
        for file in std::fs::read_dir(part.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    let codecs = [
        "gzip",
        "brotli",
        "lz4",
        "lz4_raw",
        "uncompressed",
        "snappy",
        "zstd",
    ];
    for (i, file) in files.iter().enumerate() {
        let codec = codecs[i % codecs.len()];
        rewrite_with(
            file,
            "SELECT * FROM {file}",
            &format!("FORMAT parquet, COMPRESSION {codec}"),
        );
    }
    let last = latest_date(&f.wh);
    for engine in ["scan", "sql"] {
        let wh = dir.path().join(format!("wh-{engine}"));
        // The full build, then a rebuild of the last date (which shares
        // every snapshot with it); a rebuild's counts are its dates' only.
        for extra in [vec![], vec!["--from", &last, "--to", &last]] {
            let full = extra.is_empty();
            let mut args = vec!["--engine", engine];
            args.extend(extra);
            let o = run_build(&lake, &wh, &args);
            assert!(o.status.success(), "{engine} {args:?}: {}", stderr(&o));
            if full {
                assert_eq!(
                    current_manifest(&wh)["counts"],
                    current_manifest(&f.wh)["counts"],
                    "{engine}"
                );
            }
            for table in TABLES {
                assert_eq!(
                    differing_rows(&wh, &f.wh, table),
                    0,
                    "{engine} {args:?}: {table}"
                );
            }
        }
    }
}

/// `build --engine sql` (the pipeline as the SQL in queries/) and the
/// default engine write the same warehouse: the same counts, and the same
/// rows in every table the commands read.
#[test]
fn both_engines_build_the_same_warehouse() {
    let f = fixture();
    let dir = TempDir::new().unwrap();
    let wh = dir.path().join("wh-sql");
    let o = run(&[
        "build",
        "--lake",
        f.lake.to_str().unwrap(),
        "--warehouse",
        wh.to_str().unwrap(),
        "--engine",
        "sql",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        current_manifest(&wh)["counts"],
        current_manifest(&f.wh)["counts"]
    );
    for table in TABLES {
        assert_eq!(differing_rows(&wh, &f.wh, table), 0, "{table}");
        let rows = |wh: &Path| table_rows(wh, table);
        // The same columns and types, in the files and in the schema file
        // (the default engine writes them with arrow-rs, the sql engine with
        // DuckDB).
        let columns = |sql: String| -> Vec<(String, String)> {
            let c = duckdb::Connection::open_in_memory().unwrap();
            let mut stmt = c
                .prepare(&format!(
                    "SELECT column_name, column_type FROM (DESCRIBE {sql})"
                ))
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<duckdb::Result<_>>()
                .unwrap()
        };
        let schema_file = |wh: &Path| {
            format!(
                "SELECT * FROM read_parquet({})",
                sql_path(
                    &current_version(wh)
                        .join("_schema")
                        .join(format!("{table}.parquet"))
                )
            )
        };
        assert_eq!(columns(rows(&wh)), columns(rows(&f.wh)), "{table}");
        assert_eq!(
            columns(schema_file(&wh)),
            columns(schema_file(&f.wh)),
            "{table}"
        );
    }
}
