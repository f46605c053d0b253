//! The query worker: the threads that own the DuckDB connections (two, to
//! the same database), so no query ever runs on the render thread.
//!
//! The UI sends [`Key`]s and, after every update, the set of keys its view
//! still wants. The worker answers each key with a [`Response`] through a
//! callback. A key the view no longer wants is dropped unrun
//! ([`Outcome::Skipped`]); a running one is interrupted through DuckDB's
//! interrupt handle ([`Outcome::Cancelled`]). Either way the UI asks again if
//! it comes back to that view.

use std::collections::HashSet;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::Result;
use duckdb::{InterruptHandle, ToSql};

use super::data::{self, Data, Key, Loaded, Metric, Outcome, Response, SqlRun};
use crate::output::Table;
use crate::queries::{self, Sql};
use crate::query::Session;

/// How many queries run at once, each on its own connection to the same
/// DuckDB database. The first screen needs four; two side by side shorten
/// it on two cores, more do not (docs/benchmarks.md).
pub const THREADS: usize = 2;

/// State shared by the UI thread and the worker threads.
struct Shared {
    wanted: Mutex<HashSet<Key>>,
    /// The key each thread runs, by thread.
    running: Mutex<Vec<Option<Key>>>,
    interrupts: Vec<Arc<InterruptHandle>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A handle on the worker threads.
pub struct Worker {
    tx: Sender<Key>,
    shared: Arc<Shared>,
    handles: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Start the worker on `session` (and [`THREADS`]` - 1` more
    /// connections to its database); `reply` receives every response, on a
    /// worker thread.
    pub fn spawn(
        session: Session,
        reply: impl Fn(Response) + Send + Sync + 'static,
    ) -> Result<Worker> {
        let mut sessions = Vec::with_capacity(THREADS);
        for _ in 1..THREADS {
            sessions.push(session.try_clone()?);
        }
        // Every connection shares the database's Parquet metadata cache,
        // turned on by `db::open_version`.
        sessions.insert(0, session);
        let shared = Arc::new(Shared {
            wanted: Mutex::new(HashSet::new()),
            running: Mutex::new(vec![None; sessions.len()]),
            interrupts: sessions.iter().map(|s| s.conn.interrupt_handle()).collect(),
        });
        let (tx, rx) = mpsc::channel::<Key>();
        let rx = Arc::new(Mutex::new(rx));
        let reply = Arc::new(reply);
        let mut handles = Vec::new();
        for (i, session) in sessions.into_iter().enumerate() {
            let (sh, rx, reply) = (Arc::clone(&shared), Arc::clone(&rx), Arc::clone(&reply));
            let handle = thread::Builder::new()
                .name(format!("top10-query-{i}"))
                .spawn(move || serve(i, &session, &sh, &rx, &*reply))?;
            handles.push(handle);
        }
        Ok(Worker {
            tx,
            shared,
            handles,
        })
    }

    /// Queue `key`. It runs unless the view has moved on by its turn.
    pub fn request(&self, key: Key) {
        let _ = self.tx.send(key);
    }

    /// Record what the view wants now, and interrupt running queries that
    /// are not among it.
    pub fn set_wanted(&self, keys: &HashSet<Key>) {
        {
            let mut w = lock(&self.shared.wanted);
            if *w != *keys {
                w.clone_from(keys);
            }
        }
        let running = lock(&self.shared.running);
        for (i, k) in running.iter().enumerate() {
            if let Some(k) = k
                && !keys.contains(k)
            {
                self.shared.interrupts[i].interrupt();
            }
        }
    }

    /// Whether a worker thread has stopped (they only stop by panicking
    /// while the UI runs).
    pub fn is_finished(&self) -> bool {
        self.handles.iter().any(JoinHandle::is_finished)
    }
}

/// Stop the worker threads before the explorer returns, on a panic's unwind
/// too: a query still running while the process exits raced DuckDB's own
/// teardown and could end the process with a segmentation fault instead of
/// its exit code. The queue is closed and running queries are interrupted
/// until every thread has stopped: an interrupt only reaches the query
/// running at that moment, and a key runs several in turn (the quality
/// checks), so a single interrupt once let the next check run on and quit
/// took 1.7 s. A thread still busy after [`STOP_WAIT`] (a rebuild for `c`
/// runs on a connection of its own) is left behind rather than keep the
/// user waiting.
impl Drop for Worker {
    fn drop(&mut self) {
        drop(std::mem::replace(&mut self.tx, mpsc::channel().0));
        lock(&self.shared.wanted).clear();
        let deadline = Instant::now() + STOP_WAIT;
        while self.handles.iter().any(|h| !h.is_finished()) && Instant::now() < deadline {
            for interrupt in &self.shared.interrupts {
                interrupt.interrupt();
            }
            thread::sleep(Duration::from_millis(5));
        }
        for handle in self.handles.drain(..).filter(JoinHandle::is_finished) {
            let _ = handle.join();
        }
    }
}

/// How long quitting waits for the worker threads to stop.
const STOP_WAIT: Duration = Duration::from_secs(2);

/// One worker thread: take keys until the UI is gone.
fn serve(
    i: usize,
    session: &Session,
    sh: &Shared,
    rx: &Mutex<Receiver<Key>>,
    reply: &(impl Fn(Response) + ?Sized),
) {
    loop {
        let Ok(key) = lock(rx).recv() else { return };
        if !lock(&sh.wanted).contains(&key) {
            reply(Response {
                key,
                outcome: Outcome::Skipped,
            });
            continue;
        }
        lock(&sh.running)[i] = Some(key.clone());
        let result = run(session, &key);
        lock(&sh.running)[i] = None;
        let outcome = match result {
            Ok(loaded) => Outcome::Done(Arc::new(loaded)),
            Err(e) => {
                let msg = crate::error::one_line(&e);
                if msg.contains("Interrupted") || msg.contains("INTERRUPT") {
                    Outcome::Cancelled
                } else if !session.version.dir.exists() {
                    // Newer builds keep three versions: one opened long
                    // ago is removed under the explorer, and every query
                    // of it fails. Say so instead of DuckDB's error.
                    Outcome::Failed(format!(
                        "version {} was removed by newer builds of this warehouse; quit and start top10 again to read the live one",
                        session.version.name
                    ))
                } else {
                    Outcome::Failed(msg)
                }
            }
        };
        reply(Response { key, outcome });
    }
}

/// A parameter as the SQL popup shows it.
fn shown(v: Option<&str>) -> String {
    v.map_or_else(|| "NULL".to_string(), crate::db::literal)
}

/// Run one query, timing it.
fn timed(
    session: &Session,
    sql: Sql,
    params: &[Option<&str>],
    runs: &mut Vec<SqlRun>,
) -> Result<Table> {
    let bound: Vec<&dyn ToSql> = params.iter().map(|p| p as &dyn ToSql).collect();
    let t = Instant::now();
    let table = Table::query(&session.conn, sql.text, &bound)
        .map_err(|e| e.context(format!("queries/{}.sql", sql.name)))?;
    runs.push(SqlRun {
        sql,
        params: params.iter().map(|p| shown(*p)).collect(),
        elapsed: t.elapsed(),
        rows: table.rows.len(),
    });
    Ok(table)
}

/// Answer one key.
pub fn run(session: &Session, key: &Key) -> Result<Loaded> {
    let mut runs = Vec::new();
    match key {
        Key::Countries(date) => {
            let d = date.to_string();
            let table = timed(session, queries::TUI_COUNTRIES, &[Some(&d)], &mut runs)?;
            Ok(Loaded {
                data: Data::Countries(data::parse_countries(&table)?),
                table,
                runs,
            })
        }
        Key::Top10(date, country, metric) => {
            let d = date.to_string();
            // The published list is read as published; other metrics re-rank
            // the aggregates.
            let table = match metric {
                Metric::Hours => timed(
                    session,
                    queries::TUI_TOP10_PUBLISHED,
                    &[Some(&d), Some(country)],
                    &mut runs,
                )?,
                _ => timed(
                    session,
                    queries::TUI_TOP10_METRIC,
                    &[Some(&d), Some(country), Some(metric.param())],
                    &mut runs,
                )?,
            };
            Ok(Loaded {
                data: Data::Top10(data::parse_top10(&table)?),
                table,
                runs,
            })
        }
        Key::Wow(date, country) => {
            let d = date.to_string();
            let p = [Some(d.as_str()), Some(country.as_str())];
            let table = timed(session, queries::WOW, &p, &mut runs)?;
            let daily = timed(session, queries::TUI_WOW_DAILY, &p, &mut runs)?;
            Ok(Loaded {
                data: Data::Wow(data::parse_wow(&table, &daily)?),
                table,
                runs,
            })
        }
        Key::Share => {
            let dates = &session.version.manifest.dates;
            let (first, last) = match (dates.first(), dates.last()) {
                (Some(a), Some(b)) => (a.to_string(), b.to_string()),
                _ => anyhow::bail!("this warehouse has no data"),
            };
            let table = timed(
                session,
                queries::SHARE,
                &[Some(&first), Some(&last), None],
                &mut runs,
            )?;
            Ok(Loaded {
                data: Data::Share(data::parse_share(&table)?),
                table,
                runs,
            })
        }
        Key::Quality(date) => {
            // The thresholds `top10 check` uses without flags; nothing is
            // appended to pipeline_health.
            let cfg = crate::checks::default_config(&session.version)?;
            let checks = crate::checks::run_date(session, &cfg, *date)?;
            Ok(Loaded {
                table: data::checks_table(&checks),
                data: Data::Quality(checks),
                runs,
            })
        }
        Key::Offenders(date, check) => {
            let Some(sql) = data::offenders_sql(check) else {
                anyhow::bail!("{check} has no offenders query");
            };
            let d = date.to_string();
            let table = timed(session, sql, &[Some(&d)], &mut runs)?;
            Ok(Loaded {
                data: Data::Offenders(table.clone()),
                table,
                runs,
            })
        }
        Key::Explain(date, country, show) => {
            let t = Instant::now();
            let e = crate::lineage::explain(session, *date, country, *show, None)?;
            let elapsed = t.elapsed();
            Ok(Loaded {
                table: e.events_table.clone(),
                runs: explain_runs(&e),
                data: Data::Explain(Box::new(e), elapsed),
            })
        }
        Key::ShowTitles => {
            let table = timed(session, queries::TUI_SHOW_TITLES, &[], &mut runs)?;
            Ok(Loaded {
                data: Data::ShowTitles(data::parse_show_titles(&table)?),
                table,
                runs,
            })
        }
        Key::Changes(date, country) => {
            // The date is rebuilt from the lake as of its publication, in a
            // temporary warehouse that is removed afterwards.
            let lake = std::path::PathBuf::from(&session.version.manifest.lake);
            let t = Instant::now();
            let c = crate::lineage::changes::changes(session, &lake, *date, country, true)?;
            let elapsed = t.elapsed();
            let d = date.to_string();
            let p = |v: &str| crate::db::literal(v);
            let mut runs = vec![
                untimed(queries::CHANGES_TIMEZONE, vec![p(country)], 1),
                untimed(
                    queries::TOP10,
                    vec![p(&d), p(country)],
                    c.now_table.rows.len(),
                ),
            ];
            let at = c.published_at.to_string();
            for m in &c.moved {
                runs.push(untimed(
                    queries::CHANGES_ARRIVALS,
                    vec![p(&d), p(country), m.show_id.to_string(), p(&at)],
                    m.arrivals_table.rows.len(),
                ));
            }
            Ok(Loaded {
                table: c.now_table.clone(),
                runs,
                data: Data::Changes(Box::new(c), elapsed),
            })
        }
    }
}

/// A query run inside a library call, which times the call as a whole.
fn untimed(sql: Sql, params: Vec<String>, rows: usize) -> SqlRun {
    SqlRun {
        sql,
        params,
        elapsed: std::time::Duration::ZERO,
        rows,
    }
}

/// The queries `lineage::explain` ran for `e`, with their parameters.
fn explain_runs(e: &crate::lineage::Explanation) -> Vec<SqlRun> {
    let (d, c) = (
        crate::db::literal(&e.date.to_string()),
        crate::db::literal(&e.country),
    );
    let show = e.show_id.to_string();
    let asked = e.requested_show_id.unwrap_or(e.show_id).to_string();
    let rank = e
        .aggregate
        .as_ref()
        .and_then(|a| a.rank_in_country)
        .unwrap_or(-10)
        .to_string();
    vec![
        untimed(queries::EXPLAIN_CANONICAL, vec![asked], 1),
        untimed(
            queries::EXPLAIN_ROW,
            vec![d.clone(), c.clone(), show.clone()],
            1,
        ),
        untimed(
            queries::EXPLAIN_MERGED_IDS,
            vec![show.clone()],
            e.merged_ids.len(),
        ),
        untimed(
            queries::EXPLAIN_EVENTS,
            vec![d.clone(), c.clone(), show],
            e.events_table.rows.len(),
        ),
        untimed(
            queries::EXPLAIN_NEIGHBOURS,
            vec![d, c, rank],
            e.neighbours.len(),
        ),
    ]
}
