//! The synthetic world behind a generated lake: real countries with their
//! time zones, a catalog of shows with genres, originals, release dates and
//! runtimes, users, and each show's popularity per country and day.
//!
//! Popularity is Zipf-like per country with local favourites: a global
//! base weight by popularity rank, a per-country taste factor, a boost in the
//! show's home country, and for new releases a rise-and-decay curve.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, Offset, TimeZone};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64Mcg;

use super::Params;

/// A real country: ISO code, English name, IANA time zone, and a weight
/// roughly proportional to a streaming service's subscribers there.
pub struct CountryDef {
    pub code: &'static str,
    pub name: &'static str,
    pub tz: &'static str,
    pub weight: f64,
}

const fn c(code: &'static str, name: &'static str, tz: &'static str, weight: f64) -> CountryDef {
    CountryDef {
        code,
        name,
        tz,
        weight,
    }
}

/// The countries, most subscribers first; `--countries N` takes the first N.
pub const COUNTRIES: &[CountryDef] = &[
    c("US", "United States", "America/New_York", 75.0),
    c("BR", "Brazil", "America/Sao_Paulo", 20.0),
    c("GB", "United Kingdom", "Europe/London", 17.0),
    c("DE", "Germany", "Europe/Berlin", 14.0),
    c("FR", "France", "Europe/Paris", 12.0),
    c("MX", "Mexico", "America/Mexico_City", 11.0),
    c("CA", "Canada", "America/Toronto", 8.5),
    c("JP", "Japan", "Asia/Tokyo", 8.0),
    c("IN", "India", "Asia/Kolkata", 8.0),
    c("ES", "Spain", "Europe/Madrid", 7.0),
    c("AU", "Australia", "Australia/Sydney", 7.0),
    c("KR", "South Korea", "Asia/Seoul", 6.0),
    c("IT", "Italy", "Europe/Rome", 6.0),
    c("AR", "Argentina", "America/Argentina/Buenos_Aires", 5.0),
    c("CO", "Colombia", "America/Bogota", 4.0),
    c("PL", "Poland", "Europe/Warsaw", 4.0),
    c("NL", "Netherlands", "Europe/Amsterdam", 4.0),
    c("TR", "Türkiye", "Europe/Istanbul", 3.0),
    c("SE", "Sweden", "Europe/Stockholm", 3.0),
    c("ID", "Indonesia", "Asia/Jakarta", 3.0),
    c("PH", "Philippines", "Asia/Manila", 3.0),
    c("CL", "Chile", "America/Santiago", 2.5),
    c("TH", "Thailand", "Asia/Bangkok", 2.0),
    c("ZA", "South Africa", "Africa/Johannesburg", 2.0),
    c("NZ", "New Zealand", "Pacific/Auckland", 1.5),
    c("SA", "Saudi Arabia", "Asia/Riyadh", 1.5),
    c("IE", "Ireland", "Europe/Dublin", 1.2),
    c("PT", "Portugal", "Europe/Lisbon", 1.2),
    c("EG", "Egypt", "Africa/Cairo", 0.8),
    c("NG", "Nigeria", "Africa/Lagos", 0.8),
];

/// Country codes that appear in events but not in dim_geo: a common mistake
/// (`UK` for `GB`), a placeholder, and a lower-case code.
pub const UNKNOWN_COUNTRIES: &[&str] = &["UK", "ZZ", "us"];

/// Genres with their share of the catalog; `Kids` shows get a kids_only
/// restriction.
const GENRES: &[(&str, f64)] = &[
    ("Drama", 18.0),
    ("Comedy", 14.0),
    ("Thriller", 10.0),
    ("Crime", 10.0),
    ("Documentary", 8.0),
    ("Sci-Fi", 6.0),
    ("Fantasy", 5.0),
    ("Romance", 6.0),
    ("Action", 7.0),
    ("Horror", 4.0),
    ("Reality", 4.0),
    ("Anime", 3.0),
    ("Kids", 8.0),
];

pub const KIDS: &str = "Kids";

/// One title in the catalog.
pub struct Show {
    pub id: i64,
    pub title: String,
    pub genre: &'static str,
    pub is_original: bool,
    pub release_date: NaiveDate,
    pub maturity_rating: &'static str,
    pub runtime_minutes: i32,
    /// A series (episodes, binge sessions) rather than a film.
    pub is_series: bool,
    /// Index of the home country, where it is a local favourite.
    pub origin: usize,
    /// Global weight from its popularity rank (Zipf-like).
    pub base: f64,
    /// New-release boost at its peak, and how fast it decays (days).
    pub peak: f64,
    pub tau: f64,
    /// Written to dim_shows; one show is left out to make an orphan show.
    pub in_dim: bool,
}

/// A user of the service.
pub struct User {
    pub id: i64,
    pub country: usize,
    pub signup_date: NaiveDate,
    pub device_type: &'static str,
    pub is_active: bool,
}

/// A merge in show_canonical_map: `old` was re-issued as `new` on `date`.
pub struct Merge {
    pub old: i64,
    pub new: i64,
    pub date: NaiveDate,
}

/// A content_restrictions row.
pub struct Restriction {
    pub show_id: i64,
    pub kind: &'static str,
    pub region: Option<&'static str>,
}

/// A show known under older ids: before `merges[0].date` events carry the
/// oldest id, and so on; a few stale clients keep sending an old id after.
pub struct MergeChain {
    /// Index of the canonical show in `World::shows`.
    pub show: usize,
    /// Ids in order, oldest first; the last is the canonical id.
    pub ids: Vec<i64>,
    /// The day (index from start) from which `ids[k + 1]` is current.
    pub switch_days: Vec<u32>,
}

pub const DEVICES: &[&str] = &["smart_tv", "mobile", "web", "tablet", "console"];

/// Everything that does not vary per event.
pub struct World {
    pub countries: Vec<&'static CountryDef>,
    pub shows: Vec<Show>,
    /// Extra dim_shows rows for the old ids of merged shows.
    pub legacy_shows: Vec<(i64, usize)>,
    pub users: Vec<User>,
    /// Users by home country.
    pub users_by_country: Vec<Vec<i64>>,
    /// taste[country][show]: how much more or less a country likes a show.
    pub taste: Vec<Vec<f64>>,
    pub merges: Vec<Merge>,
    pub chains: Vec<MergeChain>,
    pub restrictions: Vec<Restriction>,
}

/// The earliest show id; ids grow in steps so they look like a real catalog's.
const FIRST_SHOW_ID: i64 = 80_100_003;
const FIRST_USER_ID: i64 = 1_000_000;

impl World {
    pub fn new(p: &Params) -> World {
        let mut rng = Pcg64Mcg::seed_from_u64(p.seed ^ 0x5157_0e1d_0000_0001);
        let countries: Vec<&'static CountryDef> = COUNTRIES.iter().take(p.countries).collect();
        let end = p.start + Duration::days(i64::from(p.days));

        let shows = make_shows(p, &countries, end, &mut rng);
        let taste = make_taste(&countries, &shows, &mut rng);
        let (users, users_by_country) = make_users(p, &countries, &mut rng);

        let mut world = World {
            countries,
            shows,
            legacy_shows: Vec::new(),
            users,
            users_by_country,
            taste,
            merges: Vec::new(),
            chains: Vec::new(),
            restrictions: Vec::new(),
        };
        world.add_edge_cases(p, &mut rng);
        world
    }

    /// Restrictions, merges and the orphan show: the cases the pipeline's
    /// rules exist for, placed on popular shows so they change real rankings.
    fn add_edge_cases(&mut self, p: &Params, rng: &mut Pcg64Mcg) {
        let mut by_popularity: Vec<usize> = (0..self.shows.len()).collect();
        by_popularity.sort_by(|&a, &b| self.shows[b].base.total_cmp(&self.shows[a].base));
        let catalog: Vec<usize> = by_popularity
            .iter()
            .copied()
            .filter(|&i| self.shows[i].release_date < p.start && self.shows[i].genre != KIDS)
            .collect();

        // Kids content never enters the Top 10.
        for s in &self.shows {
            if s.genre == KIDS {
                self.restrictions.push(Restriction {
                    show_id: s.id,
                    kind: "kids_only",
                    region: None,
                });
            }
        }

        let mut next_id = self
            .shows
            .iter()
            .map(|s| s.id)
            .max()
            .unwrap_or(FIRST_SHOW_ID)
            + 17;
        let day = |frac: f64| ((f64::from(p.days) * frac) as u32).clamp(1, p.days.max(2) - 1);

        // A merge chain a -> b -> c on a popular catalog show, and a one-hop merge.
        if let Some(&target) = catalog.get(2) {
            let (a, b) = (next_id, next_id + 17);
            next_id += 34;
            let chain = MergeChain {
                show: target,
                ids: vec![a, b, self.shows[target].id],
                switch_days: vec![day(0.3), day(0.6)],
            };
            self.merges.push(Merge {
                old: a,
                new: b,
                date: p.start + Duration::days(i64::from(chain.switch_days[0])),
            });
            self.merges.push(Merge {
                old: b,
                new: self.shows[target].id,
                date: p.start + Duration::days(i64::from(chain.switch_days[1])),
            });
            self.legacy_shows.push((a, target));
            self.legacy_shows.push((b, target));
            // A restriction recorded against the oldest id applies to the canonical show.
            if self.countries.len() > 1 {
                self.restrictions.push(Restriction {
                    show_id: a,
                    kind: "region_blocked",
                    region: Some(self.countries[1].code),
                });
            }
            self.chains.push(chain);
        }
        if let Some(&target) = catalog.get(6) {
            let old = next_id;
            let chain = MergeChain {
                show: target,
                ids: vec![old, self.shows[target].id],
                switch_days: vec![day(0.5)],
            };
            self.merges.push(Merge {
                old,
                new: self.shows[target].id,
                date: p.start + Duration::days(i64::from(chain.switch_days[0])),
            });
            self.legacy_shows.push((old, target));
            self.chains.push(chain);
        }

        // Region blocks on a few popular shows, away from their home country.
        for &i in catalog.iter().skip(3).step_by(5).take(4) {
            let n = rng.random_range(1..=2usize);
            for _ in 0..n {
                let ci = rng.random_range(0..self.countries.len());
                if ci != self.shows[i].origin {
                    self.restrictions.push(Restriction {
                        show_id: self.shows[i].id,
                        kind: "region_blocked",
                        region: Some(self.countries[ci].code),
                    });
                }
            }
        }
        self.restrictions
            .sort_by(|a, b| (a.show_id, a.kind, a.region).cmp(&(b.show_id, b.kind, b.region)));
        self.restrictions
            .dedup_by(|a, b| (a.show_id, a.kind, a.region) == (b.show_id, b.kind, b.region));

        // One mid-table show is missing from dim_shows: an orphan show.
        if let Some(&i) = catalog.get(12) {
            self.shows[i].in_dim = false;
        }
    }

    /// Weight of show `s` in country `c` on day `day` (from the start), before
    /// daily noise: 0 before release.
    pub fn weight(&self, s: usize, c: usize, date: NaiveDate) -> f64 {
        let show = &self.shows[s];
        if date < show.release_date {
            return 0.0;
        }
        let age = (date - show.release_date).num_days() as f64;
        // Rise over the first three days, then decay.
        let ramp = ((age + 1.0) / 3.0).min(1.0);
        let release = 1.0 + show.peak * ramp * (-age / show.tau).exp();
        let home = if show.origin == c { 3.0 } else { 1.0 };
        show.base * self.taste[c][s] * home * release
    }

    /// UTC offset in seconds of a country on a date (DST-aware).
    pub fn utc_offset_seconds(&self, c: usize, date: NaiveDate) -> i64 {
        let tz: chrono_tz::Tz = self.countries[c]
            .tz
            .parse()
            .expect("built-in zones are valid");
        let noon = date.and_hms_opt(12, 0, 0).expect("noon exists");
        i64::from(tz.offset_from_utc_datetime(&noon).fix().local_minus_utc())
    }
}

fn make_shows(
    p: &Params,
    countries: &[&'static CountryDef],
    end: NaiveDate,
    rng: &mut Pcg64Mcg,
) -> Vec<Show> {
    let genre_total: f64 = GENRES.iter().map(|g| g.1).sum();
    let country_total: f64 = countries.iter().map(|c| c.weight).sum();
    let mut titles = HashSet::new();
    // Popularity ranks are a random permutation, so ids say nothing about rank.
    let mut ranks: Vec<usize> = (1..=p.shows).collect();
    ranks.shuffle(rng);
    let window = (end - p.start).num_days().max(1);
    let mut shows = Vec::with_capacity(p.shows);
    for (i, &rank) in ranks.iter().enumerate() {
        let genre = pick_weighted(GENRES, genre_total, rng.random::<f64>());
        let is_original = rng.random::<f64>() < 0.33;
        // About a quarter of the catalog (more of the originals) premieres
        // during or just before the window, the rest is back catalog.
        let new_release = rng.random::<f64>() < if is_original { 0.4 } else { 0.15 };
        let release_date = if new_release {
            p.start + Duration::days(rng.random_range(-14..window))
        } else {
            p.start - Duration::days(rng.random_range(30..3650))
        };
        let (peak, tau) = if new_release {
            (rng.random_range(1.5..8.0), rng.random_range(5.0..16.0))
        } else {
            (0.0, 1.0)
        };
        let is_series = genre != "Documentary" && rng.random::<f64>() < 0.6
            || genre == "Reality"
            || genre == "Anime";
        let runtime_minutes = if is_series {
            if genre == KIDS {
                rng.random_range(11..=24)
            } else {
                rng.random_range(22..=62)
            }
        } else {
            rng.random_range(82..=155)
        };
        let maturity_rating = if genre == KIDS {
            ["TV-Y", "TV-Y7", "TV-G"][rng.random_range(0..3)]
        } else if genre == "Horror" || genre == "Crime" {
            ["TV-14", "TV-MA", "R"][rng.random_range(0..3)]
        } else {
            ["TV-PG", "TV-14", "TV-MA", "PG-13"][rng.random_range(0..4)]
        };
        // Home country: a third are US productions, the rest follow subscribers.
        let origin = if rng.random::<f64>() < 0.33 {
            0
        } else {
            let cw: Vec<(usize, f64)> = countries.iter().map(|c| c.weight).enumerate().collect();
            pick_weighted(&cw, country_total, rng.random::<f64>())
        };
        let title = super::names::unique_title(genre, &mut titles, rng);
        shows.push(Show {
            id: FIRST_SHOW_ID + 17 * i as i64,
            title,
            genre,
            is_original,
            release_date: release_date.min(end - Duration::days(1)),
            maturity_rating,
            runtime_minutes,
            is_series,
            origin,
            base: 1.0 / (rank as f64).powf(0.85),
            peak,
            tau,
            in_dim: true,
        });
    }
    // Make sure a kids show is popular enough to be excluded from real lists.
    if let Some(top) = shows.iter().position(|s| s.base >= 1.0 / 3f64.powf(0.85)) {
        shows[top].genre = KIDS;
        shows[top].maturity_rating = "TV-Y7";
        shows[top].is_series = true;
        shows[top].runtime_minutes = 22;
    }
    shows
}

fn make_taste(
    countries: &[&'static CountryDef],
    shows: &[Show],
    rng: &mut Pcg64Mcg,
) -> Vec<Vec<f64>> {
    let taste = LogNormal::new(0.0, 0.45).expect("valid parameters");
    countries
        .iter()
        .map(|_| shows.iter().map(|_| taste.sample(rng)).collect())
        .collect()
}

fn make_users(
    p: &Params,
    countries: &[&'static CountryDef],
    rng: &mut Pcg64Mcg,
) -> (Vec<User>, Vec<Vec<i64>>) {
    let total: f64 = countries.iter().map(|c| c.weight).sum();
    let cw: Vec<(usize, f64)> = countries.iter().map(|c| c.weight).enumerate().collect();
    let mut by_country = vec![Vec::new(); countries.len()];
    let users = (0..p.users)
        .map(|i| {
            let country = pick_weighted(&cw, total, rng.random::<f64>());
            let id = FIRST_USER_ID + i as i64;
            by_country[country].push(id);
            User {
                id,
                country,
                signup_date: p.start - Duration::days(rng.random_range(1..2500)),
                device_type: DEVICES[rng.random_range(0..DEVICES.len())],
                is_active: rng.random::<f64>() < 0.95,
            }
        })
        .collect();
    (users, by_country)
}

/// Pick from `(item, weight)` pairs with `u` uniform in [0, 1).
pub fn pick_weighted<T: Copy>(items: &[(T, f64)], total: f64, u: f64) -> T {
    let mut x = u * total;
    for &(item, w) in items {
        if x < w {
            return item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// Monday = 0 … Sunday = 6 weights: viewing peaks on the weekend.
pub fn weekday_factor(date: NaiveDate) -> f64 {
    [0.92, 0.88, 0.9, 0.95, 1.1, 1.3, 1.25][date.weekday().num_days_from_monday() as usize]
}
