//! The `top10` binary: parse the command line, hand it to the library, and turn
//! the outcome into an exit code. Everything else lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    top10::cli::main()
}
