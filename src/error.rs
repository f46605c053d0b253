//! Error plumbing. Every failure a user can cause is reported as one line on
//! stderr with exit code 2; a failed data-quality check is exit code 1.

use std::io::Write;
use std::process::ExitCode;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when a data-quality check failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad usage, bad input or any other error.
pub const EXIT_ERROR: u8 = 2;
/// Exit code after a panic (a bug in `top10`): Rust's own.
pub const EXIT_PANIC: u8 = 101;

/// What a user should do with a panic.
const REPORT: &str = "this is a bug in top10: please report it to its maintainers with this line and the command you ran (RUST_BACKTRACE=1 adds a backtrace)";

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

/// Print one line of news on stderr (a summary, a warning), ignoring a
/// stderr that cannot be written: the work it reports is already done, and
/// `eprintln!` would panic there (a full disk).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Print `err` as one line and return the error exit code. (Written
/// without `eprintln!`, which panics when stderr itself cannot be written,
/// as on a full disk.)
pub fn report(err: &anyhow::Error) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "top10: error: {}", describe(err));
    ExitCode::from(EXIT_ERROR)
}

/// `err` as one line, said plainly when it is a write that found no room.
pub fn describe(err: &anyhow::Error) -> String {
    disk_full(err).unwrap_or_else(|| one_line(err))
}

/// How the system reports a write that found no room: ENOSPC, EFBIG (a file
/// size limit, `ulimit -f`) and EDQUOT, as Rust and DuckDB word them.
const NO_ROOM: &[&str] = &[
    "No space left on device",
    "File too large",
    "Disk quota exceeded",
];

/// A write that failed for lack of room, said plainly: what was being done,
/// the file (DuckDB's errors name it inside a JSON blob), and the cause,
/// without the rest of DuckDB's message.
fn disk_full(err: &anyhow::Error) -> Option<String> {
    let text = one_line(err);
    let cause = NO_ROOM.iter().find(|c| text.contains(**c))?;
    let mut line = String::new();
    if err.chain().count() > 1 {
        line.push_str(&one_line(&anyhow::anyhow!(err.to_string())));
        line.push_str(": ");
    }
    line.push_str("could not write");
    if let Some(file) = written_file(&text) {
        line.push(' ');
        line.push_str(file);
    }
    line.push_str(&format!(
        ": {cause} (the disk is full, or a quota or file size limit was reached)"
    ));
    Some(line)
}

/// The file of DuckDB's `Could not write file "…"`, if the text has it.
fn written_file(text: &str) -> Option<&str> {
    let marker = "Could not write file";
    let rest = &text[text.find(marker)? + marker.len()..];
    let rest = &rest[rest.find('"')? + 1..];
    Some(rest[..rest.find('"')?].trim_end_matches('\\'))
}

/// Replace Rust's panic message (several lines, with a hint about
/// backtraces) by one line saying what happened, where, and what to do
/// ([`panic_line`]). With `RUST_BACKTRACE` set, the backtrace follows.
/// The explorer wraps this hook with one that restores the terminal first.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", panic_line(info));
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            let _ = writeln!(err, "{}", std::backtrace::Backtrace::force_capture());
        }
    }));
}

/// A panic as one line: `top10: internal error: <message> (at <file:line>);
/// this is a bug …`.
pub fn panic_line(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    let at = info
        .location()
        .map(|l| format!(" (at {}:{})", l.file(), l.line()))
        .unwrap_or_default();
    let message = one_line(&anyhow::anyhow!(message));
    format!("top10: internal error: {message}{at}; {REPORT}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_said_plainly() {
        let duck = anyhow::anyhow!(
            "IO Error: Async write failed: {{\"exception_message\":\"Could not write file \\\"/w/v/data_0.parquet\\\": File too large\",\"errno\":\"27\"}}: Error code 1"
        )
        .context("writing duplicates");
        assert_eq!(
            disk_full(&duck).unwrap(),
            "writing duplicates: could not write /w/v/data_0.parquet: File too large (the disk is full, or a quota or file size limit was reached)"
        );
        let io = anyhow::Error::from(std::io::Error::from_raw_os_error(28)).context("writing /w/x");
        assert!(
            disk_full(&io)
                .unwrap()
                .starts_with("writing /w/x: could not write: No space left on device ("),
            "{io:#}"
        );
        assert!(disk_full(&anyhow::anyhow!("Binder Error")).is_none());
    }

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
