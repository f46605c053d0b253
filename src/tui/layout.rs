//! Where each pane goes for a terminal size. One pure function, used both
//! by rendering and by `App::update` (mouse clicks, keeping the cursor row
//! visible), so what is drawn and what is clicked always agree.
//!
//! ```text
//! header ─────────────────────────────────────────────
//! ┌ Date ─────┐┌ Top 10 ─────────────────────────────┐
//! │ calendar  ││                                     │
//! ├ Countries ┤└─────────────────────────────────────┘
//! │           │┌ Week over week ────┐┌ Originals ────┐
//! │           ││                    ││               │
//! └───────────┘└────────────────────┘└───────────────┘
//! footer ─────────────────────────────────────────────
//! ```

use ratatui::layout::{Constraint, Layout, Margin, Rect};

/// The smallest terminal the explorer draws its panes in.
pub const MIN_WIDTH: u16 = 64;
pub const MIN_HEIGHT: u16 = 20;

/// Rows the date pane needs: a month title, the weekday header, six weeks
/// and its borders.
pub const DATE_HEIGHT: u16 = 10;

/// The rectangles of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub date: Rect,
    pub country: Rect,
    pub top10: Rect,
    pub wow: Rect,
    pub share: Rect,
    pub footer: Rect,
}

/// The panes' rectangles, or none when `area` is below the minimum size.
pub fn areas(area: Rect) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let left_width = if area.width >= 140 { 32 } else { 26 };
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(0)]).areas(body);
    let [date, country] =
        Layout::vertical([Constraint::Length(DATE_HEIGHT), Constraint::Min(0)]).areas(left);
    // Ten rows, a header and borders: the Top 10 keeps its 13 rows down to
    // the smallest size (the lower panes then have three rows inside).
    let top_height = 13.min(body.height.saturating_sub(5));
    let [top10, bottom] =
        Layout::vertical([Constraint::Length(top_height), Constraint::Min(0)]).areas(right);
    let [wow, share] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    Some(Areas {
        header,
        date,
        country,
        top10,
        wow,
        share,
        footer,
    })
}

/// The inside of a bordered pane.
pub fn inner(r: Rect) -> Rect {
    r.inner(Margin::new(1, 1))
}

/// A centered rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Whether (x, y) is inside `r`.
pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}

/// The first row to show so that `cursor` is visible in `height` rows,
/// moving `offset` as little as possible.
pub fn scroll(cursor: usize, offset: usize, height: usize) -> usize {
    if height == 0 {
        return cursor;
    }
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_tile_the_screen_at_common_sizes() {
        for (w, h) in [(64, 20), (80, 24), (120, 40), (160, 50), (300, 100)] {
            let a = areas(Rect::new(0, 0, w, h)).unwrap();
            assert_eq!(a.header.height, 1);
            assert_eq!(a.footer.y, h - 1);
            assert_eq!(a.date.height, DATE_HEIGHT);
            assert!(a.country.height >= 3, "{w}x{h}");
            assert!(a.wow.height >= 5, "{w}x{h}");
            assert_eq!(a.top10.height, 13, "{w}x{h}: ten rows, a header, borders");
            assert_eq!(a.top10.width, a.wow.width + a.share.width);
        }
        assert!(areas(Rect::new(0, 0, 63, 40)).is_none());
        assert!(areas(Rect::new(0, 0, 200, 19)).is_none());
    }

    #[test]
    fn scroll_keeps_the_cursor_visible() {
        assert_eq!(scroll(0, 0, 5), 0);
        assert_eq!(scroll(7, 0, 5), 3);
        assert_eq!(scroll(2, 3, 5), 2);
        assert_eq!(scroll(4, 3, 5), 3);
        assert_eq!(scroll(4, 0, 0), 4);
    }
}
