//! Terminal events (crossterm keys, mouse, resizes) mapped to [`Action`]s.
//! The mapping depends only on the [`Mode`] (typing a filter, an overlay, the
//! export prompt), never on anything else, so every key is listed here and
//! in the help.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::{Action, Mode, Pane};
use super::export::ExportFormat;

/// The action of a terminal event, if any.
pub fn to_action(ev: &Event, mode: Mode) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(k, mode),
        Event::Mouse(m) => mouse(m),
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

fn mouse(m: &MouseEvent) -> Option<Action> {
    let (x, y) = (m.column, m.row);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { x, y }),
        MouseEventKind::ScrollDown => Some(Action::Wheel { x, y, down: true }),
        MouseEventKind::ScrollUp => Some(Action::Wheel { x, y, down: false }),
        _ => None,
    }
}

fn key(k: &KeyEvent, mode: Mode) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(k.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(Action::Quit);
    }
    if ctrl {
        return None;
    }
    match mode {
        Mode::Filter => filter_key(k),
        Mode::Overlay => overlay_key(k),
        Mode::ExportPrompt => export_key(k),
        Mode::Quality => quality_key(k),
        Mode::Lineage => lineage_key(k),
        Mode::WhyNot => why_not_key(k),
        Mode::Changes => changes_key(k),
        Mode::Normal => normal_key(k),
    }
}

fn filter_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char(c) => Action::FilterInput(c),
        KeyCode::Backspace => Action::FilterBackspace,
        KeyCode::Enter => Action::Enter,
        KeyCode::Esc => Action::Escape,
        KeyCode::Up => Action::Up,
        KeyCode::Down => Action::Down,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        _ => return None,
    })
}

fn overlay_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc | KeyCode::Enter => Action::Escape,
        KeyCode::Char('?') => Action::ShowHelp,
        KeyCode::Char('s') => Action::ShowSql,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        _ => return None,
    })
}

fn quality_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Escape,
        KeyCode::Enter => Action::Enter,
        KeyCode::Char('d') => Action::ShowQuality,
        KeyCode::Char('?') => Action::ShowHelp,
        KeyCode::Char('s') => Action::ShowSql,
        KeyCode::Char('r') => Action::Retry,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Left | KeyCode::Char('h') => Action::Day(-1),
        KeyCode::Right | KeyCode::Char('l') => Action::Day(1),
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        _ => return None,
    })
}

fn lineage_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char('o') => Action::CycleSort,
        KeyCode::Enter => Action::Enter,
        KeyCode::Home => Action::Home,
        KeyCode::End => Action::End,
        _ => return changes_key(k),
    })
}

fn changes_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Escape,
        KeyCode::Char('?') => Action::ShowHelp,
        KeyCode::Char('s') => Action::ShowSql,
        KeyCode::Char('r') => Action::Retry,
        KeyCode::Char('w') => Action::WhyNot,
        KeyCode::Char('c') => Action::ShowChanges,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Home => Action::Home,
        KeyCode::End => Action::End,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        _ => return None,
    })
}

fn why_not_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char(c) => Action::FilterInput(c),
        KeyCode::Backspace => Action::FilterBackspace,
        KeyCode::Enter => Action::Enter,
        KeyCode::Esc => Action::Escape,
        KeyCode::Up => Action::Up,
        KeyCode::Down => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        _ => return None,
    })
}

fn export_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char('c') => Action::Export(ExportFormat::Csv),
        KeyCode::Char('j') => Action::Export(ExportFormat::Json),
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc | KeyCode::Char('e') => Action::Escape,
        _ => return None,
    })
}

fn normal_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        KeyCode::Left | KeyCode::Char('h') => Action::Day(-1),
        KeyCode::Right | KeyCode::Char('l') => Action::Day(1),
        KeyCode::Char('[') => Action::Week(-1),
        KeyCode::Char(']') => Action::Week(1),
        KeyCode::PageUp => Action::Month(-1),
        KeyCode::PageDown => Action::Month(1),
        KeyCode::Char('t') => Action::Latest,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Home => Action::Home,
        KeyCode::End => Action::End,
        KeyCode::Enter => Action::Enter,
        KeyCode::Esc => Action::Escape,
        KeyCode::Char('/') => Action::StartFilter,
        KeyCode::Char('m') => Action::CycleMetric,
        KeyCode::Char('g') => Action::ToggleCompare,
        KeyCode::Char('s') => Action::ShowSql,
        KeyCode::Char('?') => Action::ShowHelp,
        KeyCode::Char('d') => Action::ShowQuality,
        KeyCode::Char('w') => Action::WhyNot,
        KeyCode::Char('c') => Action::ShowChanges,
        KeyCode::Char('e') => Action::StartExport,
        KeyCode::Char('r') => Action::Retry,
        KeyCode::Char('1') => Action::Focus(Pane::Date),
        KeyCode::Char('2') => Action::Focus(Pane::Country),
        KeyCode::Char('3') => Action::Focus(Pane::Top10),
        KeyCode::Char('4') => Action::Focus(Pane::Wow),
        KeyCode::Char('5') => Action::Focus(Pane::Share),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn q_quits_except_while_typing_a_filter() {
        assert_eq!(
            to_action(&press(KeyCode::Char('q')), Mode::Normal),
            Some(Action::Quit)
        );
        assert_eq!(
            to_action(&press(KeyCode::Char('q')), Mode::Filter),
            Some(Action::FilterInput('q'))
        );
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        for mode in [
            Mode::Normal,
            Mode::Filter,
            Mode::Overlay,
            Mode::ExportPrompt,
            Mode::Quality,
            Mode::Lineage,
            Mode::WhyNot,
            Mode::Changes,
        ] {
            assert_eq!(to_action(&ctrl_c, mode), Some(Action::Quit));
        }
    }

    #[test]
    fn date_keys() {
        assert_eq!(
            to_action(&press(KeyCode::Left), Mode::Normal),
            Some(Action::Day(-1))
        );
        assert_eq!(
            to_action(&press(KeyCode::Char(']')), Mode::Normal),
            Some(Action::Week(1))
        );
        assert_eq!(
            to_action(&press(KeyCode::PageUp), Mode::Normal),
            Some(Action::Month(-1))
        );
        assert_eq!(
            to_action(&press(KeyCode::PageUp), Mode::Overlay),
            Some(Action::PageUp)
        );
    }
}
