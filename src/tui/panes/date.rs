//! The date pane: a month calendar (weeks start on Monday, as the SPEC's
//! weeks do) of the selected date's month. Dates with data are bright, the
//! others dim, the selected one highlighted. [`hit`] maps a click to a date
//! with the same geometry the drawing uses.

use chrono::{Datelike, Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{block, title};
use crate::tui::app::App;

/// Width of the day grid: seven columns of three characters, less the last
/// space.
const GRID_WIDTH: u16 = 20;

/// The first day of `d`'s month and the Monday on or before it.
fn month_start(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).expect("day 1 exists");
    let back = i64::from(first.weekday().num_days_from_monday());
    (first, first - Duration::days(back))
}

/// Left edge of the grid in `inner`.
fn grid_x(inner: Rect) -> u16 {
    inner.x + inner.width.saturating_sub(GRID_WIDTH) / 2
}

/// The date of the calendar cell at (x, y), if it is a day of the shown
/// month.
pub fn hit(inner: Rect, selected: NaiveDate, x: u16, y: u16) -> Option<NaiveDate> {
    let gx = grid_x(inner);
    let top = inner.y + 2;
    if x < gx || y < top || x > gx + GRID_WIDTH || y >= inner.y + inner.height {
        return None;
    }
    let (col, row) = ((x - gx) / 3, y - top);
    if col > 6 || row > 5 {
        return None;
    }
    let (first, monday) = month_start(selected);
    let d = monday + Duration::days(i64::from(row) * 7 + i64::from(col));
    (d.month() == first.month()).then_some(d)
}

pub fn render(app: &App, f: &mut Frame, area: Rect, focused: bool) {
    let detail = app.date.format("%a %Y-%m-%d").to_string();
    let b = block(title("Date", detail, focused), focused);
    let inner = b.inner(area);
    f.render_widget(b, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let (first, monday) = month_start(app.date);
    let mut lines = vec![
        Line::from(Span::styled(
            first.format("%B %Y").to_string(),
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .alignment(Alignment::Center),
        Line::from(Span::styled(
            "Mo Tu We Th Fr Sa Su",
            Style::new().fg(Color::DarkGray),
        )),
    ];
    let latest = app.info.dates.last().copied();
    for week in 0..6 {
        let mut spans = Vec::new();
        let mut any = false;
        for day in 0..7 {
            let d = monday + Duration::days(week * 7 + day);
            let text = if d.month() == first.month() {
                any = true;
                format!("{:>2}", d.day())
            } else {
                "  ".to_string()
            };
            let mut style = if app.info.has_data(d) {
                Style::new().fg(Color::White)
            } else {
                Style::new().fg(Color::DarkGray)
            };
            if Some(d) == latest {
                style = style.add_modifier(Modifier::UNDERLINED);
            }
            if d == app.date {
                style = Style::new()
                    .fg(Color::Black)
                    .bg(Color::Yellow)
                    .add_modifier(Modifier::BOLD);
            }
            spans.push(Span::styled(text, style));
            if day < 6 {
                spans.push(Span::raw(" "));
            }
        }
        if any || week < 5 {
            lines.push(Line::from(spans));
        }
    }
    let grid = Rect {
        x: grid_x(inner),
        width: GRID_WIDTH.min(inner.width),
        ..inner
    };
    f.render_widget(Paragraph::new(lines), grid);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_map_to_days_of_the_month() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 11).unwrap();
        // October 2026 starts on a Thursday: column 3 of the first row.
        let inner = Rect::new(1, 1, 22, 8);
        let gx = grid_x(inner);
        assert_eq!(
            hit(inner, d, gx + 9, 3),
            NaiveDate::from_ymd_opt(2026, 10, 1)
        );
        assert_eq!(hit(inner, d, gx, 3), None); // 28 September: not this month
        assert_eq!(
            hit(inner, d, gx + 18, 4),
            NaiveDate::from_ymd_opt(2026, 10, 11)
        );
        assert_eq!(hit(inner, d, gx, 1), None); // the month title
    }
}
