//! [`App::apply`]: one match from user intent to a short handler. Browsing actions go to
//! the view shown, which answers with an [`Effect`] the app carries out.

use super::App;
use super::dialogs::{ExportDialog, Overlay};
use super::scope::{self, Scope};
use crate::tui::keymap::Action;
use crate::tui::views::{Effect, ViewId};

impl App {
    /// Carries out one action.
    pub fn apply(&mut self, action: Action) {
        if self.overlay.is_some() {
            self.on_overlay(action);
            return;
        }
        if self.filtering && self.on_filter_key(action) {
            return;
        }
        // A digit past the last view means nothing (not even clearing the message).
        if let Action::View(i) = action
            && ViewId::at(i).is_none()
        {
            return;
        }
        self.message = None;
        match action {
            Action::Quit | Action::Interrupt => self.on_quit(),
            Action::NextView => self.show(self.view.next()),
            Action::PrevView => self.show(self.view.prev()),
            Action::View(i) => ViewId::at(i).into_iter().for_each(|v| self.show(v)),
            Action::Rescan => self.on_rescan(),
            Action::CycleMeasure => self.on_measure(),
            Action::CycleColour => self.on_colour(),
            Action::Limits => self.open_overlay(Overlay::Limits {
                list: super::ListState::default(),
            }),
            Action::Presets => self.open_presets(),
            Action::Export => self.open_overlay(Overlay::Export(ExportDialog {
                path: self.default_export.clone(),
                ..ExportDialog::default()
            })),
            Action::Help => self.open_overlay(Overlay::Help { scroll: 0 }),
            Action::Undo => self.on_undo(),
            Action::Fit => self.on_fit(),
            Action::Redo => self.on_redo(),
            Action::ToggleWhy => self.show_why = !self.show_why,
            Action::Type(_)
            | Action::Erase
            | Action::NextField
            | Action::Accept
            | Action::Cancel
            | Action::Yes
            | Action::No => {}
            _ => self.on_view_action(action),
        }
    }

    /// Hands a browsing action to the view shown and carries out what it asks.
    fn on_view_action(&mut self, action: Action) {
        let screen = self.layout();
        let p = props!(self);
        let effect = self.views.get_mut(self.view).on_action(action, &p, &screen);
        self.carry_out(effect);
    }

    /// Does what a view asked.
    pub(super) fn carry_out(&mut self, effect: Effect) {
        match effect {
            Effect::None => {}
            Effect::Say(text) => self.say(text),
            Effect::OpenTree(scope) => self.open_tree(scope),
            Effect::Exclude(item) => self.on_exclude(item),
            Effect::ExcludeWithDeps(d) => self.on_exclude_with_deps(d),
            Effect::Info(item) => self.open_info(item),
            Effect::Suggestions => self.open_suggestions(),
            Effect::ListFolded => self.open_folded(),
            Effect::Filter => self.filtering = true,
            Effect::Measure(m) => {
                self.measure = m;
                self.refresh_views();
            }
            Effect::ToggleRule(i) => self.on_rule_toggle(i),
            Effect::DeleteRule(i) => self.on_rule_delete(i),
            Effect::MoveRule(from, to) => self.on_rule_move(from, to),
            Effect::Enter => self.apply(Action::Enter),
        }
    }

    /// Shows a one-line message in the status bar.
    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some(text.into());
    }

    fn open_overlay(&mut self, overlay: Overlay) {
        self.overlay = Some(overlay);
    }

    pub(super) fn on_quit(&mut self) {
        if self.unexported {
            self.overlay = Some(Overlay::ConfirmQuit);
        } else {
            self.flags.quit = true;
        }
    }

    /// Shows the files of a scope in the Tree view, starting where they begin.
    fn open_tree(&mut self, scope: Scope) {
        let home = scope::home(self.data.bundle(), &self.exclusions, scope);
        let h = usize::from(self.layout().tree_rows.height);
        self.views.tree.open(&props!(self), home, scope, h);
        self.show(ViewId::Tree);
    }

    /// Keys while typing a filter; false for keys that browse as usual.
    fn on_filter_key(&mut self, action: Action) -> bool {
        let Some(filter) = self.views.get_mut(self.view).filter_mut() else {
            self.filtering = false;
            return false;
        };
        match action {
            Action::Type(c) => filter.push(c),
            Action::Erase => {
                filter.pop();
            }
            Action::Accept => self.filtering = false,
            Action::Cancel => {
                filter.clear();
                self.filtering = false;
            }
            Action::Interrupt => {
                self.filtering = false;
                self.on_quit();
            }
            _ => return false,
        }
        self.refresh_view(self.view);
        true
    }

    fn on_rescan(&mut self) {
        if self.activity.is_some() {
            self.say("watching: changes are rescanned as they happen");
        } else if self.inputs.is_empty() {
            self.say("a saved scan or the demo cannot be rescanned");
        } else if self.data.is_scanning() {
            self.say("already scanning");
        } else if self.zip.running().is_some() {
            self.say("wait for the zipped estimate to finish, then r rescans");
        } else {
            self.flags.rescan = true;
        }
    }

    fn on_measure(&mut self) {
        self.measure = self.measure.next();
        self.refresh_views();
        self.say(format!("sizes: {}", self.measure.label()));
    }

    fn on_colour(&mut self) {
        use super::ColourBy;
        self.views.treemap.colour = match self.views.treemap.colour {
            ColourBy::Package => ColourBy::Safety,
            ColourBy::Safety => ColourBy::Package,
        };
        if self.views.treemap.colour == ColourBy::Safety
            && self.safety.is_none()
            && let Some(bundle) = self.data.complete()
        {
            self.safety = Some(crate::tui::safety::levels(bundle));
        }
    }
}
