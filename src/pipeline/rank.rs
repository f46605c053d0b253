//! SPEC §2.6-2.7 in Rust, for the default engine: which shows the business
//! rules exclude, and the rank of the others in each (date, country) — what
//! `queries/build_agg.sql` does for the `sql` engine, from the same
//! restrictions (the content_restrictions snapshot, canonical ids applied
//! as build_agg.sql applies them).

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};

use foldhash::fast::FixedState;

use super::dimensions::Restriction;

/// The restrictions that exclude a show from a ranking.
#[derive(Debug, Default)]
pub struct Rules {
    /// Canonical shows with a `kids_only` restriction: excluded everywhere.
    pub(super) kids: HashSet<i64, FixedState>,
    /// Canonical show → the countries where a `region_blocked`
    /// restriction applies.
    blocked: HashMap<i64, Vec<String>, FixedState>,
}

impl Rules {
    /// The rules of content_restrictions' rows, a restriction recorded on
    /// an old show id applying to its canonical show (`canonical`), as
    /// build_agg.sql reads them.
    pub fn new(restrictions: &[Restriction], canonical: &BTreeMap<i64, i64>) -> Rules {
        let mut rules = Rules::default();
        for r in restrictions {
            let Some(show) = r.show_id.map(|s| canonical.get(&s).copied().unwrap_or(s)) else {
                continue;
            };
            match (r.restriction_type.as_deref(), &r.region_code) {
                (Some("kids_only"), _) => {
                    rules.kids.insert(show);
                }
                (Some("region_blocked"), Some(region)) => {
                    rules.blocked.entry(show).or_default().push(region.clone());
                }
                _ => {}
            }
        }
        rules
    }

    /// Why `show` is not ranked in `country`, if it is not: `kids_only`
    /// before `region_blocked`, as build_agg.sql checks them.
    pub fn exclusion(&self, show: i64, country: &str) -> Option<&'static str> {
        if self.kids.contains(&show) {
            Some("kids_only")
        } else if self
            .blocked
            .get(&show)
            .is_some_and(|regions| regions.iter().any(|r| r == country))
        {
            Some("region_blocked")
        } else {
            None
        }
    }
}

/// One show's line of a date to rank: its country (index), show id,
/// totals, and exclusion.
pub struct Line {
    pub country: u16,
    pub show: i64,
    pub total_watch_seconds: i64,
    pub viewers: i64,
    pub excluded: Option<&'static str>,
}

/// A line's sort key: country, excluded, total and viewers descending (0
/// when excluded), show, and the line's index.
type RankKey = (u16, bool, Reverse<i64>, Reverse<i64>, i64, u32);

/// One date's lines in the order the aggregate is written — by country,
/// its ranked lines first by rank, then its excluded lines by show — and
/// the rank of each line in its country (None when excluded): total watch
/// seconds descending, then viewers descending, then show id ascending; 1,
/// 2, 3, … with no gaps and no ties. One sort gives both.
pub fn ranks(lines: &[Line]) -> (Vec<usize>, Vec<Option<i32>>) {
    // Keys by value (not looked up through an index at each comparison).
    let mut keyed: Vec<RankKey> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let excluded = l.excluded.is_some();
            let (total, viewers) = match excluded {
                true => (0, 0),
                false => (l.total_watch_seconds, l.viewers),
            };
            let i = i as u32;
            (
                l.country,
                excluded,
                Reverse(total),
                Reverse(viewers),
                l.show,
                i,
            )
        })
        .collect();
    keyed.sort_unstable();
    let mut ranks = vec![None; lines.len()];
    let mut country = None;
    let mut rank = 0;
    for &(c, excluded, .., i) in &keyed {
        if country != Some(c) {
            country = Some(c);
            rank = 0;
        }
        if !excluded {
            rank += 1;
            ranks[i as usize] = Some(rank);
        }
    }
    let order = keyed.iter().map(|k| k.5 as usize).collect();
    (order, ranks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(country: u16, show: i64, total: i64, viewers: i64) -> Line {
        Line {
            country,
            show,
            total_watch_seconds: total,
            viewers,
            excluded: None,
        }
    }

    #[test]
    fn restrictions_apply_to_canonical_shows_as_build_agg_reads_them() {
        let row = |show: Option<i64>, kind: Option<&str>, region: Option<&str>| Restriction {
            show_id: show,
            restriction_type: kind.map(String::from),
            region_code: region.map(String::from),
        };
        let rules = Rules::new(
            &[
                row(Some(1), Some("kids_only"), None),
                row(Some(2), Some("region_blocked"), Some("DE")),
                row(Some(3), Some("region_blocked"), None),
                row(None, Some("kids_only"), None),
                row(Some(4), Some("age_gate"), Some("US")),
                row(Some(5), Some("region_blocked"), Some("US")),
                row(Some(5), Some("kids_only"), None),
            ],
            &BTreeMap::from([(1, 10), (2, 20)]),
        );
        // Recorded on old ids 1 and 2: they apply to 10 and 20, not to 1 and 2.
        assert_eq!(rules.exclusion(10, "US"), Some("kids_only"));
        assert_eq!(rules.exclusion(1, "US"), None);
        assert_eq!(rules.exclusion(20, "DE"), Some("region_blocked"));
        assert_eq!(rules.exclusion(20, "FR"), None);
        assert_eq!(rules.exclusion(2, "DE"), None);
        // No region, another type: nothing; kids_only before region_blocked.
        assert_eq!(rules.exclusion(3, "DE"), None);
        assert_eq!(rules.exclusion(4, "US"), None);
        assert_eq!(rules.exclusion(5, "US"), Some("kids_only"));
    }

    #[test]
    fn ranks_by_total_then_viewers_then_show_per_country() {
        let mut lines = vec![
            line(0, 5, 100, 2),
            line(0, 3, 100, 2),
            line(0, 9, 100, 3),
            line(0, 1, 50, 9),
            line(1, 7, 10, 1),
            line(0, 2, 500, 1),
        ];
        lines[5].excluded = Some("kids_only");
        lines.push(line(0, 0, 900, 9));
        lines[6].excluded = Some("region_blocked");
        let (order, ranks) = ranks(&lines);
        assert_eq!(
            ranks,
            vec![Some(3), Some(2), Some(1), Some(4), Some(1), None, None]
        );
        // Country 0 ranked by rank, then its excluded by show; then country 1.
        assert_eq!(order, vec![2, 1, 0, 3, 6, 5, 4]);
    }

    #[test]
    fn kids_only_wins_over_region_blocked() {
        let mut r = Rules::default();
        r.kids.insert(1);
        r.blocked.insert(1, vec!["US".into()]);
        r.blocked.insert(2, vec!["DE".into(), "US".into()]);
        assert_eq!(r.exclusion(1, "US"), Some("kids_only"));
        assert_eq!(r.exclusion(2, "US"), Some("region_blocked"));
        assert_eq!(r.exclusion(2, "FR"), None);
    }
}
