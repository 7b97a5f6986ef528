//! Drawing the Packages table: one row per distribution (and the unowned files) with version,
//! sizes, share, who requires it and whether it is kept.

use std::fmt::Write as _;

use crate::limits::human;
use crate::model::{DistId, Sizes};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::Screen;
use crate::tui::activity::Trend;
use crate::tui::reach::reached_share;
use crate::tui::text::{bar, fit, fit_middle, percent, put, put_note};
use crate::tui::views::{Measure, PackagesView, PkgColumn, PkgRow, Props, exclusion_level};

/// Column widths for a table `width` cells wide (0 means the column is hidden).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Widths {
    name: usize,
    version: usize,
    size: usize,
    /// Whether the retained column is shown (dropped first when names need room).
    retained: bool,
    /// Whether the zipped column is shown.
    zipped: bool,
    /// Whether the share percentage is shown.
    share: bool,
    /// The reached share (once the import graph is known).
    reached: usize,
    share_bar: usize,
    required_by: usize,
    status: usize,
}

impl Widths {
    /// Names get room first: at least `NAME_MIN` cells before the version shrinks, then
    /// the retained, share, reached and zipped columns go.
    fn for_width(width: usize, reach_known: bool) -> Widths {
        const NAME_MIN: usize = 18;
        let size = 9;
        // Room for "with kubernetes" (a dependency excluded with the package that needs
        // it) while names keep their minimum; else back to 14 cells first.
        let status = 16;
        let share_bar = if width >= 110 { 10 } else { 0 };
        let mut w = Widths {
            name: 0,
            version: 10,
            size,
            retained: true,
            zipped: true,
            share: true,
            reached: if reach_known { REACHED_W } else { 0 },
            share_bar,
            required_by: 0,
            status,
        };
        let steps: [fn(&mut Widths); 6] = [
            |w| w.version = 7,
            |w| w.share = false,
            |w| w.status = 14,
            |w| w.retained = false,
            |w| w.reached = 0,
            |w| w.zipped = false,
        ];
        for step in steps {
            if width.saturating_sub(w.fixed()) >= NAME_MIN {
                break;
            }
            step(&mut w);
        }
        // A later step may have freed more than the name needed: give back what fits.
        let gives: [fn(&mut Widths); 2] = [|w| w.status = 16, |w| w.share = true];
        for give in gives {
            let mut more = w;
            give(&mut more);
            if width.saturating_sub(more.fixed()) >= NAME_MIN {
                w = more;
            }
        }
        let rest = width.saturating_sub(w.fixed());
        (w.name, w.required_by) = if width >= 110 {
            let name = (rest / 2).clamp(NAME_MIN, 30);
            (name, rest.saturating_sub(name + 1))
        } else {
            (rest.max(8), 0)
        };
        w
    }

    /// Cells every column but the name and required-by takes, spaces included.
    fn fixed(&self) -> usize {
        let sizes = 1 + usize::from(self.zipped) + usize::from(self.retained);
        2 + self.version
            + 1
            + sizes * (self.size + 1)
            + if self.share { 7 } else { 0 }
            + if self.reached > 0 {
                self.reached + 1
            } else {
                0
            }
            + if self.share_bar > 0 {
                self.share_bar + 1
            } else {
                0
            }
            + self.status
            + 1
    }
}

/// Cells of the reached column: `100%`, `12%+30%` (reached at start-up + only lazily).
const REACHED_W: usize = 8;

/// The cells of one row, before styling.
struct RowText {
    name: String,
    version: String,
    bytes: u64,
    zipped: u64,
    retained: Option<u64>,
    /// Share of its bytes the entries reach (`62%`, `12%+30%` with the lazy share).
    reached: String,
    required_by: String,
    status: String,
}

/// Draws the heading and the visible rows.
pub fn render(view: &PackagesView, p: &Props, screen: &Screen, buf: &mut Buffer) {
    let rows = screen.packages_rows;
    let heading = Rect {
        y: rows.y.saturating_sub(1),
        height: u16::from(rows.y > screen.body.y),
        ..rows
    };
    let w = Widths::for_width(usize::from(rows.width), p.reach.ready().is_some());
    render_heading(view, p, &w, heading, buf);
    let total = first_size(p, &p.bundle.totals());
    let state = &view;
    if state.rows.is_empty() {
        let text = if p.scanning {
            "distributions appear when the scan ends; the Tree (2) grows as it runs"
        } else if state.filter.is_empty() {
            "no installed distributions found (no *.dist-info or *.egg-info)"
        } else {
            "no package matches the filter (Esc drops it)"
        };
        put_note(buf, rows, text, p.theme.dim);
        return;
    }
    for (line, i) in (state.list.offset..state.rows.len())
        .take(usize::from(rows.height))
        .enumerate()
    {
        let y = rows.y + line as u16;
        let (text, level) = row_text(p, state.rows[i]);
        let style = match (i == state.list.selected, level) {
            (true, _) => p.theme.selected,
            (false, 2) => p.theme.excluded,
            _ => Style::new(),
        };
        let (style, marker) = highlight(p, state.rows[i], style);
        buf.set_style(Rect::new(rows.x, y, rows.width, 1), style);
        render_row(
            p,
            &w,
            &text,
            total,
            Rect::new(rows.x, y, rows.width, 1),
            style,
            buf,
        );
        if let Some(marker) = marker {
            put(buf, rows.x, y, marker, 1, style);
        }
    }
}

/// Watch mode: a package that changed lately is coloured, and marked ▲ (appeared or
/// grew) or ▼ (shrank) in its first cell.
fn highlight(p: &Props, row: PkgRow, style: Style) -> (Style, Option<&'static str>) {
    let PkgRow::Dist(d) = row else {
        return (style, None);
    };
    let key = &p.bundle.dist(d).key;
    match p.activity.and_then(|a| a.trend(key)) {
        Some(Trend::Grew) => (style.patch(p.theme.grew), Some("▲")),
        Some(Trend::Shrank) => (style.patch(p.theme.shrank), Some("▼")),
        None => (style, None),
    }
}

fn render_heading(s: &PackagesView, p: &Props, w: &Widths, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let arrow = |c: PkgColumn| {
        if s.sort != c {
            ""
        } else if c.descends() != s.reversed {
            "▼"
        } else {
            "▲"
        }
    };
    let mut cells = vec![
        format!(
            " {:<n$}",
            format!("{}{}", PkgColumn::Name.title(), arrow(PkgColumn::Name)),
            n = w.name
        ),
        format!(
            "{:<n$}",
            format!(
                "{}{}",
                PkgColumn::Version.title(),
                arrow(PkgColumn::Version)
            ),
            n = w.version
        ),
    ];
    let shown = [
        (PkgColumn::Bytes, true),
        (PkgColumn::Zipped, w.zipped),
        (PkgColumn::Retained, w.retained),
    ];
    for c in shown.into_iter().filter_map(|(c, on)| on.then_some(c)) {
        let title = if c == PkgColumn::Bytes && p.measure == Measure::Disk {
            "disk"
        } else {
            c.title()
        };
        cells.push(format!(
            "{:>n$}",
            format!("{}{title}", arrow(c)),
            n = w.size
        ));
    }
    if w.share {
        cells.push(format!("{:>6}", "share"));
    }
    if w.reached > 0 {
        cells.push(format!("{:>n$}", "reached", n = w.reached));
    }
    if w.share_bar > 0 {
        cells.push(" ".repeat(w.share_bar));
    }
    if w.required_by > 0 {
        let t = format!(
            "{}{}",
            PkgColumn::RequiredBy.title(),
            arrow(PkgColumn::RequiredBy)
        );
        cells.push(format!("{t:<n$}", n = w.required_by));
    }
    cells.push(format!(
        "{}{}",
        PkgColumn::Status.title(),
        arrow(PkgColumn::Status)
    ));
    put(
        buf,
        area.x,
        area.y,
        &cells.join(" "),
        area.width,
        p.theme.heading,
    );
}

fn render_row(
    p: &Props,
    w: &Widths,
    t: &RowText,
    total: u64,
    area: Rect,
    style: Style,
    buf: &mut Buffer,
) {
    let size = |n: u64| human(n);
    let zipped = if t.zipped == 0 {
        "-".to_string()
    } else if p.zipping {
        // Files still being compressed add to it: a lower bound.
        format!("≥{}", size(t.zipped))
    } else {
        size(t.zipped)
    };
    let mut s = format!(
        " {:<nw$} {:<vw$} {:>sw$}",
        fit_middle(&t.name, w.name),
        fit(&t.version, w.version),
        size(t.bytes),
        nw = w.name,
        vw = w.version,
        sw = w.size,
    );
    if w.zipped {
        let _ = write!(s, " {zipped:>sw$}", sw = w.size);
    }
    if w.retained {
        let _ = write!(
            s,
            " {:>sw$}",
            t.retained.map_or("-".to_string(), size),
            sw = w.size
        );
    }
    if w.share {
        let _ = write!(s, " {:>6}", percent(t.bytes, total));
    }
    if w.reached > 0 {
        let _ = write!(s, " {:>n$}", fit(&t.reached, w.reached), n = w.reached);
    }
    let bar_x = area.x + s.chars().count() as u16 + 1;
    if w.share_bar > 0 {
        s.push_str(&" ".repeat(w.share_bar + 1));
    }
    if w.required_by > 0 {
        let _ = write!(
            s,
            " {:<n$}",
            fit(&t.required_by, w.required_by),
            n = w.required_by
        );
    }
    let _ = write!(s, " {}", fit(&t.status, w.status));
    put(buf, area.x, area.y, &s, area.width, style);
    if w.share_bar > 0 {
        let fraction = if total == 0 {
            0.0
        } else {
            t.bytes as f64 / total as f64
        };
        let bar_style = style.patch(p.theme.ok);
        put(
            buf,
            bar_x,
            area.y,
            &bar(fraction, w.share_bar),
            w.share_bar as u16,
            bar_style,
        );
    }
}

fn row_text(p: &Props, row: PkgRow) -> (RowText, u8) {
    let bundle = p.bundle;
    match row {
        PkgRow::Dist(d) => {
            let dist = bundle.dist(d);
            let level = exclusion_level(p, d);
            let by = p.required_by_names(d);
            let required_by = if by.is_empty() {
                "(top level)".to_string()
            } else {
                by.join(", ")
            };
            let copies = dist.installs.len();
            let name = if copies > 1 {
                format!("{} ×{copies}", dist.name)
            } else {
                dist.name.clone()
            };
            let text = RowText {
                name,
                version: dist.version.clone(),
                bytes: first_size(p, &dist.sizes),
                zipped: dist.sizes.zipped,
                retained: p.retained(d),
                reached: p
                    .reach
                    .dist_sizes(d)
                    .map_or_else(|| "-".into(), |s| reached_share(s, |z| p.measure.of(z))),
                required_by,
                status: status(p, d, level),
            };
            (text, level)
        }
        PkgRow::Unowned => {
            let (full, kept) = p.exclusions.unowned();
            let level = if kept == full {
                0
            } else if kept.files == 0 {
                2
            } else {
                1
            };
            let text = RowText {
                name: "(unowned files)".into(),
                version: String::new(),
                bytes: first_size(p, &full),
                zipped: full.zipped,
                retained: None,
                reached: p
                    .reach
                    .unowned_sizes()
                    .map_or_else(|| "-".into(), |s| reached_share(s, |z| p.measure.of(z))),
                required_by: "in no RECORD".into(),
                status: partly(level, full, kept, "excluded"),
            };
            (text, level)
        }
    }
}

/// The first size column: disk usage when `a` chose disk sizes, else apparent bytes (the
/// zipped column is beside it already).
fn first_size(p: &Props, s: &Sizes) -> u64 {
    if p.measure == Measure::Disk {
        s.disk
    } else {
        s.bytes
    }
}

/// "kept", "in runtime", "excluded", "with DIST" or "partly -12 MB", after "⚠ " when a
/// warning is about the package.
fn status(p: &Props, d: DistId, level: u8) -> String {
    let plain = plain_status(p, d, level);
    if p.exclusions.alerts().about_dist(d).is_some() {
        format!("⚠ {plain}")
    } else {
        plain
    }
}

fn plain_status(p: &Props, d: DistId, level: u8) -> String {
    if level == 0 && p.runtime_provided(d).is_some() {
        return "in runtime".into();
    }
    let key = &p.bundle.dist(d).key;
    let whole = match p.exclusions.dist_rule(d).and_then(|r| p.exclusions.rule(r)) {
        Some(rule) if crate::python::name::normalize(&rule.value) != *key => {
            format!("with {}", rule.value)
        }
        _ => "excluded".into(),
    };
    partly(
        level,
        p.bundle.dist(d).sizes,
        p.exclusions.dist_kept(p.bundle, d),
        &whole,
    )
}

fn partly(level: u8, full: Sizes, kept: Sizes, whole: &str) -> String {
    match level {
        0 => "kept".into(),
        2 => whole.into(),
        _ => format!("partly -{}", human(full.bytes.saturating_sub(kept.bytes))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_tables_drop_the_bar_and_required_by_but_keep_the_name() {
        let w = Widths::for_width(80, false);
        assert_eq!((w.share_bar, w.required_by), (0, 0));
        assert!(w.name >= 8);
        let wide = Widths::for_width(160, false);
        assert!(wide.share_bar > 0 && wide.required_by > 0);
    }

    #[test]
    fn names_get_room_before_the_version_and_retained_columns() {
        let w = Widths::for_width(70, false);
        assert!(w.name >= 18, "{w:?}");
        assert!(!w.retained && w.version < 10, "{w:?}");
        let w80 = Widths::for_width(80, false);
        assert!(w80.name >= 18 && w80.retained, "{w80:?}");
    }

    #[test]
    fn every_column_fits_the_width_it_is_given() {
        for (width, reach) in [60, 70, 80, 100, 120, 160, 200]
            .into_iter()
            .flat_map(|w| [(w, false), (w, true)])
        {
            let w = Widths::for_width(width, reach);
            let used = w.fixed()
                + w.name
                + if w.required_by > 0 {
                    w.required_by + 1
                } else {
                    0
                };
            assert!(used <= width, "{width}: {used} {w:?}");
        }
    }

    #[test]
    fn at_80_cells_the_status_column_holds_with_kubernetes_whole() {
        for reach in [false, true] {
            let w = Widths::for_width(80, reach);
            assert!(w.status > "with kubernetes".len() && w.name >= 18, "{w:?}");
        }
    }

    #[test]
    fn the_reached_column_shows_at_80_cells_once_the_graph_is_known() {
        let w = Widths::for_width(80, true);
        assert!(w.reached > 0 && w.name >= 18, "{w:?}");
        assert_eq!(Widths::for_width(80, false).reached, 0);
    }
}
