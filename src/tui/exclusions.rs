//! What is excluded and what is left, for the explorer: the rules engine's
//! [`Exclusion`] (an ordered rule list, evaluated incrementally) plus what the views need
//! on top of it — full and kept sizes of every node, sums under a [`Scope`], which rule
//! names each distribution, and rule-list snapshots for undo.
//!
//! Every exclusion the user makes is a rule: Space on a package is a `dist` rule, on a
//! directory a `path` rule, `x` a `dist-deps` rule, presets add theirs. While the scan
//! runs there is no rule list yet and everything is kept.

mod alerts;
mod shape;

use std::cell::RefCell;
use std::sync::Arc;

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::imports::Imports;
use crate::model::{DistId, NodeId, Sizes};
use crate::rules::strip::{StripCache, strip_savings};
use crate::rules::{Rule, RuleError, RuleKind, rule_dists};

pub use alerts::Alerts;
use shape::{ScopeSizes, Shape};

/// Why a node is excluded (or that it is not).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reason {
    /// Not excluded.
    #[default]
    Kept,
    /// Excluded by the rule at this position in the list.
    Rule(usize),
}

impl Reason {
    /// Whether the node is excluded.
    pub fn is_excluded(self) -> bool {
        self != Reason::Kept
    }
}

/// The files a view counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every file.
    #[default]
    All,
    /// Files one distribution owns.
    Dist(DistId),
    /// Files no distribution owns.
    Unowned,
}

impl Scope {
    /// Whether a file with this owner counts.
    pub fn admits(self, owner: Option<DistId>) -> bool {
        match self {
            Scope::All => true,
            Scope::Dist(d) => owner == Some(d),
            Scope::Unowned => owner.is_none(),
        }
    }
}

/// A rule list with each rule's switch, as undo keeps it.
pub type Snapshot = Vec<(Rule, bool)>;

/// The rule list's evaluation and what the views derive from it.
#[derive(Debug, Default)]
pub struct Exclusions {
    ex: Option<Exclusion>,
    shape: Shape,
    top: NodeId,
    /// Per distribution: the first enabled `dist`/`dist-deps` rule naming it.
    dist_rule: Vec<Option<usize>>,
    /// Sizes under the scopes views asked for, filled lazily (cleared on every change).
    scopes: RefCell<Vec<ScopeSizes>>,
    strip: StripCache,
    /// What the current exclusions would break.
    alerts: Alerts,
    /// An evaluation prepared off the UI thread, for [`Exclusions::start`] to begin from.
    prepared: Option<Exclusion>,
    /// The import graph, once analysed: excluding what kept code imports warns.
    imports: Option<Arc<Imports>>,
}

impl Exclusions {
    /// Re-reads the tree after it changed (scan batches, zipped estimates) and re-evaluates.
    pub fn reshape(&mut self, bundle: &Bundle) {
        // The old copy goes first, so two never coexist at the peak.
        self.shape = Shape::default();
        self.shape = Shape::of(&bundle.tree, bundle.top);
        self.top = bundle.top;
        if let Some(ex) = &mut self.ex {
            ex.recompute(bundle);
        }
        self.derive(bundle);
    }

    /// Takes in zipped sizes that changed (`(node, zipped bytes before)`, the tree already
    /// updated): the sums along each node's ancestors move, nothing else is re-read, so a
    /// batch of estimates costs its files' depth, not a pass over the tree.
    pub fn on_zipped(&mut self, bundle: &Bundle, changed: &[(NodeId, u64)]) {
        for &(id, before) in changed {
            let now = bundle.tree.node(id).own.zipped;
            if now == before {
                continue;
            }
            self.shape.set_own_zipped(id.index(), before, now);
            if let Some(ex) = &mut self.ex {
                let mut old_own = bundle.tree.node(id).own;
                old_own.zipped = before;
                ex.on_sizes_changed(bundle, id, &old_own);
            }
        }
        for s in self.scopes.get_mut() {
            s.scope = None;
        }
    }

    /// Re-reads the tree after nodes were added or detached (a watch batch): every rule
    /// finds its hits again, by name, so rules stay applied whatever ids moved.
    pub fn rebuild(&mut self, bundle: &Bundle) {
        self.shape = Shape::of(&bundle.tree, bundle.top);
        self.top = bundle.top;
        if let Some(ex) = &mut self.ex {
            ex.rebuild(bundle);
        }
        self.derive(bundle);
    }

    /// Starts evaluating rules over a complete bundle, with `rules` applied.
    pub fn start(&mut self, bundle: &Bundle, rules: Vec<Rule>) -> Result<(), RuleError> {
        let mut ex = match self.prepared.take() {
            Some(mut ex) => {
                ex.set_imports(self.imports.clone());
                ex
            }
            None => self.fresh(bundle),
        };
        // One walk finds what every preset names, so the picker prices them and adds any
        // of them without walking the tree again.
        ex.warm_presets(bundle);
        self.ex = Some(ex);
        self.shape = Shape::of(&bundle.tree, bundle.top);
        self.top = bundle.top;
        let snapshot = rules.into_iter().map(|r| (r, true)).collect();
        self.restore(bundle, &snapshot)
    }

    /// Hands over an empty evaluation of `bundle` made elsewhere (a worker, with the presets'
    /// hits found), for the next [`Exclusions::start`] over the same bundle.
    pub fn prepare(&mut self, ex: Exclusion) {
        self.prepared = Some(ex);
    }

    /// An empty rule list over `bundle` that warns with the import graph in use.
    fn fresh(&self, bundle: &Bundle) -> Exclusion {
        let mut ex = Exclusion::new(bundle);
        ex.set_imports(self.imports.clone());
        ex
    }

    /// Uses `imports` (made from this `bundle`) for import warnings from now on, or none.
    pub fn set_imports(&mut self, bundle: &Bundle, imports: Option<Arc<Imports>>) {
        self.imports.clone_from(&imports);
        if let Some(ex) = &mut self.ex {
            ex.set_imports(imports);
        }
        self.derive(bundle);
    }

    /// The import graph in use, if any.
    pub fn imports(&self) -> Option<&Imports> {
        self.imports.as_deref()
    }

    /// The evaluation, once the bundle is complete.
    pub fn exclusion(&self) -> Option<&Exclusion> {
        self.ex.as_ref()
    }

    /// Changes the rule list through `edit`, then brings everything derived up to date.
    pub fn edit<R>(
        &mut self,
        bundle: &Bundle,
        edit: impl FnOnce(&mut Exclusion) -> R,
    ) -> Option<R> {
        let ex = self.ex.as_mut()?;
        let out = edit(ex);
        self.fill_strip(bundle);
        self.derive(bundle);
        Some(out)
    }

    /// The rule list as it stands, for undo.
    pub fn snapshot(&self) -> Snapshot {
        self.ex.as_ref().map_or_else(Vec::new, |ex| {
            ex.rules()
                .cloned()
                .enumerate()
                .map(|(i, r)| (r, ex.is_enabled(i)))
                .collect()
        })
    }

    /// Replaces the rule list with `snapshot` (undo, redo, a manifest's rules).
    /// Only the rules that differ are evaluated again, with hits the engine has cached.
    pub fn restore(&mut self, bundle: &Bundle, snapshot: &Snapshot) -> Result<(), RuleError> {
        if self.ex.is_none() {
            self.ex = Some(self.fresh(bundle));
        }
        if let Some(ex) = &mut self.ex {
            ex.restore(bundle, snapshot)?;
        }
        self.fill_strip(bundle);
        self.derive(bundle);
        Ok(())
    }

    /// The evaluation with every `.so` strip saving read, for planning cuts that may
    /// include `strip-so` (read once, cached like the rule's own).
    pub fn planning_base(&mut self, bundle: &Bundle) -> Option<Exclusion> {
        let mut ex = self.ex.clone()?;
        if ex.strip_savings().total() == 0 {
            ex.set_strip_savings(bundle, strip_savings(bundle, &mut self.strip));
        }
        Some(ex)
    }

    /// Reads `.so` strip savings the first time a `strip-so` rule is switched on.
    fn fill_strip(&mut self, bundle: &Bundle) {
        let Some(ex) = &mut self.ex else { return };
        let wants = ex.enabled_rules().any(|r| r.kind == RuleKind::StripSo);
        if wants && ex.strip_savings().total() == 0 {
            let savings = strip_savings(bundle, &mut self.strip);
            ex.set_strip_savings(bundle, savings);
        }
    }

    /// Which rule names each distribution; stale scope sums are dropped.
    fn derive(&mut self, bundle: &Bundle) {
        for s in self.scopes.get_mut() {
            s.scope = None;
        }
        self.dist_rule = vec![None; bundle.dists.len()];
        let Some(ex) = &self.ex else {
            self.alerts = Alerts::default();
            return;
        };
        self.alerts = Alerts::of(bundle, ex);
        for (i, rule) in ex.rules().enumerate() {
            if !ex.is_enabled(i) || !matches!(rule.kind, RuleKind::Dist | RuleKind::DistDeps) {
                continue;
            }
            for d in rule_dists(bundle, rule) {
                self.dist_rule[d.index()].get_or_insert(i);
            }
        }
    }

    /// Why a node is excluded, or [`Reason::Kept`] (a directory counts as excluded only
    /// when everything under it is).
    pub fn reason(&self, id: NodeId) -> Reason {
        self.ex
            .as_ref()
            .and_then(|ex| ex.excluded_by(id))
            .map_or(Reason::Kept, Reason::Rule)
    }

    /// Sizes of the whole subtree, excluded parts included.
    pub fn full(&self, id: NodeId) -> Sizes {
        self.shape.full(id.index())
    }

    /// What the rules take away from a subtree (strip savings included).
    pub fn excluded_sizes(&self, id: NodeId) -> Sizes {
        self.ex
            .as_ref()
            .map(|ex| ex.excluded(id))
            .unwrap_or_default()
    }

    /// Sizes of what is left of the subtree after exclusions.
    pub fn kept(&self, id: NodeId) -> Sizes {
        let mut kept = self.full(id);
        kept.sub(&self.excluded_sizes(id));
        kept
    }

    /// Full and kept sizes of a subtree counting only the files `scope` admits.
    pub fn scoped(&self, id: NodeId, scope: Scope) -> (Sizes, Sizes) {
        if scope == Scope::All {
            return (self.full(id), self.kept(id));
        }
        let mut cache = self.scopes.borrow_mut();
        if let Some(s) = cache.iter().find(|s| s.scope == Some(scope)) {
            return s.get(id);
        }
        // Two scopes at most are in use at once (tree and treemap); reuse a stale slot.
        let slot = match cache.iter().position(|s| s.scope.is_none()) {
            Some(i) => i,
            None if cache.len() < 2 => {
                cache.push(ScopeSizes::default());
                cache.len() - 1
            }
            None => 0,
        };
        cache[slot].fill(
            &self.shape,
            |i| self.excluded_sizes(NodeId(i as u32)),
            scope,
        );
        cache[slot].get(id)
    }

    /// Sizes of what is left of a distribution after exclusions.
    pub fn dist_kept(&self, bundle: &Bundle, id: DistId) -> Sizes {
        match &self.ex {
            Some(ex) => ex.dist_totals(bundle, id).after,
            None => bundle.dist(id).sizes,
        }
    }

    /// The first enabled rule excluding a distribution as a whole, if any.
    pub fn dist_rule(&self, id: DistId) -> Option<usize> {
        self.dist_rule.get(id.index()).copied().flatten()
    }

    /// Full and kept sizes of the files no distribution owns.
    /// Read from sums the engine keeps up to date, not from a pass over the tree.
    pub fn unowned(&self) -> (Sizes, Sizes) {
        let full = self.shape.unowned;
        let mut kept = full;
        if let Some(ex) = &self.ex {
            kept.sub(&ex.unowned_excluded());
        }
        (full, kept)
    }

    /// The rule at `index`, if any.
    pub fn rule(&self, index: usize) -> Option<&Rule> {
        self.ex
            .as_ref()
            .filter(|ex| index < ex.len())
            .map(|ex| ex.rule(index))
    }

    /// How many rules there are.
    pub fn rule_count(&self) -> usize {
        self.ex.as_ref().map_or(0, Exclusion::len)
    }

    /// What the current exclusions would break.
    pub fn alerts(&self) -> &Alerts {
        &self.alerts
    }

    /// Whether any rule is in the list.
    pub fn has_rules(&self) -> bool {
        self.rule_count() > 0
    }
}

#[cfg(test)]
mod tests;
