//! Issue 7, reliability and safety: the real binary when something goes
//! badly wrong (see docs/reliability.md).
//!
//! - A panic inside the explorer, in a real pseudo-terminal (tmux): the
//!   terminal is restored and the panic is one readable line. Skipped, with
//!   a message, when tmux is missing (and failed under CI, as in tests/tui.rs).
//! - Hostile values inside the data — NULL in every column, strings that are
//!   not UTF-8, strings of a megabyte, timestamps far in the past and future,
//!   unknown countries, shows and users, extreme numbers — end to end: the
//!   build succeeds and every command answers, with the bad rows quarantined
//!   or counted as orphans, and visible in the checks.
//! - A full disk (a file-size limit, `ulimit -f`): a one-line error, the
//!   previous version live and unchanged, nothing half-written.

mod support;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Date32Array, Int32Array, Int64Array,
    TimestampMicrosecondArray, UInt64Array,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::{ArrowWriter, arrow_writer::ArrowWriterOptions};
use parquet::schema::{parser::parse_message_type, types::SchemaDescriptor};
use serde_json::Value;
use support::tmux::{Tmux, shell_quote};
use support::{assert_one_line_error, files_under, run, run_build, stderr, stdout};
use tempfile::TempDir;

// ------------------------------------------------------------ lake writer

/// A column's type in a test file. Strings are written as raw bytes with
/// the Parquet STRING annotation, so a test can put anything in them.
#[derive(Clone, Copy)]
enum K {
    Str,
    I64,
    /// Unsigned 64-bit: accepted for an integer column by the lake check.
    U64,
    I32,
    Ts,
    Date,
    Bool,
}

/// One value; `N` is NULL whatever the column.
#[derive(Clone, Debug)]
enum V {
    N,
    S(Vec<u8>),
    I(i64),
    /// Microseconds since 1970-01-01, UTC.
    T(i64),
    /// Days since 1970-01-01.
    D(i32),
    B(bool),
}

fn s(x: &str) -> V {
    V::S(x.as_bytes().to_vec())
}

type Columns = &'static [(&'static str, K)];

const RAW: Columns = &[
    ("event_id", K::Str),
    ("user_id", K::I64),
    ("show_id", K::I64),
    ("country", K::Str),
    ("watch_seconds", K::I32),
    ("event_ts", K::Ts),
    ("src", K::Str),
    ("ingestion_ts", K::Ts),
];
const USERS: Columns = &[
    ("user_id", K::I64),
    ("signup_date", K::Date),
    ("country", K::Str),
    ("device_type", K::Str),
    ("is_active", K::Bool),
    ("created_at", K::Ts),
    ("updated_at", K::Ts),
];
const SHOWS: Columns = &[
    ("show_id", K::I64),
    ("title", K::Str),
    ("genre", K::Str),
    ("is_original", K::Bool),
    ("release_date", K::Date),
    ("maturity_rating", K::Str),
    ("runtime_minutes", K::I32),
];
const GEO: Columns = &[
    ("country", K::Str),
    ("country_name", K::Str),
    ("timezone", K::Str),
];
const MAP: Columns = &[
    ("old_show_id", K::I64),
    ("new_show_id", K::I64),
    ("merge_date", K::Date),
];
const RESTRICTIONS: Columns = &[
    ("show_id", K::I64),
    ("restriction_type", K::Str),
    ("region_code", K::Str),
];

fn unfit(column: &str, v: &V) -> ! {
    panic!("{column}: {v:?} does not fit")
}

/// Write `rows` (each in `cols` order) as a Parquet file.
fn write_table(path: &Path, cols: Columns, rows: &[Vec<V>]) {
    let mut message = String::from("message schema {\n");
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (i, &(name, kind)) in cols.iter().enumerate() {
        let values = rows.iter().map(|r| &r[i]);
        let (parquet_type, arrow_type, array): (&str, DataType, ArrayRef) = match kind {
            K::Str => {
                let v: Vec<Option<&[u8]>> = values
                    .map(|v| match v {
                        V::N => None,
                        V::S(b) => Some(b.as_slice()),
                        v => unfit(name, v),
                    })
                    .collect();
                (
                    "binary {} (STRING)",
                    DataType::Binary,
                    Arc::new(BinaryArray::from(v)),
                )
            }
            K::I64 => {
                let v: Vec<Option<i64>> = values
                    .map(|v| match v {
                        V::N => None,
                        V::I(x) => Some(*x),
                        v => unfit(name, v),
                    })
                    .collect();
                ("int64 {}", DataType::Int64, Arc::new(Int64Array::from(v)))
            }
            K::U64 => {
                let v: Vec<Option<u64>> = values
                    .map(|v| match v {
                        V::N => None,
                        V::I(x) => Some(*x as u64),
                        v => unfit(name, v),
                    })
                    .collect();
                (
                    "int64 {} (INTEGER(64,false))",
                    DataType::UInt64,
                    Arc::new(UInt64Array::from(v)),
                )
            }
            K::I32 => {
                let v: Vec<Option<i32>> = values
                    .map(|v| match v {
                        V::N => None,
                        V::I(x) => Some(i32::try_from(*x).unwrap()),
                        v => unfit(name, v),
                    })
                    .collect();
                ("int32 {}", DataType::Int32, Arc::new(Int32Array::from(v)))
            }
            K::Ts => {
                let v: Vec<Option<i64>> = values
                    .map(|v| match v {
                        V::N => None,
                        V::T(x) => Some(*x),
                        v => unfit(name, v),
                    })
                    .collect();
                (
                    "int64 {} (TIMESTAMP(MICROS,false))",
                    DataType::Timestamp(TimeUnit::Microsecond, None),
                    Arc::new(TimestampMicrosecondArray::from(v)),
                )
            }
            K::Date => {
                let v: Vec<Option<i32>> = values
                    .map(|v| match v {
                        V::N => None,
                        V::D(x) => Some(*x),
                        v => unfit(name, v),
                    })
                    .collect();
                (
                    "int32 {} (DATE)",
                    DataType::Date32,
                    Arc::new(Date32Array::from(v)),
                )
            }
            K::Bool => {
                let v: Vec<Option<bool>> = values
                    .map(|v| match v {
                        V::N => None,
                        V::B(x) => Some(*x),
                        v => unfit(name, v),
                    })
                    .collect();
                (
                    "boolean {}",
                    DataType::Boolean,
                    Arc::new(BooleanArray::from(v)),
                )
            }
        };
        message.push_str(&format!(
            "  optional {};\n",
            parquet_type.replace("{}", name)
        ));
        fields.push(Field::new(name, arrow_type, true));
        arrays.push(array);
    }
    message.push('}');
    let descr = SchemaDescriptor::new(Arc::new(parse_message_type(&message).unwrap()));
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let options = ArrowWriterOptions::new()
        .with_parquet_schema(descr)
        .with_skip_arrow_metadata(true);
    let mut w =
        ArrowWriter::try_new_with_options(File::create(path).unwrap(), schema, options).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

const SECOND: i64 = 1_000_000;
const HOUR: i64 = 3_600 * SECOND;
const DAY: i64 = 24 * HOUR;

/// Days since 1970-01-01 of a date.
fn days(y: i32, m: u32, d: u32) -> i32 {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

/// Microseconds since 1970-01-01 of a date at a time of day.
fn ts(y: i32, m: u32, d: u32, hour: i64) -> i64 {
    i64::from(days(y, m, d)) * DAY + hour * HOUR
}

/// The first event date of the base lake, a Monday; it has two weeks.
const FIRST: (i32, u32, u32) = (2026, 1, 5);
const LAST_DATE: &str = "2026-01-18";

/// A lake: landing files by path below raw_watch_events/, and the
/// dimension tables.
#[derive(Clone)]
struct Lake {
    raw: BTreeMap<String, Vec<Vec<V>>>,
    users: Vec<Vec<V>>,
    shows: Vec<Vec<V>>,
    geo: Vec<Vec<V>>,
    map: Vec<Vec<V>>,
    restrictions: Vec<Vec<V>>,
}

/// A raw row, valid unless changed.
fn event(id: &str, user: i64, show: i64, country: &str, seconds: i64, at: i64) -> Vec<V> {
    vec![
        s(id),
        V::I(user),
        V::I(show),
        s(country),
        V::I(seconds),
        V::T(at),
        s("ios"),
        V::T(at + HOUR),
    ]
}

impl Lake {
    /// Three countries, twelve shows (12 merged into 2, 10 kids only),
    /// thirty users, two weeks of events landing the day they happen.
    fn base() -> Lake {
        let geo = [
            ("US", "United States", "America/New_York"),
            ("GB", "United Kingdom", "Europe/London"),
            ("DE", "Germany", "Europe/Berlin"),
        ];
        let mut raw: BTreeMap<String, Vec<Vec<V>>> = BTreeMap::new();
        let first = days(FIRST.0, FIRST.1, FIRST.2);
        let mut n = 0;
        for day in first..first + 14 {
            let rows = raw.entry(partition(day, "part-00000")).or_default();
            for (c, (country, _, _)) in geo.iter().enumerate() {
                for show in 1..=12i64 {
                    for k in 0..(show % 4 + 1) {
                        n += 1;
                        let user = (n % 30) + 1;
                        let seconds = 600 * show + 37 * ((day as i64 + c as i64 + k) % 11);
                        let at = i64::from(day) * DAY + (1 + k + show) * HOUR;
                        rows.push(event(&format!("e{n}"), user, show, country, seconds, at));
                    }
                }
            }
        }
        Lake {
            raw,
            users: (1..=30)
                .map(|u| {
                    vec![
                        V::I(u),
                        V::D(days(2025, 1, 1)),
                        s(geo[(u % 3) as usize].0),
                        s("tv"),
                        V::B(true),
                        V::T(ts(2025, 1, 1, 0)),
                        V::T(ts(2025, 1, 2, 0)),
                    ]
                })
                .collect(),
            shows: (1..=12)
                .map(|i| {
                    vec![
                        V::I(i),
                        s(&format!("Show {i}")),
                        s("Drama"),
                        V::B(i % 3 == 0),
                        V::D(days(2024, 1, 1)),
                        s("TV-14"),
                        V::I(45),
                    ]
                })
                .collect(),
            geo: geo.iter().map(|(c, n, t)| vec![s(c), s(n), s(t)]).collect(),
            map: vec![vec![V::I(12), V::I(2), V::D(days(2026, 1, 1))]],
            restrictions: vec![vec![V::I(10), s("kids_only"), V::N]],
        }
    }

    fn write(&self, dir: &Path) {
        for (rel, rows) in &self.raw {
            write_table(&dir.join("raw_watch_events").join(rel), RAW, rows);
        }
        write_table(&dir.join("dim_users.parquet"), USERS, &self.users);
        write_table(&dir.join("dim_shows.parquet"), SHOWS, &self.shows);
        write_table(&dir.join("dim_geo.parquet"), GEO, &self.geo);
        write_table(&dir.join("show_canonical_map.parquet"), MAP, &self.map);
        write_table(
            &dir.join("content_restrictions.parquet"),
            RESTRICTIONS,
            &self.restrictions,
        );
    }

    /// Add a landing file of `rows` on the last landing date.
    fn land(&mut self, name: &str, rows: Vec<Vec<V>>) {
        let last = days(FIRST.0, FIRST.1, FIRST.2) + 13;
        self.raw.insert(partition(last, name), rows);
    }
}

fn partition(day: i32, name: &str) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
        + chrono::Duration::days(i64::from(day));
    format!("dt={date}/{name}.parquet")
}

/// A time on the base lake's last date.
fn on_last(hour: i64) -> i64 {
    ts(2026, 1, 18, hour)
}

// ------------------------------------------------------------ end to end

/// A lake written and built.
struct Built {
    _dir: TempDir,
    wh: PathBuf,
}

/// Write `lake` and build it: the build must succeed.
fn build(lake: &Lake) -> Built {
    build_with(lake, &[])
}

/// `build` with more `top10 build` options.
fn build_with(lake: &Lake, extra: &[&str]) -> Built {
    let dir = TempDir::new().unwrap();
    let lake_dir = dir.path().join("lake");
    let wh = dir.path().join("wh");
    lake.write(&lake_dir);
    let o = run_build(&lake_dir, &wh, extra);
    assert_clean(&o, "build");
    assert!(o.status.success(), "build {extra:?}: {}", stderr(&o));
    Built { _dir: dir, wh }
}

/// No panic, no backtrace, at most one line on stderr.
fn assert_clean(o: &Output, what: &str) {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{what}: {err}"
    );
    assert!(
        err.trim_end().lines().count() <= 1,
        "{what}: more than one line: {err}"
    );
    assert_ne!(o.status.code(), Some(101), "{what}: {err}");
}

fn wh_args<'a>(wh: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend(["--warehouse", wh.to_str().unwrap()]);
    v
}

/// Run `args` against the warehouse: it must succeed; its stdout as JSON.
fn json(wh: &Path, args: &[&str]) -> Value {
    let o = run(&wh_args(wh, args));
    assert_clean(&o, &args.join(" "));
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stdout(&o)))
}

/// The checks of a date (exit 0, or 1 when a check fails: never an error).
fn checks(wh: &Path, date: &str) -> BTreeMap<String, Value> {
    let args = ["check", "--date", date, "--format", "json"];
    let o = run(&wh_args(wh, &args));
    assert_clean(&o, "check");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "check --date {date}: {}",
        stderr(&o)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|c| c["date"].as_str().is_none_or(|d| d == date))
        .map(|c| (c["check"].as_str().unwrap().to_string(), c.clone()))
        .collect()
}

/// Every reading command on a (date, country, show): top10, wow, share,
/// explain and check all answer. Returns the Top 10, the explanation and
/// the date's checks.
fn every_command(wh: &Path, date: &str, country: &str, show: i64) -> (Value, Value, Checks) {
    // `--show=-1`: a negative id is not a flag.
    let show = format!("--show={show}");
    let top = json(
        wh,
        &[
            "query",
            "top10",
            "--date",
            date,
            "--country",
            country,
            "--format",
            "json",
        ],
    );
    json(
        wh,
        &[
            "query",
            "wow",
            "--date",
            date,
            "--country",
            country,
            "--format",
            "json",
        ],
    );
    json(
        wh,
        &[
            "query",
            "share",
            "--from",
            date,
            "--to",
            date,
            "--country",
            country,
            "--format",
            "json",
        ],
    );
    json(
        wh,
        &[
            "query", "share", "--from", date, "--to", date, "--format", "json",
        ],
    );
    let why = json(
        wh,
        &[
            "explain",
            "--date",
            date,
            "--country",
            country,
            &show,
            "--format",
            "json",
        ],
    );
    // The table renderings too (they measure widths of every string).
    for args in [
        vec!["query", "top10", "--date", date, "--country", country],
        vec!["explain", "--date", date, "--country", country, &show],
        vec!["check", "--date", date],
    ] {
        let o = run(&wh_args(wh, &args));
        assert_clean(&o, &args.join(" "));
        assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}");
    }
    (top, why, checks(wh, date))
}

type Checks = BTreeMap<String, Value>;

/// The quarantined events of the date by reason, from the checks.
fn quarantined(c: &Checks) -> BTreeMap<String, u64> {
    c["quarantine_rate"]["details"]["by_reason"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

/// The manifest of the live version.
fn manifest(wh: &Path) -> Value {
    let v = fs::read_to_string(wh.join("CURRENT")).unwrap();
    serde_json::from_str(
        &fs::read_to_string(wh.join("versions").join(v.trim()).join("manifest.json")).unwrap(),
    )
    .unwrap()
}

/// The event ids of an explanation's raw rows with `status` (`kept`,
/// `quarantined` or `duplicate`).
fn event_ids(why: &Value, status: &str) -> Vec<String> {
    why["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == status)
        .map(|e| e["event_id"].as_str().unwrap_or("(null)").to_string())
        .collect()
}

fn titles(top: &Value) -> Vec<Value> {
    top.as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].clone())
        .collect()
}

/// The explorer on the warehouse, with its real query threads: keys that
/// visit other dates and every window, a frame drawn after each at a large
/// and a small size. Whatever the data, it never panics (each pane shows
/// its rows or an error).
fn explore(wh: &Path) {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::{Terminal, backend::TestBackend};
    use top10::tui::app::{Action, App, Info};
    use top10::tui::{event, view, worker::Worker};

    let version = top10::warehouse::Warehouse::new(wh).current().unwrap();
    let export = TempDir::new().unwrap();
    let mut app = App::new(
        Info::from_version(&version, "hostile"),
        export.path().to_path_buf(),
        (120, 40),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let session = top10::query::Session::open(version).unwrap();
    let worker = Worker::spawn(session, move |r| {
        let _ = tx.send(r);
    })
    .unwrap();
    let draw = |app: &App| {
        for (w, h) in [(120, 40), (40, 12)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| view::render(app, f)).unwrap();
        }
    };
    let settle = |app: &mut App| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            for k in app.take_requests() {
                worker.request(k);
            }
            worker.set_wanted(app.wanted());
            if !app.is_loading() {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let r = rx.recv_timeout(left).expect("the worker answers");
            app.update(Action::Loaded(r));
        }
    };
    settle(&mut app);
    draw(&app);
    use KeyCode::*;
    let keys = [
        Enter,
        Down,
        Enter,
        Esc,
        Esc,
        Char('d'),
        Down,
        Enter,
        Esc,
        Esc,
        Char('w'),
        Char('7'),
        Enter,
        Esc,
        Esc,
        Char('c'),
        Esc,
        Char('m'),
        Char('m'),
        Char('m'),
        Char('g'),
        Char('g'),
        Char('s'),
        Esc,
        Left,
        Right,
        Right,
        Char('['),
        Char(']'),
        PageUp,
        PageDown,
        Char('t'),
        Char('2'),
        Down,
        Enter,
        Char('4'),
        Down,
        Enter,
        Esc,
        Char('5'),
        Char('3'),
        End,
        Enter,
        Esc,
    ];
    for code in keys {
        let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        if let Some(a) = event::to_action(&ev, app.mode()) {
            app.update(a);
        }
        settle(&mut app);
        draw(&app);
    }
}

/// The base lake builds, and its checks pass where they should: the
/// reference for the hostile cases below.
#[test]
fn the_base_lake_builds_and_answers() {
    let b = build(&Lake::base());
    let (top, _, c) = every_command(&b.wh, LAST_DATE, "US", 3);
    assert_eq!(top.as_array().unwrap().len(), 10);
    assert!(quarantined(&c).is_empty(), "{c:?}");
    assert_eq!(manifest(&b.wh)["dates"].as_array().unwrap().len(), 14);
}

/// SPEC §2.2: NULL in any of event_id, user_id, show_id, country,
/// event_ts, watch_seconds is quarantined as null_field; NULL src or
/// ingestion_ts is a valid event. Each column is NULL in a row of its own.
#[test]
fn a_null_in_each_raw_column() {
    let mut lake = Lake::base();
    let mut rows = Vec::new();
    for (i, (column, _)) in RAW.iter().enumerate() {
        let mut r = event(&format!("null-{column}"), 1, 4, "US", 100, on_last(20));
        r[i] = V::N;
        rows.push(r);
    }
    // A column NULL in every row of a file.
    let all_null: Vec<Vec<V>> = (0..3)
        .map(|k| {
            let mut r = event(&format!("all-null-{k}"), 2, 4, "US", 100, on_last(21));
            r[3] = V::N;
            r
        })
        .collect();
    lake.land("part-nulls", rows);
    lake.land("part-all-null-country", all_null);
    let b = build(&lake);
    let (_, why, c) = every_command(&b.wh, LAST_DATE, "US", 4);
    assert_eq!(
        quarantined(&c),
        BTreeMap::from([("null_field".to_string(), 6 + 3)]),
        "one per required column, and the file of NULL countries"
    );
    // The NULL src and NULL ingestion_ts rows are events of show 4; the
    // quarantined rows of (date, US, show 4) are those whose NULL is
    // elsewhere (a NULL event_ts is attributed to its landing date).
    let kept = event_ids(&why, "kept");
    for id in ["null-src", "null-ingestion_ts"] {
        assert!(kept.contains(&id.to_string()), "{id} not among {kept:?}");
    }
    let mut q = event_ids(&why, "quarantined");
    q.sort();
    assert_eq!(
        q,
        [
            "(null)",
            "null-event_ts",
            "null-user_id",
            "null-watch_seconds"
        ]
    );
    explore(&b.wh);
}

/// NULL in every column of every dimension table, one row each: no crash,
/// and what the NULL means is visible (an orphan, a title shown as null).
#[test]
fn a_null_in_each_dimension_column() {
    let mut lake = Lake::base();
    let nulls = |cols: Columns, template: &[V]| -> Vec<Vec<V>> {
        (0..cols.len())
            .map(|i| {
                let mut r = template.to_vec();
                r[i] = V::N;
                r
            })
            .collect()
    };
    // Users 1..=7 lose one field each (user 1 loses its id: an orphan).
    for (i, r) in nulls(USERS, &lake.users[0].clone()).into_iter().enumerate() {
        let mut r = r;
        if i != 0 {
            r[0] = V::I(i as i64 + 1);
        }
        lake.users[i] = r;
    }
    // Shows 1..=7 likewise (show 1 loses its id: an orphan).
    for (i, r) in nulls(SHOWS, &lake.shows[0].clone()).into_iter().enumerate() {
        let mut r = r;
        if i != 0 {
            r[0] = V::I(i as i64 + 1);
        }
        lake.shows[i] = r;
    }
    // GB has no time zone, DE no name, and a country that is NULL.
    lake.geo[1][2] = V::N;
    lake.geo[2][1] = V::N;
    lake.geo.push(vec![V::N, s("Nowhere"), s("UTC")]);
    // Merges of a show that has no events (13), each with a NULL.
    lake.map
        .extend(nulls(MAP, &[V::I(13), V::I(3), V::D(days(2026, 1, 1))]));
    lake.restrictions.extend(nulls(
        RESTRICTIONS,
        &[V::I(9), s("region_blocked"), s("GB")],
    ));
    let b = build(&lake);
    for country in ["US", "GB", "DE"] {
        let (top, _, c) = every_command(&b.wh, LAST_DATE, country, 1);
        assert_eq!(top.as_array().unwrap().len(), 10, "{country}");
        let orphans = &c["referential_integrity"]["details"];
        assert!(
            orphans["orphan_shows"]["rows"].as_u64().unwrap() > 0,
            "show 1 is an orphan: {orphans}"
        );
        assert!(
            orphans["orphan_users"]["rows"].as_u64().unwrap() > 0,
            "user 1 is an orphan: {orphans}"
        );
        // Show 2 has a NULL title; show 1 is an orphan: both null.
        let t = titles(&top);
        let row = |id: i64| {
            top.as_array()
                .unwrap()
                .iter()
                .find(|r| r["show_id"] == id)
                .map(|r| r["title"].clone())
        };
        assert!(matches!(row(2), None | Some(Value::Null)), "{t:?}");
        assert!(matches!(row(1), None | Some(Value::Null)), "{t:?}");
        // GB's time zone is NULL: its deadline is taken in UTC, and named.
        let zones = &c["sla"]["details"]["unknown_timezones"];
        assert_eq!(zones, &serde_json::json!(["GB"]), "{}", c["sla"]);
    }
    let o = run(&wh_args(&b.wh, &["check", "--format", "json"]));
    assert_clean(&o, "check");
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    explore(&b.wh);
}

/// A landing file of no rows is read as such by both engines (the default
/// engine's reader gives no batch for it).
#[test]
fn an_empty_landing_file() {
    let mut lake = Lake::base();
    lake.land("part-empty", Vec::new());
    let rows_written: usize = lake.raw.values().map(Vec::len).sum();
    for engine in ["scan", "sql"] {
        let b = build_with(&lake, &["--engine", engine]);
        let m = manifest(&b.wh);
        assert_eq!(
            m["counts"]["raw_rows_read"].as_u64().unwrap() as usize,
            rows_written,
            "{engine}"
        );
    }
}

/// A dim_geo row whose country is NULL names no country: an event of a
/// country dim_geo does not have is still quarantined as unknown_country,
/// by both engines (SPEC §2.2). With SQL's `IN`, the NULL used to make every
/// such test unknown, so the row counted as a fact.
#[test]
fn a_null_country_in_dim_geo_names_no_country() {
    let mut lake = Lake::base();
    lake.geo
        .push(vec![V::N, V::S(b"Nowhere".to_vec()), V::S(b"UTC".to_vec())]);
    lake.land("part-xx", vec![event("xx-1", 3, 5, "XX", 500, on_last(19))]);
    for engine in ["scan", "sql"] {
        let b = build_with(&lake, &["--engine", engine]);
        let m = manifest(&b.wh);
        assert_eq!(
            m["counts"]["quarantined"]["unknown_country"].as_u64(),
            Some(1),
            "{engine}: {}",
            m["counts"]
        );
        assert_eq!(
            m["counts"]["raw_rows"], m["counts"]["raw_rows_read"],
            "{engine}: every row accounted for"
        );
    }
}

/// Bytes that are not UTF-8 in the landing files alone (the dimensions are
/// clean): the default engine reads the landing files itself, and its
/// reader's refusal sends the build to the repaired copies as DuckDB's does.
#[test]
fn landing_strings_that_are_not_utf8() {
    let mut lake = Lake::base();
    let mut r = event("x", 3, 5, "US", 500, on_last(19));
    let mut id = b"bad-id-".to_vec();
    id.extend([0xff, 0xfe, b'x', 0xc3]);
    r[0] = V::S(id);
    lake.land("part-latin1", vec![r]);
    let b = build(&lake);
    let (_, why, _) = every_command(&b.wh, LAST_DATE, "US", 5);
    let kept = event_ids(&why, "kept");
    assert!(
        kept.contains(&"bad-id-\u{fffd}\u{fffd}x\u{fffd}".to_string()),
        "{kept:?}"
    );
}

/// Bytes that are not UTF-8 in raw event_id, country and src, and in
/// dimension strings. DuckDB refuses such a file whole ("Invalid string
/// encoding"), so the build reads a repaired copy: each invalid sequence
/// becomes U+FFFD, a bad country is then unknown_country.
#[test]
fn strings_that_are_not_utf8() {
    let mut lake = Lake::base();
    let bad = |prefix: &str| {
        let mut b = prefix.as_bytes().to_vec();
        b.extend([0xff, 0xfe, b'x', 0xc3]);
        V::S(b)
    };
    let mut rows = Vec::new();
    let mut r = event("x", 3, 5, "US", 500, on_last(19));
    r[0] = bad("bad-id-");
    rows.push(r);
    let mut r = event("bad-country", 3, 5, "US", 500, on_last(19));
    r[3] = bad("U");
    rows.push(r);
    let mut r = event("bad-src", 4, 5, "US", 500, on_last(19));
    r[6] = bad("android-");
    rows.push(r);
    lake.land("part-latin1", rows);
    // And in the dimensions: a title and genre, a country's name, a
    // device type, a restriction (whose type is then unknown: ignored).
    lake.shows[4][1] = bad("Caf\u{e9} ");
    lake.shows[4][2] = bad("Dr");
    lake.geo[0][1] = bad("United ");
    lake.users[2][3] = bad("tv");
    lake.restrictions.push(vec![V::I(9), bad("kids"), bad("G")]);
    let b = build(&lake);
    let m = manifest(&b.wh);
    let rows_written: usize = lake.raw.values().map(Vec::len).sum();
    assert_eq!(
        m["counts"]["raw_rows_read"].as_u64().unwrap() as usize,
        rows_written,
        "every row read once"
    );
    let (top, why, c) = every_command(&b.wh, LAST_DATE, "US", 5);
    assert_eq!(
        quarantined(&c),
        BTreeMap::from([("unknown_country".to_string(), 1)])
    );
    let t = titles(&top);
    assert!(
        t.iter().any(|t| t == "Café \u{fffd}\u{fffd}x\u{fffd}"),
        "{t:?}"
    );
    let kept = event_ids(&why, "kept");
    assert!(
        kept.contains(&"bad-id-\u{fffd}\u{fffd}x\u{fffd}".to_string()),
        "{kept:?}"
    );
    assert!(kept.contains(&"bad-src".to_string()), "{kept:?}");
    let q = event_ids(&why, "quarantined");
    assert!(q.is_empty(), "the bad country is not US: {q:?}");
    // The raw rows behind the events name the original landing file.
    let text = why.to_string();
    assert!(text.contains("part-latin1.parquet"), "{text}");
    assert!(!text.contains(".repair"), "{text}");
    explore(&b.wh);
}

/// A dimension file whose columns already have the SPEC's types is kept in
/// the version byte for byte (copied, not decoded and written again); one
/// with other integer types is written anew with the SPEC's types, the
/// same values.
#[test]
fn dimension_snapshots_are_copied_or_converted() {
    const SHOWS_NARROW_WIDE: Columns = &[
        ("show_id", K::I32),
        ("title", K::Str),
        ("genre", K::Str),
        ("is_original", K::Bool),
        ("release_date", K::Date),
        ("maturity_rating", K::Str),
        ("runtime_minutes", K::I64),
    ];
    let lake = Lake::base();
    let dir = TempDir::new().unwrap();
    let lake_dir = dir.path().join("lake");
    lake.write(&lake_dir);
    write_table(
        &lake_dir.join("dim_shows.parquet"),
        SHOWS_NARROW_WIDE,
        &lake.shows,
    );
    let wh = dir.path().join("wh");
    let o = run_build(&lake_dir, &wh, &[]);
    assert!(o.status.success(), "build: {}", stderr(&o));
    let version = wh
        .join("versions")
        .join(manifest(&wh)["version"].as_str().unwrap());
    for dim in [
        "dim_users",
        "dim_geo",
        "show_canonical_map",
        "content_restrictions",
    ] {
        let name = format!("{dim}.parquet");
        assert_eq!(
            fs::read(version.join(&name)).unwrap(),
            fs::read(lake_dir.join(&name)).unwrap(),
            "{dim} kept as it is"
        );
    }
    let conn = duckdb::Connection::open_in_memory().unwrap();
    let snapshot = version.join("dim_shows.parquet");
    let types: Vec<(String, String)> = conn
        .prepare("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))")
        .unwrap()
        .query_map([snapshot.to_str().unwrap()], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<duckdb::Result<_>>()
        .unwrap();
    let types: Vec<(&str, &str)> = types
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("show_id", "BIGINT"),
            ("title", "VARCHAR"),
            ("genre", "VARCHAR"),
            ("is_original", "BOOLEAN"),
            ("release_date", "DATE"),
            ("maturity_rating", "VARCHAR"),
            ("runtime_minutes", "INTEGER"),
        ]
    );
    let (rows, minutes): (i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(runtime_minutes) FROM read_parquet(?)",
            [snapshot.to_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, minutes), (12, 12 * 45));
    let (top, _, _) = every_command(&wh, LAST_DATE, "US", 3);
    assert!(titles(&top).iter().any(|t| t == "Show 3"), "{top}");
}

/// Strings of a megabyte in every raw string column and in a title.
#[test]
fn megabyte_strings() {
    let mut lake = Lake::base();
    let long = |c: char| "x".repeat(1 << 20).replacen('x', &c.to_string(), 1);
    let id = long('i');
    let mut rows = vec![event(&id, 5, 6, "US", 700, on_last(19))];
    let mut r = event("long-country", 5, 6, "US", 700, on_last(19));
    r[3] = s(&long('c'));
    rows.push(r);
    let mut r = event("long-src", 6, 6, "US", 700, on_last(19));
    r[6] = s(&long('s'));
    rows.push(r);
    lake.land("part-long", rows);
    lake.shows[5][1] = s(&long('T'));
    let b = build(&lake);
    let (top, why, c) = every_command(&b.wh, LAST_DATE, "US", 6);
    assert_eq!(
        quarantined(&c),
        BTreeMap::from([("unknown_country".to_string(), 1)])
    );
    assert!(
        titles(&top)
            .iter()
            .any(|t| t.as_str().is_some_and(|t| t.len() == 1 << 20))
    );
    let kept = event_ids(&why, "kept");
    assert!(kept.contains(&id) && kept.contains(&"long-src".to_string()));
    explore(&b.wh);
}

/// event_ts in year 1, year 9999 and before 1970, and ingestion_ts at the
/// same extremes: they are events of those dates (SPEC §2.4), every
/// command answers for those dates, and the latest ingestion still wins.
#[test]
fn timestamps_far_in_the_past_and_future() {
    let mut lake = Lake::base();
    let mut rows = vec![
        event("year-1", 7, 7, "US", 800, ts(1, 1, 1, 12)),
        event("year-9999", 7, 7, "US", 800, ts(9999, 12, 31, 23)),
        event("before-1970", 7, 7, "US", 800, ts(1969, 12, 31, 23)),
        event("year-1900", 7, 7, "US", 800, ts(1900, 3, 1, 0)),
    ];
    // Ingested in year 1 and in year 9999: two versions of one event, the
    // later ingestion wins, whatever its landing partition.
    let mut early = event("versions", 8, 7, "US", 100, on_last(19));
    early[7] = V::T(ts(1, 1, 1, 0));
    let mut late = event("versions", 8, 7, "US", 200, on_last(19));
    late[7] = V::T(ts(9999, 12, 31, 23));
    rows.extend([early, late]);
    lake.land("part-far", rows);
    let b = build(&lake);
    let dates: Vec<String> = manifest(&b.wh)["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    for d in ["0001-01-01", "1900-03-01", "1969-12-31", "9999-12-31"] {
        assert!(dates.contains(&d.to_string()), "{d} not in {dates:?}");
        let (top, why, _) = every_command(&b.wh, d, "US", 7);
        assert_eq!(top[0]["show_id"], 7, "{d}: {top}");
        assert_eq!(why["events"].as_array().unwrap().len(), 1, "{d}");
    }
    let (_, why, c) = every_command(&b.wh, LAST_DATE, "US", 7);
    let v: Vec<&Value> = why["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event_id"] == "versions")
        .collect();
    assert_eq!(v.len(), 2, "{v:?}");
    let kept = v.iter().find(|e| e["status"] == "kept").unwrap();
    assert_eq!(kept["watch_seconds"], 200, "the year-9999 ingestion wins");
    assert!(c.contains_key("freshness"));
    explore(&b.wh);
}

/// Timestamps beyond the calendar: before year 1, after 9999, DuckDB's
/// ±infinity and the ends of the 64-bit range, each as an event_ts and as
/// an ingestion_ts. Returns the lake and the ids of the events whose
/// event_ts is beyond the calendar.
fn beyond_the_calendar() -> (Lake, Vec<String>) {
    let mut lake = Lake::base();
    let values = [
        ("bc", ts(1, 1, 1, 0) - 100 * 365 * DAY),
        ("far", ts(200_000, 1, 1, 0)),
        ("infinity", i64::MAX),
        ("max", i64::MAX - 1),
        ("minus-infinity", -i64::MAX),
        ("min", i64::MIN),
    ];
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for (name, v) in values {
        let mut r = event(&format!("ev-{name}"), 7, 7, "US", 800, on_last(3));
        r[5] = V::T(v);
        rows.push(r);
        ids.push(format!("ev-{name}"));
        let mut r = event(&format!("ing-{name}"), 7, 7, "US", 800, on_last(3));
        r[7] = V::T(v);
        rows.push(r);
    }
    lake.land("part-beyond", rows);
    (lake, ids)
}

/// Timestamps beyond the calendar never stop a build or a command, and an
/// event ingested at any of them is an event of its date.
#[test]
fn timestamps_beyond_the_calendar_never_crash() {
    let (lake, _) = beyond_the_calendar();
    let b = build(&lake);
    let (_, why, _) = every_command(&b.wh, LAST_DATE, "US", 7);
    let kept = event_ids(&why, "kept");
    for name in ["bc", "far", "infinity", "max", "minus-infinity", "min"] {
        assert!(
            kept.contains(&format!("ing-{name}")),
            "ing-{name}: {kept:?}"
        );
    }
    let o = run(&wh_args(&b.wh, &["check", "--format", "json"]));
    assert_clean(&o, "check");
    explore(&b.wh);
}

/// The freshness check's latest arrival is the latest ingestion of all
/// countries compared as timestamps: an ingestion in year 200000 in one
/// country is later than 2026 in the others (as text it sorted first).
#[test]
fn the_latest_arrival_is_compared_as_a_timestamp() {
    let mut lake = Lake::base();
    let mut r = event("far-ingestion", 7, 7, "GB", 800, on_last(3));
    r[7] = V::T(ts(200_000, 1, 1, 0));
    lake.land("part-far-ingestion", vec![r]);
    let b = build(&lake);
    let (_, _, c) = every_command(&b.wh, LAST_DATE, "GB", 7);
    let details = &c["freshness"]["details"];
    let last = details["last_arrival"].as_str().unwrap();
    assert!(last.contains("200000"), "{details}");
    for row in details["countries"].as_array().unwrap() {
        assert!(row.get("last_arrival_all").is_none(), "{row}");
    }
}

/// Where an event_ts beyond the calendar belongs: quarantined
/// (`event_ts_out_of_range`) on its landing date, where the checks count
/// it, rather than written under an event date no reader can name.
#[test]
fn timestamps_beyond_the_calendar_are_quarantined() {
    let (lake, mut ids) = beyond_the_calendar();
    let b = build(&lake);
    let (_, why, c) = every_command(&b.wh, LAST_DATE, "US", 7);
    assert_eq!(
        quarantined(&c),
        BTreeMap::from([("event_ts_out_of_range".to_string(), ids.len() as u64)])
    );
    let mut q = event_ids(&why, "quarantined");
    q.sort();
    ids.sort();
    assert_eq!(q, ids);
    let m = manifest(&b.wh);
    assert_eq!(m["dates"].as_array().unwrap().len(), 14, "{}", m["dates"]);
    assert_eq!(
        m["counts"]["quarantined"]["event_ts_out_of_range"],
        ids.len() as u64
    );
}

/// An unsigned 64-bit id column can hold values BIGINT cannot: the lake
/// check refuses the type, naming the file and column, before anything is
/// written.
#[test]
fn an_unsigned_64_bit_column_is_refused() {
    const RAW_U64: Columns = &[
        ("event_id", K::Str),
        ("user_id", K::U64),
        ("show_id", K::I64),
        ("country", K::Str),
        ("watch_seconds", K::I32),
        ("event_ts", K::Ts),
        ("src", K::Str),
        ("ingestion_ts", K::Ts),
    ];
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    Lake::base().write(&lake);
    let mut r = event("u", 1, 3, "US", 100, on_last(3));
    r[1] = V::I(-1); // u64::MAX
    let file = lake.join("raw_watch_events/dt=2026-01-18/unsigned.parquet");
    write_table(&file, RAW_U64, &[r]);
    let wh = dir.path().join("wh");
    let o = run_build(&lake, &wh, &[]);
    assert_one_line_error(&o, &["unsigned.parquet", "user_id", "UInt64"]);
    assert!(!wh.exists());
}

/// Unknown countries (not in dim_geo, lower case, empty), shows and users
/// missing from their dimensions, ids at the ends of BIGINT and
/// watch_seconds at the ends of INTEGER.
#[test]
fn unknown_keys_and_extreme_numbers() {
    let mut lake = Lake::base();
    let rows = vec![
        event("zz", 9, 8, "ZZ", 100, on_last(19)),
        event("lower", 9, 8, "us", 100, on_last(19)),
        event("empty", 9, 8, "", 100, on_last(19)),
        event("orphan-show", 9, 777, "US", 100_000 / 2, on_last(19)),
        event("max-show", 9, i64::MAX, "US", 40_000, on_last(19)),
        event("min-show", 9, i64::MIN, "US", 40_000, on_last(19)),
        event("orphan-user", i64::MAX, 8, "US", 100, on_last(19)),
        event("min-user", i64::MIN, 8, "US", 100, on_last(19)),
        event("negative", 9, 8, "US", -1, on_last(19)),
        event("too-long", 9, 8, "US", 86_401, on_last(19)),
        event("int-max", 9, 8, "US", i64::from(i32::MAX), on_last(19)),
        event("int-min", 9, 8, "US", i64::from(i32::MIN), on_last(19)),
        event("whole-day", 9, 8, "US", 86_400, on_last(19)),
    ];
    lake.land("part-unknown", rows);
    // watch_seconds as BIGINT (a wider type than the SPEC's INTEGER) at the
    // ends of its range, in a file of its own.
    const RAW_WIDE: Columns = &[
        ("event_id", K::Str),
        ("user_id", K::I64),
        ("show_id", K::I64),
        ("country", K::Str),
        ("watch_seconds", K::I64),
        ("event_ts", K::Ts),
        ("src", K::Str),
        ("ingestion_ts", K::Ts),
    ];
    let wide = vec![
        event("bigint-max", 9, 8, "US", i64::MAX, on_last(19)),
        event("bigint-min", 9, 8, "US", i64::MIN, on_last(19)),
    ];
    let b = {
        let dir = TempDir::new().unwrap();
        let lake_dir = dir.path().join("lake");
        lake.write(&lake_dir);
        write_table(
            &lake_dir.join("raw_watch_events/dt=2026-01-18/part-wide.parquet"),
            RAW_WIDE,
            &wide,
        );
        let wh = dir.path().join("wh");
        let o = run_build(&lake_dir, &wh, &[]);
        assert_clean(&o, "build");
        assert!(o.status.success(), "build: {}", stderr(&o));
        Built { _dir: dir, wh }
    };
    let (top, _, c) = every_command(&b.wh, LAST_DATE, "US", 8);
    assert_eq!(
        quarantined(&c),
        BTreeMap::from([
            ("unknown_country".to_string(), 3),
            ("watch_seconds_out_of_range".to_string(), 6)
        ])
    );
    let orphans = &c["referential_integrity"]["details"];
    assert_eq!(orphans["orphan_shows"]["distinct_ids"], 3, "{orphans}");
    assert_eq!(orphans["orphan_users"]["distinct_ids"], 2, "{orphans}");
    // The orphan show 777 (50,000 s) is ranked, with no title.
    let row = top
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["show_id"] == 777)
        .unwrap_or_else(|| panic!("{top}"));
    assert_eq!(row["title"], Value::Null);
    for show in [777, i64::MAX, i64::MIN] {
        every_command(&b.wh, LAST_DATE, "US", show);
    }
    explore(&b.wh);
}

// ------------------------------------------------------------ full disk

/// Run the binary with every file it writes limited to `kib` KiB (as on a
/// disk that is full); SIGXFSZ is ignored, so a write past the limit fails
/// with EFBIG as it would with ENOSPC.
fn run_limited(kib: u64, args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("top10");
    // dash's `ulimit -f` counts blocks of 512 bytes.
    let script = format!("ulimit -f {}; trap '' XFSZ; exec \"$0\" \"$@\"", kib * 2);
    let cache = TempDir::new().unwrap();
    Process::new("sh")
        .arg("-c")
        .arg(script)
        .arg(bin)
        .args(args)
        .env("TOP10_CACHE_DIR", cache.path())
        .output()
        .unwrap()
}

fn top10_csv(wh: &Path, date: &str) -> String {
    let o = run(&[
        "query",
        "top10",
        "--warehouse",
        wh.to_str().unwrap(),
        "--date",
        date,
        "--country",
        "US",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// A build that runs out of disk fails with one line saying it could not
/// write, leaves the previous version live and unchanged and no
/// half-written version; the next build succeeds. `generate` likewise
/// leaves no half-written lake.
#[test]
fn a_full_disk_is_a_clear_error() {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let wh = dir.path().join("wh");
    let (l, w) = (lake.to_str().unwrap(), wh.to_str().unwrap());
    let gen_args = [
        "generate",
        "--out",
        l,
        "--days",
        "4",
        "--countries",
        "3",
        "--shows",
        "30",
        "--users",
        "2000",
        "--events-per-day",
        "6000",
    ];
    let o = run(&gen_args);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["build", "--lake", l, "--warehouse", w]);
    assert!(o.status.success(), "{}", stderr(&o));
    let date = manifest(&wh)["dates"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let before = top10_csv(&wh, &date);
    // Everything in the warehouse, folders included, and the history.
    let state = |wh: &Path| {
        let mut names: Vec<String> = Vec::new();
        for d in [wh.to_path_buf(), wh.join("versions")] {
            for e in fs::read_dir(d).unwrap() {
                names.push(e.unwrap().path().display().to_string());
            }
        }
        names.sort();
        let history = fs::read(wh.join("build_history.jsonl")).unwrap();
        (names, files_under(wh), history)
    };
    let unchanged = |what: &str, want: &(Vec<String>, Vec<PathBuf>, Vec<u8>)| {
        assert_eq!(&state(&wh), want, "{what}");
        assert_eq!(
            fs::read_to_string(wh.join("CURRENT")).unwrap().trim(),
            "v000001",
            "{what}"
        );
        assert_eq!(top10_csv(&wh, &date), before, "{what}");
    };
    let want = state(&wh);

    // The disk fills up while the tables are written (the first file, one
    // in the middle, …).
    for kib in [1, 4, 16] {
        let o = run_limited(kib, &["build", "--lake", l, "--warehouse", w]);
        assert_one_line_error(&o, &["could not write", "disk", ".parquet"]);
        unchanged(&format!("{kib} KiB"), &want);
    }
    // … or only when the build is published: the build history cannot grow
    // (it is made larger than the limit, every table fits).
    let line = String::from_utf8(want.2.clone()).unwrap();
    fs::write(wh.join("build_history.jsonl"), line.repeat(4_000)).unwrap();
    let want = state(&wh);
    let o = run_limited(512, &["build", "--lake", l, "--warehouse", w]);
    assert_one_line_error(&o, &["could not write", "disk", "build_history.jsonl"]);
    unchanged("the history", &want);
    // … or CURRENT cannot be replaced (a folder is in the way of its
    // temporary file): the history line is taken back too.
    fs::create_dir(wh.join("CURRENT.tmp")).unwrap();
    let o = run(&["build", "--lake", l, "--warehouse", w]);
    assert_one_line_error(&o, &["CURRENT.tmp"]);
    fs::remove_dir(wh.join("CURRENT.tmp")).unwrap();
    unchanged("CURRENT", &want);

    let o = run(&["build", "--lake", l, "--warehouse", w]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(top10_csv(&wh, &date), before);
    assert_eq!(
        fs::read_to_string(wh.join("CURRENT")).unwrap().trim(),
        "v000002"
    );

    let out = dir.path().join("new-lake");
    let mut args = gen_args.to_vec();
    args[2] = out.to_str().unwrap();
    for kib in [1, 64] {
        let o = run_limited(kib, &args);
        assert_one_line_error(&o, &["could not write", "disk"]);
        let left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let mut left = left;
        left.sort();
        assert_eq!(left, ["lake", "wh"], "{kib} KiB: nothing half-written");
    }
}

// ------------------------------------------------------------ panic

/// After the explorer in `tmux` exited (its script then wrote `status`
/// and `stty -a` to `stty`): the exit code was `code`, and the terminal is
/// restored — cooked mode with echo, main screen, cursor shown, mouse
/// reporting off.
fn assert_restored_after_exit(tmux: &Tmux, status: &Path, stty: &Path, code: i32, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !stty.exists() {
        assert!(
            Instant::now() < deadline,
            "{what}: the explorer did not exit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        fs::read_to_string(status).unwrap().trim(),
        format!("EXIT={code}"),
        "{what}"
    );
    let stty = fs::read_to_string(stty).unwrap();
    let words: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(words.contains(&flag), "{what}: {flag} is off: {stty}");
    }
    let flags = tmux.cmd(&[
        "display-message",
        "-p",
        "-t",
        "t",
        "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
    ]);
    assert_eq!(
        flags.trim(),
        "0 0 1",
        "{what}: alternate screen / mouse reporting / hidden cursor"
    );
}

/// A panic inside the explorer — in the event loop, or on another thread —
/// restores the terminal: main screen, cursor shown, cooked mode with echo,
/// mouse reporting off; the panic is then printed as one readable line,
/// and the exit code is 101.
#[test]
fn a_panic_in_the_explorer_restores_the_terminal() {
    if !Tmux::usable() {
        return;
    }
    let b = build(&Lake::base());
    let bin = assert_cmd::cargo::cargo_bin("top10");
    for (n, hook) in ["x", "thread:x"].into_iter().enumerate() {
        let dir = TempDir::new().unwrap();
        let status = dir.path().join("status");
        let stty = dir.path().join("stty");
        let script = format!(
            "RUST_BACKTRACE=0 TOP10_TEST_PANIC_ON_KEY={hook} {} tui --warehouse {}; echo EXIT=$? > {}; stty -a > {}; sleep 60",
            shell_quote(bin.to_str().unwrap()),
            shell_quote(b.wh.to_str().unwrap()),
            shell_quote(status.to_str().unwrap()),
            shell_quote(stty.to_str().unwrap()),
        );
        let tmux = Tmux::start(
            format!("top10-panic-{}-{n}", std::process::id()),
            &script,
            Duration::from_secs(30),
            true,
        );
        tmux.wait_for("the explorer", |s| {
            s.contains(" Top 10 · ") && !s.contains("loading")
        });
        let flags = |what: &str| {
            tmux.cmd(&["display-message", "-p", "-t", "t", what])
                .trim()
                .to_string()
        };
        assert_eq!(flags("#{alternate_on}"), "1", "{hook}: the explorer runs");
        tmux.cmd(&["send-keys", "-t", "t", "x"]);
        assert_restored_after_exit(&tmux, &status, &stty, 101, hook);
        // The panic, readable on the main screen: one line (joined by
        // capture-pane -J if it wrapped), starting at the left margin,
        // then the status line of the script.
        let screen = tmux.screen();
        let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
        let at = lines
            .iter()
            .position(|l| l.contains("internal error"))
            .unwrap_or_else(|| panic!("{hook}: no panic message:\n{screen}"));
        let line = lines[at];
        assert!(
            line.starts_with("top10: internal error: test panic"),
            "{line:?}"
        );
        assert!(line.contains("TOP10_TEST_PANIC_ON_KEY"), "{line}");
        assert!(line.contains("src/tui/mod.rs:"), "{line}");
        assert!(line.contains("please report it"), "{line}");
        assert_eq!(
            lines.len(),
            at + 1,
            "{hook}: more after the message:\n{screen}"
        );
        assert!(!screen.contains("panicked at"), "{screen}");
        assert!(
            !screen.contains("RUST_BACKTRACE=1` environment"),
            "{screen}"
        );
    }
}

/// The explorer killed from outside (SIGTERM, SIGHUP) quits as on `q`: the
/// terminal is restored — cooked mode with echo, main screen, cursor shown,
/// mouse reporting off — and the exit code is 128 + the signal.
#[test]
fn a_termination_signal_restores_the_terminal() {
    if !Tmux::usable() {
        return;
    }
    let b = build(&Lake::base());
    let bin = assert_cmd::cargo::cargo_bin("top10");
    for (n, (signal, code)) in [("TERM", 143), ("HUP", 129)].into_iter().enumerate() {
        let dir = TempDir::new().unwrap();
        let shell = dir.path().join("shell");
        let status = dir.path().join("status");
        let stty = dir.path().join("stty");
        let script = format!(
            "echo $$ > {}; {} tui --warehouse {}; echo EXIT=$? > {}; stty -a > {}; sleep 60",
            shell_quote(shell.to_str().unwrap()),
            shell_quote(bin.to_str().unwrap()),
            shell_quote(b.wh.to_str().unwrap()),
            shell_quote(status.to_str().unwrap()),
            shell_quote(stty.to_str().unwrap()),
        );
        let tmux = Tmux::start(
            format!("top10-signal-{}-{n}", std::process::id()),
            &script,
            Duration::from_secs(30),
            true,
        );
        tmux.wait_for("the explorer", |s| {
            s.contains(" Top 10 · ") && !s.contains("loading")
        });
        let shell_pid = fs::read_to_string(&shell).unwrap().trim().to_string();
        let child = Process::new("pgrep")
            .args(["-P", &shell_pid])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
        assert!(!pid.is_empty(), "no explorer process under {shell_pid}");
        let killed = Process::new("kill")
            .args([format!("-{signal}"), pid])
            .status()
            .unwrap();
        assert!(killed.success());
        assert_restored_after_exit(&tmux, &status, &stty, code, signal);
    }
}
