//! `top10 check` end to end: the real binary on small generated lakes. For
//! each check, a lake where it must fire (the generator's fault flags, or a
//! built warehouse tampered with DuckDB, which is what the checks exist to
//! catch) and one where it must pass; exit codes, JSON shape, thresholds
//! from flags and `top10.toml`, the SLA across a daylight-saving change,
//! and the pipeline_health history across a rebuild.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use support::{copy_dir, run, run_build, sql_path, stderr};
use tempfile::TempDir;

fn ok(args: &[&str]) {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

const SMALL: &[&str] = &[
    "--countries",
    "5",
    "--shows",
    "40",
    "--users",
    "3000",
    "--events-per-day",
    "4000",
];

/// Generate a lake of `days` days from `start` with extra generator flags.
fn generate(out: &Path, seed: &str, start: &str, days: &str, extra: &[&str]) {
    generate_sized(out, seed, start, days, &[SMALL, extra].concat());
}

/// The same with `size` instead of [`SMALL`] (countries, shows, users,
/// events a day).
fn generate_sized(out: &Path, seed: &str, start: &str, days: &str, size: &[&str]) {
    let mut args = vec![
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--seed",
        seed,
        "--start",
        start,
        "--days",
        days,
    ];
    args.extend_from_slice(size);
    ok(&args);
}

fn build(lake: &Path, wh: &Path, extra: &[&str]) {
    let o = run_build(lake, wh, extra);
    assert!(o.status.success(), "build {extra:?}: {}", stderr(&o));
}

struct Lake {
    dir: TempDir,
    lake: PathBuf,
    wh: PathBuf,
}

const LAST: &str = "2026-09-21";

/// A clean lake (2026-09-07..21), built as of 02:00 UTC after its last day,
/// so that day was published on time everywhere.
fn clean() -> &'static Lake {
    static F: OnceLock<Lake> = OnceLock::new();
    F.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let lake = dir.path().join("lake");
        let wh = dir.path().join("wh");
        generate(&lake, "7", "2026-09-07", "15", &[]);
        build(&lake, &wh, &["--as-of", "2026-09-22T02:00:00"]);
        Lake { dir, lake, wh }
    })
}

/// A lake with many invalid, orphan-user and late events.
fn faulty() -> &'static Lake {
    static F: OnceLock<Lake> = OnceLock::new();
    F.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let lake = dir.path().join("lake");
        let wh = dir.path().join("wh");
        generate(
            &lake,
            "8",
            "2026-09-07",
            "15",
            &[
                "--invalid-rate",
                "0.05",
                "--orphan-user-rate",
                "0.05",
                "--late-rate",
                "0.3",
            ],
        );
        build(&lake, &wh, &[]);
        Lake { dir, lake, wh }
    })
}

fn version_dir(wh: &Path) -> PathBuf {
    let name = std::fs::read_to_string(wh.join("CURRENT")).unwrap();
    wh.join("versions").join(name.trim())
}

/// Replace a Parquet file by `select`, where `{f}` is the file itself.
fn rewrite(file: &Path, select: &str) {
    let tmp = file.with_extension("tmp");
    let select = select.replace("{f}", &format!("read_parquet({})", sql_path(file)));
    let c = duckdb::Connection::open_in_memory().unwrap();
    c.execute_batch(&format!(
        "COPY ({select}) TO {} (FORMAT parquet);",
        sql_path(&tmp)
    ))
    .unwrap();
    std::fs::rename(&tmp, file).unwrap();
}

/// The (single) file of a table's partition.
fn part(wh: &Path, table: &str, date: &str) -> PathBuf {
    let dir = version_dir(wh)
        .join(table)
        .join(format!("event_date={date}"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 1, "{files:?}");
    files.remove(0)
}

/// The position deletes of the live version's (single) fact segment.
fn fact_deletes(wh: &Path) -> PathBuf {
    let dir = version_dir(wh).join("fact_watch_events");
    let mut segs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(segs.len(), 1, "{segs:?}");
    segs.remove(0).join("deletes.parquet")
}

/// A copy of the clean warehouse, broken on purpose, one date per fault.
fn tampered() -> &'static Lake {
    static F: OnceLock<Lake> = OnceLock::new();
    F.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let wh = dir.path().join("wh");
        copy_dir(&clean().wh, &wh);
        let agg = "agg_watch_day_country_show";
        // completeness: FR has no aggregate rows.
        rewrite(
            &part(&wh, agg, "2026-09-21"),
            "SELECT * FROM {f} WHERE country <> 'FR'",
        );
        // The fact is the landing rows minus its deletes (merge-on-read):
        // taking a row out of the deletes puts it back in the fact.
        let deletes = fact_deletes(&wh);
        let dup = sql_path(&part(&wh, "duplicates", "2026-09-20"));
        let quarantine = sql_path(&part(&wh, "quarantine", "2026-09-19"));
        // uniqueness: a losing version of an event of the 20th is back.
        rewrite(
            &deletes,
            &format!(
                "SELECT f.* FROM {{f}} f ANTI JOIN (SELECT src_file, src_row FROM read_parquet({dup}) \
                 WHERE CAST(event_ts AS DATE) = DATE '2026-09-20' AND watch_seconds BETWEEN 0 AND 86400 \
                 ORDER BY src_file, src_row LIMIT 1) x ON x.src_file = f.src_file AND x.src_row = f.src_row"
            ),
        );
        // validity: a row of the 19th quarantined for more than 24 hours of
        // watching is back.
        rewrite(
            &deletes,
            &format!(
                "SELECT f.* FROM {{f}} f ANTI JOIN (SELECT src_file, src_row FROM read_parquet({quarantine}) \
                 WHERE reason = 'watch_seconds_out_of_range' AND watch_seconds BETWEEN 86401 AND 2000000000 \
                 ORDER BY src_file, src_row LIMIT 1) x ON x.src_file = f.src_file AND x.src_row = f.src_row"
            ),
        );
        // reconciliation: far off (18th), within tolerance (17th), one key
        // off beyond tolerance but within the goal (16th).
        for (date, delta) in [
            ("2026-09-18", 1_000_000),
            ("2026-09-17", 3),
            ("2026-09-16", 30),
        ] {
            rewrite(
                &part(&wh, agg, date),
                &format!(
                    "SELECT * REPLACE (CASE WHEN country = 'US' AND rank_in_country = 1 THEN total_watch_seconds + {delta} ELSE total_watch_seconds END AS total_watch_seconds) FROM {{f}}"
                ),
            );
        }
        // top10 availability: US lost its #10.
        rewrite(
            &part(&wh, "top10_country_day", "2026-09-15"),
            "SELECT * FROM {f} WHERE NOT (country = 'US' AND rank_position = 10)",
        );
        // canonical map: a cycle and an id mapped to two ids.
        rewrite(
            &version_dir(&wh).join("show_canonical_map.parquet"),
            "SELECT * FROM {f} UNION ALL SELECT * FROM (VALUES \
             (900001::BIGINT, 900002::BIGINT, DATE '2026-09-01'), \
             (900002::BIGINT, 900001::BIGINT, DATE '2026-09-01'), \
             (900003::BIGINT, 1::BIGINT, DATE '2026-09-01'), \
             (900003::BIGINT, 2::BIGINT, DATE '2026-09-01'))",
        );
        Lake {
            lake: clean().lake.clone(),
            dir,
            wh,
        }
    })
}

/// Run `check --format json` with `args`; the exit code and the results.
fn check(wh: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec![
        "check",
        "--warehouse",
        wh.to_str().unwrap(),
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let o = run(&all);
    let code = o.status.code().unwrap();
    assert!(code == 0 || code == 1, "{all:?}: {}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    (code, v.as_array().unwrap().clone())
}

/// The result of one check (for one date, or the warehouse-wide one).
fn find<'a>(results: &'a [Value], name: &str, date: Option<&str>) -> &'a Value {
    results
        .iter()
        .find(|r| r["check"] == name && date.is_none_or(|d| r["date"] == d))
        .unwrap_or_else(|| panic!("no {name} for {date:?}"))
}

fn status<'a>(results: &'a [Value], name: &str) -> &'a str {
    find(results, name, None)["status"].as_str().unwrap()
}

#[test]
fn a_clean_lake_passes_with_exit_0_and_the_json_shape() {
    let (code, r) = check(&clean().wh, &["--date", LAST, "--orphan-rate", "3"]);
    assert_eq!(code, 0);
    assert_eq!(r.len(), 12);
    for x in &r {
        let keys: Vec<&String> = x.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["check", "status", "severity", "date", "details"]);
    }
    for name in [
        "completeness",
        "freshness",
        "sla",
        "uniqueness",
        "validity",
        "quarantine_rate",
        "referential_integrity",
        "reconciliation",
        "top10_availability",
        "volume_anomaly",
        "canonical_map",
    ] {
        assert_eq!(status(&r, name), "pass", "{name}: {}", find(&r, name, None));
    }
    assert_eq!(find(&r, "sla", None)["date"], LAST);
    assert_eq!(find(&r, "canonical_map", None)["date"], Value::Null);
    assert_eq!(find(&r, "completeness", None)["severity"], "critical");
    assert_eq!(find(&r, "ranking_stability", None)["severity"], "info");
}

#[test]
fn table_output_and_a_date_range() {
    let wh = clean().wh.to_str().unwrap().to_string();
    let o = run(&[
        "check",
        "--warehouse",
        &wh,
        "--from",
        "2026-09-19",
        "--to",
        LAST,
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("date "), "{out}");
    assert!(out.contains("34 results:"), "{out}");
    // Only the last day was published before its deadline.
    assert_eq!(o.status.code(), Some(1), "{out}");
}

#[test]
fn completeness_names_the_missing_country() {
    let (code, r) = check(&tampered().wh, &["--date", "2026-09-21"]);
    assert_eq!(code, 1);
    let c = find(&r, "completeness", None);
    assert_eq!(c["status"], "fail");
    assert_eq!(c["details"]["missing_countries"], serde_json::json!(["FR"]));
}

#[test]
fn uniqueness_validity_and_availability_fire_on_a_tampered_fact() {
    let wh = &tampered().wh;
    let (_, r) = check(wh, &["--date", "2026-09-20"]);
    let u = find(&r, "uniqueness", None);
    assert_eq!(u["status"], "fail");
    assert_eq!(u["details"]["duplicated_event_ids"], 1);
    assert_eq!(status(&r, "validity"), "pass");

    let (_, r) = check(wh, &["--date", "2026-09-19"]);
    let v = find(&r, "validity", None);
    assert_eq!(v["status"], "fail");
    let w = v["details"]["examples"][0]["watch_seconds"]
        .as_i64()
        .unwrap();
    assert!(w > 86_400, "{w}");
    assert_eq!(status(&r, "uniqueness"), "pass");

    let (_, r) = check(wh, &["--date", "2026-09-15"]);
    let a = find(&r, "top10_availability", None);
    assert_eq!(a["status"], "fail");
    assert_eq!(a["details"]["incomplete"][0]["country"], "US");
    assert_eq!(a["details"]["incomplete"][0]["published"], 9);
}

#[test]
fn reconciliation_has_a_tolerance_and_a_goal() {
    let wh = &tampered().wh;
    let (_, far) = check(wh, &["--date", "2026-09-18"]);
    let c = find(&far, "reconciliation", None);
    assert_eq!(c["status"], "fail", "{c}");
    assert_eq!(c["details"]["mismatched_keys"], 1);
    assert_eq!(c["details"]["examples"][0]["diff"], 1_000_000);
    let (_, near) = check(wh, &["--date", "2026-09-17"]);
    assert_eq!(status(&near, "reconciliation"), "pass");
    let (_, off) = check(wh, &["--date", "2026-09-16"]);
    let c = find(&off, "reconciliation", None);
    assert_eq!(c["status"], "warn", "{c}");
    assert!(c["details"]["discrepancy_pct"].as_f64().unwrap() < 0.1);
}

#[test]
fn canonical_map_finds_cycles_and_conflicts() {
    let (code, r) = check(&tampered().wh, &["--date", "2026-09-10"]);
    assert_eq!(code, 1);
    let c = find(&r, "canonical_map", None);
    assert_eq!(c["status"], "fail");
    assert_eq!(
        c["details"]["cycle_ids"],
        serde_json::json!([900001, 900002])
    );
    assert_eq!(c["details"]["conflicts"][0]["old_show_id"], 900003);
}

/// With no orphan at all the rate is still over the day's fact rows (the
/// query once returned no row then, and the check reported 0 fact rows).
#[test]
fn referential_integrity_counts_the_fact_rows_when_nothing_is_orphaned() {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    generate_sized(
        &lake,
        "3",
        "2026-09-07",
        "1",
        &[
            "--countries",
            "1",
            "--shows",
            "20",
            "--users",
            "1",
            "--events-per-day",
            "1",
        ],
    );
    let wh = dir.path().join("wh");
    build(&lake, &wh, &[]);
    let (_, r) = check(&wh, &["--date", "2026-09-07"]);
    let o = find(&r, "referential_integrity", None);
    assert_eq!(o["details"]["orphan_users"]["rows"], 0, "{o}");
    assert_eq!(o["details"]["orphan_shows"]["rows"], 0, "{o}");
    assert_eq!(o["details"]["fact_rows"], 1, "{o}");
}

#[test]
fn fault_flags_fire_quarantine_orphans_and_freshness() {
    let (_, r) = check(&faulty().wh, &["--date", "2026-09-14"]);
    let q = find(&r, "quarantine_rate", None);
    assert_eq!(q["status"], "warn", "{q}");
    assert!(q["details"]["by_reason"]["null_field"].as_i64().unwrap() > 0);
    let o = find(&r, "referential_integrity", None);
    assert_eq!(o["status"], "warn", "{o}");
    assert!(o["details"]["orphan_users"]["rows"].as_i64().unwrap() > 50);
    assert_eq!(
        o["details"]["orphan_users"]["examples"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let f = find(&r, "freshness", None);
    assert_eq!(f["status"], "warn", "{f}");
    assert!(f["details"]["late_pct"].as_f64().unwrap() > 5.0);
}

#[test]
fn volume_and_near_tie_thresholds_come_from_flags() {
    let wh = &clean().wh;
    let (code, r) = check(wh, &["--volume-band", "0.01", "--near-tie", "100"]);
    assert_eq!(code, 0, "warnings do not fail a run");
    let v = find(&r, "volume_anomaly", None);
    assert_eq!(v["status"], "warn", "{v}");
    assert_eq!(v["details"]["band_pct"], 0.01);
    assert_eq!(status(&r, "ranking_stability"), "warn");
    let (_, r) = check(wh, &["--near-tie", "0"]);
    assert_eq!(status(&r, "ranking_stability"), "pass");
    assert_eq!(status(&r, "volume_anomaly"), "pass");
}

#[test]
fn sla_is_judged_in_local_time_across_a_dst_change() {
    // EU summer time ends on 2026-10-25 at 01:00 UTC: the 06:00 deadline for
    // the 23rd is 05:00 UTC in London and 04:00 UTC in Berlin; for the 24th
    // it is 06:00 and 05:00 UTC.
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let wh = dir.path().join("wh");
    generate(&lake, "11", "2026-10-20", "6", &[]);
    build(&lake, &wh, &["--as-of", "2026-10-24T03:30:00"]);
    build(&lake, &wh, &["--as-of", "2026-10-25T05:30:00"]);
    let (code, r) = check(&wh, &["--from", "2026-10-23", "--to", "2026-10-24"]);
    assert_eq!(code, 1);
    let before = find(&r, "sla", Some("2026-10-23"));
    assert_eq!(before["status"], "pass", "{before}");
    assert_eq!(before["details"]["published_at"], "2026-10-24T03:30:00");
    assert_eq!(
        before["details"]["deadlines_utc"]["GB"],
        "2026-10-24T05:00:00"
    );
    assert_eq!(
        before["details"]["deadlines_utc"]["DE"],
        "2026-10-24T04:00:00"
    );
    let after = find(&r, "sla", Some("2026-10-24"));
    assert_eq!(after["status"], "fail", "{after}");
    assert_eq!(after["details"]["published_at"], "2026-10-25T05:30:00");
    assert_eq!(
        after["details"]["deadlines_utc"]["GB"],
        "2026-10-25T06:00:00"
    );
    assert_eq!(
        after["details"]["missed_countries"],
        serde_json::json!(["DE", "FR"])
    );
}

/// East of UTC the deadline comes before the UTC day ends (06:00 in Tokyo
/// is 21:00 UTC the day before): a build after Tokyo's day ended publishes
/// the date there, so a replay of daily builds can meet it.
#[test]
fn sla_east_of_utc_counts_a_build_after_the_local_day() {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let wh = dir.path().join("wh");
    generate_sized(
        &lake,
        "5",
        "2026-10-20",
        "3",
        &[
            "--countries",
            "8",
            "--shows",
            "40",
            "--users",
            "3000",
            "--events-per-day",
            "3000",
        ],
    );
    // The morning after, 03:30 UTC: in time in Europe and the Americas, but
    // 06:30 in Tokyo.
    build(&lake, &wh, &["--as-of", "2026-10-22T03:30:00"]);
    let (_, r) = check(&wh, &["--date", "2026-10-21"]);
    let sla = find(&r, "sla", None);
    assert_eq!(sla["status"], "fail", "{sla}");
    assert_eq!(
        sla["details"]["missed_countries"],
        serde_json::json!(["JP"])
    );
    assert_eq!(sla["details"]["deadlines_utc"]["JP"], "2026-10-21T21:00:00");
    // The day's build for Tokyo, at 20:30 UTC: after its day, before 06:00.
    let day = ["--from", "2026-10-21", "--to", "2026-10-21"];
    build(
        &lake,
        &wh,
        &[&day[..], &["--as-of", "2026-10-21T20:30:00"]].concat(),
    );
    let (_, r) = check(&wh, &["--date", "2026-10-21"]);
    let sla = find(&r, "sla", None);
    assert_eq!(sla["status"], "pass", "{sla}");
    let by = &sla["details"]["published_at_by_country"];
    assert_eq!(by["JP"], "2026-10-21T20:30:00", "{sla}");
    assert_eq!(
        by["GB"], "2026-10-22T03:30:00",
        "20:30 UTC is during GB's day"
    );
    assert_eq!(sla["details"]["published_at"], "2026-10-21T20:30:00");
}

/// A build killed while committing leaves a history line of a version
/// that never went live, or half a line: the SLA check ignores both, and
/// the next build cuts them off before it appends its own.
#[test]
fn a_killed_commit_leaves_no_publication_behind() {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let wh = dir.path().join("wh");
    copy_dir(&clean().lake, &lake);
    copy_dir(&clean().wh, &wh);
    let history = wh.join("build_history.jsonl");
    let good = std::fs::read_to_string(&history).unwrap();
    let sla = |wh: &Path| {
        let (_, r) = check(wh, &["--date", LAST]);
        find(&r, "sla", None)["details"]["published_at"].clone()
    };
    let before = sla(&wh);
    assert_eq!(before, "2026-09-22T02:00:00");
    // Killed after appending, before switching CURRENT: an earlier as-of.
    let never_live = r#"{"version":"v000009","finished_at":"2026-09-22T01:00:00","as_of":"2026-09-22T01:00:00","from":null,"to":null,"first_date":"2026-09-07","last_date":"2026-09-21"}"#;
    std::fs::write(&history, format!("{good}{never_live}\n")).unwrap();
    assert_eq!(
        sla(&wh),
        before,
        "a version that never went live published nothing"
    );
    // Killed while writing: half a line.
    std::fs::write(&history, format!("{good}{}", &never_live[..40])).unwrap();
    assert_eq!(
        sla(&wh),
        before,
        "half a line is no error and no publication"
    );
    build(&lake, &wh, &[]);
    let after = std::fs::read_to_string(&history).unwrap();
    assert!(after.starts_with(&good) && after.ends_with('\n'), "{after}");
    assert_eq!(after.lines().count(), good.lines().count() + 1, "{after}");
    assert!(!after.contains("v000009"), "{after}");
}

#[test]
fn history_survives_a_rebuild_and_top10_toml_is_read() {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let wh = dir.path().join("wh");
    copy_dir(&clean().lake, &lake);
    copy_dir(&clean().wh, &wh);
    // Other tests check the shared warehouse concurrently: start this
    // history from nothing.
    let _ = std::fs::remove_dir_all(wh.join("pipeline_health"));
    let (_, first) = check(&wh, &[]);
    build(&lake, &wh, &[]);
    let (_, second) = check(&wh, &[]);
    assert_eq!(first.len(), 12);
    assert_eq!(second.len(), 12);

    let whs = wh.to_str().unwrap();
    let o = run(&["check", "--warehouse", whs, "--history", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let h: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(h.len(), 24);
    let runs: std::collections::BTreeSet<&str> =
        h.iter().map(|r| r["check_ts"].as_str().unwrap()).collect();
    assert_eq!(runs.len(), 2);
    assert!(h[0]["details"].is_object());
    let o = run(&[
        "check",
        "--warehouse",
        whs,
        "--history",
        "--check",
        "sla",
        "--format",
        "json",
    ]);
    let h: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(h.len(), 2);
    assert!(h.iter().all(|r| r["check_name"] == "sla"));
    let o = run(&["check", "--warehouse", whs, "--history", "--check", "sla"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("check_ts"));

    // A top10.toml beside the lake sets thresholds and severities.
    std::fs::write(
        dir.path().join("top10.toml"),
        "[thresholds]\nvolume_band_pct = 0.01\n\n[severity]\nvolume_anomaly = \"high\"\n",
    )
    .unwrap();
    let o = run(&[
        "check",
        "--lake",
        lake.to_str().unwrap(),
        "--warehouse",
        whs,
        "--format",
        "json",
    ]);
    let r: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    let v = find(&r, "volume_anomaly", None);
    assert_eq!(
        (v["status"].as_str(), v["severity"].as_str()),
        (Some("fail"), Some("high"))
    );
    assert_eq!(o.status.code(), Some(1));
    // A flag wins over the file.
    let (_, r) = check(&wh, &["--volume-band", "99"]);
    assert_eq!(status(&r, "volume_anomaly"), "pass");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let wh = clean().wh.to_str().unwrap().to_string();
    let bad_toml = clean().dir.path().join("bad.toml");
    std::fs::write(&bad_toml, "[thresholds]\nvolume_bnad_pct = 3\n").unwrap();
    for (args, needle) in [
        (vec!["--date", "2027-01-01"], "no data for 2027-01-01"),
        (vec!["--from", LAST, "--to", "2026-09-10"], "is after"),
        (vec!["--history", "--check", "nope"], "unknown check 'nope'"),
        (
            vec!["--config", bad_toml.to_str().unwrap()],
            "volume_bnad_pct",
        ),
        (vec!["--volume-band=-5"], "volume_band_pct"),
        (vec!["--date", "yesterday"], "not a date"),
    ] {
        let mut all = vec!["check", "--warehouse", wh.as_str()];
        all.extend_from_slice(&args);
        let o = run(&all);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let o = run(&["check", "--warehouse", "/nonexistent/wh"]);
    assert_eq!(o.status.code(), Some(2));
}
