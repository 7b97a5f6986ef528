//! Dialog boxes: the limit chooser (exact bytes of the selected limit), presets, export, confirmations.

use crate::limits::human;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::gauge::{GaugeRow, Zip, zip_state};
use crate::tui::app::{App, ExportDialog, ExportField, Overlay, PresetChoice};
use crate::tui::export;
use crate::tui::text::{centred, fit, group, pane_lines, put};

/// Draws `overlay` centred over `area`.
pub fn render(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    match overlay {
        Overlay::Limits { list } => limits(app, list.selected, area, buf),
        Overlay::Presets { list, choices } => presets(app, list.selected, choices, area, buf),
        Overlay::Export(d) => export_dialog(app, d, area, buf),
        Overlay::ConfirmQuit => {
            let lines = [
                "Your exclusions are not exported.".to_string(),
                "Quit anyway?  y = quit, n = stay (then e to export)".into(),
            ];
            boxed(app, " quit? ", &lines, area, buf);
        }
        Overlay::ConfirmOverwrite(d) => {
            let lines = [
                format!("{} exists.", d.path.trim()),
                "Overwrite it?  y = overwrite, n = back".into(),
            ];
            boxed(app, " overwrite? ", &lines, area, buf);
        }
        Overlay::Help { .. } | Overlay::Text { .. } => {}
    }
}

/// Draws a bordered box sized to `lines` and returns its inner area.
fn boxed(app: &App, title: &str, lines: &[String], area: Rect, buf: &mut Buffer) -> Rect {
    let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 4;
    let rect = centred(
        area,
        width.max(title.chars().count() as u16 + 4),
        lines.len() as u16 + 2,
    );
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(app.theme.dialog)
        .title(title.to_string());
    let inner = block.inner(rect);
    block.render(rect, buf);
    for (line, y) in lines.iter().zip(inner.y..inner.bottom()) {
        put(
            buf,
            inner.x + 1,
            y,
            &fit(line, usize::from(inner.width.saturating_sub(1))),
            inner.width,
            Style::new(),
        );
    }
    inner
}

/// One line per limit in human units (the state as the gauges say it, so never
/// "headroom" while a figure is a lower bound), and the exact bytes of the selected one:
/// the lines fit 80 columns.
fn limits(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let zip = zip_state(app);
    let mut lines = vec![
        "Space toggles, Enter or Esc closes. MB = 1024*1024 bytes.".to_string(),
        String::new(),
    ];
    let rows: Vec<GaugeRow> = app
        .limits
        .iter()
        .map(|c| GaugeRow::of(app, &c.limit, zip))
        .collect();
    for (c, row) in app.limits.iter().zip(&rows) {
        let mark = if c.active { "[x]" } else { "[ ]" };
        let lower = if row.is_partial() { ">= " } else { "" };
        lines.push(format!(
            "{mark} {:<22} {:>8}  used {:>11}  {}",
            c.limit.name,
            human(c.limit.bytes),
            format!("{lower}{}", human(row.verdict.used)),
            row.state()
        ));
    }
    lines.push(String::new());
    if let (Some(c), Some(row)) = (app.limits.get(selected), rows.get(selected)) {
        let v = &row.verdict;
        let lower = if row.is_partial() { ">= " } else { "" };
        let tail = if !v.ok {
            format!(", over by {lower}{} B", group(v.overrun))
        } else if row.is_partial() || row.zip == Zip::Unknown {
            String::new()
        } else {
            format!(", headroom {} B", group(v.headroom))
        };
        lines.push(format!(
            "exact: limit {} B, used {lower}{} B{tail}",
            group(c.limit.bytes),
            group(v.used)
        ));
        let about = [
            format!("{}: {}", c.limit.name, c.limit.description),
            format!("source: {}", c.limit.source),
        ];
        lines.extend(pane_lines(&about, area.width));
    }
    let inner = boxed(app, " limits ", &lines, area, buf);
    let y = inner.y + 2 + selected as u16;
    if y < inner.bottom() {
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), app.theme.selected);
    }
}

fn presets(app: &App, selected: usize, choices: &[PresetChoice], area: Rect, buf: &mut Buffer) {
    let mut lines = vec![
        "Space adds or removes a preset (the gauges move behind); Enter or Esc closes.".to_string(),
        String::new(),
    ];
    for c in choices {
        let mark = if c.in_use { "[x]" } else { "[ ]" };
        let verb = if c.in_use { "saves" } else { "would save" };
        let saving = if c.saving.bytes == 0 && c.saving.zipped == 0 {
            "nothing here".to_string()
        } else {
            format!(
                "{} ({} zipped)",
                human(c.saving.bytes),
                human(c.saving.zipped)
            )
        };
        lines.push(format!(
            "{mark} {:<18} {:<8} {verb} {saving}",
            c.name,
            c.safety.as_str()
        ));
    }
    lines.push(String::new());
    if let Some(c) = choices.get(selected) {
        lines.extend(pane_lines(std::slice::from_ref(&c.reason), area.width));
    }
    let inner = boxed(app, " presets ", &lines, area, buf);
    let y = inner.y + 2 + selected as u16;
    if y < inner.bottom() {
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), app.theme.selected);
    }
}

fn export_dialog(app: &App, d: &ExportDialog, area: Rect, buf: &mut Buffer) {
    let formats = export::formats();
    let format = formats.get(d.format).map_or("?", |f| f.1);
    let mark = |f: ExportField| if d.field == f { "›" } else { " " };
    let mut lines = vec![
        format!(
            "{} format: {format}   (← →: format; Tab: next field)",
            mark(ExportField::Format)
        ),
        format!("{} file:   {}▏", mark(ExportField::Path), d.path),
        String::new(),
        "Enter writes (atomically; asks before overwriting), Esc cancels.".into(),
    ];
    if let Some(e) = &d.error {
        lines.push(format!("error: {e}"));
    }
    let alerts = &app.exclusions.alerts().lines;
    if !alerts.is_empty() {
        let room = usize::from(area.height.saturating_sub(lines.len() as u16 + 5)).max(1);
        lines.push(String::new());
        lines.push(format!(
            "⚠ {} warning{} (written into the export too):",
            alerts.len(),
            if alerts.len() == 1 { "" } else { "s" }
        ));
        let shown = room.min(alerts.len());
        lines.extend(alerts.iter().take(shown).map(|a| format!("  {a}")));
        if shown < alerts.len() {
            lines.push(format!(
                "  … {} more in the Rules view (4)",
                alerts.len() - shown
            ));
        }
    }
    boxed(app, " export manifest ", &lines, area, buf);
}
