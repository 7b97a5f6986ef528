//! The help overlay: every key from the keymap's own table, scrollable.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::text::{centred, fit, put};
use crate::tui::app::App;
use crate::tui::keymap::HELP;

/// Draws the help box over `area`, starting at line `scroll`.
pub fn render(app: &App, scroll: usize, area: Rect, buf: &mut Buffer) {
    let height = (HELP.len() as u16 + 4).min(area.height);
    let rect = centred(area, 74, height);
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(app.theme.dialog)
        .title(" keys · any other key closes ");
    let inner = block.inner(rect);
    block.render(rect, buf);
    let key_w = 14u16;
    for ((keys, what), y) in HELP.iter().skip(scroll).zip(inner.y..inner.bottom()) {
        put(buf, inner.x + 1, y, keys, key_w, app.theme.key);
        let w = inner.width.saturating_sub(key_w + 2);
        put(
            buf,
            inner.x + key_w + 2,
            y,
            &fit(what, usize::from(w)),
            w,
            ratatui::style::Style::new(),
        );
    }
}
