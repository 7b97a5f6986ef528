//! Changing what is excluded: toggles, a distribution with its exclusive dependencies,
//! undo and redo, and the Rules list.

use crate::limits::human;
use crate::model::{DistId, NodeId};

use super::{App, PkgRow, Scope, TileItem};
use crate::tui::cuts::{CutSet, Reason};
use crate::tui::keymap::ViewId;

/// One line of the Rules view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleEntry {
    /// A distribution excluded by hand.
    Dist(DistId),
    /// A path excluded by hand.
    Node(NodeId),
}

/// What Space acts on.
enum Target {
    Dist(DistId),
    Node(NodeId),
}

impl App {
    /// Applies `edit` to the cut set; records undo and updates every total when it changed.
    pub fn change(&mut self, edit: impl FnOnce(&mut CutSet)) -> bool {
        let before = self.cuts.set.clone();
        edit(&mut self.cuts.set);
        if self.cuts.set == before {
            return false;
        }
        self.undo.push(before);
        self.redo.clear();
        self.unexported = true;
        self.after_cut_change();
        true
    }

    fn after_cut_change(&mut self) {
        self.recompute(false);
        self.refresh_views();
    }

    fn target(&self) -> Option<Target> {
        match self.view {
            ViewId::Packages => match self.packages.selected()? {
                PkgRow::Dist(d) => Some(Target::Dist(d)),
                PkgRow::Unowned => None,
            },
            ViewId::Tree => self.tree.selected().map(Target::Node),
            ViewId::Treemap => match self.treemap.selected_item()? {
                TileItem::Dist(d) => Some(Target::Dist(d)),
                TileItem::Node(n) => Some(Target::Node(n)),
                TileItem::Unowned => None,
            },
            ViewId::Rules => None,
        }
    }

    pub(super) fn on_toggle_cut(&mut self) {
        if self.data.is_scanning() {
            return self.say("wait for the scan to finish before excluding");
        }
        if self.view == ViewId::Rules {
            return self.on_rule_delete();
        }
        let before = self.kept_totals().bytes;
        match self.target() {
            Some(Target::Dist(d)) => {
                self.change(|s| toggle(&mut s.dists, d));
            }
            Some(Target::Node(n)) => self.toggle_node(n),
            None => {
                return self.say("nothing to exclude here (unowned files: open them in the Tree)");
            }
        }
        self.say_saving(before);
    }

    fn toggle_node(&mut self, n: NodeId) {
        let reason = self.cuts.reason(n);
        if !self.cuts.set.nodes.contains(&n) && reason.is_cut() {
            let why = match reason {
                Reason::Dist(d) => {
                    format!("its package {} is excluded", self.bundle().dist(d).name)
                }
                Reason::Rule(_) => "a rule excludes it; switch the rule off in Rules (4)".into(),
                _ => "a directory above it is excluded".into(),
            };
            return self.say(format!("already excluded: {why}"));
        }
        self.change(|s| toggle(&mut s.nodes, n));
    }

    fn say_saving(&mut self, before: u64) {
        let after = self.kept_totals().bytes;
        if after < before {
            self.say(format!(
                "excluded {} ({} bytes)",
                human(before - after),
                before - after
            ));
        } else if after > before {
            self.say(format!("kept {} again", human(after - before)));
        }
    }

    /// Excludes the selected distribution and every dependency nothing else needs (or
    /// keeps them all again if it was excluded).
    pub(super) fn on_cut_with_deps(&mut self) {
        if self.data.is_scanning() {
            return self.say("wait for the scan to finish before excluding");
        }
        let Some(d) = self.selected_dist() else {
            return self.say("select a package to exclude it with its dependencies");
        };
        let exclusive: Vec<DistId> = self
            .insight
            .as_ref()
            .map(|i| i.exclusive_set(d))
            .unwrap_or_default()
            .into_iter()
            .filter(|e| *e != d)
            .collect();
        let before = self.kept_totals().bytes;
        let dropping = !self.cuts.set.dists.contains(&d);
        self.change(|s| {
            for id in std::iter::once(d).chain(exclusive.iter().copied()) {
                if dropping {
                    s.dists.insert(id);
                } else {
                    s.dists.remove(&id);
                }
            }
        });
        let names: Vec<&str> = exclusive
            .iter()
            .map(|e| self.bundle().dist(*e).name.as_str())
            .collect();
        let name = self.bundle().dist(d).name.clone();
        let freed = before.abs_diff(self.kept_totals().bytes);
        let verb = if dropping { "excluded" } else { "kept" };
        let list = if names.is_empty() {
            "no dependency only it needs".to_string()
        } else {
            names.join(", ")
        };
        self.say(format!(
            "{verb} {name} + {} ({list}): {}",
            exclusive.len(),
            human(freed)
        ));
    }

    pub(super) fn on_undo(&mut self) {
        let Some(prev) = self.undo.pop() else {
            return self.say("nothing to undo");
        };
        let now = std::mem::replace(&mut self.cuts.set, prev);
        self.redo.push(now);
        self.unexported = true;
        self.after_cut_change();
        self.say("undone");
    }

    pub(super) fn on_redo(&mut self) {
        let Some(next) = self.redo.pop() else {
            return self.say("nothing to redo");
        };
        let now = std::mem::replace(&mut self.cuts.set, next);
        self.undo.push(now);
        self.unexported = true;
        self.after_cut_change();
        self.say("redone");
    }

    /// The Rules view's lines: whole distributions, then paths.
    pub fn rule_entries(&self) -> Vec<RuleEntry> {
        let set = &self.cuts.set;
        set.dists
            .iter()
            .map(|d| RuleEntry::Dist(*d))
            .chain(set.nodes.iter().map(|n| RuleEntry::Node(*n)))
            .collect()
    }

    /// How many lines the Rules view has.
    pub fn rule_count(&self) -> usize {
        self.cuts.set.dists.len() + self.cuts.set.nodes.len()
    }

    pub(super) fn on_rule_delete(&mut self) {
        if self.view != ViewId::Rules {
            return;
        }
        let Some(entry) = self.rule_entries().get(self.rules.selected).copied() else {
            return;
        };
        self.change(|s| match entry {
            RuleEntry::Dist(d) => {
                s.dists.remove(&d);
            }
            RuleEntry::Node(n) => {
                s.nodes.remove(&n);
            }
        });
    }

    /// Whether the tree is showing one distribution's files.
    pub fn tree_scope(&self) -> Scope {
        self.tree.scope
    }
}

fn toggle<T: Ord>(set: &mut std::collections::BTreeSet<T>, item: T) {
    if !set.remove(&item) {
        set.insert(item);
    }
}
