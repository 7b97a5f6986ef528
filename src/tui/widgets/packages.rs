//! The Packages table: one row per distribution (and the unowned files) with version,
//! sizes, share, who requires it and whether it is kept.

use std::fmt::Write as _;

use crate::limits::human;
use crate::model::{DistId, Sizes};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::Screen;
use super::text::{bar, fit, percent, put, put_note};
use crate::tui::activity::Trend;
use crate::tui::app::{App, PkgColumn, PkgRow, cut_level};

/// Column widths for a table `width` cells wide (0 means the column is hidden).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Widths {
    name: usize,
    version: usize,
    size: usize,
    share_bar: usize,
    required_by: usize,
    status: usize,
}

impl Widths {
    fn for_width(width: usize) -> Widths {
        // name, version, bytes, zipped, retained, share %, status, and one space each.
        let (version, size, status) = (10, 9, 14);
        let fixed = version + 3 * size + 6 + status + 7;
        let share_bar = if width >= 110 { 10 } else { 0 };
        let rest = width.saturating_sub(fixed + share_bar + usize::from(share_bar > 0));
        let (name, required_by) = if width >= 110 {
            let name = (rest / 2).clamp(16, 26);
            (name, rest.saturating_sub(name + 1))
        } else {
            (rest.max(8), 0)
        };
        Widths {
            name,
            version,
            size,
            share_bar,
            required_by,
            status,
        }
    }
}

/// The cells of one row, before styling.
struct RowText {
    name: String,
    version: String,
    bytes: u64,
    zipped: u64,
    retained: Option<u64>,
    required_by: String,
    status: String,
}

/// Draws the heading and the visible rows.
pub fn render(app: &App, screen: &Screen, buf: &mut Buffer) {
    let rows = screen.packages_rows;
    let heading = Rect {
        y: rows.y.saturating_sub(1),
        height: u16::from(rows.y > screen.body.y),
        ..rows
    };
    let w = Widths::for_width(usize::from(rows.width));
    render_heading(app, &w, heading, buf);
    let total = first_size(app, &app.bundle().totals());
    let state = &app.packages;
    if state.rows.is_empty() {
        let text = if app.data.is_scanning() {
            "distributions appear when the scan ends; the Tree (2) grows as it runs"
        } else if state.filter.is_empty() {
            "no installed distributions found (no *.dist-info or *.egg-info)"
        } else {
            "no package matches the filter (Esc drops it)"
        };
        put_note(buf, rows, text, app.theme.dim);
        return;
    }
    for (line, i) in (state.list.offset..state.rows.len())
        .take(usize::from(rows.height))
        .enumerate()
    {
        let y = rows.y + line as u16;
        let (text, level) = row_text(app, state.rows[i]);
        let style = match (i == state.list.selected, level) {
            (true, _) => app.theme.selected,
            (false, 2) => app.theme.excluded,
            _ => Style::new(),
        };
        let (style, marker) = highlight(app, state.rows[i], style);
        buf.set_style(Rect::new(rows.x, y, rows.width, 1), style);
        render_row(
            app,
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
fn highlight(app: &App, row: PkgRow, style: Style) -> (Style, Option<&'static str>) {
    let PkgRow::Dist(d) = row else {
        return (style, None);
    };
    let key = &app.bundle().dist(d).key;
    match app.activity.as_ref().and_then(|a| a.trend(key)) {
        Some(Trend::Grew) => (style.patch(app.theme.grew), Some("▲")),
        Some(Trend::Shrank) => (style.patch(app.theme.shrank), Some("▼")),
        None => (style, None),
    }
}

fn render_heading(app: &App, w: &Widths, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let s = &app.packages;
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
    for c in [PkgColumn::Bytes, PkgColumn::Zipped, PkgColumn::Retained] {
        let title = if c == PkgColumn::Bytes && app.measure == crate::tui::app::Measure::Disk {
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
    cells.push(format!("{:>6}", "share"));
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
        app.theme.heading,
    );
}

fn render_row(
    app: &App,
    w: &Widths,
    t: &RowText,
    total: u64,
    area: Rect,
    style: Style,
    buf: &mut Buffer,
) {
    let size = |n: u64| human(n);
    let mut s = format!(
        " {:<nw$} {:<vw$} {:>sw$} {:>sw$} {:>sw$} {:>6}",
        fit(&t.name, w.name),
        fit(&t.version, w.version),
        size(t.bytes),
        if t.zipped == 0 {
            "-".to_string()
        } else {
            size(t.zipped)
        },
        t.retained.map_or("-".to_string(), size),
        percent(t.bytes, total),
        nw = w.name,
        vw = w.version,
        sw = w.size,
    );
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
        let bar_style = style.patch(app.theme.ok);
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

fn row_text(app: &App, row: PkgRow) -> (RowText, u8) {
    let bundle = app.bundle();
    match row {
        PkgRow::Dist(d) => {
            let dist = bundle.dist(d);
            let ctx = app_ctx(app);
            let level = cut_level(&ctx, d);
            let mut by: Vec<&str> = bundle
                .graph
                .required_by(d)
                .map(|r| bundle.dist(r).name.as_str())
                .collect();
            by.sort_unstable();
            let required_by = if by.is_empty() {
                "(top level)".to_string()
            } else {
                by.join(", ")
            };
            let text = RowText {
                name: dist.name.clone(),
                version: dist.version.clone(),
                bytes: first_size(app, &dist.sizes),
                zipped: dist.sizes.zipped,
                retained: ctx.retained(d),
                required_by,
                status: status(&ctx, app, d, level),
            };
            (text, level)
        }
        PkgRow::Unowned => {
            let (full, kept) = app.cuts.unowned();
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
                bytes: first_size(app, &full),
                zipped: full.zipped,
                retained: None,
                required_by: "in no RECORD".into(),
                status: partly(level, full, kept, "excluded"),
            };
            (text, level)
        }
    }
}

/// The first size column: disk usage when `a` chose disk sizes, else apparent bytes (the
/// zipped column is beside it already).
fn first_size(app: &App, s: &Sizes) -> u64 {
    if app.measure == crate::tui::app::Measure::Disk {
        s.disk
    } else {
        s.bytes
    }
}

fn app_ctx(app: &App) -> crate::tui::app::Ctx<'_> {
    crate::tui::app::Ctx {
        bundle: app.bundle(),
        cuts: &app.cuts,
        measure: app.measure,
        scanning: app.data.is_scanning(),
        insight: app.insight.as_ref(),
    }
}

/// "kept", "in runtime", "excluded", "with DIST" or "partly -12 MB", after "⚠ " when a
/// warning is about the package.
fn status(ctx: &crate::tui::app::Ctx, app: &App, d: DistId, level: u8) -> String {
    let plain = plain_status(ctx, app, d, level);
    if app.cuts.alerts().about_dist(d).is_some() {
        format!("⚠ {plain}")
    } else {
        plain
    }
}

fn plain_status(ctx: &crate::tui::app::Ctx, app: &App, d: DistId, level: u8) -> String {
    if level == 0 && ctx.runtime_provided(d).is_some() {
        return "in runtime".into();
    }
    let key = &ctx.bundle.dist(d).key;
    let whole = match app.cuts.dist_rule(d).and_then(|r| app.cuts.rule(r)) {
        Some(rule) if crate::python::name::normalize(&rule.value) != *key => {
            format!("with {}", rule.value)
        }
        _ => "excluded".into(),
    };
    partly(
        level,
        ctx.bundle.dist(d).sizes,
        app.cuts.dist_kept(ctx.bundle, d),
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
        let w = Widths::for_width(80);
        assert_eq!((w.share_bar, w.required_by), (0, 0));
        assert!(w.name >= 8);
        let wide = Widths::for_width(160);
        assert!(wide.share_bar > 0 && wide.required_by > 0);
    }

    #[test]
    fn every_column_fits_the_width_it_is_given() {
        for width in [80, 100, 120, 160, 200] {
            let w = Widths::for_width(width);
            let used = 1
                + w.name
                + 1
                + w.version
                + 3 * (w.size + 1)
                + 7
                + w.share_bar
                + usize::from(w.share_bar > 0)
                + if w.required_by > 0 {
                    w.required_by + 1
                } else {
                    0
                }
                + 1
                + w.status;
            assert!(used <= width, "{width}: {used}");
        }
    }
}
