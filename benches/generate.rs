//! Generator throughput: synthetic watch events written to Parquet per
//! second, end to end (world, events, faults, Arrow, zstd Parquet, rename).
//! Run with `cargo bench --bench generate`; results go to docs/benchmarks.md.

use divan::counter::ItemsCount;
use top10::generate::{self, Faults, Params};

fn main() {
    divan::main();
}

fn params(events: u64) -> Params {
    let days = 35;
    Params {
        start: chrono::NaiveDate::from_ymd_opt(2026, 9, 7).unwrap(),
        days,
        countries: 24,
        shows: 2_000,
        users: (events / 5).max(1_000) as usize,
        events_per_day: events / u64::from(days),
        seed: 42,
        faults: Faults {
            duplicate_rate: 0.02,
            late_rate: 0.015,
            invalid_rate: 0.003,
            orphan_user_rate: 0.002,
        },
    }
}

#[divan::bench(args = [1_000_000, 10_000_000], sample_count = 3, sample_size = 1)]
fn generate_events(bencher: divan::Bencher, events: u64) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lake");
    let p = params(events);
    bencher
        .counter(ItemsCount::new(p.events_per_day * u64::from(p.days)))
        .bench(|| generate::run(&p, &out, true).unwrap());
}
