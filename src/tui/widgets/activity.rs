//! Watch mode's activity log: one line per recent change batch, newest first — time,
//! total and delta, limits crossed or back under, then the distributions that changed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::limits::human;
use crate::tui::activity::Entry;
use crate::tui::app::App;
use crate::tui::text::put;
use crate::watch::summary::{ChangeKind, DistChange};

/// Lines the log takes: none unless watching, fewer on short screens.
/// Draws the newest entries (or what the watch waits for).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(activity) = &app.activity else {
        return;
    };
    if area.height == 0 {
        return;
    }
    if activity.log.is_empty() {
        let text = format!(" watching {}: each change appears here", app.info.label);
        put(buf, area.x, area.y, &text, area.width, app.theme.dim);
        return;
    }
    for (line, entry) in activity
        .log
        .iter()
        .take(usize::from(area.height))
        .enumerate()
    {
        let row = Rect::new(area.x, area.y + line as u16, area.width, 1);
        render_entry(app, entry, row, buf);
    }
}

/// One entry.
fn render_entry(app: &App, e: &Entry, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut x = area.x;
    let mut say = |text: &str, style: Style| {
        let w = area.right().saturating_sub(x);
        put(buf, x, area.y, text, w, style);
        x = x
            .saturating_add(text.chars().count() as u16)
            .min(area.right());
    };
    say(&format!(" {} ", e.at), theme.dim);
    if e.missing {
        let text = if e.never_seen {
            " directory does not exist yet: waiting for it"
        } else {
            " directory missing: waiting for it to come back"
        };
        say(text, theme.warn);
        return;
    }
    let delta = if e.first {
        "(start)".to_string()
    } else {
        signed(e.delta)
    };
    say(&format!(" {} {delta}", human(e.totals.bytes)), Style::new());
    for c in &e.crossed {
        say(
            &format!(
                "  {} CROSSED by {} (after {})",
                c.limit,
                human(c.by),
                short_path(&c.after)
            ),
            theme.over,
        );
    }
    for r in &e.recovered {
        say(&format!("  {r} back under"), theme.ok);
    }
    let mut shown: Vec<String> = e.changes.iter().map(change).collect();
    shown.extend(e.paths.iter().map(|(p, d)| format!("{p} {}", signed(*d))));
    if !shown.is_empty() {
        say(&format!("  {}", shown.join(" · ")), theme.dim);
    }
}

/// `+numpy 20.1 MB`, `boto3 +1.2 MB`, `six -4 kB`, `-urllib3`, `idna ~files`.
fn change(c: &DistChange) -> String {
    let bytes = |s: Option<crate::model::Sizes>| s.map_or(0, |s| s.bytes);
    match c.kind() {
        ChangeKind::Appeared => format!("+{} {}", c.name, human(bytes(c.after))),
        ChangeKind::Grew | ChangeKind::Shrank => format!("{} {}", c.name, signed(c.delta())),
        ChangeKind::Disappeared => format!("-{}", c.name),
        ChangeKind::Changed => format!("{} ~files", c.name),
    }
}

/// A distribution's name as is; a path that arrived before its RECORD, by its top
/// directory (`kubernetes/…`).
fn short_path(after: &str) -> String {
    match after.split_once('/') {
        Some((top, rest)) if !rest.is_empty() => format!("{top}/…"),
        _ => after.to_string(),
    }
}

/// `+1.2 MB` / `-4.0 kB` / `±0 B`.
fn signed(d: i64) -> String {
    match d {
        0 => "±0 B".into(),
        d if d > 0 => format!("+{}", human(d.unsigned_abs())),
        d => format!("-{}", human(d.unsigned_abs())),
    }
}
