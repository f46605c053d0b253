//! Data quality of the selected date: the header's indicator (green when
//! every check passes, amber when one warns, red when one fails) and the
//! quality window (`d`): one row per check of `top10 check --date`, and on
//! Enter the rows behind a check (its offenders) or its details. The checks
//! run on the worker (`Key::Quality`) and are never recorded in
//! `pipeline_health` from here.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::app::App;
use super::data::{self, Data};
use super::{format, layout, panes, sql_popup};
use crate::checks::{Check, Status};
use crate::cli::Format;

/// How many checks passed, warned and failed.
pub fn counts(checks: &[Check]) -> (usize, usize, usize) {
    let n = |s: Status| checks.iter().filter(|c| c.status == s).count();
    (n(Status::Pass), n(Status::Warn), n(Status::Fail))
}

/// The colour of a status: green, amber, red.
pub fn color(s: Status) -> Color {
    match s {
        Status::Pass => Color::Green,
        Status::Warn => Color::Yellow,
        Status::Fail => Color::Red,
    }
}

/// The worst status of a run.
fn worst(checks: &[Check]) -> Status {
    let (_, warn, fail) = counts(checks);
    if fail > 0 {
        Status::Fail
    } else if warn > 0 {
        Status::Warn
    } else {
        Status::Pass
    }
}

fn count_text(checks: &[Check]) -> String {
    let (pass, warn, fail) = counts(checks);
    format!("{fail} fail · {warn} warn · {pass} pass")
}

/// The header's indicator for the selected date.
pub fn indicator(app: &App) -> Span<'static> {
    if let Some(checks) = app.checks() {
        return Span::styled(
            format!(" ● quality {} ", count_text(checks)),
            Style::new()
                .fg(Color::Black)
                .bg(color(worst(checks)))
                .add_modifier(Modifier::BOLD),
        );
    }
    if app.errors.contains_key(&app.quality_key()) {
        return Span::styled(
            " ● quality: checks failed to run (d) ",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
    }
    Span::styled(
        format!(" {} checking quality… ", format::spinner(app.ticks)),
        Style::new().fg(Color::Yellow),
    )
}

/// What the offenders view of `check` lists.
fn offenders_what(check: &str) -> &'static str {
    match check {
        "quarantine_rate" => {
            "the quarantined rows of the day by reason, most frequent reason first"
        }
        "referential_integrity" => {
            "the orphan ids of the day: users not in dim_users, shows not in dim_shows"
        }
        "completeness" => "the countries of dim_geo without a single aggregate row that day",
        _ => "the check's details, as `top10 check --format json` prints them",
    }
}

/// Draw the quality window over `area`.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let popup = layout::centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(5),
    );
    f.render_widget(Clear, popup);
    let q = &app.quality;
    match &q.offenders {
        Some(check) if q.sql => sql(app, f, popup, check),
        Some(check) => offenders(app, f, popup, check),
        None if q.sql => sql(app, f, popup, "the checks"),
        None => list(app, f, popup),
    }
}

fn block(title: String) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Line::from(title).centered())
}

/// Lines in a bordered window, scrolled; `wrap` for prose rather than
/// columns.
fn scrolled(
    f: &mut Frame,
    popup: Rect,
    b: Block<'static>,
    lines: Vec<Line<'static>>,
    scroll: u16,
    wrap: bool,
) {
    let inner_h = popup.height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(inner_h);
    let mut p = Paragraph::new(lines).block(b);
    if wrap {
        p = p.wrap(Wrap { trim: false });
    }
    f.render_widget(p.scroll((scroll.min(max_scroll), 0)), popup);
}

fn list(app: &App, f: &mut Frame, popup: Rect) {
    let counts = app.checks().map(count_text).unwrap_or_default();
    let b = block(format!(
        " Quality · {} · {counts} ",
        app.date.format("%a %Y-%m-%d")
    ));
    let inner = b.inner(popup);
    f.render_widget(b, popup);
    let key = app.quality_key();
    if panes::loaded_or_state(app, &key, f, inner).is_none() {
        return;
    }
    let Some(checks) = app.checks() else { return };
    let list_h = (checks.len() as u16 + 1).min(inner.height.saturating_sub(4).max(1));
    let [top, bottom] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(inner);
    let visible = usize::from(list_h.saturating_sub(1));
    let cursor = app.quality.cursor.min(checks.len().saturating_sub(1));
    let offset = layout::scroll(cursor, 0, visible);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::styled(
        format!("{:<6}{:<24}{:<10}details", "", "check", "severity"),
        bold,
    )];
    for (i, c) in checks.iter().enumerate().skip(offset).take(visible) {
        let name = match c.date {
            Some(_) => c.check.clone(),
            None => format!("{} (all)", c.check),
        };
        let mut line = Line::from(vec![
            Span::styled(
                format!("{:<4}", c.status.as_str().to_uppercase()),
                Style::new()
                    .fg(Color::Black)
                    .bg(color(c.status))
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("  {name:<24}{:<10}", c.severity.as_str())),
            Span::raw(c.summary.clone()),
        ]);
        if i == cursor {
            line = line.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), top);
    if let Some(c) = checks.get(cursor) {
        let text = vec![
            Line::styled(
                "─".repeat(usize::from(bottom.width)),
                Style::new().fg(Color::DarkGray),
            ),
            Line::from(vec![
                Span::styled(c.check.clone(), bold.fg(color(c.status))),
                Span::raw(format!(
                    " · {} · severity {}",
                    c.status.as_str(),
                    c.severity.as_str()
                )),
            ]),
            Line::raw(c.summary.clone()),
            Line::styled(
                format!("Enter: {}", offenders_what(&c.check)),
                Style::new().fg(Color::DarkGray),
            ),
        ];
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), bottom);
    }
}

fn offenders(app: &App, f: &mut Frame, popup: Rect, check: &str) {
    let date = app.date.format("%a %Y-%m-%d");
    let dim = Style::new().fg(Color::DarkGray);
    let Some(key) = app.offenders_key() else {
        // No query: the check's details, pretty-printed.
        let b = block(format!(" {check} · {date} · details "));
        let found = app
            .checks()
            .and_then(|c| c.iter().find(|c| c.check == check));
        let mut lines = vec![Line::styled(offenders_what(check).to_string(), dim)];
        match found {
            Some(c) => {
                lines.push(Line::raw(c.summary.clone()));
                lines.push(Line::raw(""));
                let json = serde_json::to_string_pretty(&c.details).unwrap_or_default();
                lines.extend(json.lines().map(|l| Line::raw(l.to_string())));
            }
            None => lines.push(Line::raw("The checks of this date are not loaded.")),
        }
        scrolled(f, popup, b, lines, app.quality.scroll, true);
        return;
    };
    let rows = match app.loaded(&key).map(|l| &l.data) {
        Some(Data::Offenders(t)) => format!(" · {} rows", t.rows.len()),
        _ => String::new(),
    };
    let b = block(format!(" Offenders of {check} · {date}{rows} "));
    let inner = b.inner(popup);
    if app.loaded(&key).is_none() {
        f.render_widget(b, popup);
        panes::loaded_or_state(app, &key, f, inner);
        return;
    }
    let mut lines = vec![Line::styled(offenders_what(check).to_string(), dim)];
    if let Some(Data::Offenders(t)) = app.loaded(&key).map(|l| &l.data) {
        if t.rows.is_empty() {
            lines.push(Line::raw("No rows: nothing to show on this date."));
        } else {
            let mut out = Vec::new();
            if t.write(Format::Table, &mut out).is_ok() {
                let text = String::from_utf8_lossy(&out);
                for (i, l) in text.lines().enumerate() {
                    let style = if i == 0 {
                        Style::new().add_modifier(Modifier::BOLD)
                    } else {
                        Style::new()
                    };
                    lines.push(Line::styled(l.to_string(), style));
                }
            }
        }
    }
    scrolled(f, popup, b, lines, app.quality.scroll, false);
}

fn sql(app: &App, f: &mut Frame, popup: Rect, what: &str) {
    let b = block(format!(" SQL of {what} "));
    let lines = match app.offenders_key() {
        Some(key) => sql_popup::key_lines(app, &key),
        None => vec![
            Line::raw(format!(
                "The checks are `top10 check --date {}` (not recorded in pipeline_health):",
                app.date
            )),
            Line::raw("each check's SQL is a queries/check_*.sql file with the date bound as $1."),
            Line::raw(match app.quality.offenders.as_deref() {
                Some(c) if data::offenders_sql(c).is_none() => {
                    "This view shows the check's details: it runs no query of its own."
                }
                _ => "Enter on a check, then s, shows the SQL of its offenders.",
            }),
        ],
    };
    scrolled(f, popup, b, lines, app.quality.scroll, false);
}
