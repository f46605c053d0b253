//! One module per pane. Each `render` reads the [`App`] and draws into a
//! rectangle; none of them queries anything. The helpers here give every
//! pane the same border, focus highlight, and loading and error states.

pub mod country;
pub mod date;
pub mod share;
pub mod top10;
pub mod wow;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Row, Table, TableState, Wrap};

use super::app::App;
use super::data::{Key, Loaded};
use super::format;

/// The border of a pane: bold and coloured when focused.
pub fn block<'a>(title: Line<'a>, focused: bool) -> Block<'a> {
    let b = Block::bordered().title(title);
    if focused {
        b.border_type(BorderType::Thick)
            .border_style(Style::new().fg(Color::Cyan))
    } else {
        b.border_style(Style::new().fg(Color::DarkGray))
    }
}

/// Draw a pane's rows as a table with the common header style; the cursor
/// row is highlighted when the pane has focus.
pub fn draw_table<'a>(
    f: &mut Frame,
    area: Rect,
    header: Row<'a>,
    body: Vec<Row<'a>>,
    widths: Vec<Constraint>,
    focused: bool,
    state: TableState,
) {
    let highlight = if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new()
    };
    let header = header.style(
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
    );
    let table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(highlight);
    let mut state = state;
    f.render_stateful_widget(table, area, &mut state);
}

/// A pane title: the name, then details.
pub fn title<'a>(name: &'a str, detail: String, focused: bool) -> Line<'a> {
    let name = if focused {
        Span::styled(
            name,
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )
    } else {
        Span::styled(name, Style::new().add_modifier(Modifier::BOLD))
    };
    let mut spans = vec![Span::raw(" "), name];
    if !detail.is_empty() {
        spans.push(Span::raw(" · "));
        spans.push(Span::raw(detail));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The loaded data of `key`, or draws its loading or error state in
/// `inner` and returns none.
pub fn loaded_or_state<'a>(
    app: &'a App,
    key: &Key,
    f: &mut Frame,
    inner: Rect,
) -> Option<&'a Loaded> {
    if let Some(l) = app.loaded(key) {
        return Some(l);
    }
    let line = if let Some(err) = app.errors.get(key) {
        Line::from(vec![
            "error: ".red().bold(),
            Span::raw(err.clone()),
            " (r retries)".dark_gray(),
        ])
    } else {
        Line::from(vec![
            Span::styled(
                format!("{} ", format::spinner(app.ticks)),
                Style::new().fg(Color::Yellow),
            ),
            Span::raw(format!("loading {}…", key.describe())),
        ])
    };
    f.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), inner);
    None
}

/// A dim line of text, for empty states.
pub fn note(f: &mut Frame, inner: Rect, text: &str) {
    f.render_widget(
        Paragraph::new(text.to_string())
            .style(Style::new().fg(Color::DarkGray))
            .wrap(Wrap { trim: true }),
        inner,
    );
}
