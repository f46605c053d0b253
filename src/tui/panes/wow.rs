//! The week-over-week pane: SPEC §3 movers (`queries/wow.sql`) for the
//! selected date and country — the latest complete Monday–Sunday week ending
//! on or before the date against the week before — with each show's hours in
//! both weeks, the delta and the percent change, and a sparkline of its
//! daily hours over the fourteen days (`queries/tui_wow_daily.sql`; the
//! earlier week dim, the later bright).

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, TableState};

use super::{block, loaded_or_state, note, title};
use crate::tui::app::{App, Pane};
use crate::tui::data::{Data, WowRow};
use crate::tui::format;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Title,
    This,
    Prev,
    Delta,
    Pct,
    Spark,
}

impl Col {
    fn header(self) -> &'static str {
        match self {
            Col::Title => "Title",
            Col::This => "This wk h",
            Col::Prev => "Prev wk h",
            Col::Delta => "Δ h",
            Col::Pct => "Δ %",
            Col::Spark => "14 days",
        }
    }

    /// Wide enough for the header and for every row's value: a cell
    /// narrower than its text loses the text's first characters, and a
    /// percent change of +16,668.2% lost its sign.
    fn width(self, rows: &[WowRow]) -> u16 {
        let least = match self {
            Col::Title => 10,
            Col::This | Col::Prev => 9,
            Col::Delta => 8,
            Col::Pct => 9,
            Col::Spark => 14,
        };
        rows.iter()
            .filter_map(|r| number(self, r))
            .map(|t| t.chars().count() as u16)
            .fold(least, u16::max)
    }
}

/// The text of a numeric column's cell.
fn number(col: Col, row: &WowRow) -> Option<String> {
    match col {
        Col::This => Some(format::hours(row.this_week)),
        Col::Prev => Some(format::hours(row.prev_week)),
        Col::Delta => Some(format::signed_hours(row.delta)),
        Col::Pct => Some(format::pct_change(row.pct_change)),
        Col::Title | Col::Spark => None,
    }
}

fn columns(width: u16, rows: &[WowRow]) -> Vec<Col> {
    let mut cols = vec![
        Col::Title,
        Col::This,
        Col::Prev,
        Col::Delta,
        Col::Pct,
        Col::Spark,
    ];
    let total = |cols: &[Col]| -> u16 { cols.iter().map(|c| c.width(rows) + 1).sum::<u16>() };
    for c in [Col::Prev, Col::This, Col::Delta, Col::Spark] {
        if total(&cols) <= width {
            break;
        }
        cols.retain(|x| *x != c);
    }
    cols
}

fn cell(col: Col, row: &WowRow) -> Cell<'static> {
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    match col {
        Col::Title => Cell::from(
            row.title
                .clone()
                .unwrap_or_else(|| format!("(show {})", row.show_id)),
        ),
        Col::This | Col::Prev | Col::Delta => right(number(col, row).unwrap_or_default()),
        Col::Pct => {
            let color = match row.pct_change {
                None => Color::Cyan,
                Some(p) if p > 0.0 => Color::Green,
                Some(p) if p < 0.0 => Color::Red,
                Some(_) => Color::DarkGray,
            };
            Cell::from(
                Line::from(Span::styled(
                    number(col, row).unwrap_or_default(),
                    Style::new().fg(color),
                ))
                .right_aligned(),
            )
        }
        Col::Spark => {
            let s: Vec<char> = format::sparkline(&row.daily).chars().collect();
            let split = s.len().min(7);
            Cell::from(Line::from(vec![
                Span::styled(
                    s[..split].iter().collect::<String>(),
                    Style::new().fg(Color::DarkGray),
                ),
                Span::styled(
                    s[split..].iter().collect::<String>(),
                    Style::new().fg(Color::Cyan),
                ),
            ]))
        }
    }
}

pub fn render(app: &App, f: &mut Frame, area: Rect, focused: bool) {
    let key = app.pane_key(Pane::Wow);
    let week = key
        .as_ref()
        .and_then(|k| app.loaded(k))
        .and_then(|l| match &l.data {
            Data::Wow(w) => w.week_start,
            _ => None,
        });
    let detail = match week {
        Some(ws) => format!(
            "{} · week of {} vs {}",
            app.country,
            ws.format("%m-%d"),
            (ws - Duration::days(7)).format("%m-%d")
        ),
        None => format!("{} · {}", app.country, app.date),
    };
    let b = block(title("Week over week", detail, focused), focused);
    let inner = b.inner(area);
    f.render_widget(b, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let Some(key) = key else { return };
    let Some(loaded) = loaded_or_state(app, &key, f, inner) else {
        return;
    };
    let Data::Wow(w) = &loaded.data else { return };
    if w.rows.is_empty() {
        note(
            f,
            inner,
            "no complete week ends on or before this date with watch time here",
        );
        return;
    }
    let cols = columns(inner.width, &w.rows);
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|c| match c {
            Col::Title => Constraint::Fill(1),
            _ => Constraint::Length(c.width(&w.rows)),
        })
        .collect();
    let header = Row::new(cols.iter().map(|c| {
        let h = Line::from(c.header());
        Cell::from(if matches!(c, Col::Title | Col::Spark) {
            h
        } else {
            h.right_aligned()
        })
    }));
    let body: Vec<Row> = w
        .rows
        .iter()
        .map(|r| Row::new(cols.iter().map(|c| cell(*c, r))))
        .collect();
    let state = TableState::new()
        .with_offset(app.wow_rows.offset)
        .with_selected(focused.then_some(app.wow_rows.cursor));
    super::draw_table(f, inner, header, body, widths, focused, state);
}
