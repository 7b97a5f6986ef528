//! Selection and scroll of a list whose rows the app owns; rendering only reads it.

use crate::tui::keymap::Action;

/// Selected row and first visible row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    /// Index of the selected row.
    pub selected: usize,
    /// Index of the first row on screen.
    pub offset: usize,
}

impl ListState {
    /// Moves the selection by `delta` rows within `len`, then scrolls it into a view of `height` rows.
    pub fn move_by(&mut self, delta: isize, len: usize, height: usize) {
        let last = len.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.reveal(len, height);
    }

    /// Selects row `i` (clamped) and scrolls it into view.
    pub fn select(&mut self, i: usize, len: usize, height: usize) {
        self.selected = i.min(len.saturating_sub(1));
        self.reveal(len, height);
    }

    /// Scrolls by `delta` rows without moving past the ends, dragging the selection along
    /// when it would leave the view (mouse wheel).
    pub fn scroll_by(&mut self, delta: isize, len: usize, height: usize) {
        let max_offset = len.saturating_sub(height.max(1));
        self.offset = self.offset.saturating_add_signed(delta).min(max_offset);
        let bottom = self.offset + height.max(1) - 1;
        self.selected = self.selected.clamp(self.offset, bottom.max(self.offset));
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// Keeps the selection inside `len` rows and on screen.
    pub fn reveal(&mut self, len: usize, height: usize) {
        let height = height.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }

    /// The row under screen line `line` of the list (0 = first visible), if any.
    pub fn row_at(&self, line: usize, len: usize) -> Option<usize> {
        let i = self.offset + line;
        (i < len).then_some(i)
    }

    /// Moves for a movement key (↑ ↓, a page, Home, End) in a list of `len`
    /// rows showing `height`; false for any other action.
    pub fn on_move(&mut self, action: Action, len: usize, height: usize) -> bool {
        if let Some(delta) = super::step(action) {
            self.move_by(delta, len, height);
        } else if let Some(n) = super::pages(action) {
            self.move_by(super::page_step(n, height), len, height);
        } else {
            return false;
        }
        true
    }

    /// Selects the row clicked at (`x`, `y`) inside `rows` (the list's rectangle on
    /// screen); true when it was already selected (a second click opens it).
    pub fn click(&mut self, x: u16, y: u16, rows: ratatui::layout::Rect, len: usize) -> bool {
        if !rows.contains(ratatui::layout::Position { x, y }) {
            return false;
        }
        let Some(i) = self.row_at(usize::from(y - rows.y), len) else {
            return false;
        };
        let again = self.selected == i;
        self.selected = i;
        again
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_past_the_bottom_scrolls_the_view() {
        let mut s = ListState::default();
        s.move_by(7, 20, 5);
        assert_eq!((s.selected, s.offset), (7, 3));
    }

    #[test]
    fn moving_stops_at_both_ends() {
        let mut s = ListState::default();
        s.move_by(-3, 20, 5);
        assert_eq!(s.selected, 0);
        s.move_by(100, 20, 5);
        assert_eq!((s.selected, s.offset), (19, 15));
    }

    #[test]
    fn a_shrinking_list_pulls_the_selection_back_in() {
        let mut s = ListState {
            selected: 15,
            offset: 12,
        };
        s.reveal(4, 5);
        assert_eq!((s.selected, s.offset), (3, 0));
    }

    #[test]
    fn scrolling_drags_the_selection_along() {
        let mut s = ListState::default();
        s.scroll_by(3, 20, 5);
        assert_eq!((s.selected, s.offset), (3, 3));
        s.scroll_by(100, 20, 5);
        assert_eq!(s.offset, 15);
    }

    #[test]
    fn an_empty_list_selects_row_zero() {
        let mut s = ListState::default();
        s.move_by(1, 0, 5);
        assert_eq!((s.selected, s.offset), (0, 0));
        assert_eq!(s.row_at(0, 0), None);
    }
}
