//! SPEC §2.6-2.7 in Rust, for the default engine: which shows the business
//! rules exclude, and the rank of the others in each (date, country) — what
//! `queries/build_agg.sql` does for the `sql` engine, from the same
//! restrictions (`queries/build_restrictions.sql`, canonical ids applied in
//! SQL).

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use duckdb::Connection;
use foldhash::fast::FixedState;

use crate::queries;

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
    /// Read the restrictions, their show ids made canonical.
    pub fn load(conn: &Connection) -> Result<Rules> {
        let sql = queries::BUILD_RESTRICTIONS;
        let mut stmt = conn.prepare(sql.text)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<duckdb::Result<Vec<_>>>()
            .with_context(|| format!("pipeline stage {}", sql.name))?;
        let mut rules = Rules::default();
        for (show, kind, region) in rows {
            match (show, kind.as_deref(), region) {
                (Some(s), Some("kids_only"), _) => {
                    rules.kids.insert(s);
                }
                (Some(s), Some("region_blocked"), Some(r)) => {
                    rules.blocked.entry(s).or_default().push(r);
                }
                _ => {}
            }
        }
        Ok(rules)
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
