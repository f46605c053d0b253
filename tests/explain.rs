//! `top10 explain`: lineage of ranked and unranked rows, checked against the
//! warehouse it explains. For ranked rows the kept events must add up to the
//! aggregate exactly, and every raw row of the key must appear once with the
//! status the warehouse gave it.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use support::{Built, generate_and_build, run};

fn fixture() -> &'static Built {
    static F: OnceLock<Built> = OnceLock::new();
    F.get_or_init(|| {
        generate_and_build(&[
            "--seed",
            "3",
            "--days",
            "8",
            "--countries",
            "4",
            "--shows",
            "40",
            "--users",
            "2000",
            "--events-per-day",
            "3000",
            "--duplicate-rate",
            "0.05",
            "--invalid-rate",
            "0.02",
            "--late-rate",
            "0.05",
        ])
    })
}

fn explain(date: &str, country: &str, show: i64) -> Value {
    let f = fixture();
    let o = run(&[
        "explain",
        "--warehouse",
        f.wh.to_str().unwrap(),
        "--date",
        date,
        "--country",
        country,
        "--show",
        &show.to_string(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn duck() -> duckdb::Connection {
    duckdb::Connection::open_in_memory().unwrap()
}

fn table(wh: &Path, name: &str) -> String {
    let v = std::fs::read_to_string(wh.join("CURRENT")).unwrap();
    let glob = wh
        .join("versions")
        .join(v.trim())
        .join(name)
        .join("*/*.parquet");
    format!(
        "read_parquet('{}', hive_partitioning = true, hive_types = {{'event_date': DATE}})",
        glob.to_str().unwrap()
    )
}

/// Every row of the Top 10 on two dates in every country: the kept events
/// sum to the aggregate, their users to its viewers, and each raw row of
/// the key appears once with the status the warehouse recorded for it.
#[test]
fn every_top10_row_adds_up_to_its_aggregate() {
    let f = fixture();
    let c = duck();
    let top = table(&f.wh, "top10_country_day");
    let mut stmt = c
        .prepare(&format!(
            "SELECT CAST(event_date AS VARCHAR), country, show_id, total_watch_seconds, viewers, rank_position FROM {top} WHERE event_date IN ('2026-09-08', '2026-09-12') ORDER BY ALL"
        ))
        .unwrap();
    let rows: Vec<(String, String, i64, i64, i64, i64)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows.len(), 2 * 4 * 10);
    let dup = table(&f.wh, "duplicates");
    let quar = table(&f.wh, "quarantine");
    for (date, country, show, secs, viewers, rank) in rows {
        let e = explain(&date, &country, show);
        assert_eq!(e["aggregate"]["rank_in_country"], rank);
        let events = e["events"].as_array().unwrap();
        let kept: Vec<&Value> = events.iter().filter(|r| r["status"] == "kept").collect();
        let sum: i64 = kept
            .iter()
            .map(|r| r["watch_seconds"].as_i64().unwrap())
            .sum();
        let users: BTreeSet<i64> = kept
            .iter()
            .map(|r| r["user_id"].as_i64().unwrap())
            .collect();
        assert_eq!(sum, secs, "{date} {country} {show}");
        assert_eq!(users.len() as i64, viewers, "{date} {country} {show}");
        // Each raw row once.
        let ids: BTreeSet<(String, i64)> = events
            .iter()
            .map(|r| {
                (
                    r["src_file"].as_str().unwrap().to_string(),
                    r["src_row"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(ids.len(), events.len(), "a raw row listed twice");
        // Statuses agree with the warehouse.
        for r in events {
            let (file, row) = (
                r["src_file"].as_str().unwrap(),
                r["src_row"].as_i64().unwrap(),
            );
            let in_table = |t: &str| -> i64 {
                c.query_row(
                    &format!("SELECT count(*) FROM {t} WHERE src_file = ? AND src_row = ?"),
                    duckdb::params![file, row],
                    |x| x.get(0),
                )
                .unwrap()
            };
            match r["status"].as_str().unwrap() {
                "duplicate" => assert_eq!(in_table(&dup), 1),
                "quarantined" => assert_eq!(in_table(&quar), 1),
                "kept" => assert_eq!(in_table(&dup) + in_table(&quar), 0),
                s => panic!("unknown status {s}"),
            }
        }
        // The path's counts agree with the rows.
        let step = |name: &str| {
            e["path"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["step"] == name)
                .unwrap()["count"]
                .as_i64()
                .unwrap()
        };
        assert_eq!(step("raw rows"), events.len() as i64);
        assert_eq!(step("fact events"), kept.len() as i64);
        assert_eq!(step("aggregate"), secs);
        assert_eq!(step("rank"), rank);
    }
}

/// The duplicates and quarantined rows of a key are listed, and a
/// duplicate names its winner, which is one of the key's rows.
#[test]
fn duplicates_and_quarantined_rows_are_traced() {
    let f = fixture();
    // The warehouse's own views: the fact is kept merge-on-read.
    let version = top10::warehouse::Warehouse::new(&f.wh).current().unwrap();
    let c = top10::db::open_version(&version).unwrap();
    // A key that has a duplicate whose winner was kept.
    let (date, country, show): (String, String, i64) = c
        .query_row(
            "SELECT CAST(f.event_date AS VARCHAR), f.country, f.show_id FROM duplicates d JOIN fact_watch_events f ON f.src_file = d.winner_src_file AND f.src_row = d.winner_src_row ORDER BY 1, 2, 3 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let e = explain(&date, &country, show);
    let events = e["events"].as_array().unwrap();
    let winners: BTreeSet<(String, i64)> = events
        .iter()
        .filter(|r| r["status"] != "duplicate")
        .map(|r| {
            (
                r["src_file"].as_str().unwrap().to_string(),
                r["src_row"].as_i64().unwrap(),
            )
        })
        .collect();
    let dups: Vec<&Value> = events
        .iter()
        .filter(|r| r["status"] == "duplicate")
        .collect();
    assert!(!dups.is_empty());
    for d in dups {
        let w = (
            d["winner_src_file"].as_str().unwrap().to_string(),
            d["winner_src_row"].as_i64().unwrap(),
        );
        assert!(
            winners.contains(&w),
            "a duplicate's winner is a row of the key"
        );
    }
}

/// An excluded show names its rule; a show below the Top 10 gets the gap to
/// #10 and its neighbours; an old id is followed to its canonical show.
#[test]
fn unranked_and_merged_shows_are_explained() {
    let f = fixture();
    let c = duck();
    let agg = table(&f.wh, "agg_watch_day_country_show");
    let (date, country, show): (String, String, i64) = c
        .query_row(&format!("SELECT CAST(event_date AS VARCHAR), country, show_id FROM {agg} WHERE exclusion_reason = 'kids_only' ORDER BY 1, 2, 3 LIMIT 1"), [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    let e = explain(&date, &country, show);
    assert_eq!(e["status"], "excluded");
    assert_eq!(e["exclusion_rule"], "kids_only");
    assert!(e["watch_seconds_to_enter_top10"].is_null());

    let (date, country, show, secs, viewers): (String, String, i64, i64, i64) = c
        .query_row(&format!("SELECT CAST(event_date AS VARCHAR), country, show_id, total_watch_seconds, viewers FROM {agg} WHERE rank_in_country = 14 ORDER BY 1, 2 LIMIT 1"), [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap();
    let e = explain(&date, &country, show);
    assert_eq!(e["in_top10"], false);
    let ten = e["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["rank"] == 10)
        .unwrap()
        .clone();
    let gap = e["watch_seconds_to_enter_top10"].as_i64().unwrap();
    let wins_tie = viewers > ten["viewers"].as_i64().unwrap();
    assert_eq!(
        gap,
        ten["total_watch_seconds"].as_i64().unwrap() - secs + i64::from(!wins_tie)
    );
    let ranks: Vec<i64> = e["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["rank"].as_i64().unwrap())
        .collect();
    assert_eq!(ranks, [13, 15, 10]);

    // The oldest id of the merge chain resolves to the canonical show.
    let map = f.lake.join("show_canonical_map.parquet");
    let (old, new): (i64, i64) = c
        .query_row(&format!("SELECT a.old_show_id, b.new_show_id FROM '{0}' a JOIN '{0}' b ON a.new_show_id = b.old_show_id", map.to_str().unwrap()), [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let o = run(&[
        "explain",
        "--warehouse",
        f.wh.to_str().unwrap(),
        "--date",
        "2026-09-07",
        "--country",
        "US",
        "--show",
        &old.to_string(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let e: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["show_id"], new);
    assert_eq!(e["requested_show_id"], old);
    assert_eq!(e["merged_ids"].as_array().unwrap().len(), 2);
    // The path names every merged id with its own count, also an id that
    // delivered no kept event on the date.
    let detail = e["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "merged ids")
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_string();
    for m in e["merged_ids"].as_array().unwrap() {
        let want = format!("{} {}", m["old_show_id"], m["kept_events"]);
        assert!(detail.contains(&want), "{detail:?} lacks {want:?}");
    }
}

/// `--as-of` explains the list as published then: with fewer late rows.
#[test]
fn as_of_explains_what_was_published() {
    let f = fixture();
    let c = duck();
    let top = table(&f.wh, "top10_country_day");
    let show: i64 = c
        .query_row(&format!("SELECT show_id FROM {top} WHERE event_date = '2026-09-10' AND country = 'US' AND rank_position = 1"), [], |r| r.get(0))
        .unwrap();
    let now = explain("2026-09-10", "US", show);
    let o = run(&[
        "explain",
        "--lake",
        f.lake.to_str().unwrap(),
        "--warehouse",
        f.wh.to_str().unwrap(),
        "--date",
        "2026-09-10",
        "--country",
        "US",
        "--show",
        &show.to_string(),
        "--as-of",
        "2026-09-11T06:00:00",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let then: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(then["as_of"], "2026-09-11T06:00:00");
    let count = |e: &Value| e["events"].as_array().unwrap().len();
    assert!(
        count(&then) < count(&now),
        "late rows arrived after the as-of"
    );
    for r in then["events"].as_array().unwrap() {
        assert!(r["ingestion_ts"].as_str().unwrap() <= "2026-09-11T06:00:00");
    }
}

#[test]
fn bad_input_is_one_line() {
    let w = fixture().wh.to_str().unwrap().to_string();
    for (args, needle) in [
        (
            vec!["--date", "2026-09-10", "--country", "US", "--show", "1"],
            "unknown show 1",
        ),
        (
            vec!["--date", "2026-09-10", "--country", "XX", "--show", "1"],
            "unknown country 'XX'",
        ),
        (
            vec!["--date", "2026-13-10", "--country", "US", "--show", "1"],
            "2026-13-10",
        ),
        (
            vec!["--date", "2026-09-10", "--country", "US", "--show", "abc"],
            "abc",
        ),
    ] {
        let mut a = vec!["explain", "--warehouse", &w];
        a.extend(args);
        let o = run(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

/// `--changes` on a lake whose late arrivals reorder published lists: some
/// list must move, and for every moved show the rows that arrived after
/// publication account exactly for the change in its watch seconds.
#[test]
fn changes_since_publication_are_accounted_for() {
    let w = fixture().wh.to_str().unwrap().to_string();
    let mut moved_total = 0;
    for date in ["2026-09-09", "2026-09-11", "2026-09-13"] {
        for country in ["US", "BR", "GB", "DE"] {
            let o = run(&[
                "explain",
                "--changes",
                "--warehouse",
                &w,
                "--date",
                date,
                "--country",
                country,
                "--format",
                "json",
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let c: Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(c["now"].as_array().unwrap().len(), 10);
            assert!(c["published_at"].as_str().unwrap() > date);
            for m in c["moved"].as_array().unwrap() {
                moved_total += 1;
                assert_ne!(m["published_rank"], m["now_rank"]);
                let then = m["published_watch_seconds"].as_i64().unwrap_or(0);
                let now = m["now_watch_seconds"].as_i64().unwrap_or(0);
                let mut delta = 0;
                for a in m["arrivals"].as_array().unwrap() {
                    let ws = a["watch_seconds"].as_i64().unwrap_or(0);
                    let prior = a["published_watch_seconds"].as_i64().unwrap_or(0);
                    let kept = a["status"] == "kept";
                    delta += match (kept, a["arrival"].as_str().unwrap()) {
                        (true, "new event") => ws,
                        (true, _) => ws - prior,
                        (false, "new event") => 0,
                        (false, _) => -prior,
                    };
                }
                assert_eq!(now - then, delta, "{date} {country} show {}", m["show_id"]);
            }
        }
    }
    assert!(moved_total > 0, "late data reordered no list");
}
