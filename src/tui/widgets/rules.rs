//! The Rules view: every exclusion in force, with what it saves; Space or d removes one.

use crate::limits::human;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text::{fit, put};
use crate::tui::app::{App, RuleEntry};

/// Draws the heading and the exclusions.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let heading = format!(
        " {:<12} {:>10}  {}",
        "kind", "size", "what (Space/d: keep again)"
    );
    put(buf, area.x, area.y, &heading, area.width, app.theme.heading);
    let rows = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let entries = app.rule_entries();
    if entries.is_empty() {
        let text = "nothing excluded yet: Space excludes the selected item, x a package with its own dependencies";
        put(
            buf,
            rows.x + 1,
            rows.y,
            text,
            rows.width.saturating_sub(1),
            app.theme.dim,
        );
        return;
    }
    let bundle = app.bundle();
    for (line, i) in (app.rules.offset..entries.len())
        .take(usize::from(rows.height))
        .enumerate()
    {
        let y = rows.y + line as u16;
        let (kind, size, what) = match entries[i] {
            RuleEntry::Dist(d) => {
                let dist = bundle.dist(d);
                (
                    "package",
                    dist.sizes.bytes,
                    format!("{} {}", dist.name, dist.version),
                )
            }
            RuleEntry::Node(n) => {
                let kind = if bundle.tree.node(n).is_dir() {
                    "directory"
                } else {
                    "file"
                };
                (
                    kind,
                    app.cuts.full(n).bytes,
                    bundle.tree.path(n).display().to_string(),
                )
            }
        };
        let style = if i == app.rules.selected {
            app.theme.selected
        } else {
            Style::new()
        };
        buf.set_style(Rect::new(rows.x, y, rows.width, 1), style);
        let text = format!(
            " {kind:<12} {:>10}  {}",
            human(size),
            fit(&what, usize::from(rows.width).saturating_sub(27))
        );
        put(buf, rows.x, y, &text, rows.width, style);
    }
}
