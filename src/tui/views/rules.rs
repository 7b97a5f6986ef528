//! The Rules view: every rule in order with whether it is on, what it saves (what no
//! earlier rule already removes), its safety level and its reason. Space switches a rule,
//! d deletes it, J and K move it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{Effect, Props, View, position};
use crate::limits::human;
use crate::rules::Safety;
use crate::tui::keymap::Action;
use crate::tui::layout::Screen;
use crate::tui::text::{fit, pane_lines, put, put_note};
use crate::tui::theme::Theme;

/// The Rules view's selection and scroll (the rules themselves are the app's).
#[derive(Clone, Copy, Debug, Default)]
pub struct RulesView {
    /// Selection and scroll.
    pub list: super::ListState,
}

impl RulesView {
    fn selected_rule(&self, count: usize) -> Option<usize> {
        (self.list.selected < count).then_some(self.list.selected)
    }
}

impl View for RulesView {
    fn refresh(&mut self, p: &Props, screen: &Screen) {
        let h = usize::from(screen.rules_rows.height);
        self.list.reveal(p.exclusions.rule_count(), h);
    }

    fn on_action(&mut self, action: Action, p: &Props, screen: &Screen) -> Effect {
        let h = usize::from(screen.rules_rows.height);
        let count = p.exclusions.rule_count();
        if self.list.on_move(action, count, h) {
            return Effect::None;
        }
        let Some(i) = self.selected_rule(count) else {
            return match action {
                Action::Info => Effect::Suggestions,
                Action::Enter | Action::Right | Action::ToggleExclude | Action::Delete => {
                    Effect::None
                }
                Action::MoveUp | Action::MoveDown | Action::Left | Action::Back => Effect::None,
                _ => self.shared_effect(action, p),
            };
        };
        match action {
            Action::Enter | Action::Right | Action::ToggleExclude => Effect::ToggleRule(i),
            Action::Delete => Effect::DeleteRule(i),
            Action::MoveUp | Action::MoveDown => {
                let delta = if action == Action::MoveUp { -1 } else { 1 };
                match i.checked_add_signed(delta).filter(|t| *t < count) {
                    Some(to) => Effect::MoveRule(i, to),
                    None => Effect::None,
                }
            }
            Action::Info => Effect::Suggestions,
            Action::Left | Action::Back => Effect::None,
            _ => self.shared_effect(action, p),
        }
    }

    fn focused_path(&self, p: &Props) -> String {
        p.exclusions
            .rule(self.list.selected)
            .map(|r| format!("{}: {}", r.label(), r.reason))
            .unwrap_or_default()
    }

    fn figures(&self, p: &Props) -> (String, Option<String>) {
        let n = p.exclusions.rule_count();
        let on = p
            .exclusions
            .exclusion()
            .map_or(0, |ex| (0..n).filter(|i| ex.is_enabled(*i)).count());
        (
            format!("{}, {on} on", super::count(n, "rule", "rules")),
            position(self.list.selected, n),
        )
    }

    fn on_wheel(&mut self, delta: isize, p: &Props, screen: &Screen) {
        let h = usize::from(screen.rules_rows.height);
        self.list.scroll_by(delta, p.exclusions.rule_count(), h);
    }

    fn on_click(&mut self, x: u16, y: u16, p: &Props, screen: &Screen) -> Effect {
        self.list
            .click(x, y, screen.rules_rows, p.exclusions.rule_count());
        Effect::None
    }

    fn render(&self, p: &Props, screen: &Screen, buf: &mut Buffer) {
        let list = Rect {
            height: screen.body.height - screen.rules_alerts.height,
            ..screen.body
        };
        render(self, p, list, buf);
        render_alerts(p, screen.rules_alerts, buf);
    }

    fn busy_label(&self, action: Action) -> Option<&'static str> {
        (action == Action::Info).then_some("finding what closes the overrun")
    }
}

/// Draws the heading and the rules.
fn render(view: &RulesView, p: &Props, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    // Below 100 columns the rule keeps its whole name and the selected rule's why is
    // written out under the list, rather than both being cut.
    let narrow = area.width < 100;
    let label_w = if narrow {
        usize::from(area.width).saturating_sub(41).clamp(20, 44)
    } else {
        usize::from(area.width).saturating_sub(60).clamp(20, 44)
    };
    let why = if narrow {
        "why: below"
    } else {
        "why   (first rule to name a path decides it)"
    };
    let heading = format!(
        " {:<3} {:<label_w$} {:>10}  {:<8} {why}",
        "on", "rule", "saves", "safety"
    );
    put(buf, area.x, area.y, &heading, area.width, p.theme.heading);
    let rows = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let Some(ex) = p.exclusions.exclusion() else {
        put(
            buf,
            rows.x + 1,
            rows.y,
            "rules apply once the scan ends",
            rows.width,
            p.theme.dim,
        );
        return;
    };
    if ex.is_empty() {
        let text = "no rules yet: Space excludes the selection, x a package with what only it needs, p adds presets";
        put_note(buf, rows, text, p.theme.dim);
        return;
    }
    for (line, i) in (view.list.offset..ex.len())
        .take(usize::from(rows.height))
        .enumerate()
    {
        let y = rows.y + line as u16;
        let rule = ex.rule(i);
        let on = ex.is_enabled(i);
        let mut style = if on { Style::new() } else { p.theme.dim };
        if i == view.list.selected {
            style = style.patch(p.theme.selected);
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
            style.patch(safety_style(rule.safety, p.theme)),
        );
        if !narrow {
            let x = x + 9;
            let w = rows.right().saturating_sub(x);
            put(buf, x, y, &fit(&rule.reason, usize::from(w)), w, style);
        }
    }
    if narrow && view.list.selected < ex.len() {
        let shown = ex.len().saturating_sub(view.list.offset);
        let first = rows.y + u16::try_from(shown).unwrap_or(u16::MAX).min(rows.height) + 1;
        let why = [format!("why: {}", ex.rule(view.list.selected).reason)];
        let lines = pane_lines(&why, rows.width.saturating_add(2));
        for (line, y) in lines.iter().zip(first..rows.bottom()) {
            put(
                buf,
                rows.x + 1,
                y,
                line,
                rows.width.saturating_sub(1),
                p.theme.dim,
            );
        }
    }
}

/// Draws the warnings section: a heading and one line per warning (cut to fit).
fn render_alerts(p: &Props, area: Rect, buf: &mut Buffer) {
    let lines = &p.exclusions.alerts().lines;
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
    let from = p
        .reach
        .short_entries()
        .map(|e| format!(" · imports from entries {e}"))
        .unwrap_or_default();
    let heading = format!(
        " ⚠ {} warning{plural}: what the exclusions break{more}{from}",
        lines.len()
    );
    put(buf, area.x, area.y, &heading, area.width, p.theme.heading);
    for (line, y) in lines.iter().take(shown).zip(area.y + 1..area.bottom()) {
        let text = format!(
            "   {}",
            fit(line, usize::from(area.width.saturating_sub(3)))
        );
        put(buf, area.x, y, &text, area.width, p.theme.warn);
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
