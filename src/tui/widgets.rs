//! Drawing: the screen layout (shared with the app for scrolling and mouse hits) and
//! one module per part. Every widget reads state and never changes it.

mod activity;
mod chains;
mod dialogs;
mod gauge;
mod header;
mod help;
mod packages;
mod rules;
mod status;
mod text;
mod totals;
mod tree;
mod treemap;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

pub use gauge::{GaugeProps, GaugeRow};
pub use text::{bar, fit, fit_middle, group};

use super::app::{App, Overlay};
use super::keymap::ViewId;

/// Where everything goes on a screen of a given size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Screen {
    /// Title and tabs.
    pub header: Rect,
    /// One line per active limit.
    pub gauges: Rect,
    /// Scan progress (empty once loaded).
    pub progress: Rect,
    /// Watch mode's activity log (empty otherwise).
    pub activity: Rect,
    /// The view.
    pub body: Rect,
    /// Totals, sort and position (above the status line).
    pub totals: Rect,
    /// Focused path and hints.
    pub status: Rect,
    /// Rows of the packages table (below its heading).
    pub packages_rows: Rect,
    /// The why panel under the packages, when shown.
    pub why: Option<Rect>,
    /// Rows of the tree list.
    pub tree_rows: Rect,
    /// The treemap's tiles.
    pub treemap: Rect,
    /// Rows of the rules list.
    pub rules_rows: Rect,
    /// The warnings under the rules list (empty without warnings).
    pub rules_alerts: Rect,
    /// Tab labels in the header.
    pub tabs: Vec<(ViewId, Rect)>,
}

impl Screen {
    /// The view whose tab covers a cell, if any.
    pub fn tab_at(&self, x: u16, y: u16) -> Option<ViewId> {
        self.tabs
            .iter()
            .find(|(_, r)| r.contains(Position { x, y }))
            .map(|(v, _)| *v)
    }
}

/// Lays the screen out for the app's size and state.
pub fn layout(app: &App) -> Screen {
    let area = app.size;
    let gauges = app.limits.iter().filter(|l| l.active).count().min(4) as u16;
    let progress = u16::from(app.data.is_scanning());
    let mut y = area.y;
    let mut take = |h: u16, keep: u16| {
        let h = h.min(area.bottom().saturating_sub(y).saturating_sub(keep));
        let r = Rect::new(area.x, y, area.width, h);
        y += h;
        r
    };
    let header = take(1, 0);
    let gauges = take(gauges, 0);
    let progress = take(progress, 0);
    let activity = take(activity::height(app), 0);
    // The totals bar gives way first on very short screens.
    let bar = u16::from(area.height >= 12);
    let body = take(u16::MAX, 1 + bar);
    let totals = take(bar, 1);
    let status = take(1, 0);
    let (table, why) = split_why(app, body);
    let (rules_list, rules_alerts) = split_alerts(app, body);
    Screen {
        header,
        gauges,
        progress,
        activity,
        body,
        totals,
        status,
        packages_rows: below_heading(table),
        why,
        tree_rows: below_heading(body),
        treemap: below_heading(body),
        rules_rows: below_heading(rules_list),
        rules_alerts,
        tabs: header::tabs(header),
    }
}

/// The packages table and, if shown and there is room, the why panel under it.
fn split_why(app: &App, body: Rect) -> (Rect, Option<Rect>) {
    if !app.show_why || body.height < 14 {
        return (body, None);
    }
    let why_h = (body.height / 3).clamp(6, 14);
    let table = Rect {
        height: body.height - why_h,
        ..body
    };
    let why = Rect {
        y: body.y + table.height,
        height: why_h,
        ..body
    };
    (table, Some(why))
}

/// The rules list and, with warnings, a section under it listing them (a heading line
/// and one line each, at most half the body).
fn split_alerts(app: &App, body: Rect) -> (Rect, Rect) {
    let n = app.cuts.alerts().len() as u16;
    if n == 0 {
        return (body, Rect { height: 0, ..body });
    }
    let h = (n + 1).min(body.height / 2);
    let list = Rect {
        height: body.height - h,
        ..body
    };
    let alerts = Rect {
        y: body.y + list.height,
        height: h,
        ..body
    };
    (list, alerts)
}

fn below_heading(r: Rect) -> Rect {
    Rect {
        y: r.y.saturating_add(1).min(r.bottom()),
        height: r.height.saturating_sub(1),
        ..r
    }
}

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let screen = layout(app);
    let buf = frame.buffer_mut();
    header::render(app, &screen, buf);
    gauge::render(&GaugeProps::of(app), screen.gauges, buf, &app.theme);
    status::render_progress(app, screen.progress, buf);
    activity::render(app, screen.activity, buf);
    match app.view {
        ViewId::Packages => {
            packages::render(app, &screen, buf);
            if let Some(why) = screen.why {
                chains::render(app, why, buf);
            }
        }
        ViewId::Tree => tree::render(app, screen.body, buf),
        ViewId::Treemap => treemap::render(app, screen.body, buf),
        ViewId::Rules => {
            let list = Rect {
                height: screen.body.height - screen.rules_alerts.height,
                ..screen.body
            };
            rules::render(app, list, buf);
            rules::render_alerts(app, screen.rules_alerts, buf);
        }
    }
    totals::render(app, screen.totals, buf);
    status::render(app, screen.status, buf);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => {
            help::render(app, *scroll, frame.area(), frame.buffer_mut());
        }
        Some(Overlay::Text {
            title,
            lines,
            scroll,
        }) => help::render_text(app, title, lines, *scroll, frame.area(), frame.buffer_mut()),
        Some(overlay) => dialogs::render(app, overlay, frame.area(), frame.buffer_mut()),
        None => {}
    }
}
