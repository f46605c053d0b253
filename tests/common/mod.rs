//! Helpers shared by the integration tests: calendar arithmetic on plain integers,
//! tolerant Parquet column readers ([`columns`]) and a test lake model, writer and
//! randomized generator ([`lake`]).
//!
//! Timestamps are `i64` microseconds since 1970-01-01 00:00:00 (naive, UTC) and dates
//! are `i32` days since 1970-01-01 throughout, so no test depends on a date library.

// Each integration test crate compiles this module on its own and may use only part
// of it.
#![allow(dead_code)]

pub mod columns;
pub mod lake;

/// Microseconds in one second.
pub const SECOND: i64 = 1_000_000;
/// Microseconds in one hour.
pub const HOUR: i64 = 3_600 * SECOND;
/// Microseconds in one day.
pub const DAY: i64 = 24 * HOUR;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).expect("date out of range")
}

/// The (year, month, day) of a count of days since 1970-01-01.
pub fn civil_from_days(days: i32) -> (i64, u32, u32) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).expect("day");
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).expect("month");
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Parses `YYYY-MM-DD` into days since the epoch.
pub fn parse_date(s: &str) -> Option<i32> {
    let mut it = s.splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    if s.len() != 10 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Reject dates such as 2026-02-30 that do not round-trip.
    (civil_from_days(days) == (y, m, d)).then_some(days)
}

/// Formats days since the epoch as `YYYY-MM-DD`.
pub fn date_str(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The UTC date (days since the epoch) of a timestamp.
pub fn ts_date(micros: i64) -> i32 {
    i32::try_from(micros.div_euclid(DAY)).expect("timestamp out of range")
}

/// Midnight at the start of a date, as a timestamp.
pub fn day_start(days: i32) -> i64 {
    i64::from(days) * DAY
}

/// Formats a timestamp as `YYYY-MM-DDTHH:MM:SS[.ffffff]` (the fraction only when it
/// is not zero); the form `top10 build --as-of` takes.
pub fn ts_str(micros: i64) -> String {
    let date = date_str(ts_date(micros));
    let in_day = micros.rem_euclid(DAY);
    let (secs, frac) = (in_day / SECOND, in_day % SECOND);
    let (h, mi, s) = (secs / 3_600, secs / 60 % 60, secs % 60);
    if frac == 0 {
        format!("{date}T{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{date}T{h:02}:{mi:02}:{s:02}.{frac:06}")
    }
}

#[test]
fn calendar_helpers_round_trip() {
    assert_eq!(parse_date("1970-01-01"), Some(0));
    assert_eq!(
        parse_date("2026-01-05").map(date_str).as_deref(),
        Some("2026-01-05")
    );
    assert_eq!(
        parse_date("2024-02-29")
            .map(|d| d + 1)
            .map(date_str)
            .as_deref(),
        Some("2024-03-01")
    );
    assert_eq!(parse_date("2026-02-30"), None);
    assert_eq!(date_str(-1), "1969-12-31");
    let t = day_start(parse_date("2026-01-03").unwrap()) + 6 * HOUR;
    assert_eq!(ts_str(t), "2026-01-03T06:00:00");
    assert_eq!(ts_str(t - 1), "2026-01-03T05:59:59.999999");
    assert_eq!(ts_date(t - 6 * HOUR - 1), parse_date("2026-01-02").unwrap());
}
