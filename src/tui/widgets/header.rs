//! The title bar: what is being explored (and whether it is the demo) and the view tabs.

use crate::limits::human;
use ratatui::buffer::Buffer;

use super::Screen;
use crate::tui::app::{App, Data};
use crate::tui::text::{fit_left, group, put};
use crate::tui::views::ViewId;

/// Writes `text` at `x` without running into the tabs at `end`; returns the next `x`.
fn left(
    buf: &mut Buffer,
    x: u16,
    end: u16,
    y: u16,
    text: &str,
    style: ratatui::style::Style,
) -> u16 {
    let w = end.saturating_sub(x).saturating_sub(1);
    put(buf, x, y, text, w, style);
    x.saturating_add(text.chars().count() as u16).min(end)
}

/// Writes a badge with [`left`], then the one-cell gap after it in the bar's `gap` style.
fn spaced(
    buf: &mut Buffer,
    x: u16,
    end: u16,
    y: u16,
    text: &str,
    style: ratatui::style::Style,
    gap: ratatui::style::Style,
) -> u16 {
    let x = left(buf, x, end, y, text, style);
    left(buf, x, end, y, " ", gap)
}

/// Draws the title bar.
pub fn render(app: &App, screen: &Screen, buf: &mut Buffer) {
    let area = screen.header;
    if area.height == 0 {
        return;
    }
    let theme = &app.theme;
    buf.set_style(area, theme.header);
    let tabs_x = screen.tabs.first().map_or(area.right(), |r| r.x);
    let mut x = area.x;
    let bold = theme.header.add_modifier(ratatui::style::Modifier::BOLD);
    x = left(buf, x, tabs_x, area.y, " heft ", bold);
    if let Some(a) = &app.activity {
        let badge = if a.gone { " STOPPED " } else { " WATCHING " };
        x = left(buf, x, tabs_x, area.y, badge, theme.badge);
        let note = match &app.data {
            Data::Live(live) if live.is_missing() => " (missing) ",
            Data::Live(live) if live.zip_pending() > 0 => " zipping… ",
            _ => " ",
        };
        x = left(buf, x, tabs_x, area.y, note, theme.header);
    }
    let alerts = app.exclusions.alerts().len();
    if alerts > 0 {
        let plural = if alerts == 1 { "" } else { "s" };
        let badge = format!(" ⚠ {alerts} warning{plural} ");
        x = spaced(buf, x, tabs_x, area.y, &badge, theme.alert, theme.header);
    }
    // Paths that could not be read make every figure a lower bound: always in sight.
    let unreadable = app.bundle().errors.len();
    if unreadable > 0 {
        let badge = format!(" ⚠ {unreadable} unreadable ");
        x = spaced(buf, x, tabs_x, area.y, &badge, theme.alert, theme.header);
    }
    if app.imports.is_analysing() {
        let note = if area.width < 100 {
            " imports… "
        } else {
            " imports: analysing… "
        };
        x = spaced(buf, x, tabs_x, area.y, note, theme.badge, theme.header);
    } else if let Some(entries) = app.imports.short_entries().filter(|_| area.width >= 100) {
        let note = format!("entries: {entries}  ");
        x = left(buf, x, tabs_x, area.y, &note, theme.header);
    }
    if app.info.demo {
        x = spaced(buf, x, tabs_x, area.y, " DEMO ", theme.badge, theme.header);
    }
    let t = app.exclusions.full(app.bundle().top);
    let totals = format!("{} files · {}", group(t.files), human(t.bytes));
    let room = usize::from(tabs_x.saturating_sub(x)).saturating_sub(totals.chars().count() + 3);
    x = left(
        buf,
        x,
        tabs_x,
        area.y,
        &fit_left(&app.info.label, room),
        theme.header,
    );
    left(buf, x, tabs_x, area.y, &format!("  {totals}"), theme.header);
    let short = area.width < 100;
    let active = app.view.index();
    for ((i, r), title) in screen.tabs.iter().enumerate().zip(ViewId::TITLES) {
        let style = if i == active {
            theme.tab_active
        } else {
            theme.tab
        };
        let label = if short {
            format!(" {} ", i + 1)
        } else {
            crate::tui::layout::tab_label(i, title)
        };
        put(buf, r.x, r.y, &label, r.width, style);
    }
}
