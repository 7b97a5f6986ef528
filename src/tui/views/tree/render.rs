//! Drawing the Tree view: ncdu-style rows of size, percentage, bar, item count and name, with
//! excluded entries dimmed, struck through and labelled with what excluded them, and (once
//! the import graph is known) what the entries never import dimmed and marked `○ unreached`.

use crate::imports::Reach;
use crate::limits::human;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::exclusions::Reason;
use crate::tui::text::{bar, fit, fit_left, fit_middle, group, percent, put, put_note};
use ratatui::widgets::{Block, Borders, Widget};

use crate::tui::reach::ChainOf;
use crate::tui::views::{Props, Scope, TreeRow, TreeView, chain_lines};

const BAR: usize = 12;

/// Draws the heading (directory, totals, sort) and the visible rows.
pub fn render(s: &TreeView, p: &Props, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    render_heading(s, p, Rect { height: 1, ..area }, buf);
    let rows = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    if s.rows.is_empty() {
        let text = if s.filter.is_empty() {
            "empty directory"
        } else {
            "nothing below matches the filter (Esc drops it)"
        };
        put_note(buf, rows, text, p.theme.dim);
        return;
    }
    let whole = p.measure.of(&s.dir_sizes.0);
    for (line, i) in (s.list.offset..s.rows.len())
        .take(usize::from(rows.height))
        .enumerate()
    {
        let r = Rect::new(rows.x, rows.y + line as u16, rows.width, 1);
        render_row(s, p, &s.rows[i], whole, i == s.list.selected, r, buf);
    }
}

fn render_heading(s: &TreeView, p: &Props, area: Rect, buf: &mut Buffer) {
    let bundle = p.bundle;
    let scope = match s.scope {
        Scope::All => String::new(),
        Scope::Dist(d) => format!("[{}] ", bundle.dist(d).name),
        Scope::Unowned => "[unowned] ".into(),
    };
    let dir = bundle.tree.path(s.dir).display().to_string();
    // As in Packages: ▼ largest / Z first, ▲ smallest / A first.
    let order = if s.sort.descends() == s.reversed {
        "▲"
    } else {
        "▼"
    };
    let (full, kept) = s.dir_sizes;
    let m = p.measure;
    let excluded = m.of(&full).saturating_sub(m.of(&kept));
    let excluded = if excluded > 0 {
        format!(" (-{})", human(excluded))
    } else {
        String::new()
    };
    // A zip root holds bytes of its own (the archive on disk, its end record zipped) that
    // no row shows: say so, or the heading and the rows seem to disagree.
    let is_zip = bundle
        .roots
        .iter()
        .any(|r| r.node == s.dir && r.kind == crate::bundle::RootKind::Zip);
    let own = p.measure.of(&bundle.tree.node(s.dir).own);
    let own = if is_zip && own > 0 {
        format!(" ({} is the .zip itself)", human(own))
    } else {
        String::new()
    };
    let mut right = format!(
        "{}{own}{excluded} · {} · {}{order}",
        p.size_text(p.measure.of(&full)),
        crate::tui::views::count(
            usize::try_from(full.files).unwrap_or(usize::MAX),
            "file",
            "files"
        ),
        s.sort.title(),
    );
    if area.width >= 100 {
        right.push_str(" · ");
        right.push_str(p.measure.label());
        right.push_str(" sizes");
    }
    let room = usize::from(area.width)
        .saturating_sub(right.chars().count() + scope.chars().count() + 4)
        .max(8);
    let text = format!(" {scope}{}  {right}", fit_left(&dir, room));
    put(buf, area.x, area.y, &text, area.width, p.theme.heading);
}

fn render_row(
    view: &TreeView,
    p: &Props,
    row: &TreeRow,
    whole: u64,
    selected: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    let tree = &p.bundle.tree;
    let node = tree.node(row.id);
    let reason = p.exclusions.reason(row.id);
    let theme = p.theme;
    let unreached = p.reach.reach_of(row.id) == Some(Reach::Unreached);
    let base = if reason.is_excluded() {
        theme.excluded
    } else if unreached {
        // Nothing the entries import needs it: a candidate, shown as such.
        theme.dim
    } else {
        Style::new()
    };
    let style = if selected {
        base.patch(theme.selected)
    } else {
        base
    };
    buf.set_style(area, style);
    let (full, _) = view.sizes(p.exclusions, row);
    let size = p.measure.of(&full);
    let fraction = if whole == 0 {
        0.0
    } else {
        size as f64 / whole as f64
    };
    let items = if node.is_dir() {
        group(full.files)
    } else {
        String::new()
    };
    let mut name = view.label(tree, row);
    if node.is_dir() {
        name.push('/');
    }
    // Narrow screens drop the bar, then the item count, before a name loses a cell.
    let bar_w = if area.width >= 60 { BAR } else { 0 };
    let prefix = if area.width >= 45 {
        format!(" {:>9} {:>6} ", p.size_text(size), percent(size, whole))
    } else {
        format!(" {:>9} ", p.size_text(size))
    };
    let after_bar = if area.width >= 50 {
        format!(" {items:>7}  ")
    } else {
        String::new()
    };
    let remark = note(view, p, reason, row);
    let bar_cells = if bar_w > 0 { bar_w + 2 } else { 0 };
    let room = usize::from(area.width)
        .saturating_sub(prefix.chars().count() + bar_cells + after_bar.chars().count());
    let note_w = remark.chars().count().min(room / 2);
    let name = fit_middle(&name, room.saturating_sub(note_w + 1));
    let mut x = area.x;
    put(buf, x, area.y, &prefix, area.width, style);
    x += prefix.chars().count() as u16;
    let bar_style = if reason.is_excluded() {
        style
    } else {
        style.patch(theme.ok)
    };
    if bar_w > 0 {
        let room = area.right().saturating_sub(x);
        put(buf, x, area.y, "[", room, style);
        let room = area.right().saturating_sub(x + 1);
        put(buf, x + 1, area.y, &bar(fraction, bar_w), room, bar_style);
        let room = area.right().saturating_sub(x + 1 + bar_w as u16);
        put(buf, x + 1 + bar_w as u16, area.y, "]", room, style);
        x += bar_w as u16 + 2;
    }
    put(
        buf,
        x,
        area.y,
        &format!("{after_bar}{name}"),
        area.right().saturating_sub(x),
        style,
    );
    if note_w > 0 {
        let nx = area.right().saturating_sub(note_w as u16 + 1);
        let note_style = if selected { style } else { theme.dim };
        put(
            buf,
            nx,
            area.y,
            &fit(&remark, note_w),
            note_w as u16,
            note_style.remove_modifier(ratatui::style::Modifier::CROSSED_OUT),
        );
    }
}

/// Draws the import chain panel under the tree: how the entries reach the selected file
/// or directory (the module it is, or the package it lies in), `file:line` per link.
pub fn render_chain(s: &TreeView, p: &Props, area: Rect, buf: &mut Buffer) {
    let title = match p.reach.short_entries() {
        Some(e) => format!(" imports from {e} (w hides) "),
        None => " imports (w hides) ".into(),
    };
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(p.theme.dim)
        .title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = match s.selected() {
        Some(n) => chain_lines(p, ChainOf::Node(n), usize::from(inner.height)),
        None => Vec::new(),
    };
    if lines.is_empty() {
        lines.push("select a file or directory to see how the entries import it".into());
    }
    let width = inner.width.saturating_sub(1);
    for (i, (line, y)) in lines.iter().zip(inner.y..inner.bottom()).enumerate() {
        let style = if i == 0 {
            p.theme.heading
        } else {
            Style::new()
        };
        put(
            buf,
            inner.x + 1,
            y,
            &fit(line, usize::from(width)),
            width,
            style,
        );
    }
}

/// What excluded a row (or how much of it is excluded), after "⚠ " when a warning is
/// about it.
fn note(view: &TreeView, p: &Props, reason: Reason, row: &TreeRow) -> String {
    let plain = plain_note(view, p, reason, row);
    if p.exclusions.alerts().about_node(row.id).is_some() {
        format!("⚠ {plain}")
    } else {
        plain
    }
}

fn plain_note(view: &TreeView, p: &Props, reason: Reason, row: &TreeRow) -> String {
    match reason {
        Reason::Kept => {
            let (full, kept) = view.sizes(p.exclusions, row);
            let excluded = p.measure.of(&full).saturating_sub(p.measure.of(&kept));
            let reach = match p.reach.reach_of(row.id) {
                Some(Reach::Unreached) => "○ unreached",
                Some(Reach::Lazy) => "◐ lazy",
                _ => "",
            };
            match (excluded > 0, reach.is_empty()) {
                (true, true) => format!("-{} excluded inside", human(excluded)),
                (true, false) => format!("{reach} · -{} excluded inside", human(excluded)),
                (false, _) => reach.to_string(),
            }
        }
        Reason::Rule(r) => format!("✗ {}", p.rule_name(r)),
    }
}
