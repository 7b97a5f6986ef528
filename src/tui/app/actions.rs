//! [`App::apply`]: one match from user intent to a short handler.

use crate::treemap::Direction;

use super::dialogs::{ExportDialog, Overlay};
use super::scope::{self, Scope};
use super::{App, Ctx, PkgRow, TileItem};
use crate::tui::keymap::{Action, SortKey, ViewId};

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
        self.message = None;
        match action {
            Action::Quit | Action::Interrupt => self.on_quit(),
            Action::Up => self.on_move(-1, Direction::Up),
            Action::Down => self.on_move(1, Direction::Down),
            Action::PageUp => self.on_page(-1),
            Action::PageDown => self.on_page(1),
            Action::Home => self.on_page(-1_000_000),
            Action::End => self.on_page(1_000_000),
            Action::Left => self.on_left(),
            Action::Right => self.on_right(),
            Action::Enter => self.on_enter(),
            Action::Back => self.on_back(),
            Action::NextView => self.show(self.view.next()),
            Action::PrevView => self.show(self.view.prev()),
            Action::View(v) => self.show(v),
            Action::ToggleExclude => self.on_toggle_exclude(),
            Action::ExcludeWithDeps => self.on_exclude_with_deps(),
            Action::Filter => self.on_filter_start(),
            Action::SortBy(key) => self.on_sort_by(key),
            Action::Info => self.open_info(),
            Action::Rescan => self.on_rescan(),
            Action::SortNext => self.on_sort(false),
            Action::SortReverse => self.on_sort(true),
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
            Action::Redo => self.on_redo(),
            Action::ToggleWhy => self.show_why = !self.show_why,
            Action::MoveUp => self.on_rule_move(-1),
            Action::MoveDown => self.on_rule_move(1),
            Action::Delete => self.on_rule_delete(),
            Action::Type(_)
            | Action::Erase
            | Action::NextField
            | Action::Accept
            | Action::Cancel
            | Action::Yes
            | Action::No => {}
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

    fn on_move(&mut self, delta: isize, dir: Direction) {
        let (ph, th, rh) = self.list_heights();
        match self.view {
            ViewId::Packages => self
                .packages
                .list
                .move_by(delta, self.packages.rows.len(), ph),
            ViewId::Tree => self.tree.list.move_by(delta, self.tree.rows.len(), th),
            ViewId::Treemap => self.treemap.step(dir),
            ViewId::Rules => self.rules.move_by(delta, self.rule_count(), rh),
        }
    }

    fn on_page(&mut self, pages: isize) {
        let (ph, th, rh) = self.list_heights();
        let step = |h: usize| {
            pages.saturating_mul(isize::try_from(h.saturating_sub(1).max(1)).unwrap_or(1))
        };
        match self.view {
            ViewId::Packages => self
                .packages
                .list
                .move_by(step(ph), self.packages.rows.len(), ph),
            ViewId::Tree => self.tree.list.move_by(step(th), self.tree.rows.len(), th),
            ViewId::Treemap => self.treemap.page(pages),
            ViewId::Rules => self.rules.move_by(step(rh), self.rule_count(), rh),
        }
    }

    fn on_left(&mut self) {
        match self.view {
            ViewId::Tree => self.tree_up(),
            ViewId::Treemap => self.treemap.step(Direction::Left),
            _ => {}
        }
    }

    /// → and `l` open as Enter does (ncdu, dua, gdu), but move between tiles.
    fn on_right(&mut self) {
        match self.view {
            ViewId::Treemap => self.treemap.step(Direction::Right),
            _ => self.on_enter(),
        }
    }

    fn on_enter(&mut self) {
        match self.view {
            ViewId::Packages => match self.packages.selected() {
                Some(PkgRow::Dist(d)) => self.open_tree(Scope::Dist(d)),
                Some(PkgRow::Unowned) => self.open_tree(Scope::Unowned),
                None => {}
            },
            ViewId::Tree => {
                let h = self.list_heights().1;
                self.tree.descend(&ctx!(self), h);
            }
            ViewId::Treemap if self.treemap.is_rest_selected() => self.open_folded(),
            ViewId::Treemap => {
                if !self.treemap.zoom(&ctx!(self)) {
                    self.say("a file cannot be opened: i shows what is known about it");
                }
            }
            ViewId::Rules => self.on_rule_toggle(),
        }
    }

    /// Shows the files of a scope in the Tree view, starting where they begin.
    fn open_tree(&mut self, scope: Scope) {
        let home = scope::home(self.data.bundle(), &self.exclusions, scope);
        let h = self.list_heights().1;
        self.tree.open(&ctx!(self), home, scope, h);
        self.show(ViewId::Tree);
    }

    fn on_back(&mut self) {
        match self.view {
            ViewId::Packages if !self.packages.filter.is_empty() => {
                self.packages.filter.clear();
                self.refresh_view(ViewId::Packages);
            }
            ViewId::Tree if !self.tree.filter.is_empty() => {
                self.tree.filter.clear();
                self.refresh_view(ViewId::Tree);
            }
            ViewId::Tree => self.tree_up(),
            ViewId::Treemap => {
                self.treemap.unzoom(&ctx!(self));
            }
            _ => {}
        }
    }

    /// Parent directory; from a scope's starting point, back to all files.
    fn tree_up(&mut self) {
        let home = self.tree_home();
        let h = self.list_heights().1;
        if self.tree.ascend(&ctx!(self), home, h) {
            return;
        }
        if self.tree.scope != Scope::All {
            let left = self.tree.dir;
            self.open_tree(Scope::All);
            if let Some(i) = self.tree.rows.iter().position(|r| r.id == left) {
                self.tree.list.select(i, self.tree.rows.len(), h);
            }
        }
    }

    fn on_filter_start(&mut self) {
        match self.view {
            ViewId::Packages | ViewId::Tree => self.filtering = true,
            _ => self.say("filter works in the Packages and Tree views"),
        }
    }

    /// Keys while typing a filter; false for keys that browse as usual.
    fn on_filter_key(&mut self, action: Action) -> bool {
        let filter = match self.view {
            ViewId::Packages => &mut self.packages.filter,
            ViewId::Tree => &mut self.tree.filter,
            _ => {
                self.filtering = false;
                return false;
            }
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

    fn on_sort(&mut self, reverse: bool) {
        match self.view {
            ViewId::Packages if reverse => self.packages.reversed = !self.packages.reversed,
            ViewId::Packages => {
                self.packages.sort = self.packages.sort.next();
                self.packages.reversed = false;
            }
            ViewId::Tree if reverse => self.tree.reversed = !self.tree.reversed,
            ViewId::Tree => {
                self.tree.sort = self.tree.sort.next();
                self.tree.reversed = false;
            }
            _ => return,
        }
        self.refresh_view(self.view);
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

    /// `n`, `s`, `z`: sort by that key; the same key again flips the direction. In the
    /// Tree, `z` sorts by size with zipped sizes shown.
    fn on_sort_by(&mut self, key: SortKey) {
        use super::{Measure, PkgColumn, TreeSort};
        match self.view {
            ViewId::Packages => {
                let col = match key {
                    SortKey::Name => PkgColumn::Name,
                    SortKey::Size => PkgColumn::Bytes,
                    SortKey::Zipped => PkgColumn::Zipped,
                };
                let p = &mut self.packages;
                p.reversed = p.sort == col && !p.reversed;
                p.sort = col;
            }
            ViewId::Tree => {
                let sort = if key == SortKey::Name {
                    TreeSort::Name
                } else {
                    TreeSort::Size
                };
                let again = self.tree.sort == sort
                    && (key != SortKey::Zipped || self.measure == Measure::Zipped);
                self.tree.reversed = again && !self.tree.reversed;
                self.tree.sort = sort;
                if key == SortKey::Zipped && self.measure != Measure::Zipped {
                    self.measure = Measure::Zipped;
                    self.refresh_views();
                    return;
                }
            }
            _ => return self.say("n, s and z sort the Packages and Tree views"),
        }
        self.refresh_view(self.view);
    }

    fn on_measure(&mut self) {
        self.measure = self.measure.next();
        self.refresh_views();
        self.say(format!("sizes: {}", self.measure.label()));
    }

    fn on_colour(&mut self) {
        use super::ColourBy;
        self.treemap.colour = match self.treemap.colour {
            ColourBy::Package => ColourBy::Safety,
            ColourBy::Safety => ColourBy::Package,
        };
        if self.treemap.colour == ColourBy::Safety
            && self.safety.is_none()
            && let Some(bundle) = self.data.complete()
        {
            self.safety = Some(crate::tui::safety::levels(bundle));
        }
    }

    /// The distribution the selection stands for, if any.
    pub fn selected_dist(&self) -> Option<crate::model::DistId> {
        match self.view {
            ViewId::Packages => match self.packages.selected()? {
                PkgRow::Dist(d) => Some(d),
                PkgRow::Unowned => None,
            },
            ViewId::Tree => match self.tree.scope {
                Scope::Dist(d) => Some(d),
                _ => self.bundle().tree.node(self.tree.selected()?).owner(),
            },
            ViewId::Treemap => match self.treemap.selected_item()? {
                TileItem::Dist(d) => Some(d),
                TileItem::Node(n) => match self.treemap.focus {
                    super::Focus::Node(_, Scope::Dist(d)) => Some(d),
                    _ => self.bundle().tree.node(n).owner(),
                },
                TileItem::Unowned => None,
            },
            ViewId::Rules => None,
        }
    }
}
