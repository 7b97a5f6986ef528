//! Named styles for every part of the screen, in colour or (with `NO_COLOR`) in plain
//! modifiers only, so nothing depends on colour to be readable.

mod depth;

use ratatui::style::{Color, Modifier, Style};

pub use depth::Depth;

/// Tile colours for distributions, picked by distribution index.
const PALETTE: [Color; 12] = [
    Color::Rgb(52, 101, 164),
    Color::Rgb(78, 154, 6),
    Color::Rgb(196, 160, 0),
    Color::Rgb(117, 80, 123),
    Color::Rgb(206, 92, 0),
    Color::Rgb(6, 152, 154),
    Color::Rgb(143, 89, 2),
    Color::Rgb(164, 0, 0),
    Color::Rgb(85, 87, 83),
    Color::Rgb(32, 74, 135),
    Color::Rgb(78, 110, 60),
    Color::Rgb(135, 95, 135),
];

/// Every style the widgets use, by role.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Whether colours are used at all.
    pub color: bool,
    /// The terminal's colour depth: 24-bit colours are mapped to it.
    pub depth: Depth,
    /// Title bar.
    pub header: Style,
    /// The "DEMO" badge.
    pub badge: Style,
    /// The active view's tab.
    pub tab_active: Style,
    /// Other tabs.
    pub tab: Style,
    /// Column headings.
    pub heading: Style,
    /// The selected row or tile.
    pub selected: Style,
    /// Excluded items: dimmed and struck through.
    pub excluded: Style,
    /// Secondary text.
    pub dim: Style,
    /// Size bars and gauges within every limit.
    pub ok: Style,
    /// Gauges at 90 % or more of a limit.
    pub warn: Style,
    /// Gauges over a limit.
    pub over: Style,
    /// Key names in help and hints.
    pub key: Style,
    /// Dialog borders and titles.
    pub dialog: Style,
    /// Status-line messages.
    pub message: Style,
    /// Tiles of folded small items and unowned files.
    pub rest_tile: Style,
    /// Warnings: the header's count and a warned row's sign.
    pub alert: Style,
    /// Watch mode: a package that just appeared or grew.
    pub grew: Style,
    /// Watch mode: a package that just shrank.
    pub shrank: Style,
}

impl Theme {
    /// The theme for this terminal: `NO_COLOR` (non-empty), `TERM=dumb` or `*-mono` get
    /// no colour; otherwise colours are fitted to what `COLORTERM` and `TERM` promise.
    pub fn from_env() -> Theme {
        Theme::for_depth(Depth::from_env())
    }

    /// The theme for a colour depth.
    pub fn for_depth(depth: Depth) -> Theme {
        if depth == Depth::Mono {
            return Theme::mono();
        }
        let t = Theme::colour();
        let d = |s: Style| depth.style(s);
        Theme {
            color: true,
            depth,
            header: d(t.header),
            badge: d(t.badge),
            tab_active: d(t.tab_active),
            tab: d(t.tab),
            heading: d(t.heading),
            selected: d(t.selected),
            excluded: d(t.excluded),
            dim: d(t.dim),
            ok: d(t.ok),
            warn: d(t.warn),
            over: d(t.over),
            key: d(t.key),
            dialog: d(t.dialog),
            message: d(t.message),
            rest_tile: d(t.rest_tile),
            alert: d(t.alert),
            grew: d(t.grew),
            shrank: d(t.shrank),
        }
    }

    /// The colour theme.
    pub fn colour() -> Theme {
        let base = Style::new();
        Theme {
            color: true,
            depth: Depth::TrueColor,
            header: base.fg(Color::White).bg(Color::Rgb(40, 44, 52)),
            badge: base
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            tab_active: base
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            tab: base.fg(Color::Gray).bg(Color::Rgb(40, 44, 52)),
            heading: base.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: base.bg(Color::Rgb(60, 70, 90)).add_modifier(Modifier::BOLD),
            excluded: base
                .fg(Color::DarkGray)
                .add_modifier(Modifier::CROSSED_OUT | Modifier::DIM),
            dim: base.fg(Color::DarkGray),
            ok: base.fg(Color::Green),
            warn: base.fg(Color::Yellow),
            over: base.fg(Color::Red).add_modifier(Modifier::BOLD),
            key: base.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            dialog: base.fg(Color::Cyan),
            message: base.fg(Color::Yellow),
            rest_tile: base.fg(Color::White).bg(Color::Rgb(70, 70, 70)),
            alert: base
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            grew: base.fg(Color::LightGreen).add_modifier(Modifier::BOLD),
            shrank: base.fg(Color::LightMagenta).add_modifier(Modifier::BOLD),
        }
    }

    /// The monochrome theme: bold, dim, reverse and strike-through only.
    pub fn mono() -> Theme {
        let base = Style::new();
        Theme {
            color: false,
            depth: Depth::Mono,
            header: base.add_modifier(Modifier::REVERSED),
            badge: base.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            tab_active: base.add_modifier(Modifier::BOLD),
            tab: base.add_modifier(Modifier::REVERSED),
            heading: base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: base.add_modifier(Modifier::REVERSED),
            excluded: base.add_modifier(Modifier::CROSSED_OUT | Modifier::DIM),
            dim: base.add_modifier(Modifier::DIM),
            ok: base,
            warn: base.add_modifier(Modifier::BOLD),
            over: base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: base.add_modifier(Modifier::BOLD),
            dialog: base,
            message: base.add_modifier(Modifier::BOLD),
            rest_tile: base.add_modifier(Modifier::DIM),
            alert: base.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            grew: base.add_modifier(Modifier::BOLD),
            shrank: base.add_modifier(Modifier::BOLD | Modifier::ITALIC),
        }
    }

    /// The tile style of the distribution with index `i` (white text on its colour).
    pub fn tile(&self, i: usize) -> Style {
        if self.color {
            let bg = self.depth.colour(PALETTE[i % PALETTE.len()]);
            Style::new().fg(Color::White).bg(bg)
        } else {
            Style::new()
        }
    }

    /// The tile style for a safety level: 0 safe, 1 caution, 2 risky, 3 unknown.
    pub fn safety_tile(&self, level: u8) -> Style {
        if !self.color {
            return Style::new();
        }
        let bg = match level {
            0 => Color::Rgb(46, 125, 50),
            1 => Color::Rgb(180, 140, 0),
            2 => Color::Rgb(170, 40, 40),
            _ => Color::Rgb(80, 80, 90),
        };
        Style::new().fg(Color::White).bg(self.depth.colour(bg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mono_theme_uses_no_colour_anywhere() {
        let t = Theme::mono();
        for s in [
            t.header,
            t.selected,
            t.excluded,
            t.ok,
            t.warn,
            t.over,
            t.tile(3),
        ] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
    }

    #[test]
    fn a_256_or_16_colour_terminal_gets_no_24_bit_colour_anywhere() {
        for depth in [Depth::Ansi256, Depth::Ansi16] {
            let t = Theme::for_depth(depth);
            let styles = [
                t.header,
                t.tab,
                t.selected,
                t.rest_tile,
                t.tile(0),
                t.safety_tile(2),
            ];
            for s in styles {
                for c in [s.fg, s.bg].into_iter().flatten() {
                    assert!(!matches!(c, Color::Rgb(..)), "{depth:?}: {c:?}");
                }
            }
        }
        assert_eq!(Theme::for_depth(Depth::Mono), Theme::mono());
    }

    #[test]
    fn excluded_items_are_struck_through_in_both_themes() {
        for t in [Theme::colour(), Theme::mono()] {
            assert!(t.excluded.add_modifier.contains(Modifier::CROSSED_OUT));
        }
    }
}
