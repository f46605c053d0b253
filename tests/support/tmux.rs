//! A tmux server private to one test: runs the real binary in a terminal
//! (session `t`, 120×40) and reads its screen. Used by tests/tui.rs and
//! tests/reliability.rs.

use std::process::Command as Process;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    /// How long `wait_for` waits.
    timeout: Duration,
    /// Read the screen with wrapped lines joined (`capture-pane -J`).
    join_wrapped: bool,
}

impl Tmux {
    /// Whether tmux can run here. CI installs it (.ci/run), so there a
    /// missing tmux fails the test; elsewhere the test is skipped, saying so.
    pub fn usable() -> bool {
        let ok = Process::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(std::env::var_os("CI").is_none(), "tmux is not installed");
            eprintln!("skipped: tmux is not installed");
        }
        ok
    }

    /// Start `script` (a shell command line) in a new server on the socket
    /// `socket`; the server is killed when this is dropped.
    pub fn start(socket: String, script: &str, timeout: Duration, join_wrapped: bool) -> Tmux {
        let tmux = Tmux {
            socket,
            timeout,
            join_wrapped,
        };
        tmux.cmd(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "120",
            "-y",
            "40",
            script,
        ]);
        tmux
    }

    pub fn cmd(&self, args: &[&str]) -> String {
        let o = Process::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        if self.join_wrapped {
            self.cmd(&["capture-pane", "-p", "-J", "-t", "t"])
        } else {
            self.cmd(&["capture-pane", "-p", "-t", "t"])
        }
    }

    /// Wait until the screen satisfies `f`, and return it.
    pub fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + self.timeout;
        loop {
            let s = self.screen();
            if f(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// `s` quoted for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
