//! Small text helpers: fitting to a width, bars, digit grouping, centred boxes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

pub use crate::limits::group;

/// `s` cut to `width` characters, ending in `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut t: String = s.chars().take(width - 1).collect();
    t.push('…');
    t
}

/// `s` cut in the middle to `width` characters, so names sharing a long prefix stay
/// distinct: `opentelemetry-i…-requests`.
pub fn fit_middle(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width < 8 {
        return fit(s, width);
    }
    let tail = (width - 1) / 2;
    let head = width - 1 - tail;
    let mut t: String = s.chars().take(head).collect();
    t.push('…');
    t.extend(s.chars().skip(n - tail));
    t
}

/// `s` cut to `width` characters from the left, starting with `…` when cut (for paths).
pub fn fit_left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut t = String::from("…");
    t.extend(s.chars().skip(n - (width - 1)));
    t
}

/// A bar of `width` cells filled to `fraction` (0..=1), with eighth-cell resolution.
pub fn bar(fraction: f64, width: usize) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let eighths = (fraction * width as f64 * 8.0).round() as usize;
    let full = eighths / 8;
    let mut s = "█".repeat(full.min(width));
    if full < width {
        s.push(EIGHTHS[eighths % 8]);
        s.push_str(&" ".repeat(width - full - 1));
    }
    s
}

/// `part` as a percentage of `whole`, one decimal (blank when `whole` is 0).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return String::new();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// The lines of a text pane on a screen `screen_width` columns wide: lines longer than
/// the widest pane are broken at spaces (continuations indented by two), so nothing a
/// pane says is cut off at 80 columns. Panes scroll over these lines.
pub fn pane_lines(lines: &[String], screen_width: u16) -> Vec<String> {
    // Borders and a column of padding each side.
    let width = usize::from(screen_width.saturating_sub(4));
    lines.iter().flat_map(|l| wrap(l, width)).collect()
}

/// Width of the help pane (at most the screen's) and of its key column.
pub const HELP_WIDTH: u16 = 78;
/// Width of the help pane's key column.
pub const HELP_KEYS: u16 = 16;

/// The help's (keys, what) rows on a screen `screen_width` wide: a description too long
/// for its column goes on in rows without keys, so help cuts nothing at 80 columns.
pub fn help_rows(lines: &[(String, &str)], screen_width: u16) -> Vec<(String, String)> {
    // Borders, the key column, a gap and a column of padding.
    let width = usize::from(HELP_WIDTH.min(screen_width).saturating_sub(HELP_KEYS + 5));
    let mut rows = Vec::with_capacity(lines.len());
    for (keys, what) in lines {
        for (i, part) in wrap(what, width).into_iter().enumerate() {
            let keys = if i == 0 { keys.clone() } else { String::new() };
            rows.push((keys, part));
        }
    }
    rows
}

/// `line` broken at spaces into pieces of at most `width` characters (at least 10), the
/// continuations indented by two; a word longer than that is broken where it must be.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = Vec::new();
    let mut rest = line;
    let mut indent = "";
    while indent.len() + rest.chars().count() > width {
        let room = width - indent.len();
        let cut: String = rest.chars().take(room + 1).collect();
        let at = cut
            .rfind(' ')
            .filter(|i| *i > 0)
            .unwrap_or_else(|| cut.char_indices().nth(room).map_or(cut.len(), |(i, _)| i));
        out.push(format!("{indent}{}", rest[..at].trim_end()));
        rest = rest[at..].trim_start();
        indent = "  ";
    }
    out.push(format!("{indent}{rest}"));
    out
}

/// A `width` x `height` rectangle centred in `area` (clipped to it).
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Writes `s` at (`x`, `y`), at most `width` cells, in `style`.
pub fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, width: u16, style: Style) {
    if width > 0 && buf.area.contains(ratatui::layout::Position { x, y }) {
        buf.set_stringn(x, y, s, usize::from(width), style);
    }
}

/// A one-line note at the top of an empty list (`area` is the list's rows).
pub fn put_note(buf: &mut Buffer, area: Rect, text: &str, style: Style) {
    put(
        buf,
        area.x + 1,
        area.y,
        text,
        area.width.saturating_sub(1),
        style,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn help_rows_continue_long_descriptions_without_keys() {
        let text = "item info ".repeat(10);
        let lines = vec![("i".to_string(), text.trim_end())];
        let rows = super::help_rows(&lines, 80);
        assert!(rows.len() > 1, "{rows:?}");
        assert_eq!(rows[0].0, "i");
        assert!(rows[1..].iter().all(|(k, w)| k.is_empty() && w.len() <= 57));
    }

    #[test]
    fn pane_lines_break_long_lines_at_spaces_and_indent_the_rest() {
        let lines = vec!["short".to_string(), "aaaa bbbb cccc dddd eeee".to_string()];
        let out = super::pane_lines(&lines, 18);
        assert_eq!(out, ["short", "aaaa bbbb cccc", "  dddd eeee"]);
        let word = vec!["x".repeat(30)];
        let out = super::pane_lines(&word, 14);
        assert_eq!(
            out,
            [
                "x".repeat(10),
                format!("  {}", "x".repeat(8)),
                format!("  {}", "x".repeat(8)),
                "  xxxx".to_string()
            ]
        );
    }

    use super::*;

    #[test]
    fn groups_digits_in_threes() {
        assert_eq!(group(481_273_060), "481,273,060");
        assert_eq!(group(999), "999");
        assert_eq!(group(0), "0");
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis_on_the_chosen_side() {
        assert_eq!(fit("kubernetes", 6), "kuber…");
        assert_eq!(fit("numpy", 6), "numpy");
        assert_eq!(fit_left("/tmp/l/numpy/core", 8), "…py/core");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn bars_fill_in_eighths_and_keep_their_width() {
        assert_eq!(bar(0.5, 4), "██  ");
        assert_eq!(bar(1.0, 3), "███");
        assert_eq!(bar(0.0625, 2), "▏ ");
        assert_eq!(bar(f64::NAN, 2), "  ");
        assert_eq!(bar(7.0, 2).chars().count(), 2);
    }

    #[test]
    fn percent_is_blank_for_an_empty_whole() {
        assert_eq!(percent(1, 4), "25.0%");
        assert_eq!(percent(1, 0), "");
    }

    #[test]
    fn centred_boxes_never_leave_the_area() {
        let r = centred(Rect::new(0, 0, 10, 5), 40, 3);
        assert_eq!(r, Rect::new(0, 1, 10, 3));
    }
}
