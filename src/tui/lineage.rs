//! The lineage windows (`top10 explain` in the explorer): Enter on a Top 10
//! or week-over-week row opens the lineage of that show on the selected date
//! and country — the verdict, the path from raw rows to the rank with the
//! count at each step, the neighbours, the merged ids, then every raw row of
//! the key in a scrollable, sortable table; Enter on a row shows every raw
//! version of its event and which one won. `w` asks "why not?" for any show
//! (fuzzy search by title), `c` shows what changed since publication.
//!
//! The windows stack ([`App::windows`]): Esc closes one level at a time.
//! Everything is computed on the worker (`Key::Explain`, `Key::ShowTitles`,
//! `Key::Changes`) and cached per key; this module only reads state.

use std::cmp::Ordering;

use chrono::NaiveDate;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::app::App;
use super::data::{Data, Key};
use super::{format, layout, panes, sql_popup};
use crate::lineage::changes::Changes;
use crate::lineage::{Explanation, render};
use crate::output::{Cell, Table};

/// What the source events are sorted by (`o` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    /// Event id, versions of one event together (the query's order).
    #[default]
    EventId,
    /// Latest ingestion first.
    IngestionTs,
    /// Most watch seconds first.
    WatchSeconds,
    /// Kept, then duplicate, then quarantined.
    Status,
}

impl SortColumn {
    pub fn next(self) -> SortColumn {
        match self {
            SortColumn::EventId => SortColumn::IngestionTs,
            SortColumn::IngestionTs => SortColumn::WatchSeconds,
            SortColumn::WatchSeconds => SortColumn::Status,
            SortColumn::Status => SortColumn::EventId,
        }
    }

    /// The column's name and direction, for the title.
    pub fn label(self) -> &'static str {
        match self {
            SortColumn::EventId => "event_id ↑",
            SortColumn::IngestionTs => "ingestion_ts ↓",
            SortColumn::WatchSeconds => "watch_seconds ↓",
            SortColumn::Status => "status",
        }
    }
}

/// The lineage window of one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageView {
    pub date: NaiveDate,
    pub country: String,
    pub show: i64,
    /// The source event under the cursor, in sorted order.
    pub cursor: usize,
    pub sort: SortColumn,
    /// Whether the versions of the cursor's event are shown.
    pub versions: bool,
    /// Whether `s` shows the SQL.
    pub sql: bool,
    /// Scroll of the versions or SQL view.
    pub scroll: u16,
}

impl LineageView {
    pub fn new(date: NaiveDate, country: &str, show: i64) -> LineageView {
        LineageView {
            date,
            country: country.to_string(),
            show,
            cursor: 0,
            sort: SortColumn::default(),
            versions: false,
            sql: false,
            scroll: 0,
        }
    }

    pub fn key(&self) -> Key {
        Key::Explain(self.date, self.country.clone(), self.show)
    }
}

/// The "why not?" prompt: a fuzzy search over the titles of dim_shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyNotView {
    pub date: NaiveDate,
    pub country: String,
    pub query: String,
    /// Index into the matches.
    pub cursor: usize,
}

/// What changed since publication, for one date and country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesView {
    pub date: NaiveDate,
    pub country: String,
    pub scroll: u16,
    pub sql: bool,
}

/// One window of the lineage stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    Lineage(LineageView),
    WhyNot(WhyNotView),
    Changes(ChangesView),
}

impl Window {
    /// The data the window shows.
    pub fn key(&self) -> Key {
        match self {
            Window::Lineage(v) => v.key(),
            Window::WhyNot(_) => Key::ShowTitles,
            Window::Changes(v) => Key::Changes(v.date, v.country.clone()),
        }
    }
}

// ------------------------------------------------------------ pure helpers

fn col(t: &Table, name: &str) -> Option<usize> {
    t.columns.iter().position(|c| c == name)
}

fn cell<'a>(t: &'a Table, row: usize, name: &str) -> Option<&'a Cell> {
    col(t, name).and_then(|c| t.rows.get(row).map(|r| &r[c]))
}

fn cell_text(t: &Table, row: usize, name: &str) -> String {
    match cell(t, row, name) {
        Some(Cell::Null) | None => String::new(),
        Some(c) => c.text(),
    }
}

fn cell_int(t: &Table, row: usize, name: &str) -> Option<i64> {
    match cell(t, row, name) {
        Some(Cell::Int(i)) => Some(*i),
        _ => None,
    }
}

fn status_rank(s: &str) -> u8 {
    match s {
        "kept" => 0,
        "duplicate" => 1,
        _ => 2,
    }
}

/// The rows of the events table in `sort` order (ties keep the query's order).
pub fn order(t: &Table, sort: SortColumn) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..t.rows.len()).collect();
    match sort {
        SortColumn::EventId => {}
        SortColumn::IngestionTs => {
            idx.sort_by_key(|&i| std::cmp::Reverse(cell_text(t, i, "ingestion_ts")));
        }
        SortColumn::WatchSeconds => {
            idx.sort_by_key(|&i| std::cmp::Reverse(cell_int(t, i, "watch_seconds")));
        }
        SortColumn::Status => idx.sort_by_key(|&i| status_rank(&cell_text(t, i, "status"))),
    }
    idx
}

/// SPEC §2.1: of two versions of an event, the later ingestion wins, then
/// the greater `src`, then the greater `watch_seconds`. `Less` means `a` wins.
fn spec_order(t: &Table, a: usize, b: usize) -> Ordering {
    cell_text(t, b, "ingestion_ts")
        .cmp(&cell_text(t, a, "ingestion_ts"))
        .then_with(|| cell_text(t, b, "src").cmp(&cell_text(t, a, "src")))
        .then_with(|| cell_int(t, b, "watch_seconds").cmp(&cell_int(t, a, "watch_seconds")))
}

/// Every raw version of the event of `row` (all rows with its event id; for
/// a NULL event id the row alone), the winner first, each with why it won
/// or lost.
pub fn versions(t: &Table, row: usize) -> Vec<(usize, String)> {
    let id = cell(t, row, "event_id");
    let mut rows: Vec<usize> = match id {
        Some(Cell::Null) | None => vec![row],
        Some(id) => (0..t.rows.len())
            .filter(|&i| cell(t, i, "event_id") == Some(id))
            .collect(),
    };
    rows.sort_by(|&a, &b| spec_order(t, a, b));
    let winner = rows
        .iter()
        .copied()
        .find(|&i| cell_text(t, i, "status") != "duplicate")
        .unwrap_or(rows[0]);
    rows.sort_by_key(|&i| i != winner);
    rows.iter()
        .map(|&i| {
            let why = if i == winner {
                match cell_text(t, i, "status").as_str() {
                    "kept" => "won: kept in the fact".to_string(),
                    _ => format!("won, then quarantined: {}", cell_text(t, i, "reason")),
                }
            } else if cell_text(t, i, "ingestion_ts") != cell_text(t, winner, "ingestion_ts") {
                "lost: ingested earlier".to_string()
            } else if cell_text(t, i, "src") != cell_text(t, winner, "src") {
                "lost: same ingestion_ts, smaller src".to_string()
            } else {
                "lost: same ingestion_ts and src, fewer watch_seconds".to_string()
            };
            (i, why)
        })
        .collect()
}

/// A haystack string that remembers its index.
struct IndexedStr<'a>(usize, &'a str);

impl AsRef<str> for IndexedStr<'_> {
    fn as_ref(&self) -> &str {
        self.1
    }
}

/// The titles matching `query` (nucleo-matcher, best first; all of them
/// for an empty query), as indices into `titles`.
pub fn matches(titles: &[(i64, String)], query: &str) -> Vec<usize> {
    if query.trim().is_empty() {
        return (0..titles.len()).collect();
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let items: Vec<IndexedStr<'_>> = titles
        .iter()
        .enumerate()
        .map(|(i, (_, t))| IndexedStr(i, t))
        .collect();
    pattern
        .match_list(items, &mut matcher)
        .into_iter()
        .map(|(item, _)| item.0)
        .collect()
}

/// The explanation of `key`, if loaded.
pub fn explanation<'a>(app: &'a App, key: &Key) -> Option<&'a Explanation> {
    match app.loaded(key).map(|l| &l.data) {
        Some(Data::Explain(e, _)) => Some(e),
        _ => None,
    }
}

/// The titles of dim_shows, if loaded.
pub fn titles(app: &App) -> Option<&[(i64, String)]> {
    match app.loaded(&Key::ShowTitles).map(|l| &l.data) {
        Some(Data::ShowTitles(t)) => Some(t),
        _ => None,
    }
}

// ------------------------------------------------------------ drawing

fn block(title: String) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Line::from(title).centered())
}

fn popup(area: Rect) -> Rect {
    layout::centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(5),
    )
}

fn scrolled(f: &mut Frame, r: Rect, b: Block<'static>, lines: Vec<Line<'static>>, scroll: u16) {
    let inner_h = r.height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(inner_h);
    f.render_widget(
        Paragraph::new(lines)
            .block(b)
            .scroll((scroll.min(max_scroll), 0)),
        r,
    );
}

/// The colour of an event's status.
pub fn status_color(status: &str) -> Color {
    match status {
        "kept" => Color::Green,
        "duplicate" => Color::Yellow,
        _ => Color::Red,
    }
}

/// Draw the top window of the stack.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(w) = app.windows.last() else { return };
    let r = popup(area);
    f.render_widget(Clear, r);
    match w {
        Window::Lineage(v) if v.sql => sql(app, f, r, &v.key(), "the lineage", v.scroll),
        Window::Lineage(v) => lineage(app, f, r, v),
        Window::WhyNot(v) => why_not(app, f, r, v),
        Window::Changes(v) if v.sql => sql(
            app,
            f,
            r,
            &Key::Changes(v.date, v.country.clone()),
            "the changes",
            v.scroll,
        ),
        Window::Changes(v) => changes(app, f, r, v),
    }
}

fn sql(app: &App, f: &mut Frame, r: Rect, key: &Key, what: &str, scroll: u16) {
    let b = block(format!(" SQL of {what} · ↑↓ scroll · Esc back "));
    let mut lines = Vec::new();
    if let Some(l) = app.loaded(key) {
        let (call, ms) = match &l.data {
            Data::Explain(_, d) => ("lineage::explain", d.as_secs_f64() * 1000.0),
            Data::Changes(_, d) => ("lineage::changes::changes", d.as_secs_f64() * 1000.0),
            _ => ("", 0.0),
        };
        lines.push(Line::raw(format!(
            "{call} answered in {ms:.1} ms with these queries (timed as a whole):"
        )));
        lines.push(Line::raw(""));
    }
    lines.extend(sql_popup::key_lines(app, key));
    scrolled(f, r, b, lines, scroll);
}

fn verdict_style(e: &Explanation) -> Style {
    let c = match e.status {
        "ranked" if e.in_top10 => Color::Green,
        "ranked" => Color::Yellow,
        "excluded" => Color::Red,
        _ => Color::DarkGray,
    };
    Style::new().fg(c).add_modifier(Modifier::BOLD)
}

/// The lines above the events table: headline, verdict, path, neighbours,
/// merged ids.
fn summary(e: &Explanation) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut verdict = render::verdict(e);
    if let Some(n) = e.watch_seconds_to_enter_top10 {
        verdict.push_str(&format!(
            " Gap to #10: {n} more watch seconds ({}).",
            render::hours(n)
        ));
    }
    let mut lines = vec![
        Line::styled(render::headline(e), bold),
        Line::styled(verdict, verdict_style(e)),
    ];
    let mut path = vec![Span::styled("Path  ", dim)];
    for (i, s) in e.path.iter().enumerate() {
        if i > 0 {
            path.push(Span::styled(" › ", dim));
        }
        path.push(Span::raw(format!("{} ", s.step)));
        path.push(Span::styled(s.count.to_string(), bold.fg(Color::Cyan)));
        if matches!(s.step, "quarantined" | "fact events" | "eligibility") && s.detail != "none" {
            path.push(Span::styled(format!(" ({})", s.detail), dim));
        }
    }
    lines.push(Line::from(path));
    let mut near = vec![Span::styled("Neighbours  ", dim)];
    if e.neighbours.is_empty() {
        near.push(Span::raw("none"));
    }
    for (i, n) in e.neighbours.iter().enumerate() {
        if i > 0 {
            near.push(Span::styled(" · ", dim));
        }
        near.push(Span::raw(format!(
            "#{} {} ({}): {} s, separated by {} {}{}",
            n.rank,
            format::truncate(n.title.as_deref().unwrap_or("(not in dim_shows)"), 24),
            n.position,
            format::thousands(n.total_watch_seconds),
            n.separated_by,
            if n.difference > 0 { "+" } else { "" },
            format::thousands(n.difference)
        )));
    }
    lines.push(Line::from(near));
    let merged = if e.merged_ids.is_empty() {
        "none".to_string()
    } else {
        e.merged_ids
            .iter()
            .map(|m| {
                format!(
                    "{} ({} hop{}, {} kept events)",
                    m.old_show_id,
                    m.hops,
                    if m.hops == 1 { "" } else { "s" },
                    m.kept_events
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    lines.push(Line::from(vec![
        Span::styled("Merged ids  ", dim),
        Span::raw(merged),
    ]));
    lines
}

/// Rows a wrapped line takes at `width`.
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let w = usize::from(width.max(1));
    lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(w) as u16)
        .sum()
}

/// The events table's columns: (name, width), as many as fit.
fn event_columns(width: u16) -> Vec<(&'static str, usize)> {
    let all = [
        ("status", 11),
        ("event_id", 15),
        ("watch_seconds", 13),
        ("ingestion_ts", 19),
        ("src", 11),
        ("user_id", 8),
        ("show_id", 8),
        ("src_file", 32),
        ("src_row", 7),
        ("reason", 26),
    ];
    let mut out = Vec::new();
    let mut used = 0;
    for (name, w) in all {
        if used + w + 1 > usize::from(width) && !out.is_empty() {
            break;
        }
        used += w + 1;
        out.push((name, w));
    }
    out
}

fn event_cell(t: &Table, row: usize, name: &str) -> String {
    match name {
        "ingestion_ts" => cell_text(t, row, name).chars().take(19).collect(),
        "reason" => match cell_text(t, row, "status").as_str() {
            "duplicate" => format!(
                "lost to {}:{}",
                cell_text(t, row, "winner_src_file"),
                cell_text(t, row, "winner_src_row")
            ),
            _ => cell_text(t, row, "reason"),
        },
        _ => cell_text(t, row, name),
    }
}

fn event_line(t: &Table, row: usize, cols: &[(&str, usize)]) -> Line<'static> {
    let status = cell_text(t, row, "status");
    let spans: Vec<Span> = cols
        .iter()
        .map(|(name, w)| {
            let v = format::truncate(&event_cell(t, row, name), *w);
            let text = if matches!(*name, "watch_seconds" | "user_id" | "show_id" | "src_row") {
                format!("{v:>w$} ")
            } else {
                format!("{v:<w$} ")
            };
            if *name == "status" {
                Span::styled(text, Style::new().fg(status_color(&status)))
            } else {
                Span::raw(text)
            }
        })
        .collect();
    Line::from(spans)
}

fn header_line(cols: &[(&str, usize)]) -> Line<'static> {
    let text: String = cols
        .iter()
        .map(|(name, w)| {
            let n = format::truncate(name, *w);
            if matches!(*name, "watch_seconds" | "user_id" | "show_id" | "src_row") {
                format!("{n:>w$} ")
            } else {
                format!("{n:<w$} ")
            }
        })
        .collect();
    Line::styled(text, Style::new().add_modifier(Modifier::BOLD))
}

fn lineage(app: &App, f: &mut Frame, r: Rect, v: &LineageView) {
    let key = v.key();
    let e = explanation(app, &key);
    let name = e
        .and_then(|e| e.title.clone())
        .unwrap_or_else(|| format!("show {}", v.show));
    if let (Some(e), true) = (e, v.versions) {
        return versions_view(f, r, e, v);
    }
    let counts = e
        .map(|e| {
            let t = &e.events_table;
            let n = |s: &str| {
                (0..t.rows.len())
                    .filter(|&i| cell_text(t, i, "status") == s)
                    .count()
            };
            format!(
                ": {} kept · {} duplicate · {} quarantined",
                n("kept"),
                n("duplicate"),
                n("quarantined")
            )
        })
        .unwrap_or_default();
    let mut title = format!(
        " Lineage · {} · {} · {} · sorted by {} ",
        format::truncate(&name, 24),
        v.country,
        v.date,
        v.sort.label()
    );
    if title.chars().count() + 4 > usize::from(r.width) {
        // The show is named in the headline: keep the sort in sight.
        title = format!(" Lineage · {} · sorted by {} ", v.date, v.sort.label());
    }
    let b = block(title);
    let inner = b.inner(r);
    f.render_widget(b, r);
    if panes::loaded_or_state(app, &key, f, inner).is_none() {
        return;
    }
    let Some(e) = e else { return };
    let top = summary(e);
    // The summary gives the events at least half of a short window.
    let top_h = wrapped_height(&top, inner.width)
        .min(inner.height.saturating_sub(3))
        .min(
            (inner.height / 2)
                .max(2)
                .max(inner.height.saturating_sub(16)),
        );
    let [head, rule, table] = Layout::vertical([
        Constraint::Length(top_h),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), head);
    let t = &e.events_table;
    f.render_widget(
        Paragraph::new(Line::styled(
            format::truncate(
                &format!(
                    "── Source events: {}{counts} · Enter: versions · o: sort ──{}",
                    crate::lineage::render::counted(t.rows.len() as i64, "raw row", "raw rows"),
                    "─".repeat(usize::from(rule.width))
                ),
                usize::from(rule.width),
            ),
            Style::new().fg(Color::DarkGray),
        )),
        rule,
    );
    let cols = event_columns(table.width);
    let mut lines = vec![header_line(&cols)];
    let visible = usize::from(table.height.saturating_sub(1));
    let rows = order(t, v.sort);
    let cursor = v.cursor.min(rows.len().saturating_sub(1));
    let offset = layout::scroll(cursor, 0, visible);
    for (i, &row) in rows.iter().enumerate().skip(offset).take(visible) {
        let mut line = event_line(t, row, &cols);
        if i == cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    if rows.is_empty() {
        lines.push(Line::styled(
            "No raw row: nothing of this show reached this country on this date.",
            Style::new().fg(Color::DarkGray),
        ));
    }
    f.render_widget(Paragraph::new(lines), table);
}

fn versions_view(f: &mut Frame, r: Rect, e: &Explanation, v: &LineageView) {
    let t = &e.events_table;
    let rows = order(t, v.sort);
    let Some(&row) = rows.get(v.cursor.min(rows.len().saturating_sub(1))) else {
        return;
    };
    let id = cell_text(t, row, "event_id");
    let vs = versions(t, row);
    let b = block(format!(
        " Versions of {} · {} raw row{} · Esc back ",
        if id.is_empty() {
            "a row without event_id"
        } else {
            &id
        },
        vs.len(),
        if vs.len() == 1 { "" } else { "s" }
    ));
    let dim = Style::new().fg(Color::DarkGray);
    let mut lines = vec![
        Line::styled(
            "SPEC §2.1: of the versions of an event, the latest ingestion_ts wins, then the greater src, then the greater watch_seconds.",
            dim,
        ),
        Line::raw(""),
    ];
    if id.is_empty() {
        lines.push(Line::raw(
            "This row has no event_id, so it has no other version: it is shown alone.",
        ));
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        format!(
            "{:<12}{:<27} {:<15} {:>13}  {}",
            "status", "ingestion_ts", "src", "watch_seconds", "verdict"
        ),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    for (i, why) in &vs {
        let status = cell_text(t, *i, "status");
        lines.push(Line::from(vec![
            Span::styled(
                format!("{status:<12}"),
                Style::new()
                    .fg(status_color(&status))
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(
                "{:<27} {:<15} {:>13}  ",
                cell_text(t, *i, "ingestion_ts"),
                cell_text(t, *i, "src"),
                cell_text(t, *i, "watch_seconds"),
            )),
            Span::styled(why.clone(), Style::new().add_modifier(Modifier::BOLD)),
        ]));
        lines.push(Line::styled(
            format!(
                "            {}:{} · user {} · show {} · event_ts {}",
                cell_text(t, *i, "src_file"),
                cell_text(t, *i, "src_row"),
                cell_text(t, *i, "user_id"),
                cell_text(t, *i, "show_id"),
                cell_text(t, *i, "event_ts"),
            ),
            dim,
        ));
    }
    let wrap_w = r.width.saturating_sub(2);
    let lines: Vec<Line<'static>> = lines
        .into_iter()
        .flat_map(|l| {
            // Long prose lines wrap by hand so that scrolling stays exact.
            let s: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if l.spans.len() == 1
                && !s.starts_with(' ')
                && s.chars().count() > usize::from(wrap_w)
                && wrap_w > 0
            {
                let style = l.spans[0].style;
                textwrap_words(&s, usize::from(wrap_w))
                    .into_iter()
                    .map(|p| Line::styled(p, style))
                    .collect::<Vec<_>>()
            } else {
                vec![l]
            }
        })
        .collect();
    scrolled(f, r, b, lines, v.scroll);
}

/// `s` split at spaces into lines of at most `w` characters.
fn textwrap_words(s: &str, w: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in s.split(' ') {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > w {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn why_not(app: &App, f: &mut Frame, r: Rect, v: &WhyNotView) {
    let b = block(format!(
        " Why not? · {} · {} · type a title, Enter explains ",
        v.country, v.date
    ));
    let inner = b.inner(r);
    f.render_widget(b, r);
    let [input, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
    f.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("title: ", Style::new().fg(Color::Yellow)),
                Span::raw(v.query.clone()),
                Span::styled("▏", Style::new().fg(Color::Yellow)),
            ]),
            Line::styled(
                "Enter: its rank and gap to #10, the rule that excluded it, or \"not watched\"",
                Style::new().fg(Color::DarkGray),
            ),
        ]),
        input,
    );
    if panes::loaded_or_state(app, &Key::ShowTitles, f, list).is_none() {
        return;
    }
    let Some(titles) = titles(app) else { return };
    let m = matches(titles, &v.query);
    if m.is_empty() {
        panes::note(f, list, "No title matches.");
        return;
    }
    let visible = usize::from(list.height);
    let cursor = v.cursor.min(m.len() - 1);
    let offset = layout::scroll(cursor, 0, visible);
    let lines: Vec<Line> = m
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, &ti)| {
            let (id, title) = &titles[ti];
            let line = Line::from(vec![
                Span::raw(format!("{title:<40} ")),
                Span::styled(id.to_string(), Style::new().fg(Color::DarkGray)),
            ]);
            if i == cursor {
                line.style(Style::new().add_modifier(Modifier::REVERSED))
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}

/// (rank, title, watch seconds) of a Top 10 table (`queries/top10.sql`).
fn ranked(t: &Table) -> Vec<(i64, i64, String, i64)> {
    (0..t.rows.len())
        .map(|i| {
            (
                cell_int(t, i, "rank").unwrap_or_default(),
                cell_int(t, i, "show_id").unwrap_or_default(),
                match cell_text(t, i, "title") {
                    s if s.is_empty() => format!("(show {})", cell_text(t, i, "show_id")),
                    s => s,
                },
                cell_int(t, i, "total_watch_seconds").unwrap_or_default(),
            )
        })
        .collect()
}

fn rank_text(r: Option<i64>) -> String {
    r.map_or("out".into(), |r| format!("#{r}"))
}

/// The changes window's lines.
pub fn changes_lines(c: &Changes, width: u16) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::raw(format!(
            "As published at {} UTC (06:00 {} the next morning), and now.",
            c.published_at.format("%Y-%m-%d %H:%M"),
            c.timezone
        )),
        Line::raw(""),
    ];
    let (p, n) = (ranked(&c.published_table), ranked(&c.now_table));
    let half = usize::from(width.saturating_sub(2) / 2).max(20);
    let tw = half.saturating_sub(16).max(4);
    let moved_ids: Vec<i64> = c.moved.iter().map(|m| m.show_id).collect();
    lines.push(Line::styled(
        format!("{:<half$}{}", "Published", "Now"),
        bold,
    ));
    let row = |x: Option<&(i64, i64, String, i64)>| -> (String, bool) {
        match x {
            Some((r, id, t, s)) => (
                format!(
                    "{r:>2} {:<tw$} {:>8} h",
                    format::truncate(t, tw),
                    format::hours(*s)
                ),
                moved_ids.contains(id),
            ),
            None => (String::new(), false),
        }
    };
    for i in 0..p.len().max(n.len()) {
        let (a, am) = row(p.get(i));
        let (b, bm) = row(n.get(i));
        let st = |m: bool| {
            if m {
                Style::new().fg(Color::Yellow)
            } else {
                Style::new()
            }
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{a:<half$}"), st(am)),
            Span::styled(b, st(bm)),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(note) = c.unmoved_note() {
        lines.push(Line::styled(note, Style::new().fg(Color::Green)));
    }
    for m in &c.moved {
        let delta = m.now_watch_seconds.unwrap_or(0) - m.published_watch_seconds.unwrap_or(0);
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} {}",
                    m.show_id,
                    m.title.as_deref().unwrap_or("(not in dim_shows)")
                ),
                bold.fg(Color::Yellow),
            ),
            Span::raw(format!(
                ": {} → {} ({:+} watch seconds)",
                rank_text(m.published_rank),
                rank_text(m.now_rank),
                delta
            )),
        ]));
        let t = &m.arrivals_table;
        if t.rows.is_empty() {
            lines.push(Line::styled(
                "  no row of its own arrived after publication: other shows moved past it or behind it",
                dim,
            ));
        } else {
            lines.push(Line::styled(
                format!(
                    "  {} arrived after publication:",
                    crate::lineage::render::counted(t.rows.len() as i64, "row", "rows")
                ),
                dim,
            ));
            let mut out = Vec::new();
            if t.write(crate::cli::Format::Table, &mut out).is_ok() {
                for (i, l) in String::from_utf8_lossy(&out).lines().enumerate() {
                    let style = if i == 0 { bold } else { Style::new() };
                    lines.push(Line::styled(format!("  {l}"), style));
                }
            }
        }
        lines.push(Line::raw(""));
    }
    lines
}

fn changes(app: &App, f: &mut Frame, r: Rect, v: &ChangesView) {
    let key = Key::Changes(v.date, v.country.clone());
    let moved = match app.loaded(&key).map(|l| &l.data) {
        Some(Data::Changes(c, _)) => format!(" · {} moved", c.moved.len()),
        _ => String::new(),
    };
    let b = block(format!(
        " Changes since publication · {} · {}{moved} ",
        v.country, v.date
    ));
    if app.loaded(&key).is_none() {
        let inner = b.inner(r);
        f.render_widget(b, r);
        panes::loaded_or_state(app, &key, f, inner);
        return;
    }
    let lines = match app.loaded(&key).map(|l| &l.data) {
        Some(Data::Changes(c, _)) => changes_lines(c, r.width),
        _ => Vec::new(),
    };
    scrolled(f, r, b, lines, v.scroll);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events() -> Table {
        let cols = [
            "status",
            "reason",
            "event_id",
            "watch_seconds",
            "src",
            "ingestion_ts",
        ];
        let row = |st: &str, id: Option<&str>, secs: i64, src: &str, ts: &str| {
            vec![
                Cell::Text(st.into()),
                Cell::Null,
                id.map_or(Cell::Null, |s| Cell::Text(s.into())),
                Cell::Int(secs),
                Cell::Text(src.into()),
                Cell::Text(ts.into()),
            ]
        };
        Table {
            columns: cols.map(String::from).to_vec(),
            rows: vec![
                row("kept", Some("a"), 10, "web", "2026-10-01 10:00:00"),
                row("duplicate", Some("a"), 30, "app", "2026-10-01 10:00:00"),
                row("duplicate", Some("a"), 50, "web", "2026-10-01 09:00:00"),
                row("kept", Some("b"), 20, "tv", "2026-10-01 08:00:00"),
                row("quarantined", None, 5, "tv", "2026-10-01 11:00:00"),
            ],
        }
    }

    #[test]
    fn sorting_cycles_and_orders() {
        let t = events();
        assert_eq!(order(&t, SortColumn::EventId), vec![0, 1, 2, 3, 4]);
        assert_eq!(order(&t, SortColumn::WatchSeconds), vec![2, 1, 3, 0, 4]);
        assert_eq!(order(&t, SortColumn::IngestionTs), vec![4, 0, 1, 2, 3]);
        assert_eq!(order(&t, SortColumn::Status), vec![0, 3, 1, 2, 4]);
        let mut s = SortColumn::default();
        for _ in 0..4 {
            s = s.next();
        }
        assert_eq!(s, SortColumn::EventId);
    }

    #[test]
    fn versions_follow_spec_2_1() {
        let t = events();
        let v = versions(&t, 2);
        assert_eq!(
            v.iter().map(|x| x.0).collect::<Vec<_>>(),
            vec![0, 1, 2],
            "{v:?}"
        );
        assert!(v[0].1.starts_with("won"));
        assert!(v[1].1.contains("smaller src"));
        assert!(v[2].1.contains("ingested earlier"));
        assert_eq!(versions(&t, 4).len(), 1, "a NULL event id is alone");
    }

    #[test]
    fn fuzzy_matches_titles() {
        let titles = vec![
            (1, "Bridge of Oslo".to_string()),
            (2, "The Bridge".to_string()),
            (3, "Summer of Seoul".to_string()),
        ];
        assert_eq!(matches(&titles, "").len(), 3);
        let m = matches(&titles, "oslo");
        assert_eq!(m, vec![0]);
        assert!(matches(&titles, "brdg").contains(&1));
    }
}
