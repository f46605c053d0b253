//! The explorer's state, the [`Action`]s that change it, and
//! [`App::update`], the only place where state changes.
//!
//! `update` never touches DuckDB: when the view needs data it has not got,
//! it queues a [`Key`] (taken by the runtime with [`App::take_requests`] and
//! sent to the worker) and shows a loading state; the worker's answer comes
//! back as [`Action::Loaded`]. Results are cached per key, so returning to a
//! date, country or metric already seen redraws at once.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, Months, NaiveDate};
use ratatui::layout::Rect;

use super::countries::CountryList;
use super::data::{self, CountryRow, Data, Key, Loaded, Metric, Outcome, Response};
use super::export::{self, ExportFormat};
use super::layout::{self, Areas};
use super::lineage::{self, ChangesView, LineageView, WhyNotView, Window};
use super::panes;
use crate::checks::Check;
use crate::warehouse::Version;

/// The panes, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Date,
    Country,
    Top10,
    Wow,
    Share,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Date,
        Pane::Country,
        Pane::Top10,
        Pane::Wow,
        Pane::Share,
    ];

    fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }

    /// The pane's name in titles, help and export file names.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Date => "date",
            Pane::Country => "countries",
            Pane::Top10 => "top10",
            Pane::Wow => "wow",
            Pane::Share => "share",
        }
    }
}

/// A window drawn over the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Sql {
        scroll: u16,
    },
    Export,
    /// The quality window (`d`); its state is [`App::quality`].
    Quality,
    /// The top of the lineage window stack ([`App::windows`]).
    Window,
}

/// How keys are read right now (see `event::to_action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing the country filter.
    Filter,
    /// Help or SQL shown: keys scroll or close it.
    Overlay,
    /// Choosing the export format.
    ExportPrompt,
    /// The quality window: ↑/↓ move, Enter opens a check's offenders.
    Quality,
    /// The lineage window: ↑/↓ move in the source events, Enter opens an
    /// event's versions, `o` sorts.
    Lineage,
    /// Typing the "why not?" title search.
    WhyNot,
    /// What changed since publication: keys scroll.
    Changes,
}

/// Everything that can happen to the explorer: keys and mouse (mapped by
/// `event.rs`), the terminal's size, the clock, and the worker's answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    FocusNext,
    FocusPrev,
    Focus(Pane),
    /// Move the date by days (←/→).
    Day(i64),
    /// Move the date by weeks ([ and ]).
    Week(i64),
    /// Move the date by months (PgUp/PgDn).
    Month(i32),
    /// The latest date with data (t).
    Latest,
    /// The row above / below in the focused pane (the week in the calendar).
    Up,
    Down,
    /// First / last row (or date).
    Home,
    End,
    /// Scroll an overlay by a page.
    PageUp,
    PageDown,
    Enter,
    /// Close the overlay, the filter, or the last message.
    Escape,
    StartFilter,
    FilterInput(char),
    FilterBackspace,
    CycleMetric,
    ToggleCompare,
    ShowSql,
    ShowHelp,
    /// Open or close the quality window (d).
    ShowQuality,
    /// Sort the lineage window's source events by the next column (o).
    CycleSort,
    /// The "why not?" prompt (w).
    WhyNot,
    /// What changed since publication (c).
    ShowChanges,
    StartExport,
    Export(ExportFormat),
    /// Ask again for what failed.
    Retry,
    Click {
        x: u16,
        y: u16,
    },
    Wheel {
        x: u16,
        y: u16,
        down: bool,
    },
    Resize(u16, u16),
    Tick,
    Loaded(Response),
}

/// What the explorer is looking at: fixed for a session.
#[derive(Debug, Clone)]
pub struct Info {
    /// Where the data comes from, for the header ("built-in sample", a path).
    pub source: String,
    pub version: String,
    pub version_dir: PathBuf,
    /// Dates with data, in order.
    pub dates: Vec<NaiveDate>,
    /// Country codes of dim_geo.
    pub countries: Vec<String>,
}

impl Info {
    pub fn from_version(v: &Version, source: impl Into<String>) -> Info {
        Info {
            source: source.into(),
            version: v.name.clone(),
            version_dir: v.dir.clone(),
            dates: v.manifest.dates.clone(),
            countries: v.manifest.countries.clone(),
        }
    }

    pub fn has_data(&self, d: NaiveDate) -> bool {
        self.dates.binary_search(&d).is_ok()
    }
}

/// A cursor and scroll offset of a table pane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rows {
    pub cursor: usize,
    pub offset: usize,
}

/// The quality window's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualityView {
    /// The check under the cursor.
    pub cursor: usize,
    /// The check whose offenders are shown, if any.
    pub offenders: Option<String>,
    /// Scroll of the offenders (or SQL) view.
    pub scroll: u16,
    /// Whether `s` shows the SQL of the offenders view.
    pub sql: bool,
}

/// The explorer's whole state.
pub struct App {
    pub info: Info,
    pub date: NaiveDate,
    pub country: String,
    pub metric: Metric,
    pub focus: Pane,
    pub overlay: Option<Overlay>,
    /// Terminal size, for layout-dependent updates (mouse, scrolling).
    pub size: (u16, u16),
    /// Whether the share pane also draws the all-country series.
    pub compare: bool,
    pub countries: CountryList,
    pub top10_rows: Rows,
    pub wow_rows: Rows,
    pub quality: QualityView,
    /// The lineage windows, the one shown last; Esc closes one level.
    pub windows: Vec<Window>,
    pub cache: HashMap<Key, Arc<Loaded>>,
    pub errors: HashMap<Key, String>,
    pub pending: HashSet<Key>,
    /// A one-line message for the footer (export written, nothing to export…).
    pub status: Option<String>,
    pub should_quit: bool,
    /// Counts clock ticks, for the spinner.
    pub ticks: u64,
    /// Where `e` writes files.
    pub export_dir: PathBuf,
    outbox: Vec<Key>,
    wanted: HashSet<Key>,
}

impl App {
    /// A new explorer on the latest date and on `US` (or the first
    /// country), asking for what its first screen needs.
    pub fn new(info: Info, export_dir: PathBuf, size: (u16, u16)) -> App {
        let date = info
            .dates
            .last()
            .copied()
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid"));
        let country = if info.countries.iter().any(|c| c == "US") {
            "US".to_string()
        } else {
            info.countries.first().cloned().unwrap_or_default()
        };
        let mut countries = CountryList {
            all: info
                .countries
                .iter()
                .map(|c| (c.clone(), c.clone()))
                .collect(),
            ..CountryList::default()
        };
        countries.refilter();
        countries.point_at(&country);
        let mut app = App {
            info,
            date,
            country,
            metric: Metric::Hours,
            focus: Pane::Top10,
            overlay: None,
            size,
            compare: false,
            countries,
            top10_rows: Rows::default(),
            wow_rows: Rows::default(),
            quality: QualityView::default(),
            windows: Vec::new(),
            cache: HashMap::new(),
            errors: HashMap::new(),
            pending: HashSet::new(),
            status: None,
            should_quit: false,
            ticks: 0,
            export_dir,
            outbox: Vec::new(),
            wanted: HashSet::new(),
        };
        app.sync();
        app
    }

    /// How keys are read now.
    pub fn mode(&self) -> Mode {
        match self.overlay {
            Some(Overlay::Export) => Mode::ExportPrompt,
            Some(Overlay::Quality) => Mode::Quality,
            Some(Overlay::Window) => match self.windows.last() {
                Some(Window::Lineage(_)) => Mode::Lineage,
                Some(Window::WhyNot(_)) => Mode::WhyNot,
                Some(Window::Changes(_)) => Mode::Changes,
                None => Mode::Overlay,
            },
            Some(_) => Mode::Overlay,
            None if self.countries.editing => Mode::Filter,
            None => Mode::Normal,
        }
    }

    /// The keys the current view shows.
    pub fn needed(&self) -> [Key; 4] {
        [
            Key::Countries(self.date),
            Key::Top10(self.date, self.country.clone(), self.metric),
            Key::Wow(self.date, self.country.clone()),
            Key::Share,
        ]
    }

    /// The quality checks of the selected date (the header's indicator).
    pub fn quality_key(&self) -> Key {
        Key::Quality(self.date)
    }

    /// The checks of the selected date, if loaded.
    pub fn checks(&self) -> Option<&[Check]> {
        match self.loaded(&self.quality_key()).map(|l| &l.data) {
            Some(Data::Quality(c)) => Some(c),
            _ => None,
        }
    }

    /// The query the quality window's offenders view shows, if it has one.
    pub fn offenders_key(&self) -> Option<Key> {
        let check = self.quality.offenders.as_ref()?;
        (self.overlay == Some(Overlay::Quality) && data::offenders_sql(check).is_some())
            .then(|| Key::Offenders(self.date, check.clone()))
    }

    /// Every key the screen shows: the panes, the quality indicator and
    /// the offenders view.
    fn shown(&self) -> Vec<Key> {
        let mut keys: Vec<Key> = self.needed().into();
        keys.push(self.quality_key());
        keys.extend(self.offenders_key());
        keys.extend(self.window_key());
        keys
    }

    /// The data of the lineage window shown, if one is.
    pub fn window_key(&self) -> Option<Key> {
        match (self.overlay, self.windows.last()) {
            (Some(Overlay::Window), Some(w)) => Some(w.key()),
            _ => None,
        }
    }

    /// Requests queued since the last call, for the worker.
    pub fn take_requests(&mut self) -> Vec<Key> {
        std::mem::take(&mut self.outbox)
    }

    /// What the view wants now; anything else may be dropped or interrupted.
    pub fn wanted(&self) -> &HashSet<Key> {
        &self.wanted
    }

    /// Whether the screen waits for the worker.
    pub fn is_loading(&self) -> bool {
        self.shown().iter().any(|k| self.pending.contains(k))
    }

    /// Whether every pane of the view (and the lineage window shown) has
    /// its answer (data or error).
    pub fn is_complete(&self) -> bool {
        self.needed()
            .iter()
            .chain(self.window_key().as_ref())
            .all(|k| self.cache.contains_key(k) || self.errors.contains_key(k))
    }

    /// The cached answer for `key`.
    pub fn loaded(&self, key: &Key) -> Option<&Loaded> {
        self.cache.get(key).map(Arc::as_ref)
    }

    /// The data a pane shows now, if loaded.
    pub fn pane_key(&self, pane: Pane) -> Option<Key> {
        let [countries, top10, wow, share] = self.needed();
        match pane {
            Pane::Date => None,
            Pane::Country => Some(countries),
            Pane::Top10 => Some(top10),
            Pane::Wow => Some(wow),
            Pane::Share => Some(share),
        }
    }

    /// The pane rectangles for the current size.
    pub fn areas(&self) -> Option<Areas> {
        layout::areas(Rect::new(0, 0, self.size.0, self.size.1))
    }

    fn top10_len(&self) -> usize {
        match self
            .pane_key(Pane::Top10)
            .and_then(|k| self.cache.get(&k).cloned())
        {
            Some(l) => match &l.data {
                Data::Top10(rows) => rows.len(),
                _ => 0,
            },
            None => 0,
        }
    }

    fn wow_len(&self) -> usize {
        match self
            .pane_key(Pane::Wow)
            .and_then(|k| self.cache.get(&k).cloned())
        {
            Some(l) => match &l.data {
                Data::Wow(w) => w.rows.len(),
                _ => 0,
            },
            None => 0,
        }
    }

    /// The country rows of the current date, if loaded.
    pub fn country_rows(&self) -> Option<&[CountryRow]> {
        match self.loaded(&Key::Countries(self.date)).map(|l| &l.data) {
            Some(Data::Countries(rows)) => Some(rows),
            _ => None,
        }
    }

    /// The one place where state changes.
    pub fn update(&mut self, action: Action) {
        if !matches!(
            action,
            Action::Tick | Action::Loaded(_) | Action::Resize(..)
        ) {
            self.status = None;
        }
        match action {
            Action::Quit => self.should_quit = true,
            Action::FocusNext => self.focus(self.focus.next()),
            Action::FocusPrev => self.focus(self.focus.prev()),
            Action::Focus(p) => self.focus(p),
            Action::Day(n) => self.move_date(self.date + Duration::days(n)),
            Action::Week(n) => self.move_date(self.date + Duration::days(7 * n)),
            Action::Month(n) => {
                let d = if n >= 0 {
                    self.date.checked_add_months(Months::new(n.unsigned_abs()))
                } else {
                    self.date.checked_sub_months(Months::new(n.unsigned_abs()))
                };
                if let Some(d) = d {
                    self.move_date(d);
                }
            }
            Action::Latest => {
                if let Some(d) = self.info.dates.last().copied() {
                    self.move_date(d);
                }
            }
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::Home => self.jump(false),
            Action::End => self.jump(true),
            Action::PageUp => self.scroll_overlay(-10),
            Action::PageDown => self.scroll_overlay(10),
            Action::Enter => self.enter(),
            Action::Escape => self.escape(),
            Action::StartFilter => {
                self.overlay = None;
                self.focus = Pane::Country;
                self.countries.editing = true;
            }
            Action::FilterInput(c) if self.mode() == Mode::WhyNot => {
                if let Some(Window::WhyNot(v)) = self.windows.last_mut() {
                    v.query.push(c);
                    v.cursor = 0;
                }
            }
            Action::FilterBackspace if self.mode() == Mode::WhyNot => {
                if let Some(Window::WhyNot(v)) = self.windows.last_mut() {
                    v.query.pop();
                    v.cursor = 0;
                }
            }
            Action::FilterInput(c) => {
                self.countries.filter.push(c);
                self.countries.refilter();
                self.countries.cursor = 0;
            }
            Action::FilterBackspace => {
                self.countries.filter.pop();
                self.countries.refilter();
            }
            Action::CycleMetric => self.metric = self.metric.next(),
            Action::ToggleCompare => self.compare = !self.compare,
            Action::ShowSql if self.overlay == Some(Overlay::Quality) => {
                self.quality.sql = !self.quality.sql;
                self.quality.scroll = 0;
            }
            Action::ShowSql if self.overlay == Some(Overlay::Window) => {
                match self.windows.last_mut() {
                    Some(Window::Lineage(v)) => {
                        v.sql = !v.sql;
                        v.versions = false;
                        v.scroll = 0;
                    }
                    Some(Window::Changes(v)) => {
                        v.sql = !v.sql;
                        v.scroll = 0;
                    }
                    _ => {}
                }
            }
            Action::ShowSql => {
                self.overlay = match self.overlay {
                    Some(Overlay::Sql { .. }) => self.under_overlay(),
                    _ => Some(Overlay::Sql { scroll: 0 }),
                }
            }
            Action::ShowHelp => {
                self.overlay = match self.overlay {
                    Some(Overlay::Help { .. }) => self.under_overlay(),
                    _ => Some(Overlay::Help { scroll: 0 }),
                }
            }
            Action::CycleSort => {
                if let Some(Window::Lineage(v)) = self.windows.last_mut() {
                    v.sort = v.sort.next();
                    v.cursor = 0;
                }
            }
            Action::WhyNot => {
                self.open(Window::WhyNot(WhyNotView {
                    date: self.date,
                    country: self.country.clone(),
                    query: String::new(),
                    cursor: 0,
                }));
            }
            Action::ShowChanges => {
                self.open(Window::Changes(ChangesView {
                    date: self.date,
                    country: self.country.clone(),
                    scroll: 0,
                    sql: false,
                }));
            }
            Action::ShowQuality => {
                if self.overlay == Some(Overlay::Quality) {
                    self.overlay = None;
                } else {
                    self.overlay = Some(Overlay::Quality);
                    self.quality.offenders = None;
                    self.quality.sql = false;
                    self.quality.scroll = 0;
                }
            }
            Action::StartExport => self.overlay = Some(Overlay::Export),
            Action::Export(format) => {
                self.overlay = None;
                self.status = Some(export::focused_pane(self, format));
            }
            Action::Retry => self.errors.clear(),
            Action::Click { x, y } => self.click(x, y),
            Action::Wheel { x, y, down } => self.wheel(x, y, down),
            Action::Resize(w, h) => self.size = (w, h),
            Action::Tick => self.ticks = self.ticks.wrapping_add(1),
            Action::Loaded(r) => self.loaded_response(r),
        }
        self.fix_offsets();
        self.sync();
    }

    /// What shows when the help or SQL window closes: the lineage window
    /// under it, or the panes.
    fn under_overlay(&self) -> Option<Overlay> {
        (!self.windows.is_empty()).then_some(Overlay::Window)
    }

    /// Open a lineage window over what is shown (a window, or the panes).
    fn open(&mut self, w: Window) {
        if self.overlay != Some(Overlay::Window) {
            self.windows.clear();
        }
        self.windows.push(w);
        self.overlay = Some(Overlay::Window);
        self.countries.editing = false;
    }

    /// How many rows the shown window moves through: its source events,
    /// or the titles matching the why-not search.
    fn window_events(&self) -> usize {
        match self.windows.last() {
            Some(Window::Lineage(v)) => match self.cache.get(&v.key()).map(|l| &l.data) {
                Some(Data::Explain(e, _)) => e.events_table.rows.len(),
                _ => 0,
            },
            Some(Window::WhyNot(v)) => match self.cache.get(&Key::ShowTitles).map(|l| &l.data) {
                Some(Data::ShowTitles(t)) => lineage::matches(t, &v.query).len(),
                _ => 0,
            },
            _ => 0,
        }
    }

    /// Move or scroll in the shown lineage window.
    fn window_step(&mut self, delta: i64, jump: bool) {
        let n = self.window_events();
        match self.windows.last_mut() {
            Some(Window::Lineage(v)) if v.versions || v.sql => {
                v.scroll = if jump {
                    if delta > 0 { u16::MAX } else { 0 }
                } else {
                    (i64::from(v.scroll) + delta).clamp(0, i64::from(u16::MAX)) as u16
                };
            }
            Some(
                Window::Lineage(LineageView { cursor, .. })
                | Window::WhyNot(WhyNotView { cursor, .. }),
            ) => {
                *cursor = if jump {
                    if delta > 0 { n.saturating_sub(1) } else { 0 }
                } else {
                    clamp_step(*cursor, delta, n)
                };
            }
            Some(Window::Changes(v)) => {
                v.scroll = if jump {
                    if delta > 0 { u16::MAX } else { 0 }
                } else {
                    (i64::from(v.scroll) + delta).clamp(0, i64::from(u16::MAX)) as u16
                };
            }
            None => {}
        }
    }

    /// Enter in a lineage window: an event's versions, or the show chosen
    /// in the "why not?" prompt.
    fn window_enter(&mut self) {
        let n = self.window_events();
        let chosen = match (self.windows.last(), self.cache.get(&Key::ShowTitles)) {
            (Some(Window::WhyNot(v)), Some(l)) => match &l.data {
                Data::ShowTitles(t) => lineage::matches(t, &v.query)
                    .get(v.cursor)
                    .map(|&i| (v.date, v.country.clone(), t[i].0)),
                _ => None,
            },
            _ => None,
        };
        match self.windows.last_mut() {
            Some(Window::Lineage(v)) if !v.versions && !v.sql && n > 0 => {
                v.versions = true;
                v.scroll = 0;
            }
            Some(Window::WhyNot(_)) => {
                if let Some((date, country, show)) = chosen {
                    self.windows.pop();
                    self.windows
                        .push(Window::Lineage(LineageView::new(date, &country, show)));
                }
            }
            _ => {}
        }
    }

    /// Esc in a lineage window: close its inner view, else the window.
    fn window_escape(&mut self) {
        match self.windows.last_mut() {
            Some(Window::Lineage(v)) if v.versions || v.sql => {
                v.versions = false;
                v.sql = false;
                v.scroll = 0;
            }
            Some(Window::Changes(v)) if v.sql => {
                v.sql = false;
                v.scroll = 0;
            }
            _ => {
                self.windows.pop();
                if self.windows.is_empty() {
                    self.overlay = None;
                }
            }
        }
    }

    /// Enter on a Top 10 or week-over-week row: its lineage.
    fn open_lineage(&mut self) {
        let show =
            match self.focus {
                Pane::Top10 => self.pane_key(Pane::Top10).and_then(|k| {
                    match self.cache.get(&k).map(|l| &l.data) {
                        Some(Data::Top10(rows)) => {
                            rows.get(self.top10_rows.cursor).map(|r| r.show_id)
                        }
                        _ => None,
                    }
                }),
                Pane::Wow => self.pane_key(Pane::Wow).and_then(|k| {
                    match self.cache.get(&k).map(|l| &l.data) {
                        Some(Data::Wow(w)) => w.rows.get(self.wow_rows.cursor).map(|r| r.show_id),
                        _ => None,
                    }
                }),
                _ => None,
            };
        if let Some(show) = show {
            self.open(Window::Lineage(LineageView::new(
                self.date,
                &self.country,
                show,
            )));
        }
    }

    fn focus(&mut self, p: Pane) {
        self.focus = p;
        if p != Pane::Country {
            self.countries.editing = false;
        }
    }

    /// Go to `d`, kept within the dates with data.
    fn move_date(&mut self, d: NaiveDate) {
        let (Some(first), Some(last)) = (self.info.dates.first(), self.info.dates.last()) else {
            return;
        };
        self.date = d.clamp(*first, *last);
    }

    fn step(&mut self, delta: i64) {
        if self.overlay == Some(Overlay::Window) {
            self.window_step(delta, false);
            return;
        }
        if let Some(Overlay::Help { .. } | Overlay::Sql { .. } | Overlay::Quality) = self.overlay {
            self.scroll_overlay(delta as i32);
            return;
        }
        match self.focus {
            Pane::Date => self.move_date(self.date + Duration::days(7 * delta)),
            Pane::Country => {
                let n = self.countries.view.len();
                self.countries.cursor = clamp_step(self.countries.cursor, delta, n);
            }
            Pane::Top10 => {
                let n = self.top10_len();
                self.top10_rows.cursor = clamp_step(self.top10_rows.cursor, delta, n);
            }
            Pane::Wow => {
                let n = self.wow_len();
                self.wow_rows.cursor = clamp_step(self.wow_rows.cursor, delta, n);
            }
            Pane::Share => self.move_date(self.date + Duration::days(delta)),
        }
    }

    fn jump(&mut self, to_end: bool) {
        if self.overlay == Some(Overlay::Window) {
            self.window_step(if to_end { 1 } else { -1 }, true);
            return;
        }
        match self.focus {
            Pane::Date | Pane::Share => {
                let d = if to_end {
                    self.info.dates.last()
                } else {
                    self.info.dates.first()
                };
                if let Some(d) = d.copied() {
                    self.move_date(d);
                }
            }
            Pane::Country => {
                let n = self.countries.view.len();
                self.countries.cursor = if to_end { n.saturating_sub(1) } else { 0 };
            }
            Pane::Top10 => {
                let n = self.top10_len();
                self.top10_rows.cursor = if to_end { n.saturating_sub(1) } else { 0 };
            }
            Pane::Wow => {
                let n = self.wow_len();
                self.wow_rows.cursor = if to_end { n.saturating_sub(1) } else { 0 };
            }
        }
    }

    fn scroll_overlay(&mut self, delta: i32) {
        if self.overlay == Some(Overlay::Window) {
            self.window_step(i64::from(delta), false);
            return;
        }
        if self.overlay == Some(Overlay::Quality) {
            let q = &mut self.quality;
            if q.offenders.is_some() || q.sql {
                q.scroll = (i32::from(q.scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
            } else {
                let n = self.checks().map_or(0, <[Check]>::len);
                self.quality.cursor = clamp_step(self.quality.cursor, i64::from(delta), n);
            }
            return;
        }
        if let Some(Overlay::Help { scroll } | Overlay::Sql { scroll }) = &mut self.overlay {
            *scroll = (i32::from(*scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
        }
    }

    fn enter(&mut self) {
        if self.overlay == Some(Overlay::Window) {
            self.window_enter();
            return;
        }
        if self.overlay == Some(Overlay::Quality) {
            let check = self
                .checks()
                .and_then(|c| c.get(self.quality.cursor))
                .map(|c| c.check.clone());
            if self.quality.offenders.is_none() && !self.quality.sql && check.is_some() {
                self.quality.offenders = check;
                self.quality.scroll = 0;
            }
            return;
        }
        match self.focus {
            Pane::Country => {
                if let Some(code) = self.countries.cursor_code() {
                    self.country = code.to_string();
                }
                self.countries.editing = false;
            }
            Pane::Top10 | Pane::Wow => self.open_lineage(),
            Pane::Date | Pane::Share => {}
        }
    }

    fn escape(&mut self) {
        if self.overlay == Some(Overlay::Quality)
            && (self.quality.sql || self.quality.offenders.is_some())
        {
            if self.quality.sql {
                self.quality.sql = false;
            } else {
                self.quality.offenders = None;
            }
            self.quality.scroll = 0;
        } else if self.overlay == Some(Overlay::Window) {
            self.window_escape();
        } else if self.overlay.is_some() {
            self.overlay = self.under_overlay();
        } else if self.countries.editing || !self.countries.filter.is_empty() {
            self.countries.editing = false;
            self.countries.filter.clear();
            self.countries.refilter();
            let code = self.country.clone();
            self.countries.point_at(&code);
        }
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.overlay == Some(Overlay::Window) {
            return;
        }
        if self.overlay.is_some() {
            self.overlay = self.under_overlay();
            return;
        }
        let Some(a) = self.areas() else { return };
        let Some(pane) = pane_at(&a, x, y) else {
            return;
        };
        self.focus(pane);
        match pane {
            Pane::Date => {
                if let Some(d) = panes::date::hit(layout::inner(a.date), self.date, x, y) {
                    self.move_date(d);
                }
            }
            Pane::Country => {
                let inner = layout::inner(a.country);
                let top = inner.y + u16::from(self.countries.shows_filter());
                if y >= top && layout::contains(inner, x, y) {
                    let i = self.countries.offset + usize::from(y - top);
                    if i < self.countries.view.len() {
                        self.countries.cursor = i;
                        self.enter();
                    }
                }
            }
            Pane::Top10 => {
                if let Some(i) = table_row(a.top10, self.top10_rows.offset, y)
                    && i < self.top10_len()
                {
                    self.top10_rows.cursor = i;
                }
            }
            Pane::Wow => {
                if let Some(i) = table_row(a.wow, self.wow_rows.offset, y)
                    && i < self.wow_len()
                {
                    self.wow_rows.cursor = i;
                }
            }
            Pane::Share => {}
        }
    }

    fn wheel(&mut self, x: u16, y: u16, down: bool) {
        let delta = if down { 1 } else { -1 };
        if self.overlay.is_some() {
            self.scroll_overlay(delta * 3);
            return;
        }
        let Some(a) = self.areas() else { return };
        let Some(pane) = pane_at(&a, x, y) else {
            return;
        };
        let before = self.focus;
        self.focus = pane;
        self.step(i64::from(delta));
        self.focus = before;
    }

    fn loaded_response(&mut self, r: Response) {
        self.pending.remove(&r.key);
        match r.outcome {
            Outcome::Done(loaded) => {
                if let Data::Countries(rows) = &loaded.data {
                    self.learn_names(rows);
                }
                self.errors.remove(&r.key);
                self.cache.insert(r.key, loaded);
            }
            Outcome::Failed(msg) => {
                self.errors.insert(r.key, msg);
            }
            // Asked again by `sync` if the view still needs it.
            Outcome::Cancelled | Outcome::Skipped => {}
        }
    }

    /// Country names arrive with the first country query: sort by them.
    fn learn_names(&mut self, rows: &[CountryRow]) {
        let mut all: Vec<(String, String)> = rows
            .iter()
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect();
        all.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        if all != self.countries.all {
            let keep = self.countries.cursor_code().map(str::to_string);
            self.countries.all = all;
            self.countries.refilter();
            if let Some(code) = keep {
                self.countries.point_at(&code);
            }
        }
    }

    /// Keep each list's cursor in range and on screen.
    fn fix_offsets(&mut self) {
        let n = self.top10_len();
        self.top10_rows.cursor = self.top10_rows.cursor.min(n.saturating_sub(1));
        let n = self.wow_len();
        self.wow_rows.cursor = self.wow_rows.cursor.min(n.saturating_sub(1));
        let n = self.countries.view.len();
        self.countries.cursor = self.countries.cursor.min(n.saturating_sub(1));
        let Some(a) = self.areas() else { return };
        let h = |r: Rect, less: u16| usize::from(layout::inner(r).height.saturating_sub(less));
        let filter_line = u16::from(self.countries.shows_filter());
        self.countries.offset = layout::scroll(
            self.countries.cursor,
            self.countries.offset,
            h(a.country, filter_line),
        );
        self.top10_rows.offset = layout::scroll(
            self.top10_rows.cursor,
            self.top10_rows.offset,
            h(a.top10, 1),
        );
        self.wow_rows.offset =
            layout::scroll(self.wow_rows.cursor, self.wow_rows.offset, h(a.wow, 1));
    }

    /// The views of the days before and after, asked for once the current
    /// view is complete so that ←/→ usually redraw at once.
    fn prefetch(&self) -> Vec<Key> {
        let mut keys = Vec::new();
        for d in [self.date.pred_opt(), self.date.succ_opt()]
            .into_iter()
            .flatten()
        {
            if self.info.has_data(d) {
                keys.push(Key::Countries(d));
                keys.push(Key::Top10(d, self.country.clone(), self.metric));
                keys.push(Key::Wow(d, self.country.clone()));
            }
        }
        keys
    }

    /// Ask for what the view needs (then, once it is complete, for the
    /// neighbouring days) that is neither cached, asked for, nor failed; and
    /// record what is wanted, so the worker drops or interrupts the rest.
    fn sync(&mut self) {
        let mut wanted = self.shown();
        if self.is_complete() {
            wanted.extend(self.prefetch());
        }
        for k in &wanted {
            if !self.cache.contains_key(k)
                && !self.pending.contains(k)
                && !self.errors.contains_key(k)
            {
                self.pending.insert(k.clone());
                self.outbox.push(k.clone());
            }
        }
        self.wanted = wanted.into_iter().collect();
    }
}

/// Move `cur` by `delta` within `0..n`.
fn clamp_step(cur: usize, delta: i64, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    (cur as i64 + delta).clamp(0, n as i64 - 1) as usize
}

/// The pane under (x, y).
pub fn pane_at(a: &Areas, x: u16, y: u16) -> Option<Pane> {
    [
        (a.date, Pane::Date),
        (a.country, Pane::Country),
        (a.top10, Pane::Top10),
        (a.wow, Pane::Wow),
        (a.share, Pane::Share),
    ]
    .into_iter()
    .find(|(r, _)| layout::contains(*r, x, y))
    .map(|(_, p)| p)
}

/// The data row of a bordered table with a header line at screen row `y`.
fn table_row(pane: Rect, offset: usize, y: u16) -> Option<usize> {
    let inner = layout::inner(pane);
    let first = inner.y + 1;
    (y >= first && y < inner.y + inner.height).then(|| offset + usize::from(y - first))
}
