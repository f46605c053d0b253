//! Embeds the committed sample lake (`sample_data/**/*.parquet`) in the
//! binary, so `top10` with no arguments works from any folder. Writes a file
//! list for `include!` and a content key that names the sample's cache folder.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let sample = root.join("sample_data");
    println!("cargo:rerun-if-changed=sample_data");
    let mut files = Vec::new();
    walk(&sample, &mut files);
    files.sort();

    let mut hasher = DefaultHasher::new();
    let mut code = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&sample)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        rel.hash(&mut hasher);
        std::fs::read(f).unwrap().hash(&mut hasher);
        // Relative to the manifest dir of the crate being compiled, not this
        // checkout's absolute path: cargo reuses a build script's output for
        // the same package checked out elsewhere (a CI clone, say).
        writeln!(
            code,
            "    ({rel:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/sample_data/\", {rel:?}))),"
        )
        .unwrap();
    }
    code.push_str("];\n");
    writeln!(code, "pub const KEY: &str = \"{:016x}\";", hasher.finish()).unwrap();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("sample_files.rs");
    std::fs::write(out, code).unwrap();
}
