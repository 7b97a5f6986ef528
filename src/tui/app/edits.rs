//! Changing what is excluded. Every change is a rule: Space on a package adds (or drops)
//! a `dist` rule, on a file or directory a `path` rule, `x` a `dist-deps` rule; the Rules
//! view switches, deletes and reorders them. Undo and redo keep rule-list snapshots.

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::fit::fit_rules;
use crate::limits::{group, human};
use crate::model::{DistId, NodeId};
use crate::python::name::normalize;
use crate::rules::{Rule, RuleKind};

use super::App;
use crate::tui::exclusions::Reason;
use crate::tui::views::Item;

/// Position of the first rule of `kind` whose value names distribution `key`.
fn dist_rule_at(ex: &Exclusion, kind: RuleKind, key: &str) -> Option<usize> {
    ex.rules()
        .position(|r| r.kind == kind && normalize(r.value.trim()) == key)
}

impl App {
    /// Applies `edit` to the rule list; records undo and updates every total when it changed.
    pub fn change(&mut self, edit: impl FnOnce(&mut Exclusion, &Bundle)) -> bool {
        let Some(bundle) = self.data.complete() else {
            self.say("wait for the scan to finish before excluding");
            return false;
        };
        let before = self.exclusions.snapshot();
        self.exclusions.edit(bundle, |ex| edit(ex, bundle));
        if self.exclusions.snapshot() == before {
            return false;
        }
        self.undo.push(before);
        self.redo.clear();
        self.unexported = self.exclusions.snapshot() != self.saved;
        self.refresh_views();
        true
    }

    /// Space on an item (the Rules view switches rules instead).
    pub(super) fn on_exclude(&mut self, item: Item) {
        let before = self.kept_totals().bytes;
        match item {
            Item::Dist(d) => self.toggle_dist(d, RuleKind::Dist),
            Item::Node(n) => self.toggle_node(n),
            Item::Unowned => {
                return self.say("nothing to exclude here (unowned files: open them in the Tree)");
            }
        }
        self.say_saving(before);
    }

    /// Adds a `kind` rule for `d`, or drops the one there is.
    fn toggle_dist(&mut self, d: DistId, kind: RuleKind) {
        let key = self.bundle().dist(d).key.clone();
        let name = self.bundle().dist(d).name.clone();
        let existing = self
            .exclusions
            .exclusion()
            .and_then(|ex| dist_rule_at(ex, kind, &key));
        if existing.is_none()
            && let Some(r) = self.exclusions.dist_rule(d)
        {
            return self.say(format!("already excluded by rule {}", self.rule_name(r)));
        }
        self.change(|ex, bundle| match existing {
            Some(i) => {
                ex.remove(bundle, i);
            }
            None => {
                let _ = ex.push(bundle, Rule::dist(&name, kind == RuleKind::DistDeps));
            }
        });
    }

    /// Adds a `path` rule for `n`, or drops the one there is.
    fn toggle_node(&mut self, n: NodeId) {
        let bundle = self.bundle();
        let Some(root) = bundle.root_of(n).filter(|r| bundle.roots[*r].node != n) else {
            return self.say("pick a file or directory inside an input");
        };
        let rel = bundle.tree.rel_path(bundle.roots[root].node, n);
        let Ok(rel) = String::from_utf8(rel) else {
            return self.say("a path rule cannot name a non-UTF-8 path; exclude its directory");
        };
        let existing = self.exclusions.exclusion().and_then(|ex| {
            ex.rules().position(|r| {
                r.kind == RuleKind::Path && r.value == rel && r.root.is_none_or(|x| x == root)
            })
        });
        if existing.is_none()
            && let Reason::Rule(r) = self.exclusions.reason(n)
        {
            let label = self.rule_name(r);
            return self.say(format!(
                "already excluded by rule {label}; change it in Rules (4)"
            ));
        }
        self.change(|ex, bundle| match existing {
            Some(i) => {
                ex.remove(bundle, i);
            }
            None => {
                let _ = ex.push(bundle, Rule::path(&rel, Some(root)));
            }
        });
    }

    fn say_saving(&mut self, before: u64) {
        let after = self.kept_totals().bytes;
        if after < before {
            let freed = before - after;
            self.say(format!("excluded {} ({} B)", human(freed), group(freed)));
        } else if after > before {
            self.say(format!("kept {} again", human(after - before)));
        }
    }

    /// Excludes the selected distribution with every dependency nothing else needs (or
    /// drops that rule again).
    pub(super) fn on_exclude_with_deps(&mut self, d: DistId) {
        let only = self
            .insight
            .as_ref()
            .map_or(0, |i| i.exclusive_set(d).len().saturating_sub(1));
        let before = self.kept_totals().bytes;
        self.toggle_dist(d, RuleKind::DistDeps);
        let after = self.kept_totals().bytes;
        if after != before {
            let name = self.bundle().dist(d).name.clone();
            let verb = if after < before { "excluded" } else { "kept" };
            let bytes = human(before.abs_diff(after));
            let with = match only {
                0 => " (no dependency only it needs)".to_string(),
                n => format!(
                    " and {} only it needs",
                    super::info::count(n, "dependency", "dependencies")
                ),
            };
            self.say(format!("{verb} {name}{with}: {bytes}"));
        }
    }

    /// Plans the least risky presets that bring every gauged limit within bounds and adds
    /// their rules in one change (one undo step); says what it added, or the floor.
    pub(super) fn on_fit(&mut self) {
        let limits = self.active_limits();
        if limits.is_empty() {
            return self.say("fit: no limit is gauged; choose one with L");
        }
        let Some(bundle) = self.data.complete() else {
            return self.say("wait for the scan to finish before fitting");
        };
        let Some(base) = self.exclusions.planning_base(bundle) else {
            return;
        };
        let fitted = match fit_rules(bundle, &base, &limits, self.budget.reserve, false) {
            Ok(f) => f,
            Err(e) => return self.say(format!("fit: {e}")),
        };
        let summary = fitted.summary();
        let rules = fitted.rules;
        if !rules.is_empty() {
            self.change(|ex, bundle| {
                for rule in rules {
                    let _ = ex.push(bundle, rule);
                }
            });
        }
        self.say(summary);
    }

    pub(super) fn on_undo(&mut self) {
        let Some(prev) = self.undo.pop() else {
            return self.say("nothing to undo");
        };
        let now = self.exclusions.snapshot();
        self.redo.push(now);
        self.restore_rules(&prev);
        self.say("undone");
    }

    pub(super) fn on_redo(&mut self) {
        let Some(next) = self.redo.pop() else {
            return self.say("nothing to redo");
        };
        let now = self.exclusions.snapshot();
        self.undo.push(now);
        self.restore_rules(&next);
        self.say("redone");
    }

    fn restore_rules(&mut self, snapshot: &crate::tui::exclusions::Snapshot) {
        if let Some(bundle) = self.data.complete()
            && let Err(e) = self.exclusions.restore(bundle, snapshot)
        {
            self.message = Some(format!("could not restore the rules: {e}"));
        }
        self.unexported = self.exclusions.snapshot() != self.saved;
        self.refresh_views();
    }

    /// How many lines the Rules view has.
    pub fn rule_count(&self) -> usize {
        self.exclusions.rule_count()
    }

    pub(super) fn on_rule_toggle(&mut self, i: usize) {
        self.change(|ex, bundle| {
            ex.toggle(bundle, i);
        });
    }

    pub(super) fn on_rule_delete(&mut self, i: usize) {
        self.change(|ex, bundle| {
            ex.remove(bundle, i);
        });
    }

    /// Moves rule `i` to position `to`, changing which rule wins; the selection follows it.
    pub(super) fn on_rule_move(&mut self, i: usize, to: usize) {
        if self.change(|ex, bundle| ex.move_rule(bundle, i, to)) {
            let h = usize::from(self.layout().rules_rows.height);
            self.views.rules.list.select(to, self.rule_count(), h);
        }
    }
}
