//! What the user has excluded and what is left: the cut set (manual nodes, whole
//! distributions, rule hits), each node's reason, and kept sizes for every node and
//! distribution, recomputed in one pass over the arena after every change.
//!
//! The rule engine plugs in through [`Cuts::set_rule_hits`]: for each node, the index
//! of the first rule that excludes it. Which rules are switched off is part of the
//! [`CutSet`], so undo covers rule toggles too.

use std::collections::BTreeSet;

use crate::model::{DistId, NodeId, Sizes, Tree};

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
#[derive(Clone, Debug, Default)]
pub struct Cuts {
    /// The decisions.
    pub set: CutSet,
    rule_hits: Vec<Option<u16>>,
    reason: Vec<Reason>,
    full: Vec<Sizes>,
    kept: Vec<Sizes>,
    dist_kept: Vec<Sizes>,
    dist_reason: Vec<Reason>,
    unowned: (Sizes, Sizes),
}

impl Cuts {
    /// Replaces the rule engine's verdicts (index of the first matching rule per node).
    pub fn set_rule_hits(&mut self, hits: Vec<Option<u16>>) {
        self.rule_hits = hits;
    }

    /// Recomputes reasons and sizes for every node: parents come before children in the
    /// arena, so one forward pass inherits reasons and one backward pass sums sizes.
    pub fn recompute(&mut self, tree: &Tree, dists: usize) {
        let n = tree.len();
        self.reason.clear();
        self.reason.resize(n, Reason::Kept);
        self.full.clear();
        self.full.resize(n, Sizes::default());
        self.kept.clear();
        self.kept.resize(n, Sizes::default());
        self.dist_kept.clear();
        self.dist_kept.resize(dists, Sizes::default());
        self.dist_reason.clear();
        self.dist_reason.resize(dists, Reason::Kept);
        self.unowned = (Sizes::default(), Sizes::default());
        for &id in &self.set.nodes {
            if id.index() < n {
                self.reason[id.index()] = Reason::Manual;
            }
        }
        for i in 0..n {
            let id = NodeId(i as u32);
            let node = tree.node(id);
            if node.is_detached() {
                continue;
            }
            let inherited = tree
                .parent(id)
                .map_or(Reason::Kept, |p| self.reason[p.index()]);
            let reason = self.own_reason(i, node.owner, inherited);
            self.reason[i] = reason;
            self.full[i] = node.own;
            if !reason.is_cut() {
                self.kept[i] = node.own;
            }
            self.count_owner(node.owner.filter(|d| d.index() < dists), node, reason);
        }
        for i in (0..n).rev() {
            let id = NodeId(i as u32);
            if tree.node(id).is_detached() {
                continue;
            }
            if let Some(p) = tree.parent(id) {
                let (full, kept) = (self.full[i], self.kept[i]);
                self.full[p.index()].add(&full);
                self.kept[p.index()].add(&kept);
            }
        }
    }

    fn count_owner(&mut self, owner: Option<DistId>, node: &crate::model::Node, reason: Reason) {
        match owner {
            Some(d) if reason.is_cut() => {
                if self.dist_reason[d.index()] == Reason::Kept {
                    self.dist_reason[d.index()] = reason;
                }
            }
            Some(d) => self.dist_kept[d.index()].add(&node.own),
            None if node.is_dir() => {}
            None => {
                self.unowned.0.add(&node.own);
                if !reason.is_cut() {
                    self.unowned.1.add(&node.own);
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
        self.full.get(id.index()).copied().unwrap_or_default()
    }

    /// Sizes of what is left of the subtree after exclusions.
    pub fn kept(&self, id: NodeId) -> Sizes {
        self.kept.get(id.index()).copied().unwrap_or_default()
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
mod tests {
    use crate::model::NodeKind;

    use super::*;

    fn file(bytes: u64) -> Sizes {
        Sizes {
            files: 1,
            bytes,
            ..Sizes::default()
        }
    }

    /// top / root / {pkg/{a.py 100 (d0), b.so 1000 (d0)}, c.py 10 (d1)}
    fn tree() -> (Tree, [NodeId; 5]) {
        let mut t = Tree::new();
        let top = t.add_root(b"");
        let root = t.add_child(top, b"/site", NodeKind::Dir, Sizes::default());
        let pkg = t.add_child(root, b"pkg", NodeKind::Dir, Sizes::default());
        let a = t.add_child(pkg, b"a.py", NodeKind::File, file(100));
        let b = t.add_child(pkg, b"b.so", NodeKind::File, file(1000));
        let c = t.add_child(root, b"c.py", NodeKind::File, file(10));
        t.node_mut(a).owner = Some(DistId(0));
        t.node_mut(b).owner = Some(DistId(0));
        t.node_mut(c).owner = Some(DistId(1));
        t.roll_up();
        (t, [top, pkg, a, b, c])
    }

    #[test]
    fn excluding_a_dir_excludes_its_children_and_shrinks_every_ancestor() {
        let (t, [top, pkg, a, _, c]) = tree();
        let mut cuts = Cuts::default();
        cuts.set.nodes.insert(pkg);
        cuts.recompute(&t, 2);
        assert_eq!(cuts.reason(a), Reason::Manual);
        assert_eq!(cuts.reason(c), Reason::Kept);
        assert_eq!(cuts.kept(top).bytes, 10);
        assert_eq!(cuts.full(top).bytes, 1110);
        assert_eq!(cuts.dist_kept(DistId(0)).bytes, 0);
        assert_eq!(cuts.dist_kept(DistId(1)).bytes, 10);
    }

    #[test]
    fn excluding_a_distribution_excludes_only_the_files_it_owns() {
        let (t, [top, pkg, a, _, c]) = tree();
        let mut cuts = Cuts::default();
        cuts.set.dists.insert(DistId(0));
        cuts.recompute(&t, 2);
        assert_eq!(cuts.reason(a), Reason::Dist(DistId(0)));
        assert_eq!(
            cuts.reason(pkg),
            Reason::Kept,
            "the directory itself is not owned"
        );
        assert_eq!(cuts.reason(c), Reason::Kept);
        assert_eq!(cuts.kept(top).bytes, 10);
    }

    #[test]
    fn a_manual_cut_above_wins_over_a_rule_below() {
        let (t, [_, pkg, a, b, _]) = tree();
        let mut cuts = Cuts::default();
        let mut hits = vec![None; t.len()];
        hits[b.index()] = Some(0);
        cuts.set_rule_hits(hits);
        cuts.recompute(&t, 2);
        assert_eq!(cuts.reason(b), Reason::Rule(0));
        cuts.set.nodes.insert(pkg);
        cuts.recompute(&t, 2);
        assert_eq!(cuts.reason(b), Reason::Manual);
        assert_eq!(cuts.reason(a), Reason::Manual);
    }

    #[test]
    fn a_rule_switched_off_excludes_nothing() {
        let (t, [top, _, _, b, _]) = tree();
        let mut cuts = Cuts::default();
        let mut hits = vec![None; t.len()];
        hits[b.index()] = Some(3);
        cuts.set_rule_hits(hits);
        cuts.set.rules_off.insert(3);
        cuts.recompute(&t, 2);
        assert_eq!(cuts.reason(b), Reason::Kept);
        assert_eq!(cuts.kept(top).bytes, 1110);
        assert!(!cuts.has_rule_hits());
    }

    #[test]
    fn with_nothing_cut_kept_equals_full_everywhere() {
        let (t, ids) = tree();
        let mut cuts = Cuts::default();
        cuts.recompute(&t, 2);
        for id in ids {
            assert_eq!(cuts.kept(id), cuts.full(id));
            assert_eq!(cuts.full(id), t.node(id).total);
        }
    }
}
