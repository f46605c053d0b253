//! `top10 tui` (and `top10` alone in a terminal): the explorer.
//!
//! Three threads: the input thread reads terminal events, the worker
//! ([`worker`]) owns the DuckDB connection and answers queries, and the main
//! thread runs the loop — map each event to an [`app::Action`]
//! ([`event`]), apply it with [`app::App::update`], hand the requests it
//! queued to the worker, draw ([`view`]). Drawing never waits for a query;
//! panes show a loading state until their answer arrives.
//!
//! The terminal is restored on every exit: normal return, error, a
//! termination signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT from outside: the
//! loop ends as on `q` and the exit code is 128 + the signal), and panic
//! on any thread (ratatui's panic hook, wrapped by one that also turns
//! mouse capture off and shows the cursor). After the terminal is restored
//! the panic is reported as one line (`error::panic_line`), the loop stops
//! drawing, and the explorer exits with code 101.
//!
//! Test hook: with `TOP10_TEST_PANIC_ON_KEY=<char>`, read once at start,
//! pressing that key panics inside the event loop; with
//! `TOP10_TEST_PANIC_ON_KEY=thread:<char>` a background thread panics
//! instead (as a query thread could). `tests/reliability.rs` uses it to
//! check, in a real terminal, that a panic restores it.
//!
//! With `TOP10_TUI_TRACE=<file>`, timings are appended to that file: the time
//! from start to the first complete screen, and for every input the time to
//! the frame that shows it (see `docs/benchmarks.md`).

pub mod app;
pub mod countries;
pub mod data;
pub mod event;
pub mod export;
pub mod format;
pub mod help;
pub mod layout;
pub mod lineage;
pub mod panes;
pub mod quality;
pub mod sql_popup;
pub mod view;
pub mod worker;

use std::fs::{File, OpenOptions};
use std::io::{Write, stdout};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEventKind};
use crossterm::execute;
use ratatui::DefaultTerminal;

use crate::cli::Source;
use crate::error::{EXIT_OK, EXIT_PANIC};
use crate::query::{self, Session};
use app::{Action, App, Info};
use worker::Worker;

/// What the main loop receives.
enum Incoming {
    /// A terminal event and when it was read.
    Input(Event, Instant),
    Response(data::Response),
    /// A termination signal: quit, restoring the terminal.
    Signal(i32),
}

/// How the header names where the data comes from.
fn source_label(source: &Source) -> String {
    match (&source.lake, &source.warehouse) {
        (None, None) => "built-in sample".to_string(),
        (_, Some(wh)) => wh.display().to_string(),
        (Some(lake), None) => lake.display().to_string(),
    }
}

/// Run the explorer until `q`.
pub fn run(source: &Source) -> Result<ExitCode> {
    let started = Instant::now();
    // Resolving may build the warehouse (the sample's on first use): that
    // happens before the screen is taken, with its progress on stderr.
    let mut trace = Trace::from_env(started);
    let version = query::resolve(source)?;
    trace.mark("resolved");
    let info = Info::from_version(&version, source_label(source));
    let session = Session::open(version)?;
    trace.mark("session_open");

    let (tx, rx) = mpsc::channel::<Incoming>();
    let to_ui = tx.clone();
    let worker = Worker::spawn(session, move |r| {
        let _ = to_ui.send(Incoming::Response(r));
    })?;
    trace.mark("worker_started");

    let panic_key = PanicKey::from_env();
    // ratatui's hook restores the terminal (raw mode off, main screen),
    // then runs the previous hook: the one-line report of `cli::main`.
    let mut terminal = ratatui::try_init()?;
    let restore_and_report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        // The terminal's own Drop would show the cursor, but a panic on
        // another thread never drops it.
        let _ = execute!(stdout(), DisableMouseCapture, Show);
        restore_and_report(info);
    }));
    let _ = execute!(stdout(), EnableMouseCapture);
    trace.mark("terminal_ready");
    // Killed from outside, the explorer quits as on `q`, so the terminal is
    // restored (raw mode, alternate screen, mouse reporting) and temporary
    // warehouses are removed; by default the process would just die.
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
        let to_loop = tx.clone();
        thread::Builder::new()
            .name("top10-signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    let _ = to_loop.send(Incoming::Signal(sig));
                }
            })?;
    }
    thread::Builder::new()
        .name("top10-input".into())
        .spawn(move || {
            while let Ok(ev) = crossterm::event::read() {
                if tx.send(Incoming::Input(ev, Instant::now())).is_err() {
                    break;
                }
            }
        })?;

    let result = terminal
        .size()
        .map_err(anyhow::Error::from)
        .and_then(|size| {
            let mut app = App::new(info, export::default_dir(), (size.width, size.height));
            event_loop(&mut terminal, &mut app, &worker, &rx, &mut trace, panic_key)
        });
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    if panicked() {
        // A thread panicked and the hook has said so: nothing to add.
        return Ok(ExitCode::from(EXIT_PANIC));
    }
    match result? {
        None => Ok(ExitCode::from(EXIT_OK)),
        Some(sig) => Ok(ExitCode::from((128 + sig).clamp(0, 255) as u8)),
    }
}

/// Set by the panic hook: some thread panicked and the terminal has been
/// restored, so the loop must not draw again.
static PANICKED: AtomicBool = AtomicBool::new(false);

fn panicked() -> bool {
    PANICKED.load(Ordering::SeqCst)
}

/// The test hook `TOP10_TEST_PANIC_ON_KEY` (see the module's doc).
#[derive(Debug, Clone, Copy)]
struct PanicKey {
    key: char,
    on_thread: bool,
}

impl PanicKey {
    fn from_env() -> Option<PanicKey> {
        let value = std::env::var("TOP10_TEST_PANIC_ON_KEY").ok()?;
        let (rest, on_thread) = match value.strip_prefix("thread:") {
            Some(rest) => (rest, true),
            None => (value.as_str(), false),
        };
        let mut chars = rest.chars();
        match (chars.next(), chars.next()) {
            (Some(key), None) => Some(PanicKey { key, on_thread }),
            _ => None,
        }
    }

    /// Panic if `ev` is the key.
    fn check(self, ev: &Event) {
        let Event::Key(k) = ev else { return };
        if k.kind == KeyEventKind::Release || k.code != KeyCode::Char(self.key) {
            return;
        }
        if self.on_thread {
            let _ = thread::Builder::new()
                .name("top10-test-panic".into())
                .spawn(|| panic!("test panic on a background thread (TOP10_TEST_PANIC_ON_KEY)"));
        } else {
            panic!("test panic in the event loop (TOP10_TEST_PANIC_ON_KEY)");
        }
    }
}

/// Run until the user quits (None) or a termination signal arrives (the
/// signal).
fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    worker: &Worker,
    rx: &Receiver<Incoming>,
    trace: &mut Trace,
    panic_key: Option<PanicKey>,
) -> Result<Option<i32>> {
    let mut dirty = true;
    loop {
        if panicked() {
            return Ok(None);
        }
        // What is wanted first, so that a thread taking a new key at once
        // does not drop it as unwanted.
        worker.set_wanted(app.wanted());
        for key in app.take_requests() {
            worker.request(key);
        }
        if app.should_quit {
            return Ok(None);
        }
        if dirty {
            terminal.draw(|f| view::render(app, f))?;
            trace.frame(app);
            dirty = false;
        }
        let timeout = if app.is_loading() {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(1)
        };
        let mut next = match rx.recv_timeout(timeout) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => {
                if panicked() {
                    return Ok(None);
                }
                if worker.is_finished() {
                    bail!("the query thread stopped unexpectedly");
                }
                if app.is_loading() {
                    app.update(Action::Tick);
                    dirty = true;
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(None),
        };
        // Apply everything that has arrived, then draw once (mouse moves
        // and other events without an action draw nothing).
        while let Some(m) = next {
            match m {
                Incoming::Input(ev, at) => {
                    if let Some(p) = panic_key {
                        p.check(&ev);
                    }
                    if let Some(action) = event::to_action(&ev, app.mode()) {
                        trace.input(at);
                        app.update(action);
                        dirty = true;
                    }
                }
                Incoming::Response(r) => {
                    trace.response(&r);
                    app.update(Action::Loaded(r));
                    dirty = true;
                }
                Incoming::Signal(sig) => return Ok(Some(sig)),
            }
            if app.should_quit {
                break;
            }
            next = rx.try_recv().ok();
        }
    }
}

/// Timings for benchmarks, written when `TOP10_TUI_TRACE` names a file.
struct Trace {
    file: Option<File>,
    started: Instant,
    first_frame: bool,
    first_complete: bool,
    /// Inputs not yet shown on screen.
    inputs: Vec<Instant>,
    /// The first input whose view is still loading.
    awaiting: Option<Instant>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Trace {
    fn from_env(started: Instant) -> Trace {
        let file = std::env::var_os("TOP10_TUI_TRACE")
            .and_then(|p| OpenOptions::new().create(true).append(true).open(p).ok());
        Trace {
            file,
            started,
            first_frame: false,
            first_complete: false,
            inputs: Vec::new(),
            awaiting: None,
        }
    }

    /// A step of start-up.
    fn mark(&mut self, what: &str) {
        if let Some(f) = self.file.as_mut() {
            let _ = writeln!(f, "phase_ms {what} {:.1}", ms(self.started.elapsed()));
        }
    }

    /// A worker's answer arrived.
    fn response(&mut self, r: &data::Response) {
        let Some(f) = self.file.as_mut() else { return };
        match &r.outcome {
            data::Outcome::Cancelled => {
                let _ = writeln!(f, "interrupted {}", r.key.describe());
            }
            data::Outcome::Skipped => {
                let _ = writeln!(f, "skipped {}", r.key.describe());
            }
            _ => {}
        }
        if !self.first_complete {
            let ran: f64 = match &r.outcome {
                data::Outcome::Done(l) => l.runs.iter().map(|x| ms(x.elapsed)).sum(),
                _ => 0.0,
            };
            let _ = writeln!(
                f,
                "phase_ms answer {:.1} ({}, queries {ran:.1} ms)",
                ms(self.started.elapsed()),
                r.key.describe()
            );
        }
    }

    fn input(&mut self, at: Instant) {
        if self.file.is_some() {
            self.inputs.push(at);
        }
    }

    /// A frame was drawn.
    fn frame(&mut self, app: &App) {
        let Some(f) = self.file.as_mut() else { return };
        let now = Instant::now();
        let complete = app.is_complete();
        if !self.first_frame {
            self.first_frame = true;
            let _ = writeln!(f, "first_frame_ms {:.1}", ms(now - self.started));
        }
        if complete && !self.first_complete {
            self.first_complete = true;
            let _ = writeln!(f, "first_complete_frame_ms {:.1}", ms(now - self.started));
        }
        for at in self.inputs.drain(..) {
            let _ = writeln!(
                f,
                "input_to_frame_ms {:.3} {}",
                ms(now - at),
                if complete { "complete" } else { "loading" }
            );
            if !complete && self.awaiting.is_none() {
                self.awaiting = Some(at);
            }
        }
        if complete && let Some(at) = self.awaiting.take() {
            let _ = writeln!(f, "input_to_complete_frame_ms {:.1}", ms(now - at));
        }
    }
}
