//! `top10 bench` end to end on a small generated lake, and the build's
//! memory limit: a build held to 64 MB gives the same warehouse.

mod support;

use std::fs;

use support::{assert_one_line_error, run, run_build, stderr, stdout};
use tempfile::TempDir;

#[test]
fn bench_reports_every_phase_and_target() {
    let dir = TempDir::new().unwrap();
    let work = dir.path().join("work");
    let json = dir.path().join("bench.json");
    let o = run(&[
        "bench",
        "--work",
        work.to_str().unwrap(),
        "--events",
        "30000",
        "--calls",
        "200",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for phase in [
        "| generate |",
        "| build |",
        "| build-sql |",
        "| case-study |",
        "| floor |",
        "| floor-method |",
        "| incremental |",
        "| top10 |",
    ] {
        assert!(out.contains(phase), "{phase} missing:\n{out}");
    }
    for target in [
        "faster than the case study",
        "of the floor",
        "of the full build",
        "p95 under 1 ms",
        "under 2 GB",
    ] {
        assert!(out.contains(target), "{target} missing:\n{out}");
    }

    // Every phase measured something real, in its own process.
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let phases = v["phases"].as_object().unwrap();
    assert_eq!(phases.len(), 8, "{phases:?}");
    for (name, runs) in phases {
        let m = &runs[0];
        assert!(m["seconds"].as_f64().unwrap() > 0.0, "{name}");
        assert!(m["peak_rss_bytes"].as_u64().unwrap() > 1_000_000, "{name}");
    }
    let build = &phases["build"][0]["detail"];
    let generated = &phases["generate"][0]["detail"];
    assert_eq!(build["raw_rows"], generated["rows"]);
    // The two engines agree.
    let build_sql = &phases["build-sql"][0]["detail"];
    assert_eq!(build["fact_rows"], build_sql["fact_rows"]);
    assert!(work.join("warehouse-sql").join("CURRENT").is_file());
    let top10 = &phases["top10"][0]["detail"];
    assert_eq!(top10["calls"], 200);
    assert!(top10["rows_per_call"].as_f64().unwrap() > 0.0);
    assert!(top10["p50_ms"].as_f64().unwrap() <= top10["p99_ms"].as_f64().unwrap());
    // The baselines wrote their tables.
    for f in [
        "case_study/deduped_events.parquet",
        "case_study/agg_watch_day_country_show.parquet",
        "case_study/top10_country_day.parquet",
        "floor/agg.parquet",
        "floor_method/agg.parquet",
    ] {
        assert!(work.join(f).is_file(), "{f}");
    }
    // The two floors count viewers two ways and agree on every row.
    let conn = duckdb::Connection::open_in_memory().unwrap();
    let floor = |name: &str| {
        format!(
            "SELECT * FROM read_parquet('{}')",
            work.join(name).display()
        )
    };
    for (a, b) in [
        ("floor/agg.parquet", "floor_method/agg.parquet"),
        ("floor_method/agg.parquet", "floor/agg.parquet"),
    ] {
        let only: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM (({}) EXCEPT ALL ({}))",
                    floor(a),
                    floor(b)
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(only, 0, "rows only in {a}");
    }
    // The incremental phase rebuilt one date and carried the rest over.
    let inc = &phases["incremental"][0]["detail"];
    assert!(inc["reused_dates"].as_u64().unwrap() > 0, "{inc}");

    // A second run replaces what the first made.
    let o = run(&[
        "bench",
        "--work",
        work.to_str().unwrap(),
        "--events",
        "20000",
        "--calls",
        "50",
        "--phases",
        "generate,build,floor",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn bench_never_replaces_what_it_did_not_make() {
    let dir = TempDir::new().unwrap();
    let precious = dir.path().join("warehouse").join("keep.txt");
    fs::create_dir_all(precious.parent().unwrap()).unwrap();
    fs::write(&precious, "mine").unwrap();
    let o = run(&[
        "bench",
        "--work",
        dir.path().to_str().unwrap(),
        "--events",
        "5000",
        "--phases",
        "generate,build",
    ]);
    assert_one_line_error(&o, &["not made by top10 bench"]);
    assert_eq!(fs::read_to_string(&precious).unwrap(), "mine");
}

#[test]
fn a_failed_phase_leaves_a_work_folder_the_next_run_may_replace() {
    let dir = TempDir::new().unwrap();
    let work = dir.path().join("work");
    let empty_lake = dir.path().join("empty");
    fs::create_dir_all(&empty_lake).unwrap();
    let o = run(&[
        "bench",
        "--work",
        work.to_str().unwrap(),
        "--lake",
        empty_lake.to_str().unwrap(),
        "--phases",
        "build",
    ]);
    assert_one_line_error(&o, &["benchmark phase build"]);
    let o = run(&[
        "bench",
        "--work",
        work.to_str().unwrap(),
        "--events",
        "5000",
        "--calls",
        "20",
        "--phases",
        "generate,build,top10",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn bench_refuses_contradictions_before_running_anything() {
    let dir = TempDir::new().unwrap();
    let work = dir.path().join("work");
    let o = run(&[
        "bench",
        "--work",
        work.to_str().unwrap(),
        "--lake",
        dir.path().to_str().unwrap(),
        "--phases",
        "generate",
    ]);
    assert_one_line_error(&o, &["--phases generate", "--lake"]);
    let o = run(&[
        "bench",
        "--work",
        work.to_str().unwrap(),
        "--json",
        "/nonexistent-folder/out.json",
    ]);
    assert_one_line_error(&o, &["/nonexistent-folder/out.json"]);
    assert!(!work.join("lake").exists(), "nothing ran");
    let o = run(&[
        "bench",
        "--work",
        work.to_str().unwrap(),
        "--phases",
        "top10",
    ]);
    assert_one_line_error(&o, &["--phases build first"]);
    // A missing required argument is named, on one line.
    let o = run(&["bench"]);
    assert_one_line_error(&o, &["--work"]);
    // Too few events to measure anything.
    let o = run(&["bench", "--work", work.to_str().unwrap(), "--events", "1"]);
    assert_one_line_error(&o, &["--events must be at least 1000"]);
    // --work is a lake (or a warehouse, or /): it would be written into.
    let lake = dir.path().join("lake");
    std::fs::create_dir_all(lake.join("raw_watch_events")).unwrap();
    let o = run(&["bench", "--work", lake.to_str().unwrap()]);
    assert_one_line_error(&o, &["a lake or a warehouse"]);
    let o = run(&["bench", "--work", "/"]);
    assert_one_line_error(&o, &["the root folder"]);
    assert_eq!(
        std::fs::read_dir(&lake).unwrap().count(),
        1,
        "nothing written"
    );
}

#[test]
fn bench_rejects_zero_runs() {
    let dir = TempDir::new().unwrap();
    let o = run(&[
        "bench",
        "--work",
        dir.path().to_str().unwrap(),
        "--runs",
        "0",
    ]);
    assert_one_line_error(&o, &["--runs"]);
}

#[test]
fn a_build_under_a_small_memory_limit_gives_the_same_warehouse() {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let o = run(&[
        "generate",
        "--out",
        lake.to_str().unwrap(),
        "--days",
        "8",
        "--events-per-day",
        "40000",
        "--countries",
        "6",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut answers = Vec::new();
    for limit in ["4GB", "64MB"] {
        let wh = dir.path().join(format!("wh-{limit}"));
        let o = run_build(&lake, &wh, &["--memory-limit", limit]);
        assert!(o.status.success(), "{limit}: {}", stderr(&o));
        let summary = stderr(&o);
        let counts = summary
            .split(": ")
            .nth(1)
            .unwrap()
            .split(" in ")
            .next()
            .unwrap();
        let mut answer = vec![counts.to_string()];
        for q in ["top10", "wow"] {
            let o = run(&[
                "query",
                q,
                "--warehouse",
                wh.to_str().unwrap(),
                "--date",
                "2026-09-14",
                "--country",
                "US",
                "--format",
                "csv",
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            answer.push(stdout(&o));
        }
        answers.push(answer);
    }
    assert_eq!(answers[0], answers[1]);
}

#[test]
fn a_bad_memory_limit_is_a_one_line_error() {
    for bad in ["lots", "10MB", "1GB; DROP TABLE x"] {
        let o = run(&["build", "--lake", "nowhere", "--memory-limit", bad]);
        assert_one_line_error(&o, &["memory"]);
    }
}
