//! Parsers for values typed on the command line: dates, timestamps and
//! country codes. They reject anything malformed with a message that quotes
//! the value, so clap can report it as one line.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// A date as `YYYY-MM-DD`.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date: expected YYYY-MM-DD, e.g. 2026-01-31"))
}

/// A UTC timestamp as top10 writes it in messages and JSON details,
/// `YYYY-MM-DDTHH:MM:SS` (whole seconds): a form [`timestamp`] reads back.
pub fn timestamp_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A UTC timestamp: `YYYY-MM-DDTHH:MM:SS[.ffffff]` (a space may replace the `T`;
/// a trailing `Z` is allowed), an RFC 3339 timestamp with an offset (converted
/// to UTC), or a bare date meaning its midnight.
pub fn timestamp(s: &str) -> Result<NaiveDateTime, String> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.naive_utc());
    }
    let t = t.strip_suffix('Z').unwrap_or(t);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(dt);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists"));
    }
    Err(format!(
        "'{s}' is not a timestamp: expected YYYY-MM-DDTHH:MM:SS (UTC), e.g. 2026-01-31T06:00:00"
    ))
}

/// An ISO 3166-1 alpha-2 country code; lower case is accepted and upper-cased.
/// Whether the country exists is checked later against the data's dim_geo.
pub fn country(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(t.to_ascii_uppercase())
    } else {
        Err(format!(
            "'{s}' is not a country code: expected two letters (ISO 3166-1 alpha-2), e.g. US"
        ))
    }
}

/// A memory size such as `1.5GB`, `800MB` or `2GiB`, in MiB (decimal and
/// binary units are both read as powers of 1024, as DuckDB does). At least
/// 64 MiB: less cannot run a build.
pub fn memory_size(s: &str) -> Result<u64, String> {
    let err =
        || format!("'{s}' is not a memory size: expected a number and a unit, e.g. 1.5GB or 800MB");
    let t = s.trim().to_ascii_uppercase();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(err)?;
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| err())?;
    let per_mib = match unit.trim() {
        "MB" | "MIB" | "M" => 1.0,
        "GB" | "GIB" | "G" => 1024.0,
        "TB" | "TIB" | "T" => 1024.0 * 1024.0,
        _ => return Err(err()),
    };
    let mib = n * per_mib;
    if !(64.0..=1024.0 * 1024.0 * 1024.0).contains(&mib) {
        return Err(format!(
            "'{s}' is out of range: a memory size must be between 64MB and 1PB"
        ));
    }
    Ok(mib.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes() {
        assert_eq!(memory_size("1.5GB"), Ok(1536));
        assert_eq!(memory_size("800mb"), Ok(800));
        assert_eq!(memory_size("2 GiB"), Ok(2048));
        assert!(memory_size("10MB").unwrap_err().contains("out of range"));
        assert!(memory_size("lots").unwrap_err().contains("'lots'"));
        assert!(memory_size("1GB'; DROP").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(date("2026-02-28").unwrap().to_string(), "2026-02-28");
        assert!(date("2026-02-30").is_err());
        assert!(date("garbage").unwrap_err().contains("'garbage'"));
        assert!(date("").is_err());
    }

    #[test]
    fn timestamps() {
        let want = "2026-01-03 06:00:00";
        for s in [
            "2026-01-03T06:00:00",
            "2026-01-03 06:00:00",
            "2026-01-03T06:00:00Z",
            "2026-01-03T07:00:00+01:00",
            "2026-01-03T06:00",
        ] {
            assert_eq!(timestamp(s).unwrap().to_string(), want, "{s}");
        }
        assert_eq!(
            timestamp("2026-01-03").unwrap().to_string(),
            "2026-01-03 00:00:00"
        );
        assert!(timestamp("yesterday").is_err());
    }

    #[test]
    fn countries() {
        assert_eq!(country("us").unwrap(), "US");
        assert!(country("USA").is_err());
        assert!(country("1A").is_err());
        assert!(country("é").is_err());
    }

    proptest::proptest! {
        /// No input makes a parser panic; whatever parses prints back to
        /// the same value.
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            if let Ok(d) = date(&s) {
                proptest::prop_assert_eq!(date(&d.to_string()).unwrap(), d);
            }
            if let Ok(t) = timestamp(&s) {
                let back = t.format("%Y-%m-%dT%H:%M:%S%.f").to_string();
                proptest::prop_assert_eq!(timestamp(&back).unwrap(), t);
            }
            if let Ok(m) = memory_size(&s) {
                proptest::prop_assert!(m >= 64);
            }
            if let Ok(c) = country(&s) {
                proptest::prop_assert!(c.len() == 2 && c.chars().all(|x| x.is_ascii_uppercase()));
            }
        }

        #[test]
        fn every_real_date_round_trips(days in -100_000i64..100_000) {
            let d = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
            proptest::prop_assert_eq!(date(&d.to_string()).unwrap(), d);
        }
    }
}
