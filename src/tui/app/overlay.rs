//! Keys while an overlay is open: help scrolling, the limit and preset pickers, the
//! export dialog and yes/no questions.

use std::path::PathBuf;

use super::App;
use super::dialogs::{ExportDialog, ExportField, Overlay};
use crate::tui::export;
use crate::tui::keymap::Action;

impl App {
    pub(super) fn on_overlay(&mut self, action: Action) {
        if action == Action::ForceQuit {
            self.flags.quit = true;
            return;
        }
        let Some(overlay) = self.overlay.take() else {
            return;
        };
        self.overlay = match overlay {
            Overlay::Help { scroll } => help(scroll, action),
            Overlay::Limits { mut list } => {
                let len = self.limits.len();
                match action {
                    Action::Up => list.move_by(-1, len, len),
                    Action::Down => list.move_by(1, len, len),
                    Action::ToggleCut => {
                        if let Some(c) = self.limits.get_mut(list.selected) {
                            c.active = !c.active;
                        }
                    }
                    Action::Accept | Action::Cancel => return,
                    _ => {}
                }
                Some(Overlay::Limits { list })
            }
            Overlay::Presets { list } => match action {
                Action::Accept | Action::Cancel => None,
                _ => Some(Overlay::Presets { list }),
            },
            Overlay::Export(dialog) => self.on_export_key(dialog, action),
            Overlay::ConfirmQuit => {
                if action == Action::Yes {
                    self.flags.quit = true;
                }
                None
            }
            Overlay::ConfirmOverwrite(dialog) => match action {
                Action::Yes => self.write_export(dialog),
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
            (Action::Type(_), ExportField::Format) => {
                d.format = (d.format + 1) % formats.max(1);
                d.path = export::retarget(&d.path, d.format);
            }
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
                    return self.write_export(d);
                }
            }
            _ => {}
        }
        Some(Overlay::Export(d))
    }

    /// Writes the export; on failure the dialog stays open with the error.
    fn write_export(&mut self, mut d: ExportDialog) -> Option<Overlay> {
        let path = PathBuf::from(d.path.trim());
        match export::write(self, d.format, &path) {
            Ok(summary) => {
                self.unexported = false;
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

fn help(scroll: usize, action: Action) -> Option<Overlay> {
    let max = crate::tui::keymap::HELP.len();
    let scroll = match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => (scroll + 1).min(max),
        Action::PageUp => scroll.saturating_sub(10),
        Action::PageDown => (scroll + 10).min(max),
        _ => return None,
    };
    Some(Overlay::Help { scroll })
}
