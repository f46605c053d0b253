//! One day of watch events: who watched what, where, when and for how long,
//! with the faults a real collection pipeline delivers (re-deliveries, late
//! arrivals, invalid rows, orphan users).
//!
//! Each day has its own random stream derived from the seed, so days can be
//! generated in parallel and the lake is still the same for the same seed.

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp, LogNormal};
use rand_pcg::Pcg64Mcg;

use super::Params;
use super::world::{UNKNOWN_COUNTRIES, World, pick_weighted, weekday_factor};

pub const MICROS_PER_SEC: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SEC;

/// Source systems that deliver events; on an equal `ingestion_ts` the
/// greater `src` wins deduplication.
pub const SOURCES: &[&str] = &[
    "app-android",
    "app-ios",
    "smart-tv",
    "web",
    "replay-android",
    "replay-ios",
    "replay-smart-tv",
    "replay-web",
];
const REPLAY_OFFSET: u8 = 4;
const SOURCE_WEIGHTS: &[(u8, f64)] = &[(0, 0.34), (1, 0.22), (2, 0.33), (3, 0.11)];

/// Null flags of a row, one bit per column.
pub const NULL_EVENT_ID: u8 = 1;
pub const NULL_USER_ID: u8 = 2;
pub const NULL_SHOW_ID: u8 = 4;
pub const NULL_COUNTRY: u8 = 8;
pub const NULL_WATCH_SECONDS: u8 = 16;
pub const NULL_EVENT_TS: u8 = 32;
const NULLABLE: &[u8] = &[
    NULL_EVENT_ID,
    NULL_USER_ID,
    NULL_SHOW_ID,
    NULL_COUNTRY,
    NULL_WATCH_SECONDS,
    NULL_EVENT_TS,
];

/// User ids from here on are missing from dim_users.
pub const ORPHAN_USER_BASE: i64 = 9_000_000_000;

/// Share of the day's viewing that starts in each local hour: low at dawn,
/// peaking in the evening.
const LOCAL_HOURS: [f64; 24] = [
    1.5, 1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 0.8, 1.0, 1.2, 1.4, 1.6, 1.9, 2.0, 2.0, 2.1, 2.3, 2.8, 3.6,
    4.6, 5.4, 5.6, 4.6, 2.9,
];

/// One raw row, as it will be written. `country` indexes the generated
/// countries followed by [`UNKNOWN_COUNTRIES`]; `src` indexes [`SOURCES`].
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub event_key: u64,
    pub user_id: i64,
    pub show_id: i64,
    pub country: u8,
    pub watch_seconds: i32,
    pub event_ts: i64,
    pub src: u8,
    pub ingestion_ts: i64,
    pub nulls: u8,
}

impl Row {
    /// The UTC landing day (days since the epoch) of this row.
    pub fn landing_day(&self) -> i64 {
        self.ingestion_ts.div_euclid(MICROS_PER_DAY)
    }
}

/// What one day produced, with counts of each fault for the summary.
#[derive(Default)]
pub struct DayOutput {
    pub rows: Vec<Row>,
    pub stats: Stats,
}

#[derive(Default, Clone, Copy, Debug)]
pub struct Stats {
    pub events: u64,
    pub rows: u64,
    pub duplicates: u64,
    pub late: u64,
    pub invalid: u64,
    pub orphan_users: u64,
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.events += o.events;
        self.rows += o.rows;
        self.duplicates += o.duplicates;
        self.late += o.late;
        self.invalid += o.invalid;
        self.orphan_users += o.orphan_users;
    }
}

/// A 48-bit bijection, so event ids look random yet never collide.
fn scramble48(x: u64, key: u64) -> u64 {
    const MASK: u64 = (1 << 48) - 1;
    let mut x = (x ^ key) & MASK;
    x = x.wrapping_mul(0x9E37_79B9_7F4B) & MASK;
    x ^= x >> 21;
    x = x.wrapping_mul(0x5851_F42D_4C95) & MASK;
    x ^= x >> 19;
    x
}

fn day_seed(seed: u64, day: u32) -> u64 {
    // splitmix64 of the pair, so neighbouring days get unrelated streams.
    let mut z = seed ^ (u64::from(day) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Cumulative weights, for sampling by binary search.
struct Cdf(Vec<f64>);

impl Cdf {
    fn new(weights: impl Iterator<Item = f64>) -> Cdf {
        let mut acc = 0.0;
        Cdf(weights
            .map(|w| {
                acc += w;
                acc
            })
            .collect())
    }
    fn total(&self) -> f64 {
        self.0.last().copied().unwrap_or(0.0)
    }
    fn sample(&self, u: f64) -> usize {
        let x = u * self.total();
        self.0.partition_point(|&c| c <= x).min(self.0.len() - 1)
    }
}

/// Generate day `day` (0-based from `p.start`).
pub fn generate_day(world: &World, p: &Params, day: u32) -> DayOutput {
    let mut rng = Pcg64Mcg::seed_from_u64(day_seed(p.seed, day));
    let date = p.start + Duration::days(i64::from(day));
    let day_start = days_since_epoch(date) * MICROS_PER_DAY;
    let id_key = day_seed(p.seed, u32::MAX) & ((1 << 48) - 1);

    let noise = LogNormal::new(0.0, 0.05).expect("valid parameters");
    let show_noise = LogNormal::new(0.0, 0.12).expect("valid parameters");
    let delay = Exp::new(1.0 / 45.0).expect("valid parameters");
    let total = p.events_per_day as f64 * weekday_factor(date) * noise.sample(&mut rng);
    let country_total: f64 = world.countries.iter().map(|c| c.weight).sum();
    let hours = Cdf::new(LOCAL_HOURS.iter().copied());

    let mut out = DayOutput::default();
    out.rows.reserve((total * 1.05) as usize);
    let mut seq: u64 = 0;
    let n_countries = world.countries.len();

    for (c, country) in world.countries.iter().enumerate() {
        let n = (total * country.weight / country_total).round() as u64;
        let cdf = Cdf::new(
            (0..world.shows.len()).map(|s| world.weight(s, c, date) * show_noise.sample(&mut rng)),
        );
        if cdf.total() <= 0.0 {
            continue;
        }
        let offset = world.utc_offset_seconds(c, date);
        let local_users = &world.users_by_country[c];

        for _ in 0..n {
            let s = cdf.sample(rng.random::<f64>());
            let show = &world.shows[s];
            let show_id = current_show_id(world, s, day, &mut rng);

            let mut row = Row {
                event_key: scramble48((u64::from(day) << 32) | seq, id_key),
                user_id: 0,
                show_id,
                country: c as u8,
                watch_seconds: 0,
                event_ts: 0,
                src: pick_weighted(SOURCE_WEIGHTS, 1.0, rng.random::<f64>()),
                ingestion_ts: 0,
                nulls: 0,
            };
            seq += 1;

            // Mostly people at home; a few travellers; heavy viewers watch more.
            row.user_id = if local_users.is_empty() || rng.random::<f64>() < 0.01 {
                world.users[rng.random_range(0..world.users.len())].id
            } else {
                let u: f64 = rng.random();
                local_users[((u * u * u) * local_users.len() as f64) as usize]
            };
            if rng.random::<f64>() < p.faults.orphan_user_rate {
                row.user_id = ORPHAN_USER_BASE + rng.random_range(0..5_000);
                out.stats.orphan_users += 1;
            }

            // Viewing starts by the local clock, folded into this UTC day.
            let local = hours.sample(rng.random::<f64>()) as i64 * 3600 + rng.random_range(0..3600);
            let utc = (local - offset).rem_euclid(86_400);
            row.event_ts = day_start + utc * MICROS_PER_SEC + rng.random_range(0..MICROS_PER_SEC);

            row.watch_seconds = watch_seconds(show.runtime_minutes, show.is_series, &mut rng);

            let late = rng.random::<f64>() < p.faults.late_rate;
            let lag = if late {
                out.stats.late += 1;
                rng.random_range(86_400..3 * 86_400)
            } else {
                1 + (delay.sample(&mut rng) as i64).min(3_600)
            };
            row.ingestion_ts =
                row.event_ts + lag * MICROS_PER_SEC + rng.random_range(0..MICROS_PER_SEC);

            if rng.random::<f64>() < p.faults.invalid_rate {
                make_invalid(&mut row, n_countries, &mut rng);
                out.stats.invalid += 1;
            }
            out.rows.push(row);
            out.stats.events += 1;

            if rng.random::<f64>() < p.faults.duplicate_rate {
                let copies = if rng.random::<f64>() < 0.1 { 2 } else { 1 };
                let mut last = row;
                for _ in 0..copies {
                    last = redeliver(&last, &mut rng);
                    out.rows.push(last);
                    out.stats.duplicates += 1;
                }
            }
        }
    }
    out.stats.rows = out.rows.len() as u64;
    out
}

/// The id a show is delivered under on `day`: merged shows carried older ids
/// before their merge dates, and a few stale clients keep sending them after.
fn current_show_id(world: &World, s: usize, day: u32, rng: &mut Pcg64Mcg) -> i64 {
    let show = &world.shows[s];
    let Some(chain) = world.chains.iter().find(|ch| ch.show == s) else {
        return show.id;
    };
    let mut k = chain.switch_days.iter().filter(|&&d| day >= d).count();
    if k > 0 && rng.random::<f64>() < 0.05 {
        k -= 1;
    }
    chain.ids[k]
}

/// How long one viewing lasted: most people finish what they start; series
/// get binged; a few sessions close at once, or run for a whole day.
fn watch_seconds(runtime_minutes: i32, is_series: bool, rng: &mut Pcg64Mcg) -> i32 {
    let runtime = f64::from(runtime_minutes) * 60.0;
    let u: f64 = rng.random();
    if u < 0.002 {
        return 0;
    }
    if u > 0.99995 {
        return 86_400;
    }
    let fraction = rng.random::<f64>().powf(0.45).max(0.02);
    let episodes = if is_series && rng.random::<f64>() < 0.3 {
        f64::from(rng.random_range(1..5))
    } else {
        0.0
    };
    ((episodes + fraction) * runtime).round().min(86_400.0) as i32
}

/// Corrupt a row the ways SPEC §2 quarantines: a NULL required field, an
/// out-of-range watch time, or a country missing from dim_geo.
fn make_invalid(row: &mut Row, n_countries: usize, rng: &mut Pcg64Mcg) {
    let kind: f64 = rng.random();
    if kind < 0.45 {
        row.nulls |= NULLABLE[rng.random_range(0..NULLABLE.len())];
    } else if kind < 0.8 {
        row.watch_seconds = if rng.random::<bool>() {
            -rng.random_range(1..3_600)
        } else {
            86_401 + rng.random_range(0..100_000)
        };
    } else {
        row.country = (n_countries + rng.random_range(0..UNKNOWN_COUNTRIES.len())) as u8;
    }
}

/// Another delivery of the same event: a plain re-send, an updated payload
/// (sometimes invalid, so the latest version is the bad one), or a copy with
/// the very same `ingestion_ts` through a replay source.
fn redeliver(prev: &Row, rng: &mut Pcg64Mcg) -> Row {
    let mut row = *prev;
    let kind: f64 = rng.random();
    if kind < 0.55 {
        row.ingestion_ts += rng.random_range(1..4 * 3_600) * MICROS_PER_SEC;
    } else if kind < 0.8 {
        row.ingestion_ts += rng.random_range(60..12 * 3_600) * MICROS_PER_SEC;
        row.watch_seconds = if rng.random::<f64>() < 0.15 {
            -1
        } else {
            (prev.watch_seconds + rng.random_range(30..1_800)).min(86_400)
        };
    } else {
        row.src = (prev.src % REPLAY_OFFSET) + REPLAY_OFFSET;
        if rng.random::<bool>() {
            row.watch_seconds = (prev.watch_seconds - rng.random_range(0..60)).max(0);
        }
    }
    row
}

/// Days since 1970-01-01.
pub fn days_since_epoch(date: NaiveDate) -> i64 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
}

/// The code written for a row's country index.
pub fn country_code(world: &World, idx: u8) -> &'static str {
    let i = usize::from(idx);
    if i < world.countries.len() {
        world.countries[i].code
    } else {
        UNKNOWN_COUNTRIES[i - world.countries.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scramble_is_a_bijection_on_a_sample() {
        let mut seen = std::collections::HashSet::new();
        for x in 0..200_000u64 {
            assert!(seen.insert(scramble48(x, 12345)));
        }
        for day in 0..4u64 {
            assert!(seen.insert(scramble48((day + 1) << 32, 12345)));
        }
    }

    #[test]
    fn country_table_has_room_for_unknown_codes() {
        use crate::generate::world::COUNTRIES;
        assert!(COUNTRIES.len() + UNKNOWN_COUNTRIES.len() < 256);
    }
}
