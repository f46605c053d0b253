//! The warehouse folder: immutable versions, the `CURRENT` pointer that is
//! switched atomically, the build lock, and build history.
//!
//! A build writes `versions/.building-<name>/`, renames it to
//! `versions/<name>/` when complete, then replaces `CURRENT` by renaming a
//! temporary file over it. A reader resolves `CURRENT` once and reads that
//! version only, so it never sees half of a build; a killed build leaves only
//! a `.building-` folder that the next build removes. Old versions leave by
//! a rename too (`.trash-<name>`) before their files are deleted.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::pipeline::manifest::{Manifest, SCHEMA_VERSION};

/// Tables written as Parquet partitioned by `event_date`, in the order a
/// build writes them. The fact, `fact_watch_events`, is not one of them: it
/// is stored merge-on-read (`pipeline::fact`).
pub const PARTITIONED: &[&str] = &[
    "quarantine",
    "duplicates",
    "agg_watch_day_country_show",
    "top10_country_day",
];

/// Unpartitioned tables: the dimension snapshots.
pub const SNAPSHOTS: &[&str] = &[
    "dim_users",
    "dim_shows",
    "dim_geo",
    "show_canonical_map",
    "content_restrictions",
    "show_canonical_resolved",
];

/// How many complete versions to keep (the live one included), so a reader
/// that resolved an older `CURRENT` a moment ago can still finish.
const KEEP_VERSIONS: usize = 3;

/// The default warehouse for a lake: a sibling folder `<lake>-warehouse`.
pub fn default_beside(lake: &Path) -> PathBuf {
    let name = lake
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "lake".into());
    let parent = lake.parent().unwrap_or(Path::new("."));
    parent.join(format!("{name}-warehouse"))
}

/// A warehouse folder.
#[derive(Debug, Clone)]
pub struct Warehouse {
    pub root: PathBuf,
}

/// One complete, readable version of a warehouse.
#[derive(Debug, Clone)]
pub struct Version {
    pub name: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Version {
    /// The folder of a partitioned table.
    pub fn table_dir(&self, table: &str) -> PathBuf {
        self.dir.join(table)
    }

    /// The glob of a partitioned table's files, or its schema file when it
    /// has no rows at all.
    pub fn table_glob(&self, table: &str) -> PathBuf {
        let dir = self.table_dir(table);
        let has_files = fs::read_dir(&dir)
            .map(|mut it| it.next().is_some())
            .unwrap_or(false);
        if has_files {
            dir.join("*").join("*.parquet")
        } else {
            schema_file(&self.dir, table)
        }
    }

    /// The file of a dimension snapshot.
    pub fn snapshot(&self, table: &str) -> PathBuf {
        self.dir.join(format!("{table}.parquet"))
    }

    /// The dates with a partition in `table`, in order.
    pub fn dates(&self, table: &str) -> Result<Vec<NaiveDate>> {
        partition_dates(&self.table_dir(table))
    }
}

/// Where a zero-row file with a partitioned table's columns is kept, so an
/// empty table can still be read with the right schema.
pub fn schema_file(version_dir: &Path, table: &str) -> PathBuf {
    version_dir.join("_schema").join(format!("{table}.parquet"))
}

/// The `event_date=YYYY-MM-DD` partitions of a table folder.
pub fn partition_dates(dir: &Path) -> Result<Vec<NaiveDate>> {
    let mut dates = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(dates);
    };
    for e in entries {
        let name = e?.file_name().to_string_lossy().into_owned();
        if let Some(d) = name
            .strip_prefix("event_date=")
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            dates.push(d);
        }
    }
    dates.sort();
    Ok(dates)
}

/// Held while a build runs; released when dropped or when the process dies.
pub struct BuildLock {
    _file: File,
}

/// The build lock is held: another build is running on the warehouse. A
/// type of its own, so that a reader can tell it from other failures and
/// wait for that build (`query::build_on_first_use`).
#[derive(Debug, thiserror::Error)]
#[error(
    "another build is running on warehouse {} (it holds {}); wait for it to finish",
    warehouse.display(),
    lock.display()
)]
pub struct BuildRunning {
    pub warehouse: PathBuf,
    pub lock: PathBuf,
}

impl Warehouse {
    pub fn new(root: &Path) -> Warehouse {
        Warehouse {
            root: root.to_path_buf(),
        }
    }

    fn versions_dir(&self) -> PathBuf {
        self.root.join("versions")
    }

    fn current_file(&self) -> PathBuf {
        self.root.join("CURRENT")
    }

    /// The build history file (one JSON object per line).
    pub fn history_file(&self) -> PathBuf {
        self.root.join("build_history.jsonl")
    }

    /// Whether a build has ever completed here.
    pub fn exists(&self) -> bool {
        self.current_file().is_file()
    }

    /// Take the build lock, creating the warehouse folder if needed. A second
    /// build on the same warehouse fails here with a clear message.
    pub fn lock(&self) -> Result<BuildLock> {
        crate::db::check_path("warehouse", &self.root)?;
        fs::create_dir_all(self.versions_dir())
            .with_context(|| format!("cannot create warehouse folder {}", self.root.display()))?;
        let path = self.root.join(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(BuildLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(BuildRunning {
                warehouse: self.root.clone(),
                lock: path,
            }
            .into()),
            Err(TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }

    /// Wait (up to `max`) until no build holds this warehouse's lock: a
    /// reader that found a first build running waits for its version.
    /// Creates nothing: a lock file that is gone (a failed first build
    /// removed its folder) ends the wait too.
    pub fn wait_for_build(&self, max: std::time::Duration) {
        let deadline = std::time::Instant::now() + max;
        while std::time::Instant::now() < deadline {
            let Ok(file) = File::open(self.root.join(".lock")) else {
                return;
            };
            if file.try_lock().is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    /// The live version. Fails when there is none, or when it was made by a
    /// version of top10 with another warehouse schema.
    pub fn current(&self) -> Result<Version> {
        crate::db::check_path("warehouse", &self.root)?;
        let name = fs::read_to_string(self.current_file()).with_context(|| {
            format!(
                "{} has no built warehouse (no CURRENT file): run `top10 build`",
                self.root.display()
            )
        })?;
        let name = name.trim().to_string();
        let dir = self.versions_dir().join(&name);
        let path = dir.join("manifest.json");
        let damaged = || {
            format!(
                "warehouse {} is damaged: version {name} is unreadable",
                self.root.display()
            )
        };
        let text = fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))
            .with_context(damaged)?;
        // The schema version first: an older layout's manifest may not parse
        // as this one's, and "damaged" would be the wrong thing to say.
        if let Some((found, tool)) =
            Manifest::schema_of(&text).filter(|(v, _)| *v != SCHEMA_VERSION)
        {
            bail!(
                "warehouse {} was made by top10 {tool} (schema {found}), this is top10 {} (schema {SCHEMA_VERSION}): rebuild it with `top10 build`",
                self.root.display(),
                env!("CARGO_PKG_VERSION")
            );
        }
        let manifest = Manifest::parse(&text, &path).with_context(damaged)?;
        Ok(Version {
            name,
            dir,
            manifest,
        })
    }

    /// The live version if there is a usable one.
    pub fn current_opt(&self) -> Option<Version> {
        self.current().ok()
    }

    /// Name for the next version: a sequence number, so names sort by age.
    pub fn next_version_name(&self) -> Result<String> {
        let mut max = 0u64;
        if let Ok(entries) = fs::read_dir(self.versions_dir()) {
            for e in entries {
                let n = e?.file_name().to_string_lossy().into_owned();
                let n = n.strip_prefix(".building-").unwrap_or(&n);
                if let Some(seq) = n.strip_prefix('v').and_then(|s| s.parse::<u64>().ok()) {
                    max = max.max(seq);
                }
            }
        }
        Ok(format!("v{:06}", max + 1))
    }

    /// A fresh staging folder for version `name`; leftovers of killed builds
    /// are removed first (the caller holds the lock, so none is running).
    pub fn staging(&self, _lock: &BuildLock, name: &str) -> Result<PathBuf> {
        for e in fs::read_dir(self.versions_dir())? {
            let p = e?.path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".building-"))
            {
                fs::remove_dir_all(&p)
                    .with_context(|| format!("removing stale {}", p.display()))?;
            }
        }
        let dir = self.versions_dir().join(format!(".building-{name}"));
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(dir)
    }

    /// Publish a finished staging folder: rename it into place, switch
    /// `CURRENT` atomically, and record the build.
    pub fn commit(
        &self,
        _lock: &BuildLock,
        staging: &Path,
        name: &str,
        history_line: &str,
    ) -> Result<()> {
        let dir = self.versions_dir().join(name);
        fs::rename(staging, &dir)
            .with_context(|| format!("moving {} into place", staging.display()))?;
        sync_dir(&self.versions_dir());

        // All or nothing, even when the disk fills up now: the history line
        // is appended first (the SLA check reads it) and cut off again if
        // CURRENT cannot be switched; either failure takes the new version
        // back out, so the previous one stays live and nothing is left.
        let published = self.append_history(history_line).and_then(|undo| {
            self.switch_current(name).inspect_err(|_| {
                undo();
                let _ = fs::remove_file(self.root.join("CURRENT.tmp"));
            })
        });
        if let Err(e) = published {
            let _ = fs::remove_dir_all(&dir);
            return Err(e);
        }

        Ok(())
    }

    /// Append a line to the build history; returns what cuts it off again.
    fn append_history(&self, line: &str) -> Result<impl FnOnce() + use<>> {
        let path = self.history_file();
        let mut h = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("writing {}", path.display()))?;
        // A build killed while committing leaves its line without a newline
        // (killed while writing it) or its whole line with CURRENT never
        // switched to it: cut that off first, so the history holds only
        // builds that went live and every line stays whole.
        let text = fs::read_to_string(&path).unwrap_or_default();
        let mut len = text.rfind('\n').map_or(0, |i| i + 1);
        if len > 0 {
            let start = text[..len - 1].rfind('\n').map_or(0, |i| i + 1);
            let last: Option<String> =
                serde_json::from_str::<serde_json::Value>(&text[start..len - 1])
                    .ok()
                    .and_then(|v| Some(v.get("version")?.as_str()?.to_string()));
            let live = fs::read_to_string(self.current_file())
                .ok()
                .map(|c| c.trim().to_string());
            if last.is_some() && last != live {
                len = start;
            }
        }
        let len = len as u64;
        // One write, so a kill cannot split the line from its newline.
        let written = h
            .set_len(len)
            .and_then(|()| h.write_all(format!("{line}\n").as_bytes()))
            .and_then(|()| h.sync_all());
        let undo = move || {
            let _ = h.set_len(len);
        };
        match written {
            Ok(()) => Ok(undo),
            Err(e) => {
                undo();
                Err(e).with_context(|| format!("writing {}", path.display()))
            }
        }
    }

    /// Point CURRENT at version `name`, by a rename.
    fn switch_current(&self, name: &str) -> Result<()> {
        let tmp = self.root.join("CURRENT.tmp");
        {
            let mut f = File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
            f.write_all(format!("{name}\n").as_bytes())
                .and_then(|()| f.sync_all())
                .with_context(|| format!("writing {}", tmp.display()))?;
        }
        fs::rename(&tmp, self.current_file())
            .with_context(|| format!("switching {}", self.current_file().display()))?;
        sync_dir(&self.root);
        Ok(())
    }

    /// Make room for version `incoming`, about to be built: all but the
    /// newest [`KEEP_VERSIONS`] - 1 complete versions before it (never the
    /// live one) leave the versions at once, renamed to `.trash-<name>`, so
    /// that with the new one there are [`KEEP_VERSIONS`]; a thread of their
    /// own removes them (and any trash an earlier process left), as
    /// removing a version's few hundred files took a fifth of a one-day
    /// rebuild. Failure to remove is harmless: it is retried next build.
    pub fn make_room(&self, _lock: &BuildLock, incoming: &str) {
        let versions = self.versions_dir();
        let Ok(entries) = fs::read_dir(&versions) else {
            return;
        };
        let live = fs::read_to_string(self.current_file())
            .map(|c| c.trim().to_string())
            .unwrap_or_default();
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('v') && n.as_str() < incoming)
            .collect();
        names.sort();
        names.reverse();
        for old in names.iter().skip(KEEP_VERSIONS - 1) {
            if *old != live {
                let _ = fs::rename(versions.join(old), versions.join(format!("{TRASH}{old}")));
            }
        }
        std::thread::spawn(move || {
            for e in fs::read_dir(&versions).into_iter().flatten().flatten() {
                if e.file_name().to_string_lossy().starts_with(TRASH) {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        });
    }
}

/// The prefix of a version removed from the warehouse, whose files are
/// being deleted ([`Warehouse::make_room`]).
const TRASH: &str = ".trash-";

/// Make a rename durable. Best effort: not every file system supports it.
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_warehouse_is_a_sibling() {
        assert_eq!(
            default_beside(Path::new("/data/my lake")),
            PathBuf::from("/data/my lake-warehouse")
        );
        assert_eq!(
            default_beside(Path::new("lake")),
            PathBuf::from("lake-warehouse")
        );
    }
}
