//! Drawing the shell around the view shown (title and tabs, gauges, progress, watch
//! log, totals bar, status line, overlays), one module per part; the view draws itself
//! (see [`views`](super::views)). Every widget reads state and never changes it.

mod activity;
mod dialogs;
mod gauge;
mod header;
mod help;
mod status;
mod totals;

use ratatui::Frame;

pub use super::text::{bar, fit, fit_middle, group};
pub use gauge::{GaugeProps, GaugeRow};

use super::app::{App, Overlay};
pub use super::layout::Screen;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let screen = &app.screen;
    let buf = frame.buffer_mut();
    header::render(app, screen, buf);
    gauge::render(&GaugeProps::of(app), screen.gauges, buf, &app.theme);
    status::render_progress(app, screen.progress, buf);
    activity::render(app, screen.activity, buf);
    app.active().render(&app.props(), screen, buf);
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
