//! Helpers shared by the command-line test files: running the real binary
//! with a private sample cache, reading its output, and small file and SQL
//! utilities. Each test file uses only some of them.
#![allow(dead_code)]

pub mod tmux;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;
use tempfile::TempDir;

/// The binary, with its sample cache in a temporary folder of this test run.
pub fn top10() -> Command {
    static CACHE: OnceLock<TempDir> = OnceLock::new();
    let cache = CACHE.get_or_init(|| TempDir::new().unwrap());
    let mut c = Command::cargo_bin("top10").unwrap();
    c.env("TOP10_CACHE_DIR", cache.path());
    c
}

pub fn run(args: &[&str]) -> Output {
    top10().args(args).output().unwrap()
}

/// `top10 build --lake LAKE --warehouse WH [extra…]`.
pub fn run_build(lake: &Path, wh: &Path, extra: &[&str]) -> Output {
    top10()
        .arg("build")
        .arg("--lake")
        .arg(lake)
        .arg("--warehouse")
        .arg(wh)
        .args(extra)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Assert exit 2 with a single stderr line containing every one of `needles`.
pub fn assert_one_line_error(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.starts_with("top10: error: "), "{err}");
    for n in needles {
        assert!(err.contains(n), "{err:?} does not mention {n:?}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// Copy a folder tree. A file that vanishes while being copied (another
/// test renamed its temporary file into place) is skipped.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let t = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else if let Err(e) = std::fs::copy(&p, &t) {
            assert_eq!(
                e.kind(),
                std::io::ErrorKind::NotFound,
                "copying {}: {e}",
                p.display()
            );
        }
    }
}

/// Every file below `root`, as sorted paths relative to it.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    fn walk(d: &Path, root: &Path, v: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, v);
            } else {
                v.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut v = Vec::new();
    walk(root, root, &mut v);
    v.sort();
    v
}

/// A path as a SQL string literal, for DuckDB in tests.
pub fn sql_path(p: &Path) -> String {
    format!("'{}'", p.to_str().unwrap().replace('\'', "''"))
}

/// A generated lake and its built warehouse in a temporary folder.
pub struct Built {
    pub _dir: TempDir,
    pub lake: PathBuf,
    pub wh: PathBuf,
}

/// `top10 generate` with `args` (after `--out`), then `top10 build`.
pub fn generate_and_build(args: &[&str]) -> Built {
    let dir = TempDir::new().unwrap();
    let lake = dir.path().join("lake");
    let wh = dir.path().join("wh");
    let mut gen_args = vec!["generate", "--out", lake.to_str().unwrap()];
    gen_args.extend_from_slice(args);
    let o = run(&gen_args);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_build(&lake, &wh, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    Built {
        _dir: dir,
        lake,
        wh,
    }
}
