//! The status line (focused item's full path, filter input, messages, key hints) and
//! the scan progress line.

use crate::limits::human;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::{App, Data};
use crate::tui::text::{fit_left, group, put};
use crate::tui::views::Item;

/// The full path (or name) of what is focused.
pub fn focused_path(app: &App) -> String {
    app.active().focused_path(&app.props())
}

/// The help hint pinned at the right end of the status line.
const HELP: &str = " ? help ";

/// The warning about what is focused, if any.
pub fn focused_alert(app: &App) -> Option<&str> {
    let alerts = app.exclusions.alerts();
    if alerts.is_empty() {
        return None;
    }
    match app.active().item()? {
        Item::Dist(d) => alerts.about_dist(d),
        Item::Node(n) => alerts.about_under(&app.bundle().tree, n),
        Item::Unowned => None,
    }
}

/// Draws the status line.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let theme = &app.theme;
    if app.filtering {
        let text = format!(
            " /{}▏  (Enter keeps, Esc drops)",
            app.active().filter().unwrap_or("")
        );
        put(buf, area.x, area.y, &text, area.width, theme.message);
        return;
    }
    // "? help" is always there, at the right end; messages and hints go before it.
    let help_w = HELP.chars().count() as u16;
    put(
        buf,
        area.right().saturating_sub(help_w),
        area.y,
        HELP,
        help_w,
        theme.key,
    );
    let area = Rect {
        width: area.width.saturating_sub(help_w),
        ..area
    };
    let alert = focused_alert(app);
    let hint = hint_text(app, alert.is_some());
    // A warning about the focused item needs room more than a hint or a message: when both
    // don't fit, the message (the totals line repeats what was excluded) and the hint give
    // way whole, so the warning keeps its importer's file and line. Only a busy mark stays.
    let most = match alert {
        Some(a) => {
            let need = a.chars().count() as u16 + 4;
            if need.saturating_add(12) <= area.width {
                area.width - need
            } else if app.busy.is_some() {
                12.min(area.width / 4)
            } else {
                0
            }
        }
        // A message says what just happened: it comes before the focused path.
        None if app.message.is_some() => area.width.saturating_sub(10),
        None => area.width / 2 + area.width / 4,
    };
    // Key hints lose whole parts ("q quit") rather than being cut mid-word.
    let hint = if app.message.is_none() && app.busy.is_none() {
        fit_hint(&hint, usize::from(most.saturating_sub(1)))
    } else {
        hint
    };
    let hint_w = (hint.chars().count() as u16 + 1).min(most);
    let left = alert.map_or_else(|| focused_path(app), |a| format!("⚠ {a}"));
    let mut x = area.x;
    // An active filter is pinned first, never cut: rows it hides must not look absent.
    if let Some(f) = app.active().filter().filter(|f| !f.is_empty()) {
        let badge = format!(" filter /{} ", crate::tui::text::fit(f, 24));
        put(buf, x, area.y, &badge, area.width / 2, theme.badge);
        x = x
            .saturating_add(badge.chars().count() as u16)
            .min(area.width / 2);
    }
    let left_w = area
        .width
        .saturating_sub(hint_w + 1)
        .saturating_sub(x - area.x);
    put(
        buf,
        x,
        area.y,
        &format!(" {}", {
            let room = usize::from(left_w.saturating_sub(1));
            // A warning or a sentence reads from its start; a path from its end.
            let is_path = left.rsplit(' ').next().is_some_and(|t| t.contains('/'));
            if alert.is_some() || !is_path {
                crate::tui::text::fit(&left, room)
            } else {
                fit_left(&left, room)
            }
        }),
        left_w,
        if alert.is_some() {
            theme.warn
        } else {
            theme.dim
        },
    );
    let style = if app.message.is_some() || app.busy.is_some() {
        theme.message
    } else {
        theme.dim
    };
    let x = area.right().saturating_sub(hint_w);
    put(
        buf,
        x,
        area.y,
        &crate::tui::text::fit(&hint, usize::from(hint_w)),
        hint_w,
        style,
    );
}

/// What the right end says: a busy mark, the last message (set off from a warning beside it:
/// "… by chromadb · excluded onnxruntime") or the key hints.
fn hint_text(app: &App, beside_alert: bool) -> String {
    match (&app.message, app.busy) {
        (_, Some(busy)) => format!("⧗ {busy}…"),
        (Some(m), None) if beside_alert => format!("· {m}"),
        (Some(m), None) => m.clone(),
        (None, None) if app.unexported => "e export · q quit (changes not exported)".into(),
        (None, None) => "Space exclude · e export · q quit".into(),
    }
}

/// `hint` in at most `width` columns: whole " · " parts dropped from the end first.
fn fit_hint(hint: &str, width: usize) -> String {
    let mut parts: Vec<&str> = hint.split(" · ").collect();
    while parts.len() > 1 && parts.join(" · ").chars().count() > width {
        parts.pop();
    }
    crate::tui::text::fit(&parts.join(" · "), width)
}

/// Draws the scan progress line (files, bytes, rates) while scanning.
pub fn render_progress(app: &App, area: Rect, buf: &mut Buffer) {
    let Data::Scanning(scan) = &app.data else {
        return;
    };
    if area.height == 0 {
        return;
    }
    let p = scan.progress;
    let secs = scan.elapsed.as_secs_f64();
    let rate = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let roots = app.bundle().roots.len();
    // The walk has ended and a worker reads ownership and dependencies: say so, not
    // "scanning", with the walk's final figures.
    let text = match app.busy.filter(|_| scan.roots_done >= roots) {
        Some(busy) => format!(
            " scanned {roots} input{}: {} files · {} dirs · {} · {:.1} s · {busy}…   (browse the Tree meanwhile)",
            if roots == 1 { "" } else { "s" },
            group(p.files),
            group(p.dirs),
            human(p.bytes),
            secs
        ),
        None => format!(
            " scanning {}/{} inputs: {} files · {} dirs · {} · {} files/s · {}/s · {:.1} s   (browse the Tree meanwhile)",
            scan.roots_done.min(roots),
            roots,
            group(p.files),
            group(p.dirs),
            human(p.bytes),
            group(rate(p.files) as u64),
            human(rate(p.bytes) as u64),
            secs
        ),
    };
    put(buf, area.x, area.y, &text, area.width, app.theme.message);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hint_too_long_loses_whole_parts_before_it_is_cut() {
        let hint = "e export · q quit (changes not exported)";
        assert_eq!(super::fit_hint(hint, 20), "e export");
        assert_eq!(super::fit_hint(hint, 60), hint);
        assert_eq!(super::fit_hint("Space exclude", 6), "Space…");
    }
}
