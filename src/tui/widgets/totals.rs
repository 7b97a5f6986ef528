//! The totals bar above the status line (ncdu's and dua's bottom line): rows shown of how
//! many, the sort key and direction, the measure, the position in a long list, and what
//! the rules exclude as before / excluded / after, always in view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::text::{percent, put};
use crate::limits::human;
use crate::tui::app::App;
use crate::tui::keymap::ViewId;

/// "kubernetes 3/9" style figures of the view shown: (rows, of total, sort, position).
fn view_figures(app: &App) -> (String, Option<String>) {
    let arrow = |descends: bool, reversed: bool| if descends == reversed { "▲" } else { "▼" };
    match app.view {
        ViewId::Packages => {
            let p = &app.packages;
            let all = app.bundle().dists.len() + 1;
            let shown = if p.filter.is_empty() {
                format!("{} packages", p.rows.len())
            } else {
                format!("{}/{} packages match", p.rows.len(), all)
            };
            let sort = format!(
                "sort {}{}",
                p.sort.title(),
                arrow(p.sort.descends(), p.reversed)
            );
            (
                format!("{shown} · {sort}"),
                position(p.list.selected, p.rows.len()),
            )
        }
        ViewId::Tree => {
            let t = &app.tree;
            let what = if t.filter.is_empty() {
                "items"
            } else {
                "matches"
            };
            let sort = format!(
                "sort {}{}",
                t.sort.title(),
                arrow(t.sort.descends(), t.reversed)
            );
            (
                format!("{} {what} · {sort}", t.rows.len()),
                position(t.list.selected, t.rows.len()),
            )
        }
        ViewId::Treemap => {
            let m = &app.treemap;
            (
                format!("{} tiles for {} items", m.tiles.len(), m.items.len()),
                None,
            )
        }
        ViewId::Rules => {
            let n = app.rule_count();
            let on = app
                .exclusions
                .exclusion()
                .map_or(0, |ex| (0..n).filter(|i| ex.is_enabled(*i)).count());
            (
                format!("{}, {on} on", crate::tui::app::count(n, "rule", "rules")),
                position(app.rules.selected, n),
            )
        }
    }
}

/// "row 3/120" when the list is long enough to scroll.
fn position(selected: usize, len: usize) -> Option<String> {
    (len > 0).then(|| format!("row {}/{len}", (selected + 1).min(len)))
}

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
    let (view, pos) = view_figures(app);
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
