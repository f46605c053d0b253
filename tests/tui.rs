//! Tests of the explorer (`top10 tui`).
//!
//! - Rendering: every pane and window on ratatui's `TestBackend` at 80×24
//!   and 160×50 (insta snapshots) and at tiny sizes, with state changed only
//!   through `event::to_action` → `App::update`, as real keys change it. The
//!   data come from a fake worker that answers synchronously with fixed rows,
//!   so the snapshots do not depend on the generator.
//! - The real worker on a generated lake: what the Top 10 pane shows is what
//!   `Session::top10` (`top10 query top10`) returns.
//! - The real binary in a pseudo-terminal (tmux): the screen's Top 10 matches
//!   `top10 query top10`, a date move changes it, `q` exits 0 and the
//!   terminal is restored. Skipped, with a message, when tmux is missing
//!   (and failed under CI, whose `.ci/run` installs tmux).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use chrono::NaiveDate;
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use support::tmux::{Tmux, shell_quote};
use tempfile::TempDir;

use top10::checks::{Check, Status};
use top10::lineage::Explanation;
use top10::lineage::changes::{Changes, Moved};
use top10::output::{Cell, Table};
use top10::queries;
use top10::query::Session;
use top10::tui::app::{Action, App, Info, Overlay, Pane};
use top10::tui::data::{
    CountryRow, Data, Key, Loaded, Metric, Outcome, Response, ShareCell, ShareData, SqlRun,
    Top10Row, WowData, WowRow,
};
use top10::tui::lineage::{LineageView, Window};
use top10::tui::worker::Worker;
use top10::tui::{event, layout, view};
use top10::warehouse::Warehouse;

// ------------------------------------------------------------ fake data

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const COUNTRIES: &[(&str, &str)] = &[
    ("BR", "Brazil"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("GB", "United Kingdom"),
    ("JP", "Japan"),
    ("US", "United States"),
    // Last by code, not by name: the list re-sorts when names arrive.
    ("ZA", "South Africa"),
];

const TITLES: &[&str] = &[
    "Harbor Lights",
    "The Quiet Frontier",
    "Midnight Signals",
    "Savage Valleys",
    "Frontier of Seoul",
    "The Perfect Summer",
    "The Bridge",
    "Tide of Patagonia",
    "Nadia's Echo",
    "Sicily: Bridge",
    "Crimson Bridges",
    "Kingdom of Seoul",
];

fn info() -> Info {
    let first = day("2026-09-07");
    Info {
        source: "test lake".into(),
        version: "v000001".into(),
        version_dir: PathBuf::from("/lake-warehouse/versions/v000001"),
        dates: (0..35).map(|i| first + chrono::Duration::days(i)).collect(),
        countries: COUNTRIES.iter().map(|(c, _)| c.to_string()).collect(),
    }
}

fn run(sql: queries::Sql, params: &[&str], rows: usize) -> SqlRun {
    SqlRun {
        sql,
        params: params.iter().map(|p| p.to_string()).collect(),
        elapsed: Duration::from_micros(4_200),
        rows,
    }
}

/// A number that depends on its inputs, for varied but fixed data.
fn mix(a: i64, b: i64) -> i64 {
    (a.wrapping_mul(7_919) ^ b.wrapping_mul(104_729)).rem_euclid(1_000)
}

fn top10_rows(date: NaiveDate, country: &str, metric: Metric) -> Vec<Top10Row> {
    let d = i64::from(date.format("%j").to_string().parse::<i32>().unwrap());
    let c = i64::from(country.as_bytes()[0]);
    let m = metric as i64;
    let shift = ((d + c + m) % 4) as usize;
    (0..10)
        .map(|i| {
            let t = (i + shift) % TITLES.len();
            let rank = i as i64 + 1;
            Top10Row {
                rank,
                prev_rank: match i % 4 {
                    0 => Some(rank),
                    1 => Some(rank + 2),
                    2 => None,
                    _ => Some(rank - 1),
                },
                show_id: 80_100_000 + t as i64,
                title: (t != 11).then(|| TITLES[t].to_string()),
                genre: Some(["Drama", "Comedy", "Thriller"][t % 3].to_string()),
                is_original: Some(t % 3 == 1),
                total_watch_seconds: (10 - i as i64) * 36_000 + mix(d, c),
                viewers: (10 - i as i64) * 90 + mix(c, d) % 50,
                views: (t != 5).then_some((10 - i) as f64 * 11.5),
                days_in_top10_30d: (30 - 3 * i as i64).max(1),
            }
        })
        .collect()
}

fn wow_data(date: NaiveDate) -> WowData {
    use chrono::Datelike;
    let back = i64::from(date.weekday().num_days_from_monday()) + 1;
    let week_end = if back == 7 {
        date
    } else {
        date - chrono::Duration::days(back)
    };
    WowData {
        week_start: Some(week_end - chrono::Duration::days(6)),
        rows: (0..8)
            .map(|i| {
                let this = 50_000 + 9_000 * (8 - i);
                let prev = if i == 7 { 0 } else { 40_000 + 5_000 * i };
                WowRow {
                    show_id: 80_100_000 + i,
                    title: Some(TITLES[i as usize].to_string()),
                    this_week: this,
                    prev_week: prev,
                    delta: this - prev,
                    pct_change: (prev > 0).then(|| (this - prev) as f64 * 100.0 / prev as f64),
                    daily: (0..14).map(|d| ((d * (i + 3)) % 9) * 1_000).collect(),
                }
            })
            .collect(),
    }
}

fn share_data() -> ShareData {
    let dates = info().dates;
    let mut s = ShareData {
        all: vec![ShareCell::default(); dates.len()],
        dates: dates.clone(),
        ..ShareData::default()
    };
    for (ci, (code, _)) in COUNTRIES.iter().enumerate() {
        let cells: Vec<ShareCell> = (0..dates.len() as i64)
            .map(|i| ShareCell {
                originals: 300 + 10 * ((i * (ci as i64 + 2)) % 17),
                total: 1_000,
            })
            .collect();
        for (i, c) in cells.iter().enumerate() {
            s.all[i].originals += c.originals;
            s.all[i].total += c.total;
        }
        s.by_country.insert(code.to_string(), cells);
    }
    s
}

fn table(columns: &[&str], rows: Vec<Vec<Cell>>) -> Table {
    Table {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// What the fake worker answers for `key`.
fn answer(key: &Key) -> Loaded {
    match key {
        Key::Countries(d) => {
            let rows: Vec<CountryRow> = COUNTRIES
                .iter()
                .enumerate()
                .map(|(i, (code, name))| CountryRow {
                    code: code.to_string(),
                    name: name.to_string(),
                    viewers: 100 * (i as i64 + 1) + mix(i as i64, 3),
                })
                .collect();
            let t = table(
                &["country", "country_name", "viewers"],
                rows.iter()
                    .map(|r| {
                        vec![
                            Cell::Text(r.code.clone()),
                            Cell::Text(r.name.clone()),
                            Cell::Int(r.viewers),
                        ]
                    })
                    .collect(),
            );
            Loaded {
                data: Data::Countries(rows),
                table: t,
                runs: vec![run(queries::TUI_COUNTRIES, &[&format!("'{d}'")], 6)],
            }
        }
        Key::Top10(d, c, m) => {
            let rows = top10_rows(*d, c, *m);
            let t = table(
                &["rank", "show_id", "title", "total_watch_seconds"],
                rows.iter()
                    .map(|r| {
                        vec![
                            Cell::Int(r.rank),
                            Cell::Int(r.show_id),
                            r.title.clone().map_or(Cell::Null, Cell::Text),
                            Cell::Int(r.total_watch_seconds),
                        ]
                    })
                    .collect(),
            );
            Loaded {
                data: Data::Top10(rows),
                table: t,
                runs: vec![if *m == Metric::Hours {
                    run(
                        queries::TUI_TOP10_PUBLISHED,
                        &[&format!("'{d}'"), &format!("'{c}'")],
                        10,
                    )
                } else {
                    run(
                        queries::TUI_TOP10_METRIC,
                        &[
                            &format!("'{d}'"),
                            &format!("'{c}'"),
                            &format!("'{}'", m.param()),
                        ],
                        10,
                    )
                }],
            }
        }
        Key::Wow(d, c) => {
            let p = [format!("'{d}'"), format!("'{c}'")];
            let p: Vec<&str> = p.iter().map(String::as_str).collect();
            Loaded {
                data: Data::Wow(wow_data(*d)),
                table: table(&["show_id"], vec![vec![Cell::Int(1)]]),
                runs: vec![
                    run(queries::WOW, &p, 8),
                    run(queries::TUI_WOW_DAILY, &p, 112),
                ],
            }
        }
        Key::Share => Loaded {
            data: Data::Share(share_data()),
            table: table(&["event_date"], vec![]),
            runs: vec![run(
                queries::SHARE,
                &["'2026-09-07'", "'2026-10-11'", "NULL"],
                210,
            )],
        },
        Key::Quality(d) => {
            let checks = fake_checks(*d);
            Loaded {
                table: top10::tui::data::checks_table(&checks),
                data: Data::Quality(checks),
                runs: vec![],
            }
        }
        Key::Offenders(d, check) => {
            let t = offenders_table(check);
            Loaded {
                runs: vec![run(
                    top10::tui::data::offenders_sql(check).unwrap(),
                    &[&format!("'{d}'")],
                    t.rows.len(),
                )],
                data: Data::Offenders(t.clone()),
                table: t,
            }
        }
        Key::Explain(d, c, show) => {
            let e = fake_explanation(*d, c, *show);
            Loaded {
                table: e.events_table.clone(),
                runs: vec![run(
                    queries::EXPLAIN_EVENTS,
                    &[&format!("'{d}'"), &format!("'{c}'"), &show.to_string()],
                    e.events_table.rows.len(),
                )],
                data: Data::Explain(Box::new(e), Duration::from_micros(8_400)),
            }
        }
        Key::ShowTitles => {
            let t = table(
                &["show_id", "title"],
                TITLES
                    .iter()
                    .enumerate()
                    .map(|(i, t)| vec![Cell::Int(80_100_000 + i as i64), Cell::Text(t.to_string())])
                    .collect(),
            );
            Loaded {
                data: Data::ShowTitles(top10::tui::data::parse_show_titles(&t).unwrap()),
                runs: vec![run(queries::TUI_SHOW_TITLES, &[], t.rows.len())],
                table: t,
            }
        }
        Key::Changes(d, c) => {
            let ch = fake_changes(*d, c);
            Loaded {
                table: ch.now_table.clone(),
                runs: vec![run(queries::CHANGES_TIMEZONE, &[&format!("'{c}'")], 1)],
                data: Data::Changes(Box::new(ch), Duration::from_millis(512)),
            }
        }
    }
}

const EVENT_COLUMNS: &[&str] = &[
    "status",
    "reason",
    "event_id",
    "user_id",
    "show_id",
    "country",
    "watch_seconds",
    "event_ts",
    "src",
    "ingestion_ts",
    "dt",
    "src_file",
    "src_row",
    "winner_src_file",
    "winner_src_row",
];

/// The raw rows of a fake key: kept events, two versions that lost to the
/// first, and a quarantined row without an event id.
fn fake_events(country: &str, show: i64) -> Table {
    let ev = |status: &str,
              reason: Option<&str>,
              id: Option<&str>,
              user: i64,
              secs: i64,
              src: &str,
              ts: &str,
              row: i64,
              winner: Option<i64>| {
        let t = |s: &str| Cell::Text(s.to_string());
        vec![
            t(status),
            reason.map_or(Cell::Null, t),
            id.map_or(Cell::Null, t),
            Cell::Int(user),
            Cell::Int(show),
            t(country),
            Cell::Int(secs),
            t(&format!("2026-10-11T{}", &ts[..8])),
            t(src),
            t(&format!("2026-10-11T{ts}")),
            t("2026-10-11"),
            t("dt=2026-10-11/part-00000.parquet"),
            Cell::Int(row),
            winner.map_or(Cell::Null, |_| t("dt=2026-10-11/part-00000.parquet")),
            winner.map_or(Cell::Null, Cell::Int),
        ]
    };
    let mut rows = vec![
        ev(
            "kept",
            None,
            Some("ev-0a1b2c3d4e5f"),
            1001,
            3_600,
            "web",
            "10:00:05.000000",
            12,
            None,
        ),
        ev(
            "duplicate",
            None,
            Some("ev-0a1b2c3d4e5f"),
            1001,
            3_000,
            "app-ios",
            "10:00:05.000000",
            13,
            Some(12),
        ),
        ev(
            "duplicate",
            None,
            Some("ev-0a1b2c3d4e5f"),
            1001,
            4_200,
            "web",
            "09:58:00.000000",
            14,
            Some(12),
        ),
        ev(
            "quarantined",
            Some("missing_event_id"),
            None,
            1002,
            1_800,
            "smart-tv",
            "11:30:00.000000",
            40,
            None,
        ),
    ];
    for i in 0..14 {
        rows.push(ev(
            "kept",
            None,
            Some(&format!("ev-1{:011x}", i * 7_919)),
            1_010 + i,
            600 + 97 * i,
            ["web", "app-android", "smart-tv"][i as usize % 3],
            &format!("{:02}:{:02}:00.000000", 12 + i / 4, (i * 13) % 60),
            100 + i,
            None,
        ));
    }
    table(EVENT_COLUMNS, rows)
}

fn fake_explanation(date: NaiveDate, country: &str, show: i64) -> Explanation {
    use top10::lineage::{Aggregate, Neighbour, Step};
    let events = fake_events(country, show);
    let kept: Vec<&Vec<Cell>> = events
        .rows
        .iter()
        .filter(|r| r[0] == Cell::Text("kept".into()))
        .collect();
    let secs: i64 = kept
        .iter()
        .map(|r| match r[6] {
            Cell::Int(i) => i,
            _ => 0,
        })
        .sum();
    let t = (show - 80_100_000) as usize;
    let excluded = t == 6;
    let rank = (t as i64 % 12) + 1;
    let step = |step: &'static str, count: i64, detail: &str| Step {
        step,
        count,
        detail: detail.to_string(),
    };
    Explanation {
        date,
        country: country.to_string(),
        show_id: show,
        requested_show_id: None,
        title: TITLES.get(t).map(|s| s.to_string()),
        genre: Some("Drama".into()),
        is_original: Some(t % 3 == 1),
        as_of: None,
        status: if excluded { "excluded" } else { "ranked" },
        in_top10: !excluded && rank <= 10,
        aggregate: Some(Aggregate {
            total_watch_seconds: secs,
            viewers: 15,
            rank_in_country: (!excluded).then_some(rank),
            exclusion_reason: excluded.then(|| "kids_only".to_string()),
        }),
        exclusion_rule: excluded.then(|| "kids_only".to_string()),
        watch_seconds_to_enter_top10: (!excluded && rank > 10).then_some(1_234),
        neighbours: vec![Neighbour {
            rank: rank + 1,
            show_id: 80_100_011,
            title: Some("Kingdom of Seoul".into()),
            total_watch_seconds: secs - 500,
            viewers: 12,
            position: "below",
            separated_by: "watch_seconds",
            difference: 500,
        }],
        path: vec![
            step(
                "raw rows",
                events.rows.len() as i64,
                "every delivered version of the key's events",
            ),
            step("duplicates", 2, "versions that lost deduplication"),
            step("quarantined", 1, "missing_event_id 1"),
            step("merged ids", 0, "no show id is merged into this one"),
            step(
                "fact events",
                kept.len() as i64,
                &format!("{secs} watch seconds from 15 viewers"),
            ),
            step("aggregate", secs, "total_watch_seconds, 15 viewers"),
            step(
                "eligibility",
                i64::from(!excluded),
                if excluded {
                    "excluded by kids_only"
                } else {
                    "eligible"
                },
            ),
        ],
        merged_ids: vec![],
        events: events.to_json(),
        events_table: events,
    }
}

fn fake_changes(date: NaiveDate, country: &str) -> Changes {
    let list = |shift: usize| {
        table(
            &[
                "rank",
                "show_id",
                "title",
                "genre",
                "is_original",
                "total_watch_seconds",
                "viewers",
            ],
            (0..10)
                .map(|i| {
                    let t = (i + shift) % TITLES.len();
                    vec![
                        Cell::Int(i as i64 + 1),
                        Cell::Int(80_100_000 + t as i64),
                        Cell::Text(TITLES[t].into()),
                        Cell::Text("Drama".into()),
                        Cell::Bool(false),
                        Cell::Int(360_000 - 30_000 * i as i64),
                        Cell::Int(100),
                    ]
                })
                .collect(),
        )
    };
    let (published_table, now_table) = (list(0), list(1));
    let arrivals = table(
        &["event_id", "watch_seconds", "src", "ingestion_ts"],
        vec![vec![
            Cell::Text("ev-late00000001".into()),
            Cell::Int(7_200),
            Cell::Text("smart-tv".into()),
            Cell::Text("2026-10-12T09:15:00".into()),
        ]],
    );
    let moved = vec![
        Moved {
            show_id: 80_100_010,
            title: Some(TITLES[10].into()),
            published_rank: None,
            now_rank: Some(10),
            published_watch_seconds: Some(60_000),
            now_watch_seconds: Some(67_200),
            arrivals: arrivals.to_json(),
            arrivals_table: arrivals,
        },
        Moved {
            show_id: 80_100_000,
            title: Some(TITLES[0].into()),
            published_rank: Some(1),
            now_rank: None,
            published_watch_seconds: Some(360_000),
            now_watch_seconds: Some(360_000),
            arrivals: serde_json::json!([]),
            arrivals_table: Table::default(),
        },
    ];
    Changes {
        date,
        country: country.to_string(),
        timezone: "America/New_York".into(),
        published_at: (date + chrono::Duration::days(1))
            .and_hms_opt(10, 0, 0)
            .unwrap(),
        published: published_table.to_json(),
        now: now_table.to_json(),
        moved,
        totals_changed: 3,
        published_table,
        now_table,
    }
}

/// The checks of a date: 2026-10-11 (the last) fails the SLA and warns on
/// the quarantine rate, 2026-10-09 only warns, every other date passes.
fn fake_checks(d: NaiveDate) -> Vec<Check> {
    let fail = d == day("2026-10-11");
    let warn = fail || d == day("2026-10-09");
    top10::checks::NAMES
        .iter()
        .map(|name| {
            let severity = top10::checks::config::default_severity(name);
            let fired = match *name {
                "sla" => fail,
                "quarantine_rate" => warn,
                _ => false,
            };
            let (summary, details) = match *name {
                "sla" if fired => (
                    "published 2026-11-23T09:00:00 (UTC): after 06:00 local in BR, DE, US"
                        .to_string(),
                    serde_json::json!({"missed_countries": ["BR", "DE", "US"], "deadline_local_hour": 6}),
                ),
                "quarantine_rate" => (
                    format!(
                        "{} of 3000 events quarantined ({}, warn above 1 %)",
                        if fired { 90 } else { 3 },
                        if fired { "3.00 %" } else { "0.10 %" }
                    ),
                    serde_json::json!({"quarantined": if fired { 90 } else { 3 }}),
                ),
                _ => (format!("{name}: all good"), serde_json::json!({})),
            };
            Check {
                check: name.to_string(),
                status: if fired {
                    severity.when_fired()
                } else {
                    Status::Pass
                },
                severity,
                date: (*name != "canonical_map").then_some(d),
                details,
                summary,
            }
        })
        .collect()
}

fn offenders_table(check: &str) -> Table {
    match check {
        "quarantine_rate" => table(
            &["reason", "reason_rows", "event_id", "src_file", "src_row"],
            (0..6)
                .map(|i| {
                    vec![
                        Cell::Text(["bad_watch_seconds", "unknown_country"][i / 4].into()),
                        Cell::Int(if i < 4 { 4 } else { 2 }),
                        Cell::Text(format!("ev-{:04}", 17 * i + 3)),
                        Cell::Text("events/dt=2026-10-11/part-0.jsonl".into()),
                        Cell::Int(100 + 7 * i as i64),
                    ]
                })
                .collect(),
        ),
        _ => table(&["kind", "id", "fact_rows"], vec![]),
    }
}

/// Answer every queued request at once, as a worker would, through
/// `Action::Loaded`.
fn serve(app: &mut App) {
    for _ in 0..4 {
        let keys = app.take_requests();
        if keys.is_empty() {
            return;
        }
        for k in keys {
            let loaded = answer(&k);
            app.update(Action::Loaded(Response {
                key: k,
                outcome: Outcome::Done(Arc::new(loaded)),
            }));
        }
    }
}

fn fake_app(w: u16, h: u16) -> App {
    let dir = std::env::temp_dir();
    let mut app = App::new(info(), dir, (w, h));
    serve(&mut app);
    app
}

// ------------------------------------------------------------ driving

/// A key press through the same path as a real one.
fn press(app: &mut App, code: KeyCode) {
    press_mod(app, code, KeyModifiers::NONE);
}

fn press_mod(app: &mut App, code: KeyCode, m: KeyModifiers) {
    let ev = Event::Key(KeyEvent::new(code, m));
    if let Some(a) = event::to_action(&ev, app.mode()) {
        app.update(a);
    }
    serve(app);
}

fn typed(app: &mut App, s: &str) {
    for ch in s.chars() {
        press(app, KeyCode::Char(ch));
    }
}

fn mouse(app: &mut App, kind: MouseEventKind, x: u16, y: u16) {
    let ev = Event::Mouse(MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    });
    if let Some(a) = event::to_action(&ev, app.mode()) {
        app.update(a);
    }
    serve(app);
}

/// Draw `app` at w×h and return the screen as text, one line per row.
fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::render(app, f)).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0u16;
        let mut line = String::new();
        for x in 0..w {
            let c = &buf[(x, y)];
            if skip == 0 {
                line.push_str(c.symbol());
            }
            skip = skip.max(unicode_cells(c.symbol())).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn unicode_cells(s: &str) -> u16 {
    // Everything the explorer draws is one cell wide.
    u16::from(!s.is_empty())
}

fn resized(w: u16, h: u16) -> App {
    let mut app = fake_app(w, h);
    app.update(Action::Resize(w, h));
    app
}

// ------------------------------------------------------------ rendering

/// The smallest terminal the panes fit still shows all ten rows.
#[test]
fn the_top10_shows_ten_rows_at_the_smallest_size() {
    let app = resized(64, 20);
    let s = screen(&app, 64, 20);
    assert!(s.lines().any(|l| l.contains("┃10 ")), "{s}");
}

/// Numbers wider than a column's usual width widen it: a cell narrower
/// than its text loses the first characters, and a percent change of
/// +16,668.2% was drawn without its sign.
#[test]
fn a_large_week_over_week_change_keeps_its_sign() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = resized(w, h);
        let key = app.pane_key(Pane::Wow).unwrap();
        let Key::Wow(d, _) = &key else { unreachable!() };
        let mut data = wow_data(*d);
        let r = &mut data.rows[0];
        (r.prev_week, r.this_week) = (3_600, 3_600 + 600_060);
        r.delta = 600_060;
        r.pct_change = Some(16_668.3);
        app.update(Action::Loaded(Response {
            key: key.clone(),
            outcome: Outcome::Done(Arc::new(Loaded {
                data: Data::Wow(data),
                table: table(&["show_id"], vec![vec![Cell::Int(1)]]),
                runs: vec![],
            })),
        }));
        let s = screen(&app, w, h);
        assert!(s.contains("+16,668.3%"), "{w}x{h}:\n{s}");
        if w >= 120 {
            assert!(s.contains("+166.7"), "{w}x{h}:\n{s}");
        }
    }
}

#[test]
fn first_screen_at_80x24_and_160x50() {
    for (w, h) in [(80, 24), (160, 50)] {
        let app = resized(w, h);
        assert!(app.is_complete());
        insta::assert_snapshot!(format!("first_screen_{w}x{h}"), screen(&app, w, h));
    }
}

#[test]
fn every_pane_focused_at_both_sizes() {
    for (w, h) in [(80, 24), (160, 50)] {
        let mut app = resized(w, h);
        for pane in Pane::ALL {
            while app.focus != pane {
                press(&mut app, KeyCode::Tab);
            }
            let s = screen(&app, w, h);
            insta::assert_snapshot!(format!("focus_{}_{w}x{h}", pane.name()), s);
        }
    }
}

#[test]
fn the_cursor_stays_on_the_selected_country_when_names_arrive() {
    let app = resized(80, 24);
    assert_eq!(app.countries.cursor_code(), Some("US"));
    let s = screen(&app, 80, 24);
    assert!(s.contains("● US United States"), "{s}");
}

#[test]
fn tab_and_shift_tab_cycle_the_panes() {
    let mut app = resized(80, 24);
    assert_eq!(app.focus, Pane::Top10);
    let mut seen = vec![];
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
        seen.push(app.focus);
    }
    assert_eq!(
        seen,
        [
            Pane::Wow,
            Pane::Share,
            Pane::Date,
            Pane::Country,
            Pane::Top10
        ]
    );
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Pane::Country);
}

#[test]
fn date_keys_move_within_the_data() {
    let mut app = resized(80, 24);
    assert_eq!(app.date, day("2026-10-11"));
    press(&mut app, KeyCode::Left);
    assert_eq!(app.date, day("2026-10-10"));
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.date, day("2026-10-03"));
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.date, day("2026-09-07"), "clamped to the first date");
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.date, day("2026-09-14"));
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(app.date, day("2026-10-11"));
    press(&mut app, KeyCode::Right);
    assert_eq!(app.date, day("2026-10-11"), "clamped to the last date");
    let s = screen(&app, 80, 24);
    assert!(s.contains("Date · Sun 2026-10-11"), "{s}");
    assert!(s.contains("October 2026"), "{s}");
}

#[test]
fn a_date_move_redraws_the_top10_for_that_date() {
    let mut app = resized(160, 50);
    let before = screen(&app, 160, 50);
    press(&mut app, KeyCode::Left);
    let after = screen(&app, 160, 50);
    assert!(
        after.contains("Top 10 · US United States · 2026-10-10"),
        "{after}"
    );
    assert_ne!(before, after);
    let want = top10_rows(day("2026-10-10"), "US", Metric::Hours);
    assert_top10_on_screen(&after, &want.iter().map(shown_title).collect::<Vec<_>>());
}

#[test]
fn cached_views_redraw_without_asking_again() {
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Right);
    // Back on a date already seen: nothing to ask, nothing loading.
    assert!(app.take_requests().is_empty());
    assert!(app.is_complete());
    // A new date without answers shows loading states.
    let ev = Event::Key(KeyEvent::new(KeyCode::Char('['), KeyModifiers::NONE));
    app.update(event::to_action(&ev, app.mode()).unwrap());
    assert!(app.is_loading());
    let s = screen(&app, 80, 24);
    assert!(s.contains("loading Top 10 US 2026-10-04"), "{s}");
    insta::assert_snapshot!("loading_80x24", s);
}

#[test]
fn metric_switch_relabels_and_reranks() {
    let mut app = resized(160, 50);
    let s = screen(&app, 160, 50);
    assert!(s.contains("ranked by hours · the published list"), "{s}");
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.metric, Metric::Views);
    let s = screen(&app, 160, 50);
    assert!(
        s.contains("ranked by views = hours ÷ runtime · NOT the published list"),
        "{s}"
    );
    insta::assert_snapshot!("metric_views_160x50", s);
    press(&mut app, KeyCode::Char('m'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("ranked by viewers · NOT the published"), "{s}");
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.metric, Metric::Hours);
}

#[test]
fn country_filter_and_selection() {
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.focus, Pane::Country);
    typed(&mut app, "gerq");
    // 'q' is typed into the filter, not a quit.
    assert!(!app.should_quit);
    press(&mut app, KeyCode::Backspace);
    let s = screen(&app, 80, 24);
    assert!(s.contains("/ ger"), "{s}");
    assert!(s.contains("Countries · 1/7"), "{s}");
    assert!(s.contains("DE Germany"), "{s}");
    assert!(!s.contains("FR France"), "{s}");
    insta::assert_snapshot!("filter_80x24", s);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.country, "DE");
    let s = screen(&app, 80, 24);
    assert!(s.contains("Top 10 · DE Germany"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert!(app.countries.filter.is_empty());
    // Arrows move the cursor; Enter selects.
    press(&mut app, KeyCode::Up);
    assert_eq!(app.country, "DE");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.country, "FR");
}

#[test]
fn sql_window_shows_the_query_its_parameters_and_time() {
    let mut app = resized(160, 50);
    press(&mut app, KeyCode::Char('s'));
    let s = screen(&app, 160, 50);
    assert!(
        s.contains("queries/tui_top10_published.sql  ran in 4.2 ms, 10 rows"),
        "{s}"
    );
    assert!(s.contains("$1 = '2026-10-11'  $2 = 'US'"), "{s}");
    assert!(s.contains("FROM top10_country_day t"), "{s}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    // Every pane explains where its rows come from.
    for (pane, needle) in [
        (Pane::Date, "runs no SQL"),
        (Pane::Country, "queries/tui_countries.sql"),
        (Pane::Wow, "queries/tui_wow_daily.sql"),
        (Pane::Share, "$3 = NULL"),
    ] {
        app.update(Action::Focus(pane));
        press(&mut app, KeyCode::Char('s'));
        let s = screen(&app, 160, 50);
        assert!(s.contains(needle), "{pane:?}: {s}");
        if pane == Pane::Wow {
            assert!(s.contains("queries/wow.sql"), "{s}");
            insta::assert_snapshot!("sql_wow_160x50", s);
        }
        press(&mut app, KeyCode::Char('s'));
        assert!(app.overlay.is_none());
    }
}

#[test]
fn help_lists_every_key() {
    let mut app = resized(160, 50);
    press(&mut app, KeyCode::Char('?'));
    let s = screen(&app, 160, 50);
    for k in [
        "Tab / Shift-Tab",
        "PgUp / PgDn",
        "[ / ]",
        "q / Ctrl-C",
        "m ",
        "g ",
        "s ",
        "e ",
        "/ ",
    ] {
        assert!(s.contains(k), "{k}: {s}");
    }
    insta::assert_snapshot!("help_160x50", s);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn footer_shows_the_focused_panes_keys() {
    let mut app = resized(80, 24);
    let last = |s: &str| s.lines().last().unwrap().to_string();
    assert!(last(&screen(&app, 80, 24)).contains("m metric"));
    app.update(Action::Focus(Pane::Date));
    assert!(last(&screen(&app, 80, 24)).contains("PgUp/Dn month"));
    app.update(Action::Focus(Pane::Share));
    assert!(last(&screen(&app, 80, 24)).contains("g all countries"));
}

/// The header's quality indicator: its text and background colour.
fn indicator(app: &App, w: u16, h: u16) -> (String, Color) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::render(app, f)).unwrap();
    let buf = t.backend().buffer();
    let line: String = (0..w).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    let at = line.find("● quality").expect("an indicator");
    let x = line[..at].chars().count() as u16;
    (line[at..].trim_end().to_string(), buf[(x, 0)].bg)
}

#[test]
fn the_quality_indicator_follows_the_date_in_colour() {
    let mut app = resized(80, 24);
    // 2026-10-11 fails: red, with the counts.
    let (text, bg) = indicator(&app, 80, 24);
    assert_eq!(text, "● quality 1 fail · 1 warn · 10 pass");
    assert_eq!(bg, Color::Red);
    // 2026-10-10 passes: green.
    press(&mut app, KeyCode::Left);
    let (text, bg) = indicator(&app, 80, 24);
    assert_eq!(text, "● quality 0 fail · 0 warn · 12 pass");
    assert_eq!(bg, Color::Green);
    insta::assert_snapshot!("quality_passing_80x24", screen(&app, 80, 24));
    // 2026-10-09 warns: amber.
    press(&mut app, KeyCode::Left);
    let (text, bg) = indicator(&app, 80, 24);
    assert_eq!(text, "● quality 0 fail · 1 warn · 11 pass");
    assert_eq!(bg, Color::Yellow);
    // Always visible, also on the narrowest screen the panes fit.
    app.update(Action::Resize(64, 20));
    assert!(
        screen(&app, 64, 20)
            .lines()
            .next()
            .unwrap()
            .contains("● quality 0 fail")
    );
}

#[test]
fn the_quality_indicator_says_while_the_checks_run_and_when_they_fail() {
    let mut app = App::new(info(), std::env::temp_dir(), (80, 24));
    for k in app.take_requests() {
        if !matches!(k, Key::Quality(_)) {
            let loaded = answer(&k);
            app.update(Action::Loaded(Response {
                key: k,
                outcome: Outcome::Done(Arc::new(loaded)),
            }));
        }
    }
    let s = screen(&app, 80, 24);
    assert!(
        s.lines().next().unwrap().contains("checking quality…"),
        "{s}"
    );
    assert!(app.is_complete(), "the panes do not wait for the checks");
    assert!(app.is_loading(), "the spinner turns");
    app.update(Action::Loaded(Response {
        key: Key::Quality(app.date),
        outcome: Outcome::Failed("IO Error: gone".into()),
    }));
    let s = screen(&app, 80, 24);
    assert!(
        s.lines().next().unwrap().contains("checks failed to run"),
        "{s}"
    );
    press(&mut app, KeyCode::Char('d'));
    assert!(screen(&app, 80, 24).contains("error: IO Error: gone"));
}

#[test]
fn the_quality_window_lists_the_checks_and_their_offenders() {
    for (w, h) in [(80, 24), (160, 50)] {
        let mut app = resized(w, h);
        press(&mut app, KeyCode::Char('d'));
        assert_eq!(app.mode(), top10::tui::app::Mode::Quality);
        let s = screen(&app, w, h);
        for name in top10::checks::NAMES {
            assert!(s.contains(name), "{name}: {s}");
        }
        assert!(s.contains("FAIL  sla"), "{s}");
        insta::assert_snapshot!(format!("quality_{w}x{h}"), s);
        // The footer names the window's keys.
        assert!(s.lines().last().unwrap().contains("Enter offenders"), "{s}");
        // quarantine_rate: its quarantined rows by reason, from the worker.
        while app.checks().unwrap()[app.quality.cursor].check != "quarantine_rate" {
            press(&mut app, KeyCode::Down);
        }
        press(&mut app, KeyCode::Enter);
        assert_eq!(
            app.offenders_key(),
            Some(Key::Offenders(day("2026-10-11"), "quarantine_rate".into()))
        );
        let s = screen(&app, w, h);
        assert!(s.contains("Offenders of quarantine_rate"), "{s}");
        assert!(
            s.contains("bad_watch_seconds") && s.contains("ev-0003"),
            "{s}"
        );
        insta::assert_snapshot!(format!("quality_offenders_{w}x{h}"), s);
        // s: the offenders' SQL and its parameter.
        press(&mut app, KeyCode::Char('s'));
        let s = screen(&app, w, h);
        assert!(s.contains("queries/tui_quality_quarantine.sql"), "{s}");
        assert!(s.contains("$1 = '2026-10-11'"), "{s}");
        press(&mut app, KeyCode::Esc);
        assert!(screen(&app, w, h).contains("Offenders of quarantine_rate"));
        // Esc back to the list, the cursor where it was.
        press(&mut app, KeyCode::Esc);
        assert!(app.quality.offenders.is_none());
        assert_eq!(
            app.checks().unwrap()[app.quality.cursor].check,
            "quarantine_rate"
        );
        // sla has no query: its details, pretty-printed.
        while app.checks().unwrap()[app.quality.cursor].check != "sla" {
            press(&mut app, KeyCode::Up);
        }
        press(&mut app, KeyCode::Enter);
        let s = screen(&app, w, h);
        assert!(s.contains("\"missed_countries\": ["), "{s}");
        assert!(s.contains("after 06:00 local"), "{s}");
        if w == 160 {
            insta::assert_snapshot!("quality_details_160x50", s);
        }
        press(&mut app, KeyCode::Esc);
        // ← in the window: the checks of the day before.
        press(&mut app, KeyCode::Left);
        assert!(
            screen(&app, w, h).contains("Quality · Sat 2026-10-10 · 0 fail · 0 warn · 12 pass")
        );
        press(&mut app, KeyCode::Char('d'));
        assert!(app.overlay.is_none(), "d closes it");
    }
}

#[test]
fn the_quality_window_on_a_tiny_terminal() {
    let mut app = resized(64, 20);
    press(&mut app, KeyCode::Char('d'));
    for _ in 0..11 {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&app, 64, 20);
    assert!(
        s.contains("canonical_map"),
        "the cursor row stays visible: {s}"
    );
    insta::assert_snapshot!("quality_64x20", s);
}

#[test]
fn share_compares_with_all_countries() {
    let mut app = resized(160, 50);
    app.update(Action::Focus(Pane::Share));
    press(&mut app, KeyCode::Char('g'));
    let s = screen(&app, 160, 50);
    assert!(s.contains("Originals share · US vs all countries"), "{s}");
    assert!(s.contains(" · all countries "), "{s}");
    let s = screen(&app, 80, 24);
    assert!(s.contains("10-11 "), "{s}");
    assert!(s.contains("% all "), "{s}");
    insta::assert_snapshot!("share_compare_160x50", s);
}

#[test]
fn export_writes_the_focused_pane_and_says_where() {
    let dir = TempDir::new().unwrap();
    let mut app = App::new(info(), dir.path().to_path_buf(), (80, 24));
    serve(&mut app);
    press(&mut app, KeyCode::Char('e'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("Export the top10 pane"), "{s}");
    press(&mut app, KeyCode::Char('c'));
    let file = dir
        .path()
        .canonicalize()
        .unwrap()
        .join("top10-top10-2026-10-11-US-hours.csv");
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(
        csv.starts_with("rank,show_id,title,total_watch_seconds\n1,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 11);
    let s = screen(&app, 80, 24);
    assert!(s.contains("exported 10 rows of the top10 pane to"), "{s}");
    app.update(Action::Focus(Pane::Share));
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Char('j'));
    let json = dir.path().join("top10-share-US.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 35);
    assert_eq!(v[0]["country"], "US");
}

#[test]
fn mouse_focuses_selects_and_scrolls() {
    let (w, h) = (80, 24);
    let mut app = resized(w, h);
    let a = layout::areas(ratatui::layout::Rect::new(0, 0, w, h)).unwrap();
    // Countries are listed by name: Brazil, France, Germany, Japan, South
    // Africa, United Kingdom, United States. Click the third row.
    let inner = layout::inner(a.country);
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        inner.x + 3,
        inner.y + 2,
    );
    assert_eq!(app.focus, Pane::Country);
    assert_eq!(app.country, "DE");
    // A click on a calendar day selects it: 1 October 2026 is a Thursday.
    let cal = layout::inner(a.date);
    let gx = cal.x + (cal.width - 20) / 2;
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        gx + 9 + 1,
        cal.y + 2,
    );
    assert_eq!(app.focus, Pane::Date);
    assert_eq!(app.date, day("2026-10-01"));
    // A click on a Top 10 row moves its cursor.
    let t = layout::inner(a.top10);
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        t.x + 5,
        t.y + 1 + 4,
    );
    assert_eq!((app.focus, app.top10_rows.cursor), (Pane::Top10, 4));
    // The wheel scrolls the pane under the pointer.
    let wow = layout::inner(a.wow);
    mouse(&mut app, MouseEventKind::ScrollDown, wow.x + 2, wow.y + 2);
    mouse(&mut app, MouseEventKind::ScrollDown, wow.x + 2, wow.y + 2);
    assert_eq!(app.wow_rows.cursor, 2);
    assert_eq!(app.focus, Pane::Top10, "the wheel does not move the focus");
}

/// The lineage window's state, if it is the window shown.
fn lineage_view(app: &App) -> Option<&LineageView> {
    match (app.overlay, app.windows.last()) {
        (Some(Overlay::Window), Some(Window::Lineage(v))) => Some(v),
        _ => None,
    }
}

#[test]
fn enter_on_a_top10_row_opens_its_lineage() {
    for (w, h) in [(80, 24), (160, 50)] {
        let mut app = resized(w, h);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        let want = match app
            .loaded(&app.pane_key(Pane::Top10).unwrap())
            .map(|l| &l.data)
        {
            Some(Data::Top10(rows)) => rows[1].show_id,
            _ => panic!("no Top 10"),
        };
        let v = lineage_view(&app).expect("the lineage window");
        assert_eq!((v.date, v.country.as_str(), v.show), (app.date, "US", want));
        let s = screen(&app, w, h);
        assert!(s.contains("Lineage · "), "{s}");
        assert!(s.contains("15 kept · 2 duplicate · 1 quarantined"), "{s}");
        assert!(s.contains("sorted by event_id ↑"), "{s}");
        assert!(s.contains("Path  raw rows 18 › duplicates 2"), "{s}");
        assert!(s.contains("Neighbours  #"), "{s}");
        insta::assert_snapshot!(format!("lineage_{w}x{h}"), s);
    }
    // Any metric explains the same aggregate.
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Enter);
    assert!(lineage_view(&app).is_some());
    // Tiny terminals: the message, and no panic.
    app.update(Action::Resize(64, 20));
    insta::assert_snapshot!("lineage_64x20", screen(&app, 64, 20));
    for (w, h) in [(40, 10), (10, 5), (1, 1)] {
        app.update(Action::Resize(w, h));
        let _ = screen(&app, w, h);
    }
}

#[test]
fn the_lineage_window_loads_on_the_worker_and_says_so() {
    let mut app = resized(80, 24);
    app.update(Action::Enter);
    let key = app.window_key().expect("a window key");
    assert!(matches!(key, Key::Explain(..)));
    assert_eq!(
        app.take_requests(),
        vec![key.clone()],
        "asked of the worker"
    );
    assert!(app.is_loading() && !app.is_complete());
    let s = screen(&app, 80, 24);
    assert!(s.contains("loading lineage of show"), "{s}");
    app.update(Action::Loaded(Response {
        key: key.clone(),
        outcome: Outcome::Failed("boom".into()),
    }));
    assert!(screen(&app, 80, 24).contains("error: boom"));
    app.update(Action::Retry);
    assert_eq!(app.take_requests(), vec![key]);
}

#[test]
fn enter_on_a_week_over_week_row_explains_that_show() {
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let v = lineage_view(&app).expect("the lineage window");
    assert_eq!(v.show, 80_100_002);
    assert!(screen(&app, 80, 24).contains(TITLES[2]));
}

#[test]
fn the_source_events_scroll_and_sort() {
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    assert_eq!(lineage_view(&app).unwrap().cursor, 17);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(lineage_view(&app).unwrap().cursor, 7);
    press(&mut app, KeyCode::Home);
    assert_eq!(lineage_view(&app).unwrap().cursor, 0);
    let mut titles = vec![];
    for _ in 0..4 {
        press(&mut app, KeyCode::Char('o'));
        let s = screen(&app, 80, 24);
        titles.push(
            s.lines()
                .find(|l| l.contains("Lineage · "))
                .unwrap()
                .to_string(),
        );
    }
    assert!(titles[0].contains("sorted by ingestion_ts ↓"), "{titles:?}");
    assert!(
        titles[1].contains("sorted by watch_seconds ↓"),
        "{titles:?}"
    );
    assert!(titles[2].contains("sorted by status"), "{titles:?}");
    assert!(titles[3].contains("sorted by event_id ↑"), "{titles:?}");
    // By watch seconds: the largest first, whatever its status.
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Char('o'));
    let s = screen(&app, 160, 50);
    let first = s
        .lines()
        .skip_while(|l| !l.contains("status") || !l.contains("watch_seconds"))
        .nth(1)
        .unwrap_or_else(|| panic!("{s}"))
        .to_string();
    assert!(
        first.contains("duplicate") && first.contains("4200"),
        "{first}"
    );
    insta::assert_snapshot!("lineage_sorted_by_watch_seconds_160x50", s);
}

#[test]
fn enter_on_an_event_shows_every_version_and_the_winner() {
    let mut app = resized(160, 50);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(lineage_view(&app).unwrap().versions);
    let s = screen(&app, 160, 50);
    assert!(
        s.contains("Versions of ev-0a1b2c3d4e5f · 3 raw rows"),
        "{s}"
    );
    let won = s.find("won: kept in the fact").expect("the winner");
    let src = s
        .find("lost: same ingestion_ts, smaller src")
        .expect("src loses");
    let early = s.find("lost: ingested earlier").expect("earlier loses");
    assert!(won < src && src < early, "{s}");
    insta::assert_snapshot!("lineage_versions_160x50", s);
    // A row without event id is its own only version.
    press(&mut app, KeyCode::Esc);
    assert!(
        !lineage_view(&app).unwrap().versions,
        "Esc goes back one level"
    );
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 160, 50);
    assert!(
        s.contains("Versions of a row without event_id · 1 raw row "),
        "{s}"
    );
    assert!(s.contains("won, then quarantined: missing_event_id"), "{s}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none() && app.windows.is_empty());
    assert_eq!(app.focus, Pane::Top10, "back where it was");
}

#[test]
fn s_shows_the_lineage_sql_with_its_parameters() {
    let mut app = resized(120, 40);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    let s = screen(&app, 120, 40);
    assert!(s.contains("SQL of the lineage"), "{s}");
    assert!(s.contains("lineage::explain answered in 8.4 ms"), "{s}");
    assert!(s.contains("queries/explain_events.sql"), "{s}");
    assert!(
        s.contains("$1 = '2026-10-11'  $2 = 'US'  $3 = 80100"),
        "{s}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(lineage_view(&app).is_some_and(|v| !v.sql));
}

#[test]
fn why_not_searches_titles_and_explains_the_choice() {
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(app.mode(), top10::tui::app::Mode::WhyNot);
    typed(&mut app, "brdg");
    let s = screen(&app, 80, 24);
    assert!(s.contains("Why not? · US · 2026-10-11"), "{s}");
    assert!(s.contains("title: brdg"), "{s}");
    insta::assert_snapshot!("why_not_prompt_80x24", s);
    // q is text here.
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    typed(&mut app, "the bridge");
    press(&mut app, KeyCode::Enter);
    let v = lineage_view(&app).expect("the chosen show's lineage");
    assert_eq!(v.show, 80_100_006);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("Not ranked: excluded by the kids_only rule"),
        "the rule: {s}"
    );
    insta::assert_snapshot!("why_not_result_80x24", s);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    // From the lineage window: the answer, then Esc back to the first show.
    let mut app = resized(160, 50);
    press(&mut app, KeyCode::Enter);
    let first = lineage_view(&app).unwrap().show;
    press(&mut app, KeyCode::Char('w'));
    typed(&mut app, "kingdom");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 160, 50);
    assert_eq!(lineage_view(&app).unwrap().show, 80_100_011);
    assert!(s.contains("Ranked #12 (not in the Top 10)"), "{s}");
    assert!(s.contains("Gap to #10: 1234 more watch seconds"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(lineage_view(&app).unwrap().show, first);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn c_shows_what_changed_since_publication() {
    let mut app = resized(120, 40);
    press(&mut app, KeyCode::Char('c'));
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Changes since publication · US · 2026-10-11 · 2 moved"),
        "{s}"
    );
    assert!(s.contains("Published") && s.contains("Now"), "{s}");
    assert!(
        s.contains("Crimson Bridges: out → #10 (+7200 watch seconds)"),
        "{s}"
    );
    assert!(s.contains("1 row arrived after publication"), "{s}");
    assert!(s.contains("ev-late00000001"), "{s}");
    insta::assert_snapshot!("changes_120x40", s);
    press(&mut app, KeyCode::Char('s'));
    assert!(screen(&app, 120, 40).contains("queries/changes_timezone.sql"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    // Loading says it rebuilds.
    let mut app = resized(80, 24);
    app.update(Action::ShowChanges);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("loading changes since publication") && s.contains("rebuilding"),
        "{s}"
    );
    // From the lineage window, and back to it.
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Esc);
    assert!(lineage_view(&app).is_some());
}

#[test]
fn help_over_the_lineage_window_returns_to_it() {
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    press(&mut app, KeyCode::Esc);
    assert!(lineage_view(&app).is_some());
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
    let mut app = resized(80, 24);
    press(&mut app, KeyCode::Char('/'));
    press_mod(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.should_quit);
}

#[test]
fn tiny_terminals_say_how_large_the_window_must_be() {
    let app = resized(50, 12);
    let s = screen(&app, 50, 12);
    let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("at least 64×20; this one is 50×12"), "{s}");
    insta::assert_snapshot!("too_small_50x12", s);
}

#[test]
fn no_size_panics_with_any_window_open() {
    let mut app = resized(80, 24);
    let mut sizes = vec![];
    for w in (0..=90).step_by(3) {
        for h in (0..=30).step_by(2) {
            sizes.push((w, h));
        }
    }
    sizes.extend([(1, 1), (63, 19), (64, 20), (64, 19), (63, 20), (300, 80)]);
    let setups: [&[KeyCode]; 13] = [
        &[],
        &[KeyCode::Char('?')],
        &[KeyCode::Char('s')],
        &[KeyCode::Char('e')],
        &[KeyCode::Char('/'), KeyCode::Char('x')],
        &[KeyCode::Char('d')],
        &[KeyCode::Char('d'), KeyCode::Down, KeyCode::Enter],
        &[KeyCode::Char('d'), KeyCode::Enter, KeyCode::Char('s')],
        &[KeyCode::Enter],
        &[KeyCode::Enter, KeyCode::Enter],
        &[KeyCode::Enter, KeyCode::Char('s')],
        &[KeyCode::Char('w'), KeyCode::Char('x')],
        &[KeyCode::Char('c')],
    ];
    for keys in setups {
        for k in keys {
            press(&mut app, *k);
        }
        for &(w, h) in &sizes {
            app.update(Action::Resize(w, h));
            let _ = screen(&app, w, h);
            // Clicks and wheels anywhere, including outside every pane.
            for (x, y) in [
                (0, 0),
                (w / 2, h / 2),
                (w.saturating_sub(1), h.saturating_sub(1)),
            ] {
                app.update(Action::Wheel { x, y, down: true });
            }
        }
        for _ in 0..3 {
            press(&mut app, KeyCode::Esc);
        }
        assert!(app.overlay.is_none(), "{keys:?}");
    }
}

#[test]
fn failed_queries_show_the_error_and_retry() {
    let mut app = App::new(info(), std::env::temp_dir(), (80, 24));
    for k in app.take_requests() {
        let outcome = if matches!(k, Key::Top10(..)) {
            Outcome::Failed("IO Error: no such file".into())
        } else {
            Outcome::Done(Arc::new(answer(&k)))
        };
        app.update(Action::Loaded(Response { key: k, outcome }));
    }
    let s = screen(&app, 80, 24);
    assert!(s.contains("error: IO Error: no such file"), "{s}");
    assert!(app.is_complete(), "an error is an answer");
    press(&mut app, KeyCode::Char('r'));
    assert!(app.is_complete(), "answered again by the fake worker");
    assert!(!screen(&app, 80, 24).contains("error:"));
}

#[test]
fn neighbouring_days_are_prefetched_once_the_view_is_complete() {
    let mut app = App::new(info(), std::env::temp_dir(), (80, 24));
    let first = app.take_requests();
    assert_eq!(
        first.len(),
        5,
        "the view and its checks first, nothing else"
    );
    assert_eq!(first[4], Key::Quality(day("2026-10-11")), "after the panes");
    for k in first {
        let loaded = answer(&k);
        app.update(Action::Loaded(Response {
            key: k,
            outcome: Outcome::Done(Arc::new(loaded)),
        }));
    }
    // 2026-10-11 is the last date with data: only the day before.
    let d = day("2026-10-10");
    let next = app.take_requests();
    assert_eq!(
        next,
        vec![
            Key::Countries(d),
            Key::Top10(d, "US".into(), Metric::Hours),
            Key::Wow(d, "US".into()),
        ]
    );
    assert!(!app.is_loading(), "prefetching is not loading");
    for k in next {
        let loaded = answer(&k);
        app.update(Action::Loaded(Response {
            key: k,
            outcome: Outcome::Done(Arc::new(loaded)),
        }));
    }
    let ev = Event::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
    app.update(event::to_action(&ev, app.mode()).unwrap());
    assert!(app.is_complete(), "the day before is on screen at once");
    // Moving on drops the prefetch of days no longer next to the view.
    app.update(Action::Month(-1));
    assert!(
        !app.wanted()
            .contains(&Key::Wow(day("2026-10-09"), "US".into()))
    );
}

#[test]
fn skipped_and_cancelled_requests_are_asked_again_when_needed() {
    let mut app = App::new(info(), std::env::temp_dir(), (80, 24));
    let first = app.take_requests();
    assert_eq!(first.len(), 5);
    for k in first {
        app.update(Action::Loaded(Response {
            key: k,
            outcome: Outcome::Cancelled,
        }));
    }
    // Still needed: asked again.
    assert_eq!(app.take_requests().len(), 5);
}

// ------------------------------------------------------------ real data

const SMALL: &[&str] = &[
    "--days",
    "21",
    "--countries",
    "5",
    "--shows",
    "60",
    "--users",
    "3000",
    "--events-per-day",
    "3000",
    "--seed",
    "5",
];

struct Fixture {
    _dir: TempDir,
    lake: PathBuf,
    wh: PathBuf,
    cache: PathBuf,
}

/// A generated lake and its warehouse, built once per test run.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = TempDir::new().unwrap();
        let lake = dir.path().join("lake");
        let wh = dir.path().join("lake-warehouse");
        let cache = dir.path().join("cache");
        let mut args = vec!["generate", "--out", lake.to_str().unwrap()];
        args.extend_from_slice(SMALL);
        let o = Command::cargo_bin("top10")
            .unwrap()
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = Command::cargo_bin("top10")
            .unwrap()
            .args(["build", "--lake", lake.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        Fixture {
            _dir: dir,
            lake,
            wh,
            cache,
        }
    })
}

/// Run the real worker until the view is complete.
fn settle(app: &mut App, worker: &Worker, rx: &mpsc::Receiver<Response>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for k in app.take_requests() {
            worker.request(k);
        }
        worker.set_wanted(app.wanted());
        if app.is_complete() && !app.is_loading() {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let r = rx.recv_timeout(left).expect("the worker answers");
        app.update(Action::Loaded(r));
    }
}

fn shown_title(r: &Top10Row) -> String {
    r.title
        .clone()
        .unwrap_or_else(|| format!("(show {})", r.show_id))
}

/// The rows of the Top 10 pane show `titles`, in order, one per row.
fn assert_top10_on_screen(screen: &str, titles: &[String]) {
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("# ±") && l.contains("Title"))
        .unwrap_or_else(|| panic!("no Top 10 header: {screen}"));
    for (i, t) in titles.iter().enumerate() {
        let line = lines[header + 1 + i];
        let rank = format!("{:>2} ", i + 1);
        assert!(
            line.contains(&rank) && line.contains(t.as_str()),
            "row {}: want {t:?} in {line:?}",
            i + 1
        );
    }
}

/// A version removed by newer builds while the explorer reads it (builds
/// keep three) is said plainly in the panes, not as DuckDB's missing-file
/// error.
#[test]
fn a_version_removed_under_the_explorer_says_so() {
    let dir = TempDir::new().unwrap();
    let wh = dir.path().join("wh");
    support::copy_dir(&fixture().wh, &wh);
    let version = Warehouse::new(&wh).current().unwrap();
    let mut app = App::new(
        Info::from_version(&version, "fixture"),
        std::env::temp_dir(),
        (120, 40),
    );
    let (tx, rx) = mpsc::channel();
    let worker = Worker::spawn(Session::open(version.clone()).unwrap(), move |r| {
        let _ = tx.send(r);
    })
    .unwrap();
    std::fs::remove_dir_all(&version.dir).unwrap();
    settle(&mut app, &worker, &rx);
    let s = screen(&app, 120, 40);
    assert!(s.contains("removed by newer builds"), "{s}");
    assert!(!s.contains("No files found"), "{s}");
}

/// The why-not search lists each show once: the old ids merged into a
/// show (same title) are left out, the canonical show is there.
#[test]
fn the_why_not_titles_leave_out_merged_old_ids() {
    let fx = fixture();
    let session = Session::open(Warehouse::new(&fx.wh).current().unwrap()).unwrap();
    let ids = |sql: &str| -> Vec<i64> {
        let t = Table::query(&session.conn, sql, &[]).unwrap();
        t.rows
            .iter()
            .map(|r| match r[0] {
                Cell::Int(i) => i,
                ref other => panic!("{other:?}"),
            })
            .collect()
    };
    let listed = ids(queries::TUI_SHOW_TITLES.text);
    let merged = ids("SELECT old_show_id, canonical_show_id FROM show_canonical_resolved");
    let canonical = ids(
        "SELECT canonical_show_id FROM show_canonical_resolved WHERE canonical_show_id IN (SELECT show_id FROM dim_shows)",
    );
    assert!(!merged.is_empty(), "the fixture has merged shows");
    assert!(merged.iter().all(|m| !listed.contains(m)), "{merged:?}");
    assert!(
        canonical.iter().all(|c| listed.contains(c)),
        "{canonical:?}"
    );
}

#[test]
fn the_real_worker_shows_what_query_top10_returns() {
    let fx = fixture();
    let version = Warehouse::new(&fx.wh).current().unwrap();
    let mut app = App::new(
        Info::from_version(&version, "fixture"),
        std::env::temp_dir(),
        (160, 50),
    );
    let check = Session::open(version.clone()).unwrap();
    let (tx, rx) = mpsc::channel();
    let worker = Worker::spawn(Session::open(version).unwrap(), move |r| {
        let _ = tx.send(r);
    })
    .unwrap();
    settle(&mut app, &worker, &rx);
    for step in 0..3 {
        let s = screen(&app, 160, 50);
        let want = check.top10(app.date, &app.country).unwrap();
        let titles: Vec<String> = want
            .rows
            .iter()
            .map(|r| match (&r[2], &r[1]) {
                (Cell::Text(t), _) => t.clone(),
                (_, Cell::Int(id)) => format!("(show {id})"),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(!titles.is_empty());
        assert_top10_on_screen(&s, &titles);
        // The other panes have data too.
        assert!(!s.contains("loading"), "{s}");
        assert!(s.contains("Week over week · "), "{s}");
        assert!(s.contains("% · of "), "share figure: {s}");
        match step {
            0 => press_real(&mut app, &worker, &rx, KeyCode::Left),
            1 => {
                press_real(&mut app, &worker, &rx, KeyCode::Char('/'));
                for ch in app.info.countries[1].clone().chars() {
                    press_real(&mut app, &worker, &rx, KeyCode::Char(ch));
                }
                press_real(&mut app, &worker, &rx, KeyCode::Enter);
                assert_eq!(app.country, app.info.countries[1]);
            }
            _ => {}
        }
    }
    // Views and viewers rankings come back ranked 1..n.
    for _ in 0..2 {
        press_real(&mut app, &worker, &rx, KeyCode::Char('m'));
        let key = app.pane_key(Pane::Top10).unwrap();
        let Data::Top10(rows) = &app.loaded(&key).unwrap().data else {
            panic!()
        };
        let ranks: Vec<i64> = rows.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, (1..=rows.len() as i64).collect::<Vec<_>>());
    }
}

#[test]
fn the_lineage_window_adds_up_to_what_explain_returns() {
    let fx = fixture();
    let version = Warehouse::new(&fx.wh).current().unwrap();
    let mut app = App::new(
        Info::from_version(&version, "fixture"),
        std::env::temp_dir(),
        (160, 50),
    );
    let check = Session::open(version.clone()).unwrap();
    let (tx, rx) = mpsc::channel();
    let worker = Worker::spawn(Session::open(version).unwrap(), move |r| {
        let _ = tx.send(r);
    })
    .unwrap();
    settle(&mut app, &worker, &rx);
    for row in [0, 9] {
        while app.top10_rows.cursor < row {
            press_real(&mut app, &worker, &rx, KeyCode::Down);
        }
        press_real(&mut app, &worker, &rx, KeyCode::Enter);
        let Some(Window::Lineage(v)) = app.windows.last() else {
            panic!("no lineage window")
        };
        let want = top10::lineage::explain(&check, v.date, &v.country, v.show, None).unwrap();
        let key = app.window_key().unwrap();
        let Data::Explain(got, _) = &app.loaded(&key).unwrap().data else {
            panic!("no explanation")
        };
        assert_eq!(**got, want, "the worker calls lineage::explain");
        let t = &want.events_table;
        let kept: Vec<&Vec<Cell>> = t
            .rows
            .iter()
            .filter(|r| r[0] == Cell::Text("kept".into()))
            .collect();
        let secs: i64 = kept
            .iter()
            .map(|r| match r[6] {
                Cell::Int(i) => i,
                _ => 0,
            })
            .sum();
        let agg = want.aggregate.as_ref().unwrap();
        assert_eq!(secs, agg.total_watch_seconds, "kept events add up");
        let s = screen(&app, 160, 50);
        assert!(
            s.contains(&format!(
                "{} raw rows: {} kept · ",
                t.rows.len(),
                kept.len()
            )),
            "{s}"
        );
        assert!(
            s.contains(&format!(
                "Ranked #{} in the published Top 10: {secs} watch seconds",
                row + 1
            )),
            "{s}"
        );
        press_real(&mut app, &worker, &rx, KeyCode::Esc);
        assert!(app.overlay.is_none());
    }
}

#[test]
fn the_quality_checks_run_on_the_worker_and_are_not_recorded() {
    // A lake with a fifth of its events invalid: quarantine_rate warns.
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let mut args = vec!["generate", "--out", lake.to_str().unwrap()];
    args.extend_from_slice(&[
        "--days",
        "9",
        "--countries",
        "3",
        "--shows",
        "40",
        "--users",
        "800",
        "--events-per-day",
        "600",
        "--seed",
        "11",
        "--invalid-rate",
        "0.2",
    ]);
    for args in [args, vec!["build", "--lake", lake.to_str().unwrap()]] {
        let o = Command::cargo_bin("top10")
            .unwrap()
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let wh = Warehouse::new(&dir.path().join("lake-warehouse"));
    let version = wh.current().unwrap();
    let date = *version.manifest.dates.last().unwrap();
    let session = Session::open(version.clone()).unwrap();
    let loaded = top10::tui::worker::run(&session, &Key::Quality(date)).unwrap();
    let Data::Quality(checks) = &loaded.data else {
        panic!("{:?}", loaded.data)
    };
    let names: Vec<&str> = checks.iter().map(|c| c.check.as_str()).collect();
    assert_eq!(names, top10::checks::NAMES);
    let q = checks
        .iter()
        .find(|c| c.check == "quarantine_rate")
        .unwrap();
    assert_eq!(q.status, Status::Warn, "{}", q.summary);
    assert!(
        !top10::checks::history::dir(&dir.path().join("lake-warehouse")).exists(),
        "the explorer records nothing in pipeline_health"
    );
    // The same statuses as `top10 check --date`.
    let o = Command::cargo_bin("top10")
        .unwrap()
        .args([
            "check",
            "--lake",
            lake.to_str().unwrap(),
            "--date",
            &date.to_string(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let cli: Vec<Check> = serde_json::from_slice(&o.stdout).unwrap();
    let status = |c: &[Check]| {
        c.iter()
            .map(|c| (c.check.clone(), c.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(status(checks), status(&cli));
    // Offenders: the quarantined rows of the day, by reason.
    let loaded =
        top10::tui::worker::run(&session, &Key::Offenders(date, "quarantine_rate".into())).unwrap();
    let Data::Offenders(t) = &loaded.data else {
        panic!()
    };
    assert_eq!(
        t.rows.len() as i64,
        q.details["quarantined"].as_i64().unwrap().min(1000)
    );
    for col in ["reason", "event_id", "src_file", "src_row"] {
        assert!(t.columns.iter().any(|c| c == col), "{col}: {:?}", t.columns);
    }
    // Each row's reason_rows counts that reason's rows of the day.
    let (reason, n) = (t.columns.iter().position(|c| c == "reason").unwrap(), 1);
    for r in &t.rows {
        let same = t.rows.iter().filter(|o| o[reason] == r[reason]).count() as i64;
        assert_eq!(r[n], Cell::Int(same), "{r:?}");
    }
    assert_eq!(loaded.runs[0].sql.name, "tui_quality_quarantine");
    assert_eq!(loaded.runs[0].params, vec![format!("'{date}'")]);
    for check in ["referential_integrity", "completeness"] {
        top10::tui::worker::run(&session, &Key::Offenders(date, check.into())).unwrap();
    }
}

fn press_real(app: &mut App, worker: &Worker, rx: &mpsc::Receiver<Response>, code: KeyCode) {
    let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(a) = event::to_action(&ev, app.mode()) {
        app.update(a);
    }
    settle(app, worker, rx);
}

#[test]
fn the_hours_ranking_is_the_published_list_on_every_date() {
    let fx = fixture();
    let version = Warehouse::new(&fx.wh).current().unwrap();
    let session = Session::open(version.clone()).unwrap();
    for date in version.manifest.dates.iter().step_by(4) {
        for country in &version.manifest.countries {
            let published = session.top10(*date, country).unwrap();
            let key = Key::Top10(*date, country.clone(), Metric::Hours);
            let mine = top10::tui::worker::run(&session, &key).unwrap();
            assert_eq!(mine.runs[0].sql.name, "tui_top10_published");
            let Data::Top10(rows) = mine.data else {
                panic!()
            };
            let ids: Vec<i64> = rows.iter().map(|r| r.show_id).collect();
            // Re-ranking the aggregates by hours gives the same list.
            let d = date.to_string();
            let reranked = Table::query(
                &session.conn,
                queries::TUI_TOP10_METRIC.text,
                &[&d, country, &"hours"],
            )
            .unwrap();
            let reranked: Vec<i64> = reranked
                .rows
                .iter()
                .map(|r| match r[2] {
                    Cell::Int(i) => i,
                    _ => panic!(),
                })
                .collect();
            assert_eq!(ids, reranked, "{date} {country}");
            let want: Vec<i64> = published
                .rows
                .iter()
                .map(|r| match r[1] {
                    Cell::Int(i) => i,
                    _ => panic!(),
                })
                .collect();
            assert_eq!(ids, want, "{date} {country}");
        }
    }
}

// ------------------------------------------------------------ real binary

/// `top10 query top10` for the date and country, as shown titles.
fn query_titles(
    bin: &Path,
    source: &[&str],
    cache: &Path,
    date: &str,
    country: &str,
) -> Vec<String> {
    let mut args = vec![
        "query",
        "top10",
        "--date",
        date,
        "--country",
        country,
        "--format",
        "json",
    ];
    args.extend_from_slice(source);
    let o = Process::new(bin)
        .args(&args)
        .env("TOP10_CACHE_DIR", cache)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| match r["title"].as_str() {
            Some(t) => t.to_string(),
            None => format!("(show {})", r["show_id"]),
        })
        .collect()
}

/// The date and country of the Top 10 pane's title.
fn top10_title(screen: &str) -> Option<(String, String)> {
    let line = screen.lines().find(|l| l.contains(" Top 10 · "))?;
    let rest = &line[line.find(" Top 10 · ")? + " Top 10 · ".len()..];
    let country = rest.get(..2)?.to_string();
    let at = rest.find(" · ")? + " · ".len();
    let date = rest.get(at..at + 10)?.to_string();
    Some((date, country))
}

#[test]
fn the_binary_in_a_terminal_shows_the_top10_and_quits_cleanly() {
    if !Tmux::usable() {
        return;
    }
    let fx = fixture();
    let bin = assert_cmd::cargo::cargo_bin("top10");
    // The built-in sample when this binary has one; else the fixture lake.
    let has_sample = Process::new(&bin)
        .env("TOP10_CACHE_DIR", &fx.cache)
        .output()
        .is_ok_and(|o| o.status.success());
    let lake = fx.lake.to_str().unwrap().to_string();
    let source: Vec<&str> = if has_sample {
        vec![]
    } else {
        vec!["--lake", &lake]
    };
    let mut command = format!("{} tui", shell_quote(bin.to_str().unwrap()));
    for a in &source {
        command.push(' ');
        command.push_str(&shell_quote(a));
    }
    let dir = TempDir::new().unwrap();
    let status = dir.path().join("status");
    let script = format!(
        "TOP10_CACHE_DIR={} {command}; echo EXIT=$? > {}; stty -a > {}.stty; sleep 30",
        shell_quote(fx.cache.to_str().unwrap()),
        shell_quote(status.to_str().unwrap()),
        shell_quote(status.to_str().unwrap()),
    );
    let tmux = Tmux::start(
        format!("top10-test-{}", std::process::id()),
        &script,
        Duration::from_secs(20),
        false,
    );

    let complete = |s: &str| {
        top10_title(s).is_some()
            && s.contains("# ±")
            && !s.contains("loading")
            && !s.contains("querying")
    };
    let s = tmux.wait_for("the first full screen", complete);
    let (date, country) = top10_title(&s).unwrap();
    let want = query_titles(&bin, &source, &fx.cache, &date, &country);
    assert_top10_on_screen(&s, &want);

    tmux.cmd(&["send-keys", "-t", "t", "Left"]);
    let s = tmux.wait_for("the previous date", |s| {
        complete(s) && top10_title(s).is_some_and(|(d, _)| d != date)
    });
    let (date2, country2) = top10_title(&s).unwrap();
    assert_eq!(country2, country);
    let prev = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .unwrap()
        .pred_opt()
        .unwrap();
    assert_eq!(date2, prev.to_string());
    let want2 = query_titles(&bin, &source, &fx.cache, &date2, &country);
    assert_top10_on_screen(&s, &want2);

    // d: the quality window of that date; the indicator has its counts.
    tmux.cmd(&["send-keys", "-t", "t", "d"]);
    let s = tmux.wait_for("the quality window", |s| {
        s.contains("Quality · ") && s.contains(&date2) && s.contains("canonical_map")
    });
    assert!(s.lines().next().unwrap().contains("● quality "), "{s}");
    for name in top10::checks::NAMES {
        assert!(s.contains(name), "{name}: {s}");
    }
    tmux.cmd(&["send-keys", "-t", "t", "Escape"]);
    tmux.wait_for("the window closed", |s| !s.contains("Quality · "));

    // Enter on the first Top 10 row: its lineage, filled by the worker.
    tmux.cmd(&["send-keys", "-t", "t", "Enter"]);
    let s = tmux.wait_for("the lineage window", |s| {
        s.contains("Lineage · ") && s.contains("raw rows: ") && !s.contains("loading")
    });
    assert!(s.contains(&want2[0]), "{}: {s}", want2[0]);
    assert!(s.contains("Ranked #1 in the published Top 10"), "{s}");
    assert!(s.contains("Path  raw rows "), "{s}");
    tmux.cmd(&["send-keys", "-t", "t", "Escape"]);
    tmux.wait_for("the lineage window closed", |s| {
        !s.contains("Lineage · ") && s.contains("# ±")
    });

    tmux.cmd(&["send-keys", "-t", "t", "q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new(&format!("{}.stty", status.display())).exists() {
        assert!(
            Instant::now() < deadline,
            "the explorer did not exit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(std::fs::read_to_string(&status).unwrap().trim(), "EXIT=0");
    // Restored: cooked mode with echo, main screen, no mouse reporting.
    let stty = std::fs::read_to_string(format!("{}.stty", status.display())).unwrap();
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{stty}"
    );
    let flags = tmux.cmd(&[
        "display-message",
        "-p",
        "-t",
        "t",
        "#{alternate_on} #{mouse_any_flag}",
    ]);
    assert_eq!(flags.trim(), "0 0", "alternate screen / mouse still on");
}

// ------------------------------------------------------------ random use

/// Tens of thousands of random inputs — keys, clicks, wheels, resizes down to
/// 1×1 — through the same `to_action` → `update` path as real ones, with
/// answers arriving at random moments (or never), and a frame drawn after
/// every input: the explorer never panics. Seeded, so a failure replays.
#[test]
fn random_inputs_at_random_sizes_never_panic() {
    use rand::{Rng, SeedableRng};
    let keys = [
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
    ];
    let chars: Vec<char> = "abcdefghijklmnoprstuvwxyz0123456789[]/?é "
        .chars()
        .collect();
    let export_dir = TempDir::new().unwrap();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
    let (mut w, mut h) = (80u16, 24u16);
    let mut app = App::new(info(), export_dir.path().to_path_buf(), (w, h));
    for _ in 0..20_000 {
        let ev = match rng.random_range(0..100) {
            0..=54 => Event::Key(KeyEvent::new(
                keys[rng.random_range(0..keys.len())],
                KeyModifiers::NONE,
            )),
            55..=79 => Event::Key(KeyEvent::new(
                KeyCode::Char(chars[rng.random_range(0..chars.len())]),
                KeyModifiers::NONE,
            )),
            80..=89 => Event::Mouse(MouseEvent {
                kind: match rng.random_range(0..3) {
                    0 => MouseEventKind::Down(MouseButton::Left),
                    1 => MouseEventKind::ScrollDown,
                    _ => MouseEventKind::ScrollUp,
                },
                column: rng.random_range(0..w.max(1) + 5),
                row: rng.random_range(0..h.max(1) + 5),
                modifiers: KeyModifiers::NONE,
            }),
            _ => {
                (w, h) = match rng.random_range(0..4) {
                    0 => (rng.random_range(1..8), rng.random_range(1..6)),
                    1 => (rng.random_range(60..70), rng.random_range(18..22)),
                    _ => (rng.random_range(1..220), rng.random_range(1..70)),
                };
                Event::Resize(w, h)
            }
        };
        if let Some(a) = event::to_action(&ev, app.mode()) {
            app.update(a);
        }
        // Answers come late, in part, or not at all.
        if rng.random_range(0..3) > 0 {
            serve(&mut app);
        }
        let _ = screen(&app, w, h);
        if app.should_quit {
            app = App::new(info(), export_dir.path().to_path_buf(), (w, h));
            app.update(Action::Resize(w, h));
        }
    }
}
