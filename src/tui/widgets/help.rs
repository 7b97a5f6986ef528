//! Scrollable text panes: help (generated from the keymap's bindings) and the read-only
//! panes (item info, suggestions; long lines wrapped), each with its position and a
//! "more" marker.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::tui::app::App;
use crate::tui::app::pane_rows;
use crate::tui::text::{HELP_KEYS, HELP_WIDTH, centred, fit, help_rows, pane_lines, put};
use crate::tui::views::help_lines;

/// The bordered box of a pane of `total` lines and `width` columns, and its title: the
/// given one plus "lines 1-20 of 45 ↓" when it does not fit.
fn pane(
    app: &App,
    title: &str,
    total: usize,
    scroll: usize,
    width: u16,
    area: Rect,
    buf: &mut Buffer,
) -> Rect {
    let rows = pane_rows(total, area.height);
    let rect = centred(area, width, rows as u16 + 2);
    Clear.render(rect, buf);
    let mut title = title.to_string();
    if rows < total {
        let end = (scroll + rows).min(total);
        let more = match (scroll > 0, end < total) {
            (true, true) => "↑↓",
            (false, true) => "↓ more",
            (true, false) => "↑",
            (false, false) => "",
        };
        title = format!("{title}· {}-{end} of {total} {more} ", scroll + 1);
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(app.theme.dialog)
        .title(title);
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

/// Draws the help box over `area`, starting at row `scroll` (long descriptions wrapped).
pub fn render(app: &App, scroll: usize, area: Rect, buf: &mut Buffer) {
    let rows = help_rows(&help_lines(), area.width);
    let inner = pane(
        app,
        " keys · Esc closes ",
        rows.len(),
        scroll,
        HELP_WIDTH,
        area,
        buf,
    );
    let key_w = HELP_KEYS;
    for ((keys, what), y) in rows.iter().skip(scroll).zip(inner.y..inner.bottom()) {
        put(buf, inner.x + 1, y, keys, key_w, app.theme.key);
        let w = inner.width.saturating_sub(key_w + 2);
        put(
            buf,
            inner.x + key_w + 2,
            y,
            &fit(what, usize::from(w)),
            w,
            Style::new(),
        );
    }
}

/// Draws a read-only text pane.
pub fn render_text(
    app: &App,
    title: &str,
    lines: &[String],
    scroll: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let lines = pane_lines(lines, area.width);
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let width = (widest as u16 + 4).max(title.chars().count() as u16 + 24);
    let inner = pane(app, title, lines.len(), scroll, width, area, buf);
    for (line, y) in lines.iter().skip(scroll).zip(inner.y..inner.bottom()) {
        let w = inner.width.saturating_sub(1);
        put(
            buf,
            inner.x + 1,
            y,
            &fit(line, usize::from(w)),
            w,
            Style::new(),
        );
    }
}
