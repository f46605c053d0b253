//! `?`: every key of the explorer, and the footer's short list of the keys
//! that matter in the focused pane. Both come from the tables here, which
//! follow the mapping in `event.rs`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::app::{App, Mode, Pane};
use super::layout;

/// Every key, by group: (keys, what they do).
pub const KEYS: &[(&str, &[(&str, &str)])] = &[
    (
        "Anywhere",
        &[
            ("Tab / Shift-Tab", "next / previous pane"),
            (
                "1 … 5",
                "focus date, countries, Top 10, week over week, share",
            ),
            ("← / →  (h / l)", "previous / next day"),
            ("[ / ]", "previous / next week"),
            ("PgUp / PgDn", "previous / next month"),
            ("t", "the latest date with data"),
            ("↑ / ↓  (k / j)", "move in the focused pane"),
            ("Home / End", "first / last row (or date)"),
            ("/", "filter countries (fuzzy, name or code)"),
            ("m", "rank the Top 10 by hours · views · viewers"),
            ("g", "compare the originals share with all countries"),
            ("s", "show the SQL behind the focused pane"),
            ("d", "data quality of the selected date"),
            (
                "w",
                "why not? a show's rank, gap to #10 or rule (fuzzy title)",
            ),
            ("c", "what changed in the Top 10 since publication"),
            (
                "e",
                "export the focused pane's rows (then c = CSV, j = JSON)",
            ),
            ("r", "retry what failed"),
            ("?", "this help"),
            ("Esc", "close a window, clear the filter"),
            ("q / Ctrl-C", "quit"),
        ],
    ),
    (
        "Date pane",
        &[
            ("↑ / ↓", "previous / next week"),
            ("click a day", "select it"),
        ],
    ),
    (
        "Countries pane",
        &[
            ("↑ / ↓", "move the cursor"),
            ("Enter", "select the country under the cursor"),
            ("/ then type", "filter; Enter selects, Esc clears"),
            ("click", "select a country"),
        ],
    ),
    (
        "Top 10 and week-over-week panes",
        &[
            ("↑ / ↓", "move the row cursor"),
            ("Enter", "the row's lineage: verdict, path, source events"),
        ],
    ),
    (
        "Share pane",
        &[
            ("↑ / ↓", "previous / next day"),
            ("g", "all-country comparison"),
        ],
    ),
    (
        "Mouse",
        &[
            ("click", "focus a pane and select a row or day"),
            ("wheel", "scroll the pane under the pointer"),
        ],
    ),
    (
        "Quality window (d)",
        &[
            ("↑ / ↓", "move between the checks"),
            ("Enter", "the check's offenders (or its details)"),
            ("← / →", "previous / next day"),
            ("s", "the offenders' SQL"),
            ("Esc", "back to the checks, then close"),
        ],
    ),
    (
        "Lineage window (Enter on a row)",
        &[
            ("↑ / ↓ / PgUp / PgDn", "move in the source events"),
            ("Home / End", "first / last event"),
            (
                "o",
                "sort by event_id · ingestion_ts · watch_seconds · status",
            ),
            ("Enter", "every raw version of the event, and which won"),
            ("s", "the SQL of lineage::explain, with parameters"),
            ("w / c", "why not? / changes since publication"),
            ("Esc", "back one level"),
        ],
    ),
    (
        "Why not? (w) and changes (c)",
        &[
            ("type", "fuzzy search by title; ↑/↓ choose"),
            ("Enter", "explain the show on the selected date and country"),
            ("↑ / ↓ / PgUp / PgDn", "scroll the changes"),
            ("s", "(changes) the SQL"),
            ("Esc", "back one level"),
        ],
    ),
    (
        "In this window and the SQL window",
        &[("↑ / ↓ / PgUp / PgDn", "scroll"), ("Esc", "close")],
    ),
];

/// The footer's keys for the focused pane and mode.
pub fn footer_keys(app: &App) -> Vec<(&'static str, &'static str)> {
    match app.mode() {
        Mode::Filter => vec![
            ("type", "filter"),
            ("↑↓", "move"),
            ("Enter", "select"),
            ("Esc", "clear"),
        ],
        Mode::Overlay => vec![("↑↓ PgUp PgDn", "scroll"), ("Esc", "close"), ("q", "quit")],
        Mode::ExportPrompt => vec![("c", "CSV"), ("j", "JSON"), ("Esc", "cancel")],
        Mode::Lineage if in_lineage_detail(app) => {
            vec![("↑↓ PgUp PgDn", "scroll"), ("Esc", "back"), ("q", "quit")]
        }
        Mode::Lineage => vec![
            ("↑↓", "event"),
            ("Enter", "versions"),
            ("o", "sort"),
            ("s", "SQL"),
            ("w", "why not?"),
            ("c", "changes"),
            ("Esc", "back"),
        ],
        Mode::WhyNot => vec![
            ("type", "title"),
            ("↑↓", "choose"),
            ("Enter", "explain"),
            ("Esc", "back"),
        ],
        Mode::Changes => vec![
            ("↑↓ PgUp PgDn", "scroll"),
            ("s", "SQL"),
            ("w", "why not?"),
            ("Esc", "back"),
            ("q", "quit"),
        ],
        Mode::Quality if app.quality.offenders.is_some() || app.quality.sql => vec![
            ("↑↓ PgUp PgDn", "scroll"),
            ("←→", "day"),
            ("s", "SQL"),
            ("Esc", "back"),
            ("q", "quit"),
        ],
        Mode::Quality => vec![
            ("↑↓", "check"),
            ("Enter", "offenders"),
            ("←→", "day"),
            ("Esc", "close"),
            ("q", "quit"),
        ],
        Mode::Normal => {
            let mut keys = match app.focus {
                Pane::Date => vec![
                    ("←→", "day"),
                    ("[ ]", "week"),
                    ("PgUp/Dn", "month"),
                    ("t", "latest"),
                ],
                Pane::Country => vec![("↑↓", "move"), ("Enter", "select"), ("/", "filter")],
                Pane::Top10 => vec![
                    ("↑↓", "row"),
                    ("Enter", "lineage"),
                    ("←→", "day"),
                    ("m", "metric"),
                ],
                Pane::Wow => vec![("↑↓", "row"), ("Enter", "lineage"), ("←→", "day")],
                Pane::Share => vec![("←→", "day"), ("g", "all countries")],
            };
            keys.extend([
                ("s", "SQL"),
                ("w", "why not"),
                ("c", "changes"),
                ("d", "quality"),
                ("e", "export"),
                ("Tab", "pane"),
                ("?", "help"),
                ("q", "quit"),
            ]);
            keys
        }
    }
}

/// Whether the lineage window shows an event's versions or its SQL.
fn in_lineage_detail(app: &App) -> bool {
    matches!(
        app.windows.last(),
        Some(super::lineage::Window::Lineage(v)) if v.versions || v.sql
    )
}

/// The help window's lines.
fn lines() -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (group, keys) in KEYS {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::from(Span::styled(
            *group,
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )));
        for (k, what) in *keys {
            out.push(Line::from(vec![
                Span::styled(format!("  {k:<22}"), Style::new().fg(Color::Yellow)),
                Span::raw(*what),
            ]));
        }
    }
    out
}

pub fn render(f: &mut Frame, area: Rect, scroll: u16) {
    let lines = lines();
    let popup = layout::centered(area, 84, lines.len() as u16 + 2);
    let inner_h = popup.height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(inner_h);
    let b = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Line::from(" Keys · ↑↓ scroll · Esc closes ").centered());
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines)
            .block(b)
            .scroll((scroll.min(max_scroll), 0)),
        popup,
    );
}
