//! Error plumbing. Every failure a user can cause is reported as one line on
//! stderr with exit code 2; a failed data-quality check is exit code 1.

use std::process::ExitCode;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when a data-quality check failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad usage, bad input or any other error.
pub const EXIT_ERROR: u8 = 2;

/// Format an error chain as a single line: contexts joined by ": ", and any
/// newline inside a message (DuckDB's errors have several) folded into spaces.
pub fn one_line(err: &anyhow::Error) -> String {
    let text = format!("{err:#}");
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `err` is a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) || one_line(err).contains("Broken pipe")
}

/// Print `err` as one line and return the error exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    eprintln!("top10: error: {}", one_line(err));
    ExitCode::from(EXIT_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_contexts_and_newlines_into_one_line() {
        let err = anyhow::anyhow!("Binder Error:\n  column \"x\" not found\n")
            .context("reading /tmp/lake/dim_geo.parquet");
        assert_eq!(
            one_line(&err),
            "reading /tmp/lake/dim_geo.parquet: Binder Error: column \"x\" not found"
        );
    }
}
