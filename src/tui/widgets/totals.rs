//! The totals bar above the status line (ncdu's and dua's bottom line): rows shown of how
//! many, the sort key and direction, the measure, the position in a long list, and what
//! the rules exclude as before / excluded / after, always in view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::limits::human;
use crate::tui::app::App;
use crate::tui::text::{percent, put};

/// Draws the bar.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let m = app.measure;
    let before = app.exclusions.full(app.bundle().top);
    let after = app.kept_totals();
    let (b, a) = (m.of(&before), m.of(&after));
    let excluded = b.saturating_sub(a);
    let (view, pos) = app.active().figures(&app.props());
    let sums = if app.exclusions.has_rules() {
        let share = if area.width >= 100 {
            format!(" ({})", percent(excluded, b).trim())
        } else {
            String::new()
        };
        format!(
            "before {} · excluded {}{share} · after {}",
            human(b),
            human(excluded),
            human(a)
        )
    } else {
        format!("{} total · nothing excluded", human(b))
    };
    // Parts in order of importance; each is added only if the line still fits, so a
    // narrow screen keeps the totals and the position.
    let measure = format!("{} sizes", m.label());
    let parts = [Some(view), pos, Some(measure)];
    let mut text = format!(" {sums}");
    for part in parts.into_iter().flatten() {
        let next = format!("{text} · {part}");
        if next.chars().count() <= usize::from(area.width) {
            text = next;
        }
    }
    buf.set_style(area, app.theme.dim);
    put(buf, area.x, area.y, &text, area.width, app.theme.dim);
}
