//! `s`: the SQL behind the focused pane — each query's file under
//! `queries/`, the values bound to its parameters, how long it took and how
//! many rows it returned, then its text. For demos and for learning: what is
//! shown is exactly what ran.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::app::{App, Pane};
use super::data::Key;
use super::layout;

/// The popup's lines for the focused pane.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let Some(key) = app.pane_key(app.focus) else {
        let (first, last) = (app.info.dates.first(), app.info.dates.last());
        return vec![
            Line::raw("The date pane runs no SQL: the dates with data come from the"),
            Line::raw(format!(
                "manifest of warehouse version {}, written by the build:",
                app.info.version
            )),
            Line::styled(
                app.info
                    .version_dir
                    .join("manifest.json")
                    .display()
                    .to_string(),
                dim,
            ),
            Line::raw(format!(
                "{} dates, {} to {}.",
                app.info.dates.len(),
                first.map_or("-".into(), |d| d.to_string()),
                last.map_or("-".into(), |d| d.to_string())
            )),
        ];
    };
    key_lines(app, &key)
}

/// The lines of the queries that answered `key`.
pub fn key_lines(app: &App, key: &Key) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let Some(loaded) = app.loaded(key) else {
        return vec![Line::raw(match app.errors.get(key) {
            Some(e) => format!("The query failed: {e}"),
            None => format!("Still loading {}…", key.describe()),
        })];
    };
    let mut out = Vec::new();
    for run in &loaded.runs {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::from(vec![
            Span::styled(
                format!("queries/{}.sql", run.sql.name),
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ),
            Span::raw(if run.elapsed.is_zero() {
                // Run inside a library call, timed as a whole.
                format!("  {} rows", run.rows)
            } else {
                format!(
                    "  ran in {:.1} ms, {} rows",
                    run.elapsed.as_secs_f64() * 1000.0,
                    run.rows
                )
            }),
        ]));
        let params: Vec<Span> = run
            .params
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                [
                    Span::styled(format!("  ${} = ", i + 1), dim),
                    Span::styled(p.clone(), Style::new().fg(Color::Yellow)),
                ]
            })
            .collect();
        out.push(Line::from(params));
        out.push(Line::raw(""));
        for l in run.sql.text.lines() {
            let style = if l.trim_start().starts_with("--") {
                dim
            } else {
                Style::new()
            };
            out.push(Line::from(Span::styled(l.to_string(), style)));
        }
    }
    out
}

pub fn render(app: &App, f: &mut Frame, area: Rect, scroll: u16) {
    let lines = lines(app);
    let popup = layout::centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(5),
    );
    let inner_h = popup.height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(inner_h);
    let pane = match app.focus {
        Pane::Date => "Date",
        Pane::Country => "Countries",
        Pane::Top10 => "Top 10",
        Pane::Wow => "Week over week",
        Pane::Share => "Originals share",
    };
    let b = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Line::from(format!(" SQL of the {pane} pane · ↑↓ scroll · Esc closes ")).centered());
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines)
            .block(b)
            .scroll((scroll.min(max_scroll), 0)),
        popup,
    );
}
