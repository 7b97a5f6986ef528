//! Keys while an overlay is open: help scrolling, the limit and preset pickers, the
//! export dialog and yes/no questions.

use std::path::PathBuf;

use super::dialogs::{ExportDialog, ExportField, Overlay, PresetChoice};
use super::{App, ListState};
use crate::imports::cut::{UNREACHED, UNREACHED_LAZY, is_import_preset};
use crate::limits::human;
use crate::model::Sizes;
use crate::rules::preset::presets;
use crate::tui::export;
use crate::tui::keymap::Action;

impl App {
    pub(super) fn on_overlay(&mut self, action: Action) {
        if action == Action::Interrupt {
            // Asked already: a second Ctrl-c answers yes.
            if self.overlay.take() == Some(Overlay::ConfirmQuit) {
                self.flags.quit = true;
            } else {
                self.on_quit();
            }
            return;
        }
        let Some(overlay) = self.overlay.take() else {
            return;
        };
        self.overlay = match overlay {
            Overlay::Help { scroll } => {
                let help = crate::tui::views::help_lines();
                let total = crate::tui::text::help_rows(&help, self.size.width).len();
                let rows = pane_rows(total, self.size.height);
                scroll_pane(scroll, action, total, rows).map(|scroll| Overlay::Help { scroll })
            }
            Overlay::Text {
                title,
                lines,
                scroll,
            } => {
                // Scrolls over the lines as drawn, long ones wrapped.
                let total = crate::tui::text::pane_lines(&lines, self.size.width).len();
                let rows = pane_rows(total, self.size.height);
                scroll_pane(scroll, action, total, rows).map(|scroll| Overlay::Text {
                    title,
                    lines,
                    scroll,
                })
            }
            Overlay::Limits { mut list } => {
                let len = self.limits.len();
                match action {
                    Action::Up => list.move_by(-1, len, len),
                    Action::Down => list.move_by(1, len, len),
                    Action::ToggleExclude => {
                        if let Some(c) = self.limits.get_mut(list.selected) {
                            c.active = !c.active;
                        }
                    }
                    Action::Accept | Action::Cancel => return,
                    _ => {}
                }
                Some(Overlay::Limits { list })
            }
            Overlay::Presets { list, choices } => self.on_presets_key(list, choices, action),
            Overlay::Export(dialog) => self.on_export_key(dialog, action),
            Overlay::ConfirmQuit => {
                if action == Action::Yes {
                    self.flags.quit = true;
                }
                None
            }
            Overlay::ConfirmOverwrite(dialog) => match action {
                Action::Yes => self.write_export(dialog, true),
                Action::No => Some(Overlay::Export(dialog)),
                _ => Some(Overlay::ConfirmOverwrite(dialog)),
            },
        };
    }

    fn on_export_key(&mut self, mut d: ExportDialog, action: Action) -> Option<Overlay> {
        let formats = export::formats().len();
        match (action, d.field) {
            (Action::Cancel, _) => return None,
            (Action::NextField, _) => {
                d.field = match d.field {
                    ExportField::Format => ExportField::Path,
                    ExportField::Path => ExportField::Format,
                };
            }
            (Action::Right, _) | (Action::Type(' '), ExportField::Format) => {
                d.pick_format((d.format + 1) % formats.max(1));
            }
            (Action::Left, _) => d.pick_format((d.format + formats - 1) % formats.max(1)),
            (Action::Type(c), ExportField::Path) => d.path.push(c),
            (Action::Erase, ExportField::Path) => {
                d.path.pop();
            }
            (Action::Accept, _) => {
                if d.path.trim().is_empty() {
                    d.error = Some("type a file name".into());
                } else if PathBuf::from(d.path.trim()).exists() {
                    return Some(Overlay::ConfirmOverwrite(d));
                } else {
                    return self.write_export(d, false);
                }
            }
            _ => {}
        }
        Some(Overlay::Export(d))
    }

    /// Writes the export; on failure the dialog stays open with the error.
    fn write_export(&mut self, mut d: ExportDialog, overwrite: bool) -> Option<Overlay> {
        let path = PathBuf::from(d.path.trim());
        let limits: Vec<_> = self
            .limits
            .iter()
            .filter(|c| c.active)
            .map(|c| c.limit.clone())
            .collect();
        let props = export::ExportProps {
            bundle: self.bundle(),
            exclusion: self.exclusions.exclusion(),
            limits: &limits,
        };
        match export::write(&props, d.format, &path, overwrite) {
            Ok(summary) => {
                self.unexported = false;
                self.saved = self.exclusions.snapshot();
                self.say(format!("wrote {}: {summary}", path.display()));
                None
            }
            Err(e) => {
                d.error = Some(format!("{e:#}"));
                Some(Overlay::Export(d))
            }
        }
    }
}

impl App {
    /// Opens the preset picker with what each preset would save now.
    pub(super) fn open_presets(&mut self) {
        if self.exclusions.exclusion().is_none() {
            return self.say("wait for the scan to finish before choosing presets");
        }
        let choices = self.preset_choices();
        self.overlay = Some(Overlay::Presets {
            list: ListState::default(),
            choices,
        });
    }

    fn preset_choices(&self) -> Vec<PresetChoice> {
        let (Some(ex), bundle) = (self.exclusions.exclusion(), self.bundle()) else {
            return Vec::new();
        };
        let choice = |name: &str, safety, reason: &str, rules: &[crate::rules::Rule]| {
            let mine: Vec<usize> = (0..ex.len())
                .filter(|i| ex.rule(*i).preset.as_deref() == Some(name))
                .collect();
            let saving = if mine.is_empty() {
                ex.marginal(bundle, rules)
            } else {
                let mut s = Sizes::default();
                for i in &mine {
                    s.add(&ex.saving(*i));
                }
                s
            };
            PresetChoice {
                name: name.to_string(),
                safety,
                reason: reason.to_string(),
                saving,
                in_use: !mine.is_empty(),
            }
        };
        let mut out: Vec<PresetChoice> = presets()
            .iter()
            .map(|p| choice(&p.name, p.safety, &p.reason, &p.expand(&bundle.target)))
            .collect();
        // The import graph's presets, once it is known.
        if let Some(imports) = self.imports.ready() {
            for name in [UNREACHED, UNREACHED_LAZY] {
                let rules = imports.preset_rules(bundle, name);
                if let Some(first) = rules.first() {
                    out.push(choice(name, first.safety, &first.reason, &rules));
                }
            }
        }
        out
    }

    /// Space adds (or removes) the highlighted preset and stays; Enter and Esc close,
    /// keeping what is checked.
    fn on_presets_key(
        &mut self,
        mut list: ListState,
        choices: Vec<PresetChoice>,
        action: Action,
    ) -> Option<Overlay> {
        let len = choices.len();
        match action {
            Action::Up => list.move_by(-1, len, len),
            Action::Down => list.move_by(1, len, len),
            Action::ToggleExclude => {
                if let Some(choice) = choices.get(list.selected) {
                    self.toggle_preset(&choice.name, choice.in_use);
                }
                let choices = self.preset_choices();
                return Some(Overlay::Presets { list, choices });
            }
            Action::Accept | Action::Cancel => return None,
            _ => {}
        }
        Some(Overlay::Presets { list, choices })
    }

    fn toggle_preset(&mut self, name: &str, in_use: bool) {
        let before = self.kept_totals().bytes;
        let imports = self.imports.ready_arc();
        self.change(|ex, bundle| {
            if in_use {
                for i in (0..ex.len()).rev() {
                    if ex.rule(i).preset.as_deref() == Some(name) {
                        ex.remove(bundle, i);
                    }
                }
            } else if is_import_preset(name) {
                for rule in imports
                    .map(|i| i.preset_rules(bundle, name))
                    .unwrap_or_default()
                {
                    let _ = ex.push(bundle, rule);
                }
            } else {
                let _ = ex.push_preset(bundle, name);
            }
        });
        let after = self.kept_totals().bytes;
        let verb = if in_use { "removed" } else { "added" };
        let delta = human(before.abs_diff(after));
        self.say(format!("{verb} preset {name}: {delta}"));
    }
}

/// Rows a text pane shows of `total` lines on a screen `height` tall (a border above and
/// below, and a line of the screen kept free on each side).
pub fn pane_rows(total: usize, height: u16) -> usize {
    total.min(usize::from(height.saturating_sub(4)))
}

/// The new first line of a pane after a key; `None` closes it. Never scrolls past the end.
fn scroll_pane(scroll: usize, action: Action, total: usize, rows: usize) -> Option<usize> {
    let last = total.saturating_sub(rows);
    let page = rows.saturating_sub(1).max(1);
    let scroll = match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll + 1,
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll + page,
        Action::Home => 0,
        Action::End => last,
        _ => return None,
    };
    Some(scroll.min(last))
}
