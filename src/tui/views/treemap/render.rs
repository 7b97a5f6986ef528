//! Drawing the Treemap view: a breadcrumb line, then squarified tiles coloured by distribution
//! (or safety), labelled with name and size where they fit; the folded small items get
//! a visible tile of their own.

use crate::limits::human;
use crate::treemap::{Tile, TileKind};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

use crate::tui::text::{fit, put};
use crate::tui::views::{ColourBy, Focus, Props, Scope, TileItem, TreemapView};

/// Draws the breadcrumb and the tiles.
pub fn render(s: &TreemapView, p: &Props, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    put(
        buf,
        area.x,
        area.y,
        &breadcrumb(s, p, usize::from(area.width)),
        area.width,
        p.theme.heading,
    );
    if s.tiles.is_empty() {
        put(
            buf,
            area.x + 1,
            area.y + 1,
            "nothing to show here",
            area.width.saturating_sub(1),
            p.theme.dim,
        );
        return;
    }
    for (i, tile) in s.tiles.iter().enumerate() {
        render_tile(s, p, i, tile, buf);
    }
}

/// Where the map is, then (as room allows) the colouring, the measure and the keys; the
/// place is cut from the left so its end stays readable.
fn breadcrumb(s: &TreemapView, p: &Props, width: usize) -> String {
    let bundle = p.bundle;
    let place = match s.focus {
        Focus::Packages => "all packages".to_string(),
        Focus::Node(n, scope) => {
            let who = match scope {
                Scope::Dist(d) => bundle.dist(d).name.clone(),
                Scope::Unowned => "unowned files".into(),
                Scope::All => "all files".into(),
            };
            format!("{who} › {}", bundle.tree.path(n).display())
        }
    };
    let colour = match s.colour {
        ColourBy::Package => "colours by package",
        ColourBy::Safety => "by safety: green safe, yellow caution, red breaks, grey your call",
    };
    let mut tail = String::new();
    for part in [colour, p.measure.label(), "Enter zooms, Bksp out"] {
        let next = format!("{tail} · {part}");
        if place.chars().count() + next.chars().count() + 2 <= width {
            tail = next;
        } else if part == colour && s.colour == ColourBy::Safety {
            // The legend is long; the short form still says what the colours mean.
            let short = format!("{tail} · colours by safety (c)");
            if place.chars().count() + short.chars().count() + 2 <= width {
                tail = short;
            }
        }
    }
    let room = width.saturating_sub(tail.chars().count() + 1);
    format!(" {}{tail}", crate::tui::text::fit_left(&place, room))
}

fn cell_rect(tile: &Tile) -> Rect {
    let r = tile.rect;
    Rect::new(r.x, r.y, r.width, r.height)
}

fn render_tile(view: &TreemapView, p: &Props, i: usize, tile: &Tile, buf: &mut Buffer) {
    let rect = cell_rect(tile).intersection(buf.area);
    if rect.is_empty() {
        return;
    }
    let selected = i == view.selected;
    let (label, size, style) = tile_text(view, p, i, tile);
    buf.set_style(rect, style);
    for y in rect.y..rect.bottom() {
        for x in rect.x..rect.right() {
            buf[(x, y)].set_symbol(" ");
        }
    }
    if !p.theme.color {
        outline(rect, buf);
    }
    let framed = selected && rect.width >= 3 && rect.height >= 3;
    if framed {
        frame(rect, buf);
    }
    let text_style = if selected && !framed {
        style.add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else if selected {
        style.add_modifier(Modifier::BOLD)
    } else {
        style
    };
    // A column of padding on each side keeps neighbouring labels apart.
    let pad = u16::from(rect.width >= 4);
    let inner_x = rect.x + pad.max(u16::from(!p.theme.color && rect.width > 1));
    let w = rect.right().saturating_sub(inner_x + pad);
    // Below four columns a label is a stub ("fi…", "2…"): the colour and the status
    // line say what the tile is.
    if w < 4 {
        return;
    }
    let y = rect.y + u16::from(framed);
    let fitted = |t: &str| fit(t, usize::from(w));
    if rect.bottom() - y >= 2 {
        put(buf, inner_x, y, &fitted(&label), w, text_style);
        let size = if size.chars().count() > usize::from(w) {
            compact(&size)
        } else {
            size
        };
        put(buf, inner_x, y + 1, &fitted(&size), w, text_style);
    } else {
        let both = fitted(&format!("{label} {size}"));
        put(buf, inner_x, y, &both, w, text_style);
    }
}

/// Without colours, tiles are told apart by a line along their top and left edges.
fn outline(r: Rect, buf: &mut Buffer) {
    for x in r.x..r.right() {
        buf[(x, r.y)].set_symbol("─");
    }
    if r.x > 0 {
        for y in r.y..r.bottom() {
            buf[(r.x, y)].set_symbol("│");
        }
        buf[(r.x, r.y)].set_symbol("┌");
    }
}

/// "2.6 MB" as "2.6M", "117.4 MB" as "117M", for narrow tiles.
fn compact(size: &str) -> String {
    let Some((number, unit)) = size.split_once(' ') else {
        return size.to_string();
    };
    let number = match number.split_once('.') {
        Some((whole, _)) if whole.len() >= 2 => whole,
        _ => number,
    };
    format!("{number}{}", unit.chars().next().unwrap_or('B'))
}

/// Draws a heavy frame just inside a selected tile, keeping its colours.
fn frame(r: Rect, buf: &mut Buffer) {
    let (right, bottom) = (r.right() - 1, r.bottom() - 1);
    for x in r.x..=right {
        buf[(x, r.y)].set_symbol("━");
        buf[(x, bottom)].set_symbol("━");
    }
    for y in r.y..=bottom {
        buf[(r.x, y)].set_symbol("┃");
        buf[(right, y)].set_symbol("┃");
    }
    for (x, y, c) in [
        (r.x, r.y, "┏"),
        (right, r.y, "┓"),
        (r.x, bottom, "┗"),
        (right, bottom, "┛"),
    ] {
        buf[(x, y)].set_symbol(c);
    }
    for x in r.x..=right {
        for y in [r.y, bottom] {
            buf[(x, y)].modifier.insert(Modifier::BOLD);
        }
    }
}

/// Label, size text and style of a tile.
fn tile_text(s: &TreemapView, p: &Props, index: usize, tile: &Tile) -> (String, String, Style) {
    let theme = p.theme;
    let bundle = p.bundle;
    let id = match tile.kind {
        TileKind::Item(id) => id,
        TileKind::Rest { count, weight } => {
            return (
                format!("{count} small items"),
                human(weight),
                theme.rest_tile,
            );
        }
    };
    let info = s.items[id];
    let excluded = info.kept.files == 0 && info.full.files > 0;
    let (label, colour) = match info.item {
        TileItem::Dist(d) => (bundle.dist(d).name.clone(), Some(d)),
        TileItem::Unowned => ("(unowned files)".to_string(), None),
        TileItem::Node(n) => {
            let mut name = bundle.tree.display_name(n).into_owned();
            if bundle.tree.node(n).is_dir() {
                name.push('/');
            }
            let owner = match s.focus {
                Focus::Node(_, Scope::Dist(d)) => Some(d),
                _ => bundle.tree.node(n).owner(),
            };
            (name, owner)
        }
    };
    let style = if excluded {
        theme.excluded.bg(if theme.color {
            Color::Rgb(30, 30, 30)
        } else {
            Color::Reset
        })
    } else {
        match (s.colour, colour) {
            (ColourBy::Safety, _) => shade(theme.safety_tile(safety_of(p, info.item)), index),
            (ColourBy::Package, Some(d)) => shade(theme.tile(d.index()), index),
            (ColourBy::Package, None) => theme.rest_tile,
        }
    };
    let style = if theme.color {
        style
    } else {
        style.remove_modifier(Modifier::REVERSED)
    };
    (label, p.size_text(p.measure.of(&info.full)), style)
}

/// The safety level of excluding a tile's item (0 safe .. 3 unknown).
fn safety_of(p: &Props, item: TileItem) -> u8 {
    use crate::tui::safety::UNKNOWN;
    match item {
        TileItem::Node(n) => p
            .safety
            .and_then(|l| l.get(n.index()).copied())
            .unwrap_or(UNKNOWN),
        // A package others need breaks them when excluded; one the runtime provides is a
        // what-if; a top-level one is the user's call.
        TileItem::Dist(d) => {
            let provided = p
                .insight
                .is_some_and(|i| i.get(d).runtime_provided.is_some());
            let required = p.bundle.graph.required_by(d).next().is_some();
            match (provided, required) {
                (true, _) => 1,
                (false, true) => 2,
                (false, false) => UNKNOWN,
            }
        }
        TileItem::Unowned => 1,
    }
}

/// Darkens every other tile a little so neighbours of one colour stay apart (on 256 or
/// 16 colours, every other tile is bold instead).
fn shade(style: Style, index: usize) -> Style {
    if index.is_multiple_of(2) {
        return style;
    }
    match style.bg {
        Some(Color::Rgb(red, green, blue)) => {
            let darker = |c: u8| (u16::from(c) * 4 / 5) as u8;
            style.bg(Color::Rgb(darker(red), darker(green), darker(blue)))
        }
        _ => style.add_modifier(Modifier::BOLD),
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn compact_sizes_keep_one_decimal_only_below_ten() {
        assert_eq!(compact("2.6 MB"), "2.6M");
        assert_eq!(compact("117.4 MB"), "117M");
        assert_eq!(compact("983 KB"), "983K");
        assert_eq!(compact("12 B"), "12B");
    }
}
