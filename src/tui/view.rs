//! Drawing one frame from the [`App`]: the header (with the quality
//! indicator), the five panes, the footer, and any window over them (help,
//! SQL, export prompt, quality, lineage); below the
//! minimum size, a message saying how large the window must be. Drawing
//! only reads state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::app::{App, Overlay, Pane};
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::{format, help, lineage, panes, quality, sql_popup};

/// Draw the whole frame.
pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let Some(a) = layout::areas(area) else {
        too_small(f, area);
        return;
    };
    header(app, f, a.header);
    panes::date::render(app, f, a.date, app.focus == Pane::Date);
    panes::country::render(app, f, a.country, app.focus == Pane::Country);
    panes::top10::render(app, f, a.top10, app.focus == Pane::Top10);
    panes::wow::render(app, f, a.wow, app.focus == Pane::Wow);
    panes::share::render(app, f, a.share, app.focus == Pane::Share);
    footer(app, f, a.footer);
    match app.overlay {
        Some(Overlay::Help { scroll }) => help::render(f, area, scroll),
        Some(Overlay::Sql { scroll }) => sql_popup::render(app, f, area, scroll),
        Some(Overlay::Export) => export_prompt(app, f, area),
        Some(Overlay::Quality) => quality::render(app, f, area),
        Some(Overlay::Window) => lineage::render(app, f, area),
        None => {}
    }
}

fn too_small(f: &mut Frame, area: Rect) {
    let text = format!(
        "top10 needs a window of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}. Enlarge it, or press q to quit.",
        area.width, area.height
    );
    let height = 3.min(area.height);
    let r = Rect {
        y: area.y + (area.height - height) / 2,
        height: area.height - (area.height - height) / 2,
        ..area
    };
    f.render_widget(
        Paragraph::new(text)
            .style(Style::new().fg(Color::Yellow))
            .centered()
            .wrap(Wrap { trim: true }),
        r,
    );
}

fn header(app: &App, f: &mut Frame, area: Rect) {
    let dates = match (app.info.dates.first(), app.info.dates.last()) {
        (Some(a), Some(b)) => format!("{a}..{b}"),
        _ => "no dates".into(),
    };
    let mut spans = vec![
        Span::styled(
            " top10 ",
            Style::new()
                .fg(Color::Black)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            " {} · {} · {dates} · {} countries",
            app.info.source,
            app.info.version,
            app.info.countries.len()
        )),
    ];
    if app.is_loading() {
        spans.push(Span::styled(
            format!("  {} querying…", format::spinner(app.ticks)),
            Style::new().fg(Color::Yellow),
        ));
    }
    // The quality indicator keeps its place at the right; the rest is cut.
    let badge = quality::indicator(app);
    let w = (badge.width() as u16).min(area.width);
    let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(w)]).areas(area);
    f.render_widget(Paragraph::new(Line::from(spans)), left);
    f.render_widget(Paragraph::new(Line::from(badge)), right);
}

fn footer(app: &App, f: &mut Frame, area: Rect) {
    let line = match &app.status {
        Some(msg) => Line::from(Span::styled(
            format!(" {msg}"),
            Style::new().fg(Color::Green),
        )),
        None => {
            let mut spans = vec![Span::raw(" ")];
            let mut keys = help::footer_keys(app);
            // On narrow terminals, drop the keys the help lists anyway,
            // keeping help and quit in sight.
            let width = |keys: &[(&str, &str)]| -> usize {
                1 + keys
                    .iter()
                    .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
                    .sum::<usize>()
            };
            for drop in ["e", "Tab", "d", "←→", "t"] {
                if width(&keys) <= usize::from(area.width) || keys.len() <= 4 {
                    break;
                }
                // The pane's first key stays.
                let first = keys[0].0;
                keys.retain(|(k, _)| *k != drop || *k == first);
            }
            for (k, what) in keys {
                spans.push(Span::styled(
                    k,
                    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
                ));
                spans.push(Span::styled(
                    format!(" {what}  "),
                    Style::new().fg(Color::Gray),
                ));
            }
            Line::from(spans)
        }
    };
    f.render_widget(Paragraph::new(line), area);
}

fn export_prompt(app: &App, f: &mut Frame, area: Rect) {
    let popup = layout::centered(area, 52, 5);
    let b = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Line::from(format!(" Export the {} pane ", app.focus.name())).centered());
    let text = vec![
        Line::from(vec![
            Span::styled(
                "c",
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Span::raw(" CSV   "),
            Span::styled(
                "j",
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Span::raw(" JSON   "),
            Span::styled(
                "Esc",
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Span::raw(" cancel"),
        ])
        .centered(),
        Line::from(Span::styled(
            format!("into {}", app.export_dir.display()),
            Style::new().fg(Color::DarkGray),
        ))
        .centered(),
    ];
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(text).block(b).wrap(Wrap { trim: true }),
        popup,
    );
}
