//! The build manifest: what a build read, what it counted at every stage,
//! how long each stage took, and what the warehouse now covers. Written as
//! `manifest.json` in every version.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::fact::Segment;

/// Bumped whenever the warehouse layout or a table's columns change; an older
/// warehouse is refused with a request to rebuild.
pub const SCHEMA_VERSION: u32 = 2;

/// One input file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Input {
    pub path: String,
    pub bytes: u64,
}

/// Row counts at every stage of the pipeline, for the dates this build
/// computed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    /// Raw rows read from the landing files (after `--as-of`).
    pub raw_rows_read: u64,
    /// Raw rows whose event belongs to the built dates.
    pub raw_rows: u64,
    /// Versions that lost deduplication.
    pub duplicates: u64,
    /// Distinct events after deduplication.
    pub events: u64,
    /// Quarantined events by reason.
    pub quarantined: BTreeMap<String, u64>,
    /// Valid events in the fact table.
    pub fact_rows: u64,
    /// Fact rows whose show id was mapped to a canonical id.
    pub merged_rows: u64,
    /// (date, country, show) aggregate rows.
    pub agg_rows: u64,
    /// Aggregate rows with a rank.
    pub ranked: u64,
    /// Aggregate rows excluded, by rule.
    pub excluded: BTreeMap<String, u64>,
    /// Rows in the Top 10 table.
    pub top10_rows: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub schema_version: u32,
    pub tool_version: String,
    pub version: String,
    /// UTC time the build finished.
    pub built_at: NaiveDateTime,
    pub lake: String,
    pub as_of: Option<NaiveDateTime>,
    /// The event dates this build computed (None: all of them).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Event dates carried over unchanged from the previous version.
    pub reused_dates: u64,
    pub inputs: Vec<Input>,
    pub counts: Counts,
    pub timings_ms: BTreeMap<String, u64>,
    /// Every event date the warehouse has an aggregate for.
    pub dates: Vec<NaiveDate>,
    /// Countries of dim_geo.
    pub countries: Vec<String>,
    /// Where the fact's rows are: the landing files of each build still
    /// visible, with what to delete from them (see [`super::fact`]).
    pub segments: Vec<Segment>,
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Manifest> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Manifest::parse(&text, path)
    }

    /// Parse the text of `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest> {
        serde_json::from_str(text).with_context(|| format!("parsing {}", path.display()))
    }

    /// The schema version and tool version of a manifest's text, whatever
    /// its layout (an older one may not parse as a [`Manifest`]).
    pub fn schema_of(text: &str) -> Option<(u32, String)> {
        #[derive(Deserialize)]
        struct Schema {
            schema_version: u32,
            tool_version: String,
        }
        let s: Schema = serde_json::from_str(text).ok()?;
        Some((s.schema_version, s.tool_version))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// For a `--from/--to` build that kept dates from builds which saw the
    /// lake at another time (another `--as-of`, or none): a note saying so.
    /// Those dates answer as those builds saw the lake, which is what a
    /// replay of daily builds wants and a user back from an `--as-of` build
    /// may not expect.
    pub fn kept_note(&self) -> Option<String> {
        let (from, to) = (self.from?, self.to?);
        // The last segment is this build's own; the others were kept.
        let (_, kept) = self.segments.split_last()?;
        let mut seen: Vec<String> = kept
            .iter()
            .filter(|s| s.as_of != self.as_of)
            .map(|s| saw(s.as_of))
            .collect();
        seen.sort();
        seen.dedup();
        if self.reused_dates == 0 || seen.is_empty() {
            return None;
        }
        Some(format!(
            "note: the {} dates outside {from}..{to} are kept from earlier builds, which saw the lake {}; {}",
            self.reused_dates,
            seen.join(" and "),
            match self.as_of {
                Some(t) => format!(
                    "build with --as-of {} and without --from/--to to rebuild every date as of then",
                    crate::parse::timestamp_text(t)
                ),
                None =>
                    "build without --from/--to to rebuild every date from the lake as it is now"
                        .to_string(),
            }
        ))
    }

    /// The line a build prints when it is done.
    pub fn summary(&self, warehouse: &Path) -> String {
        let c = &self.counts;
        let quarantined: u64 = c.quarantined.values().sum();
        let total_ms: u64 = self.timings_ms.values().sum();
        let span = match (self.dates.first(), self.dates.last()) {
            (Some(a), Some(b)) => format!("{a}..{b}"),
            _ => "no dates".into(),
        };
        format!(
            "built {} ({span}) in {}: {} raw rows -> {} duplicates, {} events, {} quarantined, {} fact rows -> {} aggregates, {} ranked, {} top-10 rows in {:.2} s",
            self.version,
            warehouse.display(),
            c.raw_rows,
            c.duplicates,
            c.events,
            quarantined,
            c.fact_rows,
            c.agg_rows,
            c.ranked,
            c.top10_rows,
            total_ms as f64 / 1000.0
        )
    }
}

/// How a build with this `--as-of` saw the lake, for messages.
fn saw(as_of: Option<NaiveDateTime>) -> String {
    match as_of {
        Some(t) => format!("as of {}", crate::parse::timestamp_text(t)),
        None => "with every row (no --as-of)".to_string(),
    }
}
