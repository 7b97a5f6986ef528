//! The Rules view: every rule in order with whether it is on, what it saves (what no
//! earlier rule already removes), its safety level and its reason. Space switches a rule,
//! d deletes it, J and K move it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text::{fit, put, put_note};
use crate::limits::human;
use crate::rules::Safety;
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Draws the heading and the rules.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let label_w = usize::from(area.width).saturating_sub(60).clamp(20, 44);
    let heading = format!(
        " {:<3} {:<label_w$} {:>10}  {:<8} why   (first rule to name a path decides it)",
        "on", "rule", "saves", "safety"
    );
    put(buf, area.x, area.y, &heading, area.width, app.theme.heading);
    let rows = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let Some(ex) = app.exclusions.exclusion() else {
        put(
            buf,
            rows.x + 1,
            rows.y,
            "rules apply once the scan ends",
            rows.width,
            app.theme.dim,
        );
        return;
    };
    if ex.is_empty() {
        let text = "no rules yet: Space excludes the selection, x a package with what only it needs, p adds presets";
        put_note(buf, rows, text, app.theme.dim);
        return;
    }
    for (line, i) in (app.rules.offset..ex.len())
        .take(usize::from(rows.height))
        .enumerate()
    {
        let y = rows.y + line as u16;
        let rule = ex.rule(i);
        let on = ex.is_enabled(i);
        let mut style = if on { Style::new() } else { app.theme.dim };
        if i == app.rules.selected {
            style = style.patch(app.theme.selected);
        }
        buf.set_style(Rect::new(rows.x, y, rows.width, 1), style);
        let mut label = rule.label();
        if let Some(p) = &rule.preset {
            label = format!("{label}  [{p}]");
        }
        let saves = if on {
            human(ex.saving(i).bytes)
        } else {
            "-".into()
        };
        let text = format!(
            " {:<3} {:<label_w$} {:>10}  ",
            if on { "[x]" } else { "[ ]" },
            fit(&label, label_w),
            saves,
        );
        put(buf, rows.x, y, &text, rows.width, style);
        let x = rows.x + text.chars().count() as u16;
        let safety = rule.safety.as_str();
        put(
            buf,
            x,
            y,
            &format!("{safety:<8}"),
            rows.right().saturating_sub(x),
            style.patch(safety_style(rule.safety, &app.theme)),
        );
        let x = x + 9;
        let w = rows.right().saturating_sub(x);
        put(buf, x, y, &fit(&rule.reason, usize::from(w)), w, style);
    }
}

/// Draws the warnings section: a heading and one line per warning (cut to fit).
pub fn render_alerts(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = &app.exclusions.alerts().lines;
    if area.height == 0 || lines.is_empty() {
        return;
    }
    let shown = usize::from(area.height - 1).min(lines.len());
    let more = if shown < lines.len() {
        format!(" ({} more not shown)", lines.len() - shown)
    } else {
        String::new()
    };
    let plural = if lines.len() == 1 { "" } else { "s" };
    let from = app
        .imports
        .short_entries()
        .map(|e| format!(" · imports from entries {e}"))
        .unwrap_or_default();
    let heading = format!(
        " ⚠ {} warning{plural}: what the exclusions break{more}{from}",
        lines.len()
    );
    put(buf, area.x, area.y, &heading, area.width, app.theme.heading);
    for (line, y) in lines.iter().take(shown).zip(area.y + 1..area.bottom()) {
        let text = format!(
            "   {}",
            fit(line, usize::from(area.width.saturating_sub(3)))
        );
        put(buf, area.x, y, &text, area.width, app.theme.warn);
    }
}

/// Green for safe, yellow for caution, red for breaks.
pub fn safety_style(safety: Safety, theme: &Theme) -> Style {
    match safety {
        Safety::Safe => theme.ok,
        Safety::Caution => theme.warn,
        Safety::Breaks => theme.over,
    }
}
