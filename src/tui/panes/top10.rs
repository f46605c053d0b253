//! The Top 10 pane: rank, movement against the day before (▲2, ▼1, NEW, =),
//! title, genre, an originals badge, hours, viewers, views and the days in
//! the Top 10 over the last 30 days, for the selected date, country and
//! metric. A ranking other than the published one (by hours) says so in the
//! title. Columns are dropped, least important first, when the pane is
//! narrow.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, TableState};

use super::{block, loaded_or_state, note};
use crate::tui::app::App;
use crate::tui::data::{Data, Metric, Top10Row};
use crate::tui::format;

/// The columns the pane can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Rank,
    Move,
    Title,
    Genre,
    Orig,
    Hours,
    Viewers,
    Views,
    Days,
}

impl Col {
    fn header(self) -> &'static str {
        match self {
            Col::Rank => "#",
            Col::Move => "±",
            Col::Title => "Title",
            Col::Genre => "Genre",
            Col::Orig => "",
            Col::Hours => "Hours",
            Col::Viewers => "Viewers",
            Col::Views => "Views",
            Col::Days => "30d",
        }
    }

    /// Width, or the minimum width of the title.
    fn width(self) -> u16 {
        match self {
            Col::Rank => 2,
            Col::Move => 4,
            Col::Title => 14,
            Col::Genre => 12,
            Col::Orig => 4,
            Col::Hours => 9,
            Col::Viewers => 8,
            Col::Views => 8,
            Col::Days => 3,
        }
    }
}

/// The columns that fit in `width`, dropping the least useful first; the
/// column of the ranking's metric is always kept.
fn columns(width: u16, metric: Metric) -> Vec<Col> {
    let mut cols = vec![
        Col::Rank,
        Col::Move,
        Col::Title,
        Col::Genre,
        Col::Orig,
        Col::Hours,
        Col::Viewers,
        Col::Views,
        Col::Days,
    ];
    let keep = match metric {
        Metric::Hours => Col::Hours,
        Metric::Views => Col::Views,
        Metric::Viewers => Col::Viewers,
    };
    let drop_order = [
        Col::Views,
        Col::Genre,
        Col::Days,
        Col::Viewers,
        Col::Orig,
        Col::Hours,
    ];
    let total = |cols: &[Col]| -> u16 { cols.iter().map(|c| c.width() + 1).sum::<u16>() };
    for c in drop_order {
        if total(&cols) <= width {
            break;
        }
        if c != keep {
            cols.retain(|x| *x != c);
        }
    }
    cols
}

/// The movement cell: against the rank the day before.
fn movement(row: &Top10Row, has_prev_day: bool) -> Span<'static> {
    if !has_prev_day {
        return Span::raw("");
    }
    match row.prev_rank {
        Some(p) if p <= 10 && p == row.rank => Span::styled("=", Style::new().fg(Color::DarkGray)),
        Some(p) if p <= 10 && p > row.rank => {
            Span::styled(format!("▲{}", p - row.rank), Style::new().fg(Color::Green))
        }
        Some(p) if p <= 10 => {
            Span::styled(format!("▼{}", row.rank - p), Style::new().fg(Color::Red))
        }
        _ => Span::styled(
            "NEW",
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
    }
}

fn cell(col: Col, row: &Top10Row, has_prev_day: bool) -> Cell<'static> {
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    match col {
        Col::Rank => right(row.rank.to_string()),
        Col::Move => Cell::from(movement(row, has_prev_day)),
        Col::Title => match &row.title {
            Some(t) => Cell::from(t.clone()),
            None => Cell::from(Span::styled(
                format!("(show {})", row.show_id),
                Style::new()
                    .fg(Color::DarkGray)
                    .add_modifier(Modifier::ITALIC),
            )),
        },
        Col::Genre => Cell::from(row.genre.clone().unwrap_or_default()),
        Col::Orig => match row.is_original {
            Some(true) => Cell::from(Span::styled(
                "ORIG",
                Style::new()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(Modifier::BOLD),
            )),
            _ => Cell::from(""),
        },
        Col::Hours => right(format::hours(row.total_watch_seconds)),
        Col::Viewers => right(format::thousands(row.viewers)),
        Col::Views => right(row.views.map_or_else(|| "–".to_string(), format::decimal1)),
        Col::Days => right(row.days_in_top10_30d.to_string()),
    }
}

pub fn render(app: &App, f: &mut Frame, area: Rect, focused: bool) {
    let label = app.metric.label();
    let published = app.metric == Metric::Hours;
    let name = app
        .countries
        .all
        .iter()
        .find(|(c, _)| *c == app.country)
        .map_or(app.country.clone(), |(c, n)| {
            if n == c {
                c.clone()
            } else {
                format!("{c} {n}")
            }
        });
    let head = if focused {
        Span::styled(
            "Top 10",
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )
    } else {
        Span::styled("Top 10", Style::new().add_modifier(Modifier::BOLD))
    };
    let metric_span = if published {
        Span::raw(label)
    } else {
        Span::styled(
            label,
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        )
    };
    let title = Line::from(vec![
        Span::raw(" "),
        head,
        Span::raw(format!(" · {name} · {} ", app.date)),
    ]);
    let b = block(title, focused).title_bottom(Line::from(vec![
        Span::raw(" "),
        metric_span,
        Span::raw(" "),
    ]));
    let inner = b.inner(area);
    f.render_widget(b, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let Some(key) = app.pane_key(crate::tui::app::Pane::Top10) else {
        return;
    };
    let Some(loaded) = loaded_or_state(app, &key, f, inner) else {
        return;
    };
    let Data::Top10(rows) = &loaded.data else {
        return;
    };
    if rows.is_empty() {
        note(f, inner, "no ranked show on this date in this country");
        return;
    }
    let has_prev_day = app.date.pred_opt().is_some_and(|d| app.info.has_data(d));
    let cols = columns(inner.width, app.metric);
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|c| match c {
            Col::Title => Constraint::Fill(1),
            _ => Constraint::Length(c.width()),
        })
        .collect();
    let header = Row::new(cols.iter().map(|c| {
        let h = Line::from(c.header());
        let h = match c {
            Col::Rank | Col::Hours | Col::Viewers | Col::Views | Col::Days => h.right_aligned(),
            _ => h,
        };
        let metric_col = matches!(
            (c, app.metric),
            (Col::Hours, Metric::Hours)
                | (Col::Views, Metric::Views)
                | (Col::Viewers, Metric::Viewers)
        );
        if metric_col {
            Cell::from(h.underlined())
        } else {
            Cell::from(h)
        }
    }));
    let body: Vec<Row> = rows
        .iter()
        .map(|r| Row::new(cols.iter().map(|c| cell(*c, r, has_prev_day))))
        .collect();
    let state = TableState::new()
        .with_offset(app.top10_rows.offset)
        .with_selected(Some(app.top10_rows.cursor));
    super::draw_table(f, inner, header, body, widths, focused, state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_panes_keep_the_metric_column() {
        let wide = columns(200, Metric::Hours);
        assert_eq!(wide.len(), 9);
        let narrow = columns(40, Metric::Views);
        assert!(narrow.contains(&Col::Views));
        assert!(narrow.contains(&Col::Title));
        assert!(!narrow.contains(&Col::Genre));
        let narrow = columns(40, Metric::Hours);
        assert!(narrow.contains(&Col::Hours));
    }
}
