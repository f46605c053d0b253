//! Thresholds and severities of the checks: built-in defaults, overridden by
//! a `top10.toml` (its `[thresholds]` and `[severity]` tables), overridden in
//! turn by command-line flags. Unknown keys are refused, so a misspelt
//! threshold is an error rather than a silently ignored setting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::{CheckArgs, NAMES, Severity};

/// The numbers the checks compare against.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Quarantined events over all events of a date, in percent, above
    /// which `quarantine_rate` fires.
    pub quarantine_rate_pct: f64,
    /// Fact rows with an orphan user or show, in percent of a date's rows,
    /// above which `referential_integrity` fires.
    pub orphan_rate_pct: f64,
    /// Events that arrived after their country's publication deadline, in
    /// percent of a date's events, above which `freshness` fires.
    pub late_arrival_pct: f64,
    /// Per (country, show), how many seconds the aggregate may differ from
    /// a fresh sum over the fact (case study: 5).
    pub reconciliation_tolerance_seconds: i64,
    /// The goal for the overall discrepancy, in percent of the date's watch
    /// seconds (case study: 0.1 %).
    pub reconciliation_goal_pct: f64,
    /// Half-width of the band around the median of the previous days'
    /// events, in percent, outside which `volume_anomaly` fires.
    pub volume_band_pct: f64,
    /// How many days before a date the volume median is taken over.
    pub volume_window_days: i64,
    /// A country needs at least this many of those days to be judged.
    pub volume_min_history_days: i64,
    /// #10 and #11 are "nearly tied" when #11's watch seconds are within this
    /// percent of #10's.
    pub near_tie_pct: f64,
    /// The Top 10 of date D is due before this hour, local time, on D + 1.
    pub sla_local_hour: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            quarantine_rate_pct: 1.0,
            orphan_rate_pct: 1.0,
            late_arrival_pct: 5.0,
            reconciliation_tolerance_seconds: 5,
            reconciliation_goal_pct: 0.1,
            volume_band_pct: 50.0,
            volume_window_days: 7,
            volume_min_history_days: 3,
            near_tie_pct: 1.0,
            sla_local_hour: 6,
        }
    }
}

/// The layout of `top10.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    thresholds: Thresholds,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
}

/// Everything a run of the checks is judged by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub thresholds: Thresholds,
    /// Overrides of [`default_severity`], by check name.
    pub severity: BTreeMap<String, Severity>,
    /// The file the settings came from, if any.
    pub source: Option<PathBuf>,
}

/// The severity a check has unless `top10.toml` says otherwise: how bad it
/// is when it fires. critical and high fail the run; the rest warn.
pub fn default_severity(check: &str) -> Severity {
    match check {
        "completeness" | "uniqueness" | "validity" | "top10_availability" => Severity::Critical,
        "sla" | "reconciliation" | "canonical_map" => Severity::High,
        "freshness" | "quarantine_rate" | "referential_integrity" | "volume_anomaly" => {
            Severity::Medium
        }
        _ => Severity::Info,
    }
}

impl Config {
    pub fn severity(&self, check: &str) -> Severity {
        self.severity
            .get(check)
            .copied()
            .unwrap_or_else(|| default_severity(check))
    }

    /// Parse the text of a `top10.toml`.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let file: File = toml::from_str(text).map_err(|e| {
            // The line and its text: toml's message alone ("wanted string
            // or table") does not say which setting it is about.
            let at = e
                .span()
                .map(|s| {
                    let start = s.start.min(text.len());
                    let n = text[..start].matches('\n').count();
                    let line = text.lines().nth(n).unwrap_or_default().trim();
                    format!(" line {} (`{line}`)", n + 1)
                })
                .unwrap_or_default();
            anyhow::anyhow!("{}{at}: {}", path.display(), e.message().replace('\n', " "))
        })?;
        for name in file.severity.keys() {
            if !NAMES.contains(&name.as_str()) {
                bail!(
                    "{}: [severity] names an unknown check '{name}' (checks: {})",
                    path.display(),
                    NAMES.join(", ")
                );
            }
        }
        let cfg = Config {
            thresholds: file.thresholds,
            severity: file.severity,
            source: Some(path.to_path_buf()),
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// Read and parse one settings file.
    fn read(path: &Path) -> Result<Config> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Config::parse(&text, path)
    }

    /// The first of `candidates` that is a file, else the defaults.
    pub fn find(candidates: &[PathBuf]) -> Result<Config> {
        match candidates.iter().find(|p| p.is_file()) {
            Some(p) => Config::read(p),
            None => Ok(Config::default()),
        }
    }

    /// The settings for a run: `--config`, else the first `top10.toml`
    /// found beside the lake or in the warehouse folder, then the flags.
    pub fn load(args: &CheckArgs, candidates: &[PathBuf]) -> Result<Config> {
        let mut cfg = match &args.config {
            Some(p) => Config::read(p)?,
            None => Config::find(candidates)?,
        };
        let t = &mut cfg.thresholds;
        if let Some(v) = args.quarantine_rate {
            t.quarantine_rate_pct = v;
        }
        if let Some(v) = args.orphan_rate {
            t.orphan_rate_pct = v;
        }
        if let Some(v) = args.late_arrival {
            t.late_arrival_pct = v;
        }
        if let Some(v) = args.reconciliation_tolerance {
            t.reconciliation_tolerance_seconds = v;
        }
        if let Some(v) = args.reconciliation_goal {
            t.reconciliation_goal_pct = v;
        }
        if let Some(v) = args.volume_band {
            t.volume_band_pct = v;
        }
        if let Some(v) = args.near_tie {
            t.near_tie_pct = v;
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Refuse settings no check could use (negative percentages, an hour
    /// past 23, …).
    fn validate(&self) -> Result<()> {
        let t = &self.thresholds;
        for (name, v) in [
            ("quarantine_rate_pct", t.quarantine_rate_pct),
            ("orphan_rate_pct", t.orphan_rate_pct),
            ("late_arrival_pct", t.late_arrival_pct),
            ("reconciliation_goal_pct", t.reconciliation_goal_pct),
            ("volume_band_pct", t.volume_band_pct),
            ("near_tie_pct", t.near_tie_pct),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                bail!("threshold {name} must be a number >= 0, not {v}");
            }
        }
        if t.reconciliation_tolerance_seconds < 0 {
            bail!("threshold reconciliation_tolerance_seconds must be >= 0");
        }
        if !(1..=366).contains(&t.volume_window_days) || t.volume_min_history_days < 1 {
            bail!("thresholds volume_window_days must be 1..=366 and volume_min_history_days >= 1");
        }
        if t.sla_local_hour > 23 {
            bail!(
                "threshold sla_local_hour must be 0..=23, not {}",
                t.sla_local_hour
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_overrides_defaults_and_rejects_unknown_keys() {
        let p = Path::new("top10.toml");
        let cfg = Config::parse(
            "[thresholds]\nvolume_band_pct = 20.0\n[severity]\nvolume_anomaly = \"high\"\n",
            p,
        )
        .unwrap();
        assert_eq!(cfg.thresholds.volume_band_pct, 20.0);
        assert_eq!(cfg.thresholds.quarantine_rate_pct, 1.0);
        assert_eq!(cfg.severity("volume_anomaly"), Severity::High);
        assert_eq!(cfg.severity("completeness"), Severity::Critical);
        assert!(Config::parse("[thresholds]\nvolume_bnad_pct = 1.0\n", p).is_err());
        assert!(Config::parse("[severity]\nnope = \"high\"\n", p).is_err());
        assert!(Config::parse("[severity]\nsla = \"urgent\"\n", p).is_err());
        assert!(Config::parse("[thresholds]\nsla_local_hour = 30\n", p).is_err());
        // A value of the wrong type names its line and setting.
        let e = Config::parse("[severity]\nsla = 3\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("top10.toml line 2 (`sla = 3`): "), "{e}");
    }
}
