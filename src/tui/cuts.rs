//! What the user has excluded and what is left: the cut set (manual nodes, whole
//! distributions, rule hits), each node's reason, and kept sizes for every node and
//! distribution, recomputed in one pass over compact arrays after every change.
//!
//! The rule engine plugs in through [`Cuts::set_rule_hits`]: for each node, the index
//! of the first rule that excludes it. Which rules are switched off is part of the
//! [`CutSet`], so undo covers rule toggles too.

mod shape;

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::model::{DistId, NodeId, Sizes, Tree};

use shape::{NONE, ScopeSizes, Shape};

/// Why a node is excluded (or that it is not).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reason {
    /// Not excluded.
    #[default]
    Kept,
    /// The user excluded it or a directory above it.
    Manual,
    /// Its distribution was excluded.
    Dist(DistId),
    /// A rule excluded it (index into the rule list).
    Rule(u16),
}

impl Reason {
    /// Whether the node is excluded.
    pub fn is_cut(self) -> bool {
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

/// The user's decisions; cheap to clone, so undo keeps whole copies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CutSet {
    /// Nodes excluded by hand (with everything below them).
    pub nodes: BTreeSet<NodeId>,
    /// Distributions excluded by hand (every file they own).
    pub dists: BTreeSet<DistId>,
    /// Rules switched off.
    pub rules_off: BTreeSet<u16>,
}

impl CutSet {
    /// Whether nothing is excluded by hand.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.dists.is_empty()
    }
}

/// The cut set and everything derived from it.
#[derive(Debug, Default)]
pub struct Cuts {
    /// The decisions.
    pub set: CutSet,
    rule_hits: Vec<Option<u16>>,
    shape: Shape,
    reason: Vec<Reason>,
    kept: Vec<Sizes>,
    dist_kept: Vec<Sizes>,
    dist_reason: Vec<Reason>,
    unowned: (Sizes, Sizes),
    /// Sizes under the scopes views asked for, filled lazily (cleared on every change).
    scopes: RefCell<Vec<ScopeSizes>>,
}

impl Cuts {
    /// Replaces the rule engine's verdicts (index of the first matching rule per node).
    pub fn set_rule_hits(&mut self, hits: Vec<Option<u16>>) {
        self.rule_hits = hits;
    }

    /// Recomputes reasons and kept sizes for every node. `reshaped` says the tree itself
    /// changed (new nodes, new own sizes); otherwise only the decisions did, and the
    /// compact copy of the tree is reused. Parents come before children in the arena, so
    /// one forward pass inherits reasons and one backward pass sums sizes.
    pub fn recompute(&mut self, tree: &Tree, dists: usize, reshaped: bool) {
        if reshaped || self.shape.len() != tree.len() {
            self.shape = Shape::of(tree);
        }
        for s in self.scopes.get_mut() {
            s.scope = None;
        }
        let n = self.shape.len();
        self.reason.resize(n, Reason::Kept);
        self.kept.resize(n, Sizes::default());
        self.dist_kept.clear();
        self.dist_kept.resize(dists, Sizes::default());
        self.dist_reason.clear();
        self.dist_reason.resize(dists, Reason::Kept);
        self.unowned = (Sizes::default(), Sizes::default());
        self.reason.fill(Reason::Kept);
        for &id in &self.set.nodes {
            if id.index() < n {
                self.reason[id.index()] = Reason::Manual;
            }
        }
        for i in 0..n {
            self.settle(i, dists);
        }
        for i in (0..n).rev() {
            let p = self.shape.parent[i];
            if p != NONE {
                let kept = self.kept[i];
                self.kept[p as usize].add(&kept);
            }
        }
    }

    /// Sets node `i`'s reason and own kept size, and counts it for its owner.
    fn settle(&mut self, i: usize, dists: usize) {
        let p = self.shape.parent[i];
        let inherited = if p == NONE {
            Reason::Kept
        } else {
            self.reason[p as usize]
        };
        let owner = self.shape.owner(i).filter(|d| d.index() < dists);
        let reason = self.own_reason(i, owner, inherited);
        self.reason[i] = reason;
        let own = self.shape.own[i];
        self.kept[i] = if reason.is_cut() {
            Sizes::default()
        } else {
            own
        };
        match owner {
            Some(d) if reason.is_cut() => {
                if self.dist_reason[d.index()] == Reason::Kept {
                    self.dist_reason[d.index()] = reason;
                }
            }
            Some(d) => self.dist_kept[d.index()].add(&own),
            None if self.shape.is_dir(i) => {}
            None => {
                self.unowned.0.add(&own);
                if !reason.is_cut() {
                    self.unowned.1.add(&own);
                }
            }
        }
    }

    fn own_reason(&self, i: usize, owner: Option<DistId>, inherited: Reason) -> Reason {
        // Manual marks were written before the pass; an excluded ancestor comes next.
        if self.reason[i] == Reason::Manual {
            return Reason::Manual;
        }
        if inherited.is_cut() {
            return inherited;
        }
        if let Some(d) = owner.filter(|d| self.set.dists.contains(d)) {
            return Reason::Dist(d);
        }
        match self.rule_hits.get(i).copied().flatten() {
            Some(r) if !self.set.rules_off.contains(&r) => Reason::Rule(r),
            _ => Reason::Kept,
        }
    }

    /// Why a node is excluded, or [`Reason::Kept`].
    pub fn reason(&self, id: NodeId) -> Reason {
        self.reason.get(id.index()).copied().unwrap_or_default()
    }

    /// Sizes of the whole subtree, excluded parts included.
    pub fn full(&self, id: NodeId) -> Sizes {
        self.shape.full.get(id.index()).copied().unwrap_or_default()
    }

    /// Sizes of what is left of the subtree after exclusions.
    pub fn kept(&self, id: NodeId) -> Sizes {
        self.kept.get(id.index()).copied().unwrap_or_default()
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
        cache[slot].fill(&self.shape, &self.reason, scope);
        cache[slot].get(id)
    }

    /// Sizes of what is left of a distribution after exclusions.
    pub fn dist_kept(&self, id: DistId) -> Sizes {
        self.dist_kept.get(id.index()).copied().unwrap_or_default()
    }

    /// Why (some of) a distribution's files are excluded: the first reason met.
    pub fn dist_reason(&self, id: DistId) -> Reason {
        self.dist_reason
            .get(id.index())
            .copied()
            .unwrap_or_default()
    }

    /// Full and kept sizes of the files no distribution owns.
    pub fn unowned(&self) -> (Sizes, Sizes) {
        self.unowned
    }

    /// Whether any node is excluded by a rule that is switched on.
    pub fn has_rule_hits(&self) -> bool {
        self.rule_hits
            .iter()
            .flatten()
            .any(|r| !self.set.rules_off.contains(r))
    }
}

#[cfg(test)]
mod tests;
