//! Incremental evaluation of an ordered rule list over a [`Bundle`]: which rule decides
//! each node, and excluded sizes rolled up per node, distribution, root and bundle.
//!
//! Semantics: every enabled rule names some nodes (its hits, see [`crate::rules`]); a node
//! is decided by the first rule, in list order, that names it or one of its ancestors. A
//! file is excluded when that rule excludes (anything but `keep`). A directory is excluded
//! when every file under it is (an empty directory: when its deciding rule excludes), so an
//! excluded directory can be deleted whole. `strip-so` never decides a node; it takes its
//! estimated saving off every kept `.so` file with one.
//!
//! Changing a rule re-evaluates only the subtrees it names and walks their deltas up the
//! parent chain, so a toggle costs about the size of what the rule touches (benchmark:
//! `cargo run --release --example bench_toggle`). Call [`Exclusion::on_sizes_changed`] or
//! [`Exclusion::recompute`] when sizes change (zip estimates arriving) and
//! [`Exclusion::rebuild`] when nodes are added or detached.

mod cache;
pub mod candidates;
mod eval;
mod restore;
pub mod warnings;

use std::ops::Range;
use std::sync::Arc;

use crate::bundle::Bundle;
use crate::imports::Imports;
use crate::model::{DistId, NodeId, Sizes};
use crate::rules::strip::StripSavings;
use crate::rules::{Owners, Rule, RuleError, RuleKind, preset};

pub use candidates::Candidate;
pub use warnings::Warning;

use cache::HitCache;
#[cfg(test)]
pub(crate) use eval::settled_so_far;
use eval::{IdInfo, State};

/// Marks "no rule" in per-node rule ids.
const NO_RULE: u32 = u32::MAX;

/// Sizes of the bundle (or a part of it) before and after exclusions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// As scanned.
    pub before: Sizes,
    /// What the rules take away (strip savings included).
    pub excluded: Sizes,
    /// `before - excluded`.
    pub after: Sizes,
}

impl Totals {
    fn new(before: Sizes, excluded: Sizes) -> Totals {
        let mut after = before;
        after.sub(&excluded);
        Totals {
            before,
            excluded,
            after,
        }
    }
}

/// One rule in the list, with its state.
#[derive(Clone, Debug)]
struct Slot {
    id: u32,
    rule: Rule,
    enabled: bool,
    /// Shared with the hit cache.
    hits: Arc<[NodeId]>,
}

/// The evaluation state of a rule list over one bundle.
#[derive(Clone, Debug, Default)]
pub struct Exclusion {
    slots: Vec<Slot>,
    /// Per rule id (ids never move; positions do).
    ids: Vec<IdInfo>,
    owners: Owners,
    strip: StripSavings,
    /// Id of the first enabled `strip-so` rule.
    strip_rule: u32,
    /// Per node.
    state: Vec<State>,
    /// Rule ids of nodes named by more than one rule.
    lists: Vec<Vec<u32>>,
    dist_gone: Vec<Sizes>,
    /// What is excluded of the files no distribution owns.
    unowned_gone: Sizes,
    /// Per rule id: the sizes credited to it.
    rule_gone: Vec<Sizes>,
    /// Generation of the scratch marks in `state`.
    generation: u32,
    /// Scratch breadth-first order for subtree refreshes.
    order: Vec<NodeId>,
    /// The import graph, when entries are known: excluding imported modules warns.
    imports: Option<Arc<Imports>>,
    /// Every rule's hits seen so far, by rule.
    cache: HitCache,
}

impl Exclusion {
    /// An empty rule list over `bundle` (nothing excluded).
    pub fn new(bundle: &Bundle) -> Exclusion {
        let mut ex = Exclusion {
            owners: Owners::new(bundle),
            strip_rule: NO_RULE,
            ..Exclusion::default()
        };
        ex.recompute(bundle);
        ex
    }

    /// `rules`, in order, over `bundle`.
    pub fn with_rules(
        bundle: &Bundle,
        rules: impl IntoIterator<Item = Rule>,
    ) -> Result<Exclusion, RuleError> {
        let mut ex = Exclusion::new(bundle);
        for rule in rules {
            ex.push(bundle, rule)?;
        }
        Ok(ex)
    }

    /// Uses `imports` for warnings about excluded modules that kept code imports.
    pub fn set_imports(&mut self, imports: Option<Arc<Imports>>) {
        self.imports = imports;
    }

    /// The import graph in use, if any.
    pub fn imports(&self) -> Option<&Imports> {
        self.imports.as_deref()
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The rule at `index`.
    pub fn rule(&self, index: usize) -> &Rule {
        &self.slots[index].rule
    }

    /// Every rule, in order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> + '_ {
        self.slots.iter().map(|s| &s.rule)
    }

    /// The enabled rules, in order.
    pub fn enabled_rules(&self) -> impl Iterator<Item = &Rule> + '_ {
        self.slots.iter().filter(|s| s.enabled).map(|s| &s.rule)
    }

    /// Whether the rule at `index` is enabled.
    pub fn is_enabled(&self, index: usize) -> bool {
        self.slots[index].enabled
    }

    /// Sizes credited to the rule at `index`: what it removes that no earlier rule does.
    pub fn saving(&self, index: usize) -> Sizes {
        self.rule_gone[self.slots[index].id as usize]
    }

    /// How many topmost nodes the rule at `index` names (enabled or not).
    pub fn hit_count(&self, index: usize) -> usize {
        self.slots[index].hits.len()
    }

    /// Appends a rule (enabled); returns its index.
    pub fn push(&mut self, bundle: &Bundle, rule: Rule) -> Result<usize, RuleError> {
        let index = self.slots.len();
        self.insert(bundle, index, rule)?;
        Ok(index)
    }

    /// Appends the rules of preset `name`; returns their index range.
    pub fn push_preset(&mut self, bundle: &Bundle, name: &str) -> Result<Range<usize>, RuleError> {
        let start = self.slots.len();
        let rules = preset::preset_rules(name, &bundle.target)?;
        self.warm(bundle, &rules);
        for rule in rules {
            self.push(bundle, rule)?;
        }
        Ok(start..self.slots.len())
    }

    /// Inserts a rule (enabled) at `index` (clamped to the end).
    pub fn insert(&mut self, bundle: &Bundle, index: usize, rule: Rule) -> Result<(), RuleError> {
        self.insert_switched(bundle, index, rule, true)
    }

    /// Inserts a rule, enabled or not, at `index` (clamped to the end).
    fn insert_switched(
        &mut self,
        bundle: &Bundle,
        index: usize,
        rule: Rule,
        enabled: bool,
    ) -> Result<(), RuleError> {
        let hits = self.hits_of(bundle, &rule)?;
        let id = self.ids.len() as u32;
        self.ids.push(IdInfo {
            pos: NO_RULE,
            enabled,
            excluding: rule.kind != RuleKind::Keep,
        });
        self.rule_gone.push(Sizes::default());
        let slot = Slot {
            id,
            rule,
            enabled,
            hits,
        };
        self.register(&slot);
        let index = index.min(self.slots.len());
        self.slots.insert(index, slot);
        self.reindex();
        // A switched-off rule decides nothing, and the others keep their order.
        if enabled {
            self.refresh_slots(bundle, index..index + 1);
        }
        Ok(())
    }

    /// Removes and returns the rule at `index`.
    pub fn remove(&mut self, bundle: &Bundle, index: usize) -> Rule {
        let slot = self.slots.remove(index);
        self.unregister(&slot);
        self.ids[slot.id as usize].pos = NO_RULE;
        self.reindex();
        self.refresh_nodes(bundle, slot.hits.to_vec());
        slot.rule
    }

    /// Flips the rule at `index` on or off; returns whether it is now enabled.
    pub fn toggle(&mut self, bundle: &Bundle, index: usize) -> bool {
        let on = !self.slots[index].enabled;
        self.set_enabled(bundle, index, on);
        on
    }

    /// Enables or disables the rule at `index`.
    pub fn set_enabled(&mut self, bundle: &Bundle, index: usize, on: bool) {
        if self.slots[index].enabled == on {
            return;
        }
        self.slots[index].enabled = on;
        self.reindex();
        self.refresh_slots(bundle, index..index + 1);
    }

    /// Enables or disables every rule of preset `name`; returns how many it changed.
    pub fn set_preset_enabled(&mut self, bundle: &Bundle, name: &str, on: bool) -> usize {
        let indices: Vec<usize> = (0..self.slots.len())
            .filter(|i| self.slots[*i].rule.preset.as_deref() == Some(name))
            .filter(|i| self.slots[*i].enabled != on)
            .collect();
        for &i in &indices {
            self.slots[i].enabled = on;
        }
        self.reindex();
        let nodes = indices
            .iter()
            .flat_map(|i| self.slots[*i].hits.iter().copied())
            .collect();
        self.refresh_nodes(bundle, nodes);
        indices.len()
    }

    /// Moves the rule at `from` to `to` (both clamped), changing which rule wins.
    pub fn move_rule(&mut self, bundle: &Bundle, from: usize, to: usize) {
        let last = self.slots.len().saturating_sub(1);
        let (from, to) = (from.min(last), to.min(last));
        if from == to {
            return;
        }
        let slot = self.slots.remove(from);
        self.slots.insert(to, slot);
        self.reindex();
        self.refresh_slots(bundle, from.min(to)..from.max(to) + 1);
    }

    /// Replaces the strip savings (from [`crate::rules::strip::strip_savings`]).
    pub fn set_strip_savings(&mut self, bundle: &Bundle, savings: StripSavings) {
        let mut nodes: Vec<NodeId> = self.strip.files().collect();
        nodes.extend(savings.files());
        self.strip = savings;
        for slot in &mut self.slots {
            if slot.rule.kind == RuleKind::StripSo {
                slot.hits = self.strip.files().collect();
            }
        }
        self.refresh_nodes(bundle, nodes);
    }

    /// The strip savings in use.
    pub fn strip_savings(&self) -> &StripSavings {
        &self.strip
    }

    /// Whether `id` is excluded (a directory: everything under it).
    pub fn is_excluded(&self, id: NodeId) -> bool {
        self.state.get(id.index()).is_some_and(|s| s.excluded)
    }

    /// Index of the rule excluding `id` (credited with its saving), if it is excluded.
    pub fn excluded_by(&self, id: NodeId) -> Option<usize> {
        if !self.is_excluded(id) {
            return None;
        }
        self.position(self.state[id.index()].credit)
    }

    /// Index of the rule deciding `id` (an excluding or a `keep` rule), if any.
    pub fn decided_by(&self, id: NodeId) -> Option<usize> {
        self.position(self.state.get(id.index())?.claim)
    }

    /// Excluded sizes of the subtree under `id`.
    pub fn excluded(&self, id: NodeId) -> Sizes {
        self.state
            .get(id.index())
            .map(|s| s.gone)
            .unwrap_or_default()
    }

    /// Sizes before and after exclusions of the subtree under `id`.
    pub fn node_totals(&self, bundle: &Bundle, id: NodeId) -> Totals {
        Totals::new(bundle.tree.node(id).total, self.excluded(id))
    }

    /// Sizes of distribution `dist` before and after exclusions.
    pub fn dist_totals(&self, bundle: &Bundle, dist: DistId) -> Totals {
        let excluded = self.dist_gone.get(dist.index()).copied();
        Totals::new(bundle.dist(dist).sizes, excluded.unwrap_or_default())
    }

    /// What the rules take from the files no distribution owns (strip savings included).
    pub fn unowned_excluded(&self) -> Sizes {
        self.unowned_gone
    }

    /// Whether every file of `dist` is excluded.
    pub fn is_dist_excluded(&self, bundle: &Bundle, dist: DistId) -> bool {
        let t = self.dist_totals(bundle, dist);
        t.before.files > 0 && t.after.files == 0
    }

    /// Sizes of root `root` before and after exclusions.
    pub fn root_totals(&self, bundle: &Bundle, root: usize) -> Totals {
        self.node_totals(bundle, bundle.roots[root].node)
    }

    /// Sizes of the whole bundle before and after exclusions.
    pub fn totals(&self, bundle: &Bundle) -> Totals {
        self.node_totals(bundle, bundle.top)
    }

    fn position(&self, id: u32) -> Option<usize> {
        let p = self.ids.get(id as usize)?.pos;
        (p != NO_RULE).then_some(p as usize)
    }
}

#[cfg(test)]
mod tests;
