//! A test lake in the layout of SPEC §1: an in-memory model, a Parquet writer and a
//! deterministic randomized generator that plants every edge case of SPEC §2.
//!
//! The writer uses the `parquet` crate directly with the physical types a real
//! producer would use: timestamps as naive `Timestamp(Microsecond, None)` (DuckDB
//! reads them as `TIMESTAMP`), dates as `Date32`, ids as `Int64`, `watch_seconds` as
//! `Int32`, strings as `Utf8`, flags as `Boolean`; every column nullable.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Int32Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::{DAY, HOUR, SECOND, date_str, day_start, parse_date, ts_date};

/// One row of `raw_watch_events`, every field nullable.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RawEvent {
    pub event_id: Option<String>,
    pub user_id: Option<i64>,
    pub show_id: Option<i64>,
    pub country: Option<String>,
    pub watch_seconds: Option<i32>,
    /// Microseconds since the epoch, UTC.
    pub event_ts: Option<i64>,
    pub src: Option<String>,
    /// Microseconds since the epoch, UTC.
    pub ingestion_ts: Option<i64>,
}

/// One row of `dim_users`.
#[derive(Clone, Debug)]
pub struct User {
    pub user_id: i64,
    pub signup_date: i32,
    pub country: String,
    pub device_type: String,
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One row of `dim_shows`.
#[derive(Clone, Debug)]
pub struct Show {
    pub show_id: i64,
    pub title: String,
    pub genre: String,
    pub is_original: bool,
    pub release_date: i32,
    pub maturity_rating: String,
    pub runtime_minutes: i32,
}

/// One row of `dim_geo`.
#[derive(Clone, Debug)]
pub struct Geo {
    pub country: String,
    pub country_name: String,
    pub timezone: String,
}

/// One row of `show_canonical_map`.
#[derive(Clone, Debug)]
pub struct Merge {
    pub old_show_id: i64,
    pub new_show_id: i64,
    pub merge_date: i32,
}

/// One row of `content_restrictions`.
#[derive(Clone, Debug)]
pub struct Restriction {
    pub show_id: i64,
    pub restriction_type: String,
    pub region_code: Option<String>,
}

/// A whole lake.
#[derive(Clone, Debug, Default)]
pub struct Lake {
    /// Raw files by their path below `raw_watch_events/`, e.g.
    /// `dt=2026-01-05/part-00000.parquet`; rows in file order.
    pub raw_files: BTreeMap<String, Vec<RawEvent>>,
    /// Non-Parquet files to put beside them (e.g. Spark's `dt=…/_SUCCESS`).
    pub marker_files: Vec<String>,
    /// Write an extra, unknown column into every raw file (it must be ignored).
    pub raw_extra_column: bool,
    pub users: Vec<User>,
    pub shows: Vec<Show>,
    pub geo: Vec<Geo>,
    pub merges: Vec<Merge>,
    pub restrictions: Vec<Restriction>,
    /// First event date the generator used.
    pub start_day: i32,
    /// Number of event dates the generator used.
    pub days: i32,
}

fn batch(fields: Vec<(&str, DataType, ArrayRef)>) -> RecordBatch {
    let schema = Schema::new(
        fields
            .iter()
            .map(|(n, t, _)| Field::new(*n, t.clone(), true))
            .collect::<Vec<_>>(),
    );
    let cols = fields.into_iter().map(|(_, _, c)| c).collect();
    RecordBatch::try_new(Arc::new(schema), cols).expect("test batch")
}

/// Boxes an array as an [`ArrayRef`].
fn arr(a: impl arrow::array::Array + 'static) -> ArrayRef {
    Arc::new(a)
}

fn ts_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, None)
}

/// Writes one batch as a Parquet file; `row_group` bounds the rows per row group.
pub fn write_parquet(path: &Path, batch: &RecordBatch, row_group: usize) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create dir");
    }
    let file = File::create(path).expect("create parquet file");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group.max(1)))
        .build();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("writer");
    w.write(batch).expect("write batch");
    w.close().expect("close parquet file");
}

/// The batch of a raw file.
pub fn raw_batch(rows: &[RawEvent], extra_column: bool) -> RecordBatch {
    let s = |f: fn(&RawEvent) -> Option<&str>| -> ArrayRef {
        arr(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let i64s = |f: fn(&RawEvent) -> Option<i64>| -> ArrayRef {
        arr(Int64Array::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let ts = |f: fn(&RawEvent) -> Option<i64>| -> ArrayRef {
        arr(TimestampMicrosecondArray::from(
            rows.iter().map(f).collect::<Vec<_>>(),
        ))
    };
    let mut fields = vec![
        ("event_id", DataType::Utf8, s(|r| r.event_id.as_deref())),
        ("user_id", DataType::Int64, i64s(|r| r.user_id)),
        ("show_id", DataType::Int64, i64s(|r| r.show_id)),
        ("country", DataType::Utf8, s(|r| r.country.as_deref())),
        (
            "watch_seconds",
            DataType::Int32,
            arr(Int32Array::from(
                rows.iter().map(|r| r.watch_seconds).collect::<Vec<_>>(),
            )),
        ),
        ("event_ts", ts_type(), ts(|r| r.event_ts)),
        ("src", DataType::Utf8, s(|r| r.src.as_deref())),
        ("ingestion_ts", ts_type(), ts(|r| r.ingestion_ts)),
    ];
    if extra_column {
        let v: Vec<Option<String>> = (0..rows.len()).map(|i| Some(format!("x{i}"))).collect();
        fields.insert(
            3,
            ("client_build", DataType::Utf8, arr(StringArray::from(v))),
        );
    }
    batch(fields)
}

impl Lake {
    /// Writes the lake into `dir` (created if needed).
    pub fn write(&self, dir: &Path) {
        let raw = dir.join("raw_watch_events");
        for (rel, rows) in &self.raw_files {
            // Small row groups so that readers must handle several per file.
            write_parquet(&raw.join(rel), &raw_batch(rows, self.raw_extra_column), 64);
        }
        for rel in &self.marker_files {
            let p = raw.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, b"").unwrap();
        }
        self.write_dims(dir);
    }

    /// Writes the five dimension files.
    pub fn write_dims(&self, dir: &Path) {
        let u = &self.users;
        let users = batch(vec![
            (
                "user_id",
                DataType::Int64,
                arr(Int64Array::from_iter_values(u.iter().map(|x| x.user_id))),
            ),
            (
                "signup_date",
                DataType::Date32,
                arr(Date32Array::from_iter_values(
                    u.iter().map(|x| x.signup_date),
                )),
            ),
            (
                "country",
                DataType::Utf8,
                arr(StringArray::from_iter_values(u.iter().map(|x| &x.country))),
            ),
            (
                "device_type",
                DataType::Utf8,
                arr(StringArray::from_iter_values(
                    u.iter().map(|x| &x.device_type),
                )),
            ),
            (
                "is_active",
                DataType::Boolean,
                arr(BooleanArray::from(
                    u.iter().map(|x| x.is_active).collect::<Vec<_>>(),
                )),
            ),
            (
                "created_at",
                ts_type(),
                arr(TimestampMicrosecondArray::from_iter_values(
                    u.iter().map(|x| x.created_at),
                )),
            ),
            (
                "updated_at",
                ts_type(),
                arr(TimestampMicrosecondArray::from_iter_values(
                    u.iter().map(|x| x.updated_at),
                )),
            ),
        ]);
        write_parquet(&dir.join("dim_users.parquet"), &users, 1 << 20);

        let s = &self.shows;
        let shows = batch(vec![
            (
                "show_id",
                DataType::Int64,
                arr(Int64Array::from_iter_values(s.iter().map(|x| x.show_id))),
            ),
            (
                "title",
                DataType::Utf8,
                arr(StringArray::from_iter_values(s.iter().map(|x| &x.title))),
            ),
            (
                "genre",
                DataType::Utf8,
                arr(StringArray::from_iter_values(s.iter().map(|x| &x.genre))),
            ),
            (
                "is_original",
                DataType::Boolean,
                arr(BooleanArray::from(
                    s.iter().map(|x| x.is_original).collect::<Vec<_>>(),
                )),
            ),
            (
                "release_date",
                DataType::Date32,
                arr(Date32Array::from_iter_values(
                    s.iter().map(|x| x.release_date),
                )),
            ),
            (
                "maturity_rating",
                DataType::Utf8,
                arr(StringArray::from_iter_values(
                    s.iter().map(|x| &x.maturity_rating),
                )),
            ),
            (
                "runtime_minutes",
                DataType::Int32,
                arr(Int32Array::from_iter_values(
                    s.iter().map(|x| x.runtime_minutes),
                )),
            ),
        ]);
        write_parquet(&dir.join("dim_shows.parquet"), &shows, 1 << 20);

        let g = &self.geo;
        let geo = batch(vec![
            (
                "country",
                DataType::Utf8,
                arr(StringArray::from_iter_values(g.iter().map(|x| &x.country))),
            ),
            (
                "country_name",
                DataType::Utf8,
                arr(StringArray::from_iter_values(
                    g.iter().map(|x| &x.country_name),
                )),
            ),
            (
                "timezone",
                DataType::Utf8,
                arr(StringArray::from_iter_values(g.iter().map(|x| &x.timezone))),
            ),
        ]);
        write_parquet(&dir.join("dim_geo.parquet"), &geo, 1 << 20);

        let m = &self.merges;
        let merges = batch(vec![
            (
                "old_show_id",
                DataType::Int64,
                arr(Int64Array::from_iter_values(
                    m.iter().map(|x| x.old_show_id),
                )),
            ),
            (
                "new_show_id",
                DataType::Int64,
                arr(Int64Array::from_iter_values(
                    m.iter().map(|x| x.new_show_id),
                )),
            ),
            (
                "merge_date",
                DataType::Date32,
                arr(Date32Array::from_iter_values(
                    m.iter().map(|x| x.merge_date),
                )),
            ),
        ]);
        write_parquet(&dir.join("show_canonical_map.parquet"), &merges, 1 << 20);

        let r = &self.restrictions;
        let restrictions = batch(vec![
            (
                "show_id",
                DataType::Int64,
                arr(Int64Array::from_iter_values(r.iter().map(|x| x.show_id))),
            ),
            (
                "restriction_type",
                DataType::Utf8,
                arr(StringArray::from_iter_values(
                    r.iter().map(|x| &x.restriction_type),
                )),
            ),
            (
                "region_code",
                DataType::Utf8,
                arr(StringArray::from(
                    r.iter()
                        .map(|x| x.region_code.as_deref())
                        .collect::<Vec<_>>(),
                )),
            ),
        ]);
        write_parquet(
            &dir.join("content_restrictions.parquet"),
            &restrictions,
            1 << 20,
        );
    }

    /// The path below `raw_watch_events/` of part `part` of landing date `dt`.
    pub fn raw_path(dt: i32, part: u32) -> String {
        format!("dt={}/part-{part:05}.parquet", date_str(dt))
    }

    /// Every raw row, with its file, in file order.
    pub fn all_raw(&self) -> impl Iterator<Item = (&str, usize, &RawEvent)> {
        self.raw_files.iter().flat_map(|(f, rows)| {
            rows.iter()
                .enumerate()
                .map(move |(i, r)| (f.as_str(), i, r))
        })
    }
}

/// Ids the generator uses; tests can rely on them.
pub mod ids {
    /// Ordinary shows, all in dim_shows.
    pub const SHOWS: std::ops::RangeInclusive<i64> = 100..=114;
    /// The merge chain a → b → c.
    pub const CHAIN: [i64; 3] = [101, 102, 103];
    /// A second merge, 110 → 111.
    pub const MERGE2: [i64; 2] = [110, 111];
    /// An old id missing from dim_shows that is merged into 104.
    pub const RETIRED: i64 = 130;
    /// A show with events but no dim_shows row.
    pub const ORPHAN_SHOW: i64 = 999;
    /// Shows that only get planted events: 120/121 tie on seconds (viewers decide),
    /// 122/123 tie on seconds and viewers (show_id decides).
    pub const TIES: [i64; 4] = [120, 121, 122, 123];
    /// Spare shows (in dim_shows, never in random events) for planted cut-off ties.
    pub const SPARE: [i64; 2] = [90, 1000];
    /// kids_only.
    pub const KIDS: i64 = 105;
    /// kids_only and region_blocked in the third country: kids_only wins.
    pub const KIDS_AND_BLOCKED: i64 = 108;
    /// region_blocked in the second country.
    pub const BLOCKED: i64 = 107;
    /// region_blocked in a country that is not in dim_geo: no effect.
    pub const BLOCKED_ELSEWHERE: i64 = 109;
    /// Users 1..=USERS are in dim_users; USERS+1..=USERS+ORPHAN_USERS are orphans.
    pub const USERS: i64 = 40;
    pub const ORPHAN_USERS: i64 = 8;
}

/// A generator of small lakes, deterministic from its seed.
pub struct Generator {
    rng: Pcg64,
    seed: u64,
    next_id: u64,
    pub lake: Lake,
    pub countries: Vec<String>,
    /// Rows with their landing partition and part number, before files are laid out.
    rows: Vec<(i32, u32, RawEvent)>,
}

const ALL_COUNTRIES: [(&str, &str, &str); 6] = [
    ("US", "United States", "America/New_York"),
    ("GB", "United Kingdom", "Europe/London"),
    ("DE", "Germany", "Europe/Berlin"),
    ("BR", "Brazil", "America/Sao_Paulo"),
    ("JP", "Japan", "Asia/Tokyo"),
    ("IN", "India", "Asia/Kolkata"),
];

const SRCS: [&str; 3] = ["app", "tv", "web"];

impl Generator {
    /// A new generator; call [`Generator::generate`] next.
    pub fn new(seed: u64) -> Self {
        let mut rng = Pcg64::seed_from_u64(seed ^ 0x0074_6f70_3130);
        let start_day = parse_date("2026-01-01").unwrap() + rng.random_range(0..20);
        let days = rng.random_range(3..=5);
        let mut all: Vec<_> = ALL_COUNTRIES.to_vec();
        all.shuffle(&mut rng);
        all.truncate(rng.random_range(3..=4));
        let lake = Lake {
            start_day,
            days,
            geo: all
                .iter()
                .map(|(c, n, tz)| Geo {
                    country: (*c).into(),
                    country_name: (*n).into(),
                    timezone: (*tz).into(),
                })
                .collect(),
            ..Lake::default()
        };
        Self {
            rng,
            seed,
            next_id: 0,
            countries: all.iter().map(|(c, _, _)| (*c).to_string()).collect(),
            lake,
            rows: Vec::new(),
        }
    }

    /// A fresh event id.
    pub fn id(&mut self) -> String {
        self.next_id += 1;
        format!("s{}-e{:05}", self.seed, self.next_id)
    }

    /// The n-th event date.
    pub fn day(&self, n: i32) -> i32 {
        self.lake.start_day + n.rem_euclid(self.lake.days)
    }

    /// A random time of day on a date.
    pub fn time_on(&mut self, day: i32) -> i64 {
        day_start(day) + self.rng.random_range(0..DAY)
    }

    /// A random day index.
    pub fn any_day(&mut self) -> i32 {
        let d = self.lake.days;
        let n = self.rng.random_range(0..d);
        self.day(n)
    }

    /// A random country.
    pub fn any_country(&mut self) -> String {
        let i = self.rng.random_range(0..self.countries.len());
        self.countries[i].clone()
    }

    /// A random user, orphans included.
    pub fn any_user(&mut self) -> i64 {
        self.rng.random_range(1..=ids::USERS + ids::ORPHAN_USERS)
    }

    /// A valid event of a show, watched at `ts`, landing 1 s to 6 h later.
    pub fn event(&mut self, user: i64, show: i64, country: &str, ws: i32, ts: i64) -> RawEvent {
        let delay = self.rng.random_range(SECOND..6 * HOUR);
        let src = SRCS[self.rng.random_range(0..SRCS.len())];
        RawEvent {
            event_id: Some(self.id()),
            user_id: Some(user),
            show_id: Some(show),
            country: Some(country.into()),
            watch_seconds: Some(ws),
            event_ts: Some(ts),
            src: Some(src.into()),
            ingestion_ts: Some(ts + delay),
        }
    }

    /// Adds a row in part 0 of its landing partition (a random event date when its
    /// ingestion_ts is NULL).
    pub fn push(&mut self, ev: RawEvent) {
        self.push_part(ev, 0);
    }

    /// Adds a row in the given part of its landing partition.
    pub fn push_part(&mut self, ev: RawEvent, part: u32) {
        let dt = match ev.ingestion_ts {
            Some(t) => ts_date(t),
            None => self.any_day(),
        };
        self.rows.push((dt, part, ev));
    }

    /// Adds a row in an explicit landing partition (for NULL ingestion_ts rows).
    pub fn push_at(&mut self, ev: RawEvent, dt: i32, part: u32) {
        self.rows.push((dt, part, ev));
    }

    fn dims(&mut self) {
        let start = self.lake.start_day;
        let c = self.countries.clone();
        let devices = ["tv", "phone", "tablet", "web"];
        self.lake.users = (1..=ids::USERS)
            .map(|u| User {
                user_id: u,
                signup_date: start - 400 + (u as i32) * 7,
                country: c[(u as usize) % c.len()].clone(),
                device_type: devices[(u as usize) % devices.len()].into(),
                is_active: u % 5 != 0,
                created_at: day_start(start - 400) + u * HOUR,
                updated_at: day_start(start - 10) + u * HOUR,
            })
            .collect();
        let genres = ["Drama", "Comedy", "Kids", "Documentary", "Thriller"];
        let ratings = ["TV-G", "TV-PG", "TV-14", "TV-MA", "TV-Y"];
        let mut show_ids: Vec<i64> = ids::SHOWS.collect();
        show_ids.extend(ids::TIES);
        show_ids.extend(ids::SPARE);
        self.lake.shows = show_ids
            .into_iter()
            .map(|s| Show {
                show_id: s,
                title: format!("Show {s}"),
                genre: genres[(s as usize) % genres.len()].into(),
                is_original: s % 3 == 0,
                release_date: start - 1000 + (s as i32),
                maturity_rating: ratings[(s as usize) % ratings.len()].into(),
                runtime_minutes: 20 + (s as i32 % 40),
            })
            .collect();
        let [a, b, cc] = ids::CHAIN;
        self.lake.merges = vec![
            Merge {
                old_show_id: b,
                new_show_id: cc,
                merge_date: start + 1,
            },
            Merge {
                old_show_id: a,
                new_show_id: b,
                merge_date: start,
            },
            Merge {
                old_show_id: ids::MERGE2[0],
                new_show_id: ids::MERGE2[1],
                merge_date: start + 2,
            },
            Merge {
                old_show_id: ids::RETIRED,
                new_show_id: 104,
                merge_date: start - 30,
            },
        ];
        let kids_region = if self.rng.random_bool(0.5) {
            None
        } else {
            Some(c[0].clone())
        };
        let r = |s: i64, t: &str, reg: Option<&str>| Restriction {
            show_id: s,
            restriction_type: t.into(),
            region_code: reg.map(Into::into),
        };
        self.lake.restrictions = vec![
            // A restriction on the old id `a` applies to its canonical show `c`.
            r(a, "region_blocked", Some(c[0].as_str())),
            Restriction {
                show_id: ids::KIDS,
                restriction_type: "kids_only".into(),
                region_code: kids_region,
            },
            r(ids::BLOCKED, "region_blocked", Some(c[1].as_str())),
            r(ids::KIDS_AND_BLOCKED, "kids_only", Some(c[1].as_str())),
            r(ids::KIDS_AND_BLOCKED, "region_blocked", Some(c[2].as_str())),
            r(ids::BLOCKED_ELSEWHERE, "region_blocked", Some("AQ")),
            // On the old id of the second merge.
            r(ids::MERGE2[0], "region_blocked", Some(c[2].as_str())),
            // On the middle id of the chain: applies to c as well.
            r(b, "region_blocked", Some(c[1].as_str())),
            // region_blocked without a region blocks nowhere.
            r(106, "region_blocked", None),
        ];
    }

    /// Ordinary traffic: skewed show popularity per country, some orphans, some
    /// late arrivals, some re-deliveries.
    fn background(&mut self) {
        let mut shows: Vec<i64> = ids::SHOWS.collect();
        shows.extend([ids::ORPHAN_SHOW, ids::RETIRED]);
        for country in self.countries.clone() {
            let mut order = shows.clone();
            order.shuffle(&mut self.rng);
            for d in 0..self.lake.days {
                let day = self.day(d);
                let n = self.rng.random_range(30..70);
                for _ in 0..n {
                    let u: f64 = self.rng.random();
                    let show = order[((u * u) * order.len() as f64) as usize];
                    let user = self.any_user();
                    let ws = 300 * self.rng.random_range(0..=24);
                    let ts = self.time_on(day);
                    let mut ev = self.event(user, show, &country, ws, ts);
                    let roll: f64 = self.rng.random();
                    if roll < 0.10 {
                        // Late: lands 1–3 days after it happened.
                        let late =
                            self.rng.random_range(1..=3) * DAY + self.rng.random_range(0..DAY);
                        ev.ingestion_ts = Some(ts + late);
                    }
                    if roll > 0.92 {
                        // A re-delivery: later, possibly with other seconds or source.
                        let mut again = ev.clone();
                        let later = self.rng.random_range(SECOND..2 * DAY);
                        again.ingestion_ts = ev.ingestion_ts.map(|t| t + later);
                        again.src = Some(SRCS[self.rng.random_range(0..SRCS.len())].into());
                        if self.rng.random_bool(0.5) {
                            again.watch_seconds = Some(300 * self.rng.random_range(0..=24));
                        }
                        let part = u32::from(self.rng.random_bool(0.3));
                        self.push_part(again, part);
                    }
                    let part = u32::from(self.rng.random_bool(0.1));
                    self.push_part(ev, part);
                }
            }
        }
    }

    /// The planted edge cases of SPEC §2 and docs/data-model.md.
    fn edge_cases(&mut self) {
        let c = self.countries.clone();
        let (d0, d1) = (self.day(0), self.day(1));

        // Ties on total seconds: 120 (2 viewers) above 121 (1 viewer); ties on seconds
        // and viewers: 122 above 123 (show_id decides).
        for d in 0..2 {
            let day = self.day(d);
            let country = self.any_country();
            let total = 600 * self.rng.random_range(3..=40);
            let [t0, t1, t2, t3] = ids::TIES;
            let users: Vec<i64> = (0..7)
                .map(|k| 1 + (k * 5 + i64::from(day)) % ids::USERS)
                .collect();
            let plan: [(i64, i64, i32); 8] = [
                (t0, users[0], total / 2),
                (t0, users[1], total / 2),
                (t1, users[2], total / 2),
                (t1, users[2], total / 2),
                (t2, users[3], total / 3),
                (t2, users[4], total / 3 * 2),
                (t3, users[5], total / 2),
                (t3, users[6], total / 2),
            ];
            for (show, user, ws) in plan {
                let ts = self.time_on(day);
                let ev = self.event(user, show, &country, ws, ts);
                self.push(ev);
            }
        }

        // Dedup with equal ingestion_ts.
        let ts = self.time_on(d0);
        let base = self.event(3, 100, &c[0], 100, ts);
        let t_in = base.ingestion_ts;
        let v = |src: Option<&str>, ws: Option<i32>| RawEvent {
            src: src.map(Into::into),
            watch_seconds: ws,
            ..base.clone()
        };
        let fresh = |g: &mut Self, mut e: RawEvent, id: &str| {
            e.event_id = Some(id.into());
            let part = u32::from(g.rng.random_bool(0.5));
            g.push_part(e, part);
        };
        // src decides ("web" > "app") even with fewer seconds.
        let id = self.id();
        fresh(self, v(Some("app"), Some(100)), &id);
        fresh(self, v(Some("web"), Some(50)), &id);
        // Same src: watch_seconds decides.
        let id = self.id();
        fresh(self, v(Some("tv"), Some(300)), &id);
        fresh(self, v(Some("tv"), Some(200)), &id);
        // NULL src is lowest.
        let id = self.id();
        fresh(self, v(None, Some(900)), &id);
        fresh(self, v(Some("app"), Some(10)), &id);
        // NULL watch_seconds is lowest, so the valid version wins.
        let id = self.id();
        fresh(self, v(Some("web"), None), &id);
        fresh(self, v(Some("web"), Some(5)), &id);
        // A later ingestion_ts beats a greater src.
        let id = self.id();
        fresh(self, v(Some("web"), Some(700)), &id);
        fresh(
            self,
            RawEvent {
                ingestion_ts: t_in.map(|t| t + 10 * SECOND),
                ..v(Some("app"), Some(1))
            },
            &id,
        );

        // Exact identical rows: twice in one file, three times across two files.
        let ts = self.time_on(d1);
        let ev = self.event(4, 104, &c[1], 1200, ts);
        self.push_part(ev.clone(), 0);
        self.push_part(ev, 0);
        let ts = self.time_on(d0);
        let ev = self.event(5, 106, &c[0], 1800, ts);
        self.push_part(ev.clone(), 0);
        self.push_part(ev.clone(), 1);
        self.push_part(ev, 0);

        // An invalid latest version over a valid earlier one (and the reverse).
        let ts = self.time_on(d0);
        let good = self.event(6, 112, &c[1], 2400, ts);
        let later = |e: &RawEvent, h: i64| e.ingestion_ts.map(|t| t + h * HOUR);
        self.push(good.clone());
        self.push(RawEvent {
            watch_seconds: Some(-5),
            ingestion_ts: later(&good, 2),
            ..good.clone()
        });
        let good = RawEvent {
            event_id: Some(self.id()),
            ..good
        };
        self.push(good.clone());
        self.push(RawEvent {
            country: Some("ZZ".into()),
            ingestion_ts: later(&good, 1),
            ..good.clone()
        });
        // The latest version has no event_ts: it is attributed to its landing date,
        // the day after the valid version's event date (and so is the loser).
        let ts = day_start(d0) + 22 * HOUR + self.rng.random_range(0..HOUR);
        let good = RawEvent {
            ingestion_ts: Some(ts + 5 * 60 * SECOND),
            ..self.event(7, 113, &c[2], 600, ts)
        };
        self.push(good.clone());
        self.push(RawEvent {
            event_ts: None,
            ingestion_ts: later(&good, 24),
            ..good.clone()
        });
        // A valid latest version over an invalid earlier one.
        let ts = self.time_on(d1);
        let bad = self.event(8, 100, &c[0], 90_000, ts);
        self.push(bad.clone());
        self.push(RawEvent {
            watch_seconds: Some(3600),
            ingestion_ts: later(&bad, 3),
            ..bad
        });
        // The winning version moved the event to the previous day.
        let ts = self.time_on(d1);
        let ev = self.event(9, 111, &c[1], 1500, ts);
        self.push(ev.clone());
        self.push(RawEvent {
            event_ts: ev.event_ts.map(|t| t - DAY),
            ingestion_ts: later(&ev, 1),
            ..ev
        });

        // Each quarantine reason, on lone rows.
        let mk = |g: &mut Self| {
            let day = g.any_day();
            let ts = g.time_on(day);
            let country = g.any_country();
            let user = g.any_user();
            g.event(user, 100 + (ts % 15), &country, 1000, ts)
        };
        let e = mk(self);
        self.push(RawEvent {
            event_id: None,
            ..e.clone()
        });
        // Identical rows without event_id are still two events.
        self.push(RawEvent {
            event_id: None,
            ..e.clone()
        });
        self.push(RawEvent {
            event_id: None,
            ..e
        });
        let e = mk(self);
        self.push(RawEvent { user_id: None, ..e });
        let e = mk(self);
        self.push(RawEvent { show_id: None, ..e });
        let e = mk(self);
        self.push(RawEvent { country: None, ..e });
        let e = mk(self);
        self.push(RawEvent {
            event_ts: None,
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            watch_seconds: None,
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            watch_seconds: Some(-1),
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            watch_seconds: Some(86_401),
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            country: Some("ZZ".into()),
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            country: Some(c[0].to_lowercase()),
            ..e
        });
        // Reason order: null_field before out of range, out of range before unknown.
        let e = mk(self);
        self.push(RawEvent {
            user_id: None,
            watch_seconds: Some(-1),
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            watch_seconds: Some(86_401),
            country: Some("ZZ".into()),
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            event_ts: None,
            country: Some("ZZ".into()),
            ..e
        });

        // An empty event_id is an id like any other (not NULL): two versions, one
        // winner. A country with a stray space is not in dim_geo.
        let e = mk(self);
        self.push(RawEvent {
            event_id: Some(String::new()),
            src: None,
            watch_seconds: Some(10),
            ..e.clone()
        });
        self.push(RawEvent {
            event_id: Some(String::new()),
            src: None,
            watch_seconds: Some(20),
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            country: Some(format!(" {}", c[0])),
            ..e
        });

        // Boundary values are valid.
        let e = mk(self);
        self.push(RawEvent {
            watch_seconds: Some(0),
            ..e
        });
        let e = mk(self);
        self.push(RawEvent {
            watch_seconds: Some(86_400),
            ..e
        });

        // Midnight belongs to its own date; the last microsecond to the previous.
        let e = self.event(10, 102, &c[0], 900, day_start(d1));
        self.push(e);
        let e = self.event(11, 102, &c[0], 900, day_start(d1) - 1);
        self.push(e);

        // One viewer watches a, b and c of the merge chain: one viewer of c.
        let [a, b, cc] = ids::CHAIN;
        for country in [&c[0], &c[1]] {
            let day = self.any_day();
            for show in [a, b, cc] {
                let ts = self.time_on(day);
                let e = self.event(12, show, country, 1200, ts);
                self.push(e);
            }
        }
        // Orphans: an unknown user, and the orphan show.
        let ts = self.time_on(d0);
        let e = self.event(ids::USERS + 1, ids::ORPHAN_SHOW, &c[0], 4500, ts);
        self.push(e);

        // Every restricted show has events in every country.
        let restricted = [
            ids::KIDS,
            ids::BLOCKED,
            ids::KIDS_AND_BLOCKED,
            ids::BLOCKED_ELSEWHERE,
            ids::MERGE2[0],
        ];
        for show in restricted {
            for country in &c {
                let ts = self.time_on(d0);
                let user = self.any_user();
                let e = self.event(user, show, country, 1500, ts);
                self.push(e);
            }
        }

        // Late arrivals, up to three days, the latest after the last event date.
        for late in 1..=3 {
            let day = self.day(self.lake.days - 1);
            let ts = self.time_on(day);
            let mut e = self.event(13, 114, &c[1], 3000, ts);
            e.ingestion_ts = Some(ts + late * DAY);
            self.push(e);
        }

        // Clock skew: a device clock runs fast, so the row lands minutes before its
        // event_ts, in the previous day's landing partition.
        let ts = day_start(self.day(2)) + 5 * 60 * SECOND;
        let mut e = self.event(20, 100, &c[0], 1300, ts);
        e.ingestion_ts = Some(ts - 10 * 60 * SECOND);
        self.push(e);

        // NULL ingestion_ts: a lone valid row; an old version; identical copies in two
        // landing partitions.
        let ts = self.time_on(d1);
        let e = self.event(14, 106, &c[2], 2000, ts);
        self.push_at(
            RawEvent {
                ingestion_ts: None,
                ..e
            },
            d1,
            0,
        );
        let ts = self.time_on(d0);
        let e = self.event(15, 106, &c[2], 2500, ts);
        let dt = ts_date(e.ingestion_ts.unwrap());
        self.push_at(
            RawEvent {
                ingestion_ts: None,
                src: Some("web".into()),
                watch_seconds: Some(9999),
                ..e.clone()
            },
            dt,
            1,
        );
        self.push(RawEvent {
            src: Some("app".into()),
            ..e
        });
        let ts = self.time_on(d0);
        let e = RawEvent {
            ingestion_ts: None,
            ..self.event(16, 100, &c[0], 700, ts)
        };
        self.push_at(e.clone(), d0, 0);
        self.push_at(e, d1, 0);

        // Rows at and around the --as-of boundary used by the tests: 06:00:00 on the
        // second day, exactly, one microsecond later, and a re-delivery across it.
        let cut = day_start(d1) + 6 * HOUR;
        let e = self.event(17, 112, &c[0], 1111, cut - 2 * HOUR);
        self.push(RawEvent {
            ingestion_ts: Some(cut),
            ..e
        });
        let e = self.event(18, 112, &c[0], 2222, cut - 2 * HOUR);
        self.push(RawEvent {
            ingestion_ts: Some(cut + 1),
            ..e
        });
        let e = self.event(19, 113, &c[1], 600, cut - 3 * HOUR);
        self.push(RawEvent {
            ingestion_ts: Some(cut - SECOND),
            ..e.clone()
        });
        self.push(RawEvent {
            ingestion_ts: Some(cut + SECOND),
            watch_seconds: Some(6000),
            ..e
        });
    }

    /// Lays the rows out into files, shuffling each file's rows.
    fn layout(&mut self) {
        let mut files: BTreeMap<String, Vec<RawEvent>> = BTreeMap::new();
        for (dt, part, ev) in std::mem::take(&mut self.rows) {
            files.entry(Lake::raw_path(dt, part)).or_default().push(ev);
        }
        for rows in files.values_mut() {
            rows.shuffle(&mut self.rng);
        }
        self.lake.raw_files = files;
    }

    /// Generates the whole lake.
    pub fn generate(mut self) -> Lake {
        self.dims();
        self.background();
        self.edge_cases();
        self.layout();
        if self.seed.is_multiple_of(2) {
            let first = self.lake.raw_files.keys().next().unwrap().clone();
            let dir = first.split('/').next().unwrap();
            self.lake.marker_files.push(format!("{dir}/_SUCCESS"));
        }
        self.lake.raw_extra_column = self.seed.is_multiple_of(3);
        self.lake
    }
}

/// Generates the lake of a seed.
pub fn generate(seed: u64) -> Lake {
    Generator::new(seed).generate()
}
