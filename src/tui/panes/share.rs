//! The originals share pane: SPEC §3 originals share (`queries/share.sql`)
//! of the selected country over every date, as a line chart with the
//! selected date marked and the day's figure above it. `g` adds the
//! all-country series: originals' watch time over all watch time of every
//! country (a ratio of sums, not an average of shares).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Paragraph};

use super::{block, loaded_or_state, note, title};
use crate::tui::app::{App, Pane};
use crate::tui::data::Data;
use crate::tui::format;

pub fn render(app: &App, f: &mut Frame, area: Rect, focused: bool) {
    let detail = if app.compare {
        format!("{} vs all countries", app.country)
    } else {
        app.country.clone()
    };
    let b = block(title("Originals share", detail, focused), focused);
    let inner = b.inner(area);
    f.render_widget(b, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let Some(key) = app.pane_key(Pane::Share) else {
        return;
    };
    let Some(loaded) = loaded_or_state(app, &key, f, inner) else {
        return;
    };
    let Data::Share(share) = &loaded.data else {
        return;
    };
    let series = share.country(&app.country);
    if share.dates.is_empty() || series.is_empty() {
        note(f, inner, "no watch time in this country");
        return;
    }

    // The day's figure, shortened to fit narrow panes.
    let sel = share.index(app.date);
    let wide = inner.width >= 44;
    let day = app.date.format(if wide { "%a %m-%d: " } else { "%m-%d " });
    let bold = |color| Style::new().fg(color).add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::raw(day.to_string())];
    match sel.and_then(|i| series.get(i)) {
        Some(c) => {
            spans.push(Span::styled(
                format!("{}%", format::decimal1(c.pct())),
                bold(Color::Cyan),
            ));
            if app.compare
                && let Some(all) = sel.and_then(|i| share.all.get(i))
            {
                spans.push(Span::raw(if wide { " · all countries " } else { " all " }));
                spans.push(Span::styled(
                    format!("{}%", format::decimal1(all.pct())),
                    bold(Color::Magenta),
                ));
            }
            let of = format!(" · of {} h", format::hours(c.total));
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            if used + of.chars().count() <= usize::from(inner.width) {
                spans.push(Span::raw(of));
            }
        }
        None => spans.push(Span::raw("no data")),
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)),
        Rect { height: 1, ..inner },
    );
    let chart_area = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    if chart_area.height < 3 || chart_area.width < 12 {
        return;
    }

    let points: Vec<(f64, f64)> = series
        .iter()
        .enumerate()
        .map(|(i, c)| (i as f64, c.pct()))
        .collect();
    let all: Vec<(f64, f64)> = share
        .all
        .iter()
        .enumerate()
        .map(|(i, c)| (i as f64, c.pct()))
        .collect();
    let shown = points
        .iter()
        .chain(if app.compare { all.iter() } else { [].iter() })
        .map(|p| p.1);
    let (lo, hi) = shown.fold((f64::MAX, f64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let lo = (((lo - 2.0) / 5.0).floor() * 5.0).max(0.0);
    let hi = (((hi + 2.0) / 5.0).ceil() * 5.0).min(100.0).max(lo + 5.0);
    let marker: Vec<(f64, f64)> = sel
        .map(|i| vec![(i as f64, lo), (i as f64, hi)])
        .unwrap_or_default();
    let n = share.dates.len();
    let x_max = if n > 1 { (n - 1) as f64 } else { 1.0 };

    let mut datasets = vec![
        // Unnamed, so the legend lists only the series.
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(Color::Yellow))
            .data(&marker),
    ];
    if app.compare {
        datasets.push(
            Dataset::default()
                .name("all countries")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Magenta))
                .data(&all),
        );
    }
    datasets.push(
        Dataset::default()
            .name(app.country.clone())
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(Color::Cyan))
            .data(&points),
    );
    let first = share.dates[0].format("%m-%d").to_string();
    let last = share.dates[n - 1].format("%m-%d").to_string();
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels([first, last])
                .style(Style::new().fg(Color::DarkGray)),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .labels([format!("{lo:.0}%"), format!("{hi:.0}%")])
                .style(Style::new().fg(Color::DarkGray)),
        )
        .legend_position(app.compare.then_some(LegendPosition::TopLeft))
        .hidden_legend_constraints((
            ratatui::layout::Constraint::Percentage(60),
            ratatui::layout::Constraint::Percentage(60),
        ));
    f.render_widget(chart, chart_area);
}
