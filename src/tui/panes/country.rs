//! The country pane: every country of the warehouse with its name and how
//! many viewers it had on the selected date (the title says "viewers"; while
//! filtering it counts the matches instead). `●` marks the selected country,
//! the highlighted row is the cursor; `/` filters by a fuzzy match on the
//! name or code.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{block, title};
use crate::tui::app::App;
use crate::tui::format;

pub fn render(app: &App, f: &mut Frame, area: Rect, focused: bool) {
    let list = &app.countries;
    let detail = if list.filter.is_empty() {
        "viewers".to_string()
    } else {
        format!("{}/{}", list.view.len(), list.all.len())
    };
    let b = block(title("Countries", detail, focused), focused);
    let mut inner = b.inner(area);
    f.render_widget(b, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if list.shows_filter() {
        let cursor = if list.editing { "▏" } else { "" };
        let line = Line::from(vec![
            Span::styled("/ ", Style::new().fg(Color::Yellow)),
            Span::raw(format!("{}{cursor}", list.filter)),
        ]);
        f.render_widget(Paragraph::new(line), Rect { height: 1, ..inner });
        inner.y += 1;
        inner.height -= 1;
    }
    let viewers: Option<HashMap<&str, i64>> = app
        .country_rows()
        .map(|rows| rows.iter().map(|r| (r.code.as_str(), r.viewers)).collect());
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    for (pos, &i) in list
        .view
        .iter()
        .enumerate()
        .skip(list.offset)
        .take(usize::from(inner.height))
    {
        let (code, name) = &list.all[i];
        let selected = *code == app.country;
        let count = match &viewers {
            Some(v) => format::thousands(v.get(code.as_str()).copied().unwrap_or(0)),
            None => "…".to_string(),
        };
        let marker = if selected { "●" } else { " " };
        // marker, space, code, space, name, space, count
        let name_w = width.saturating_sub(2 + 3 + 1 + count.chars().count());
        let name = format::truncate(name, name_w);
        let pad = name_w.saturating_sub(name.chars().count());
        let text = format!("{marker} {code:<2} {name}{} {count}", " ".repeat(pad));
        let mut style = Style::new();
        if selected {
            style = style.fg(Color::Yellow).add_modifier(Modifier::BOLD);
        }
        if pos == list.cursor && focused {
            style = style.add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::from(Span::styled(
            format::truncate(&text, width),
            style,
        )));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "no country matches",
            Style::new().fg(Color::DarkGray),
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
