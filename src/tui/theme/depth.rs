//! How many colours the terminal shows, read from `NO_COLOR`, `COLORTERM` and `TERM`, and
//! the nearest colour a smaller palette has for one of the theme's 24-bit colours.

use ratatui::style::{Color, Style};

/// The colours a terminal can show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Depth {
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    #[default]
    TrueColor,
    /// The xterm 256-colour palette (`TERM=*-256color`).
    Ansi256,
    /// The 16 ANSI colours (any other `TERM`).
    Ansi16,
    /// No colour: `NO_COLOR`, `TERM=dumb`, `TERM=*-mono` or no `TERM`.
    Mono,
}

impl Depth {
    /// The depth for these environment values (`None` when a variable is unset).
    pub fn from_vars(term: Option<&str>, colorterm: Option<&str>, no_color: Option<&str>) -> Depth {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Depth::Mono;
        }
        let term = term.unwrap_or("").to_ascii_lowercase();
        if term.is_empty() || term == "dumb" || term.contains("mono") || term.ends_with("-m") {
            return Depth::Mono;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" || term.contains("direct") {
            Depth::TrueColor
        } else if term.contains("256") {
            Depth::Ansi256
        } else {
            Depth::Ansi16
        }
    }

    /// The depth of this process's terminal.
    pub fn from_env() -> Depth {
        let var = |name| std::env::var(name).ok();
        Depth::from_vars(
            var("TERM").as_deref(),
            var("COLORTERM").as_deref(),
            var("NO_COLOR").as_deref(),
        )
    }

    /// `c` as this depth shows it (24-bit colours mapped to the nearest palette entry).
    pub fn colour(self, c: Color) -> Color {
        let Color::Rgb(r, g, b) = c else { return c };
        match self {
            Depth::TrueColor | Depth::Mono => c,
            Depth::Ansi256 => Color::Indexed(index_256(r, g, b)),
            Depth::Ansi16 => nearest_16(r, g, b),
        }
    }

    /// `s` with both its colours mapped.
    pub fn style(self, mut s: Style) -> Style {
        s.fg = s.fg.map(|c| self.colour(c));
        s.bg = s.bg.map(|c| self.colour(c));
        s
    }
}

/// The xterm-256 index nearest to a colour: the 6x6x6 cube or the 24-step grey ramp.
fn index_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| -> u8 {
        // Cube levels are 0, 95, 135, 175, 215, 255.
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            (v - 35) / 40
        }
    };
    let cube_value = |l: u8| if l == 0 { 0 } else { 55 + 40 * l };
    let (lr, lg, lb) = (level(r), level(g), level(b));
    let cube = 16 + 36 * lr + 6 * lg + lb;
    let grey_level = ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8;
    let grey_index = if grey_level < 8 {
        0
    } else {
        ((grey_level - 3) / 10).min(23)
    };
    let grey_value = 8 + 10 * grey_index;
    let dist = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    let cube_rgb = (cube_value(lr), cube_value(lg), cube_value(lb));
    if dist((grey_value, grey_value, grey_value)) < dist(cube_rgb) {
        232 + grey_index
    } else {
        cube
    }
}

/// The nearest of the 16 ANSI colours (by their usual xterm values).
fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    const ANSI: [(Color, (u8, u8, u8)); 16] = [
        (Color::Black, (0, 0, 0)),
        (Color::Red, (205, 0, 0)),
        (Color::Green, (0, 205, 0)),
        (Color::Yellow, (205, 205, 0)),
        (Color::Blue, (0, 0, 238)),
        (Color::Magenta, (205, 0, 205)),
        (Color::Cyan, (0, 205, 205)),
        (Color::Gray, (229, 229, 229)),
        (Color::DarkGray, (127, 127, 127)),
        (Color::LightRed, (255, 0, 0)),
        (Color::LightGreen, (0, 255, 0)),
        (Color::LightYellow, (255, 255, 0)),
        (Color::LightBlue, (92, 92, 255)),
        (Color::LightMagenta, (255, 0, 255)),
        (Color::LightCyan, (0, 255, 255)),
        (Color::White, (255, 255, 255)),
    ];
    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
    ANSI.iter()
        .min_by_key(|(_, (x, y, z))| d(*x, r) + d(*y, g) + d(*z, b))
        .map_or(Color::Reset, |(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_and_no_color_choose_the_depth() {
        let d = Depth::from_vars;
        assert_eq!(
            d(Some("xterm-256color"), Some("truecolor"), None),
            Depth::TrueColor
        );
        assert_eq!(d(Some("xterm-256color"), None, None), Depth::Ansi256);
        assert_eq!(d(Some("xterm"), None, None), Depth::Ansi16);
        assert_eq!(d(Some("linux"), None, None), Depth::Ansi16);
        assert_eq!(d(Some("dumb"), Some("truecolor"), None), Depth::Mono);
        assert_eq!(d(Some("xterm-mono"), None, None), Depth::Mono);
        assert_eq!(d(None, None, None), Depth::Mono);
        assert_eq!(
            d(Some("xterm-256color"), Some("truecolor"), Some("1")),
            Depth::Mono
        );
        assert_eq!(
            d(Some("xterm-256color"), None, Some("")),
            Depth::Ansi256,
            "an empty NO_COLOR does not count (no-color.org)"
        );
    }

    #[test]
    fn smaller_palettes_get_the_nearest_colour() {
        assert_eq!(
            Depth::Ansi256.colour(Color::Rgb(255, 0, 0)),
            Color::Indexed(196)
        );
        assert_eq!(
            Depth::Ansi256.colour(Color::Rgb(40, 44, 52)),
            Color::Indexed(236)
        );
        assert_eq!(Depth::Ansi16.colour(Color::Rgb(170, 40, 40)), Color::Red);
        assert_eq!(Depth::Ansi16.colour(Color::Rgb(46, 125, 50)), Color::Green);
        assert_eq!(
            Depth::Ansi16.colour(Color::Cyan),
            Color::Cyan,
            "named colours stay"
        );
    }
}
