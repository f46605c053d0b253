//! The built-in sample lake: the committed `sample_data/` embedded in the
//! binary, unpacked on first use into a cache folder (`$TOP10_CACHE_DIR`, or
//! the platform's cache folder), with its warehouse built beside it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use directories::ProjectDirs;

use crate::cli::Format;
use crate::error::EXIT_OK;
use crate::query::Session;
use crate::warehouse::{Version, Warehouse};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/sample_files.rs"));
}

/// The cache folder for this build of the sample.
fn sample_dir() -> PathBuf {
    let root = std::env::var_os("TOP10_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| ProjectDirs::from("", "", "top10").map(|d| d.cache_dir().to_path_buf()))
        .unwrap_or_else(|| std::env::temp_dir().join("top10-cache"));
    root.join(format!(
        "sample-{}-{}",
        env!("CARGO_PKG_VERSION"),
        embedded::KEY
    ))
}

/// The unpacked sample lake, unpacking it if needed. Unpacking goes to a
/// temporary folder renamed into place, so a half-unpacked lake is never used.
pub fn lake() -> Result<PathBuf> {
    anyhow::ensure!(
        !embedded::FILES.is_empty(),
        "this binary was built without sample_data/; use --lake or --warehouse"
    );
    let dir = sample_dir();
    let lake = dir.join("lake");
    if lake.is_dir() {
        return Ok(lake);
    }
    let partial = dir.join(format!(".lake-partial-{}", std::process::id()));
    for (rel, bytes) in embedded::FILES {
        let path = partial.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    if std::fs::rename(&partial, &lake).is_err() {
        // Another process unpacked it first.
        let _ = std::fs::remove_dir_all(&partial);
        anyhow::ensure!(
            lake.is_dir(),
            "cannot unpack the sample into {}",
            lake.display()
        );
    }
    Ok(lake)
}

/// The sample's warehouse, built on first use.
pub fn warehouse() -> Result<Version> {
    let lake = lake()?;
    let wh = sample_dir().join("warehouse");
    let w = Warehouse::new(&wh);
    if let Ok(v) = w.current() {
        return Ok(v);
    }
    crate::query::build_on_first_use(
        &lake,
        &wh,
        &format!(
            "building the sample warehouse in {} (first use)",
            wh.display()
        ),
    )
}

/// `top10` with no arguments: the sample's Top 10 for its latest date.
pub fn overview() -> Result<ExitCode> {
    let session = Session::open(warehouse()?)?;
    let m = &session.version.manifest;
    let date = *m.dates.last().context("the sample has no dates")?;
    let country = if m.countries.iter().any(|c| c == "US") {
        "US".to_string()
    } else {
        m.countries
            .first()
            .cloned()
            .context("the sample has no countries")?
    };
    let table = session.top10(date, &country)?;
    // writeln!, not println!: a closed pipe or a full disk is an error to
    // report, not a panic.
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Top 10 in {country} on {date} (built-in sample, {} countries, {}..{}):\n",
        m.countries.len(),
        m.dates.first().expect("non-empty"),
        date
    )?;
    table.write(Format::Table, &mut out)?;
    writeln!(
        out,
        "\nusage: top10 <generate|build|query|explain|check|tui|bench> [options]; try `top10 query top10 --date {date} --country GB` or `top10 --help`"
    )?;
    out.flush()?;
    Ok(ExitCode::from(EXIT_OK))
}
