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
use ratatui::layout::Rect;

pub use gauge::{GaugeProps, GaugeRow};
pub use text::{bar, fit, fit_middle, group};

use super::app::{App, Overlay};
use super::keymap::ViewId;
pub use super::layout::Screen;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let screen = &app.screen;
    let buf = frame.buffer_mut();
    header::render(app, screen, buf);
    gauge::render(&GaugeProps::of(app), screen.gauges, buf, &app.theme);
    status::render_progress(app, screen.progress, buf);
    activity::render(app, screen.activity, buf);
    match app.view {
        ViewId::Packages => {
            packages::render(app, screen, buf);
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
