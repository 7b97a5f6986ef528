//! The evaluation machinery: direct-hit tables, subtree re-evaluation and delta propagation.
//!
//! Per-node state sits in one struct per node ([`State`]) so a toggle touching thousands of
//! scattered nodes pays about one cache miss per node, not one per field.

use std::ops::Range;

use super::{Exclusion, NO_RULE, Slot};
use crate::bundle::Bundle;
use crate::model::{NodeId, Sizes};
use crate::rules::{Owners, RuleKind};

/// In [`State::direct`]: set when the value indexes `Exclusion::lists`, else it is a rule
/// id plus one (0 = no rule names the node).
const LIST_BIT: u32 = 1 << 31;

/// What the evaluation knows about one node (56 bytes: the explorer holds one per path).
///
/// The node's own excluded (or stripped) sizes are not stored: a file has no children, so
/// they are its `gone`; a directory is never stripped, so they are its own sizes when it is
/// excluded and nothing otherwise (see [`Exclusion::contrib`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct State {
    /// Excluded sizes of the whole subtree.
    pub gone: Sizes,
    /// Parent index (`NO_RULE` for none): a compact copy of the tree's links.
    pub parent: u32,
    /// Rule id deciding the node.
    pub claim: u32,
    /// Rule id the node's own saving is credited to.
    pub credit: u32,
    /// Rules naming the node directly (see [`LIST_BIT`]).
    pub direct: u32,
    /// Scratch mark for [`Exclusion::refresh_nodes`].
    pub mark: u32,
    /// Whether the node is excluded.
    pub excluded: bool,
}

impl State {
    /// The node's own excluded (or stripped) sizes, given whether it is a directory and its
    /// own sizes: a file's whole `gone`, an excluded directory's own sizes, else nothing.
    fn contrib(&self, is_dir: bool, own: &Sizes) -> Sizes {
        match (is_dir, self.excluded) {
            (false, _) => self.gone,
            (true, true) => *own,
            (true, false) => Sizes::default(),
        }
    }
}

impl Default for State {
    fn default() -> Self {
        State {
            gone: Sizes::default(),
            parent: NO_RULE,
            claim: NO_RULE,
            credit: NO_RULE,
            direct: 0,
            mark: 0,
            excluded: false,
        }
    }
}

/// Per rule id: where it is and what it does, kept small so lookups stay in cache.
#[derive(Clone, Copy, Debug)]
pub(super) struct IdInfo {
    /// Position in the list (`NO_RULE` once removed).
    pub pos: u32,
    /// Enabled.
    pub enabled: bool,
    /// Excludes what it decides (anything but `keep`).
    pub excluding: bool,
}

impl Exclusion {
    /// Re-evaluates every node from scratch with the current rules, reading sizes anew.
    /// Two linear passes; use it after many size changes at once.
    pub fn recompute(&mut self, bundle: &Bundle) {
        let n = bundle.tree.len();
        // Reset in place, keeping the direct-hit table: a fresh 200k-node table next to the
        // old one would double this, the explorer's largest array, at every re-read.
        self.state.resize(n, State::default());
        for s in &mut self.state {
            *s = State {
                direct: s.direct,
                ..State::default()
            };
        }
        self.dist_gone = vec![Sizes::default(); bundle.dists.len()];
        self.unowned_gone = Sizes::default();
        self.rule_gone = vec![Sizes::default(); self.ids.len()];
        self.generation = 0;
        self.reindex();
        // Parents always have smaller indices than their children.
        let mut live = vec![false; n];
        for i in 0..n {
            let id = NodeId(i as u32);
            let parent = bundle.tree.parent(id);
            live[i] = !bundle.tree.node(id).is_detached() && parent.is_none_or(|p| live[p.index()]);
            let inherited = parent.map_or(NO_RULE, |p| self.state[p.index()].claim);
            self.state[i].parent = parent.map_or(NO_RULE, |p| p.0);
            let direct = self.direct_best(i);
            self.state[i].claim = self.better(inherited, direct);
        }
        // Each node's `gone` (zero after the reset) gathers its children's before it is
        // settled: children come after their parent, so walking backwards settles them first.
        for i in (0..n).rev() {
            if !live[i] {
                continue;
            }
            let below = self.state[i].gone;
            self.settle(bundle, i, below);
            if let Some(p) = self.parent(NodeId(i as u32)) {
                let gone = self.state[i].gone;
                self.state[p.index()].gone.add(&gone);
            }
        }
    }

    /// Recomputes ownership and every rule's hits after nodes were added or detached.
    pub fn rebuild(&mut self, bundle: &Bundle) {
        self.owners = Owners::new(bundle);
        self.state = vec![State::default(); bundle.tree.len()];
        self.lists.clear();
        self.cache.clear();
        let mut slots = std::mem::take(&mut self.slots);
        self.warm(bundle, slots.iter().map(|s| &s.rule));
        for slot in &mut slots {
            slot.hits = self.hits_of(bundle, &slot.rule).unwrap_or_default();
            self.register(slot);
        }
        self.slots = slots;
        self.recompute(bundle);
    }

    /// Takes a change of `id`'s own sizes (from `old_own`) into account (a zip estimate
    /// arrived; the tree already holds the new sizes).
    pub fn on_sizes_changed(&mut self, bundle: &Bundle, id: NodeId, old_own: &Sizes) {
        let Some(s) = self.state.get(id.index()) else {
            return;
        };
        let old = s.gone;
        let old_contrib = s.contrib(bundle.tree.node(id).is_dir(), old_own);
        let mut below = s.gone;
        below.sub(&old_contrib);
        self.settle_from(bundle, id.index(), below, Some(old_contrib));
        let (mut child, mut old_child) = (id, old);
        while let Some(p) = self.parent(child) {
            let old_p = self.state[p.index()].gone;
            let mut below = old_p;
            below.sub(&self.contrib(bundle, p));
            below.sub(&old_child);
            below.add(&self.state[child.index()].gone);
            self.settle(bundle, p.index(), below);
            (child, old_child) = (p, old_p);
        }
    }

    /// Node `id`'s own excluded (or stripped) sizes as last settled, its own sizes unchanged
    /// since: a file's whole `gone`, a directory's own sizes if it is excluded.
    pub(super) fn contrib(&self, bundle: &Bundle, id: NodeId) -> Sizes {
        let Some(s) = self.state.get(id.index()) else {
            return Sizes::default();
        };
        let node = bundle.tree.node(id);
        s.contrib(node.is_dir(), &node.own)
    }

    /// Records `slot`'s hits in the direct table.
    pub(super) fn register(&mut self, slot: &Slot) {
        if slot.rule.kind == RuleKind::StripSo {
            return;
        }
        for h in slot.hits.iter() {
            let cell = self.state[h.index()].direct;
            self.state[h.index()].direct = if cell == 0 {
                slot.id + 1
            } else if cell & LIST_BIT == 0 {
                self.lists.push(vec![cell - 1, slot.id]);
                LIST_BIT | (self.lists.len() as u32 - 1)
            } else {
                self.lists[(cell & !LIST_BIT) as usize].push(slot.id);
                cell
            };
        }
    }

    /// Drops `slot`'s hits from the direct table.
    pub(super) fn unregister(&mut self, slot: &Slot) {
        for h in slot.hits.iter() {
            let cell = &mut self.state[h.index()].direct;
            if *cell == slot.id + 1 {
                *cell = 0;
            } else if *cell & LIST_BIT != 0 {
                self.lists[(*cell & !LIST_BIT) as usize].retain(|id| *id != slot.id);
            }
        }
    }

    /// Refreshes the per-id table and the active strip rule from the slot list.
    pub(super) fn reindex(&mut self) {
        self.strip_rule = NO_RULE;
        for (p, slot) in self.slots.iter().enumerate() {
            self.ids[slot.id as usize] = IdInfo {
                pos: p as u32,
                enabled: slot.enabled,
                excluding: slot.rule.kind != RuleKind::Keep,
            };
            if slot.enabled && slot.rule.kind == RuleKind::StripSo && self.strip_rule == NO_RULE {
                self.strip_rule = slot.id;
            }
        }
    }

    /// Re-evaluates everything the slots in `range` name.
    pub(super) fn refresh_slots(&mut self, bundle: &Bundle, range: Range<usize>) {
        if range.len() == 1 {
            // One rule's hits are sorted, distinct and never nested in each other.
            let hits = std::sync::Arc::clone(&self.slots[range.start].hits);
            self.refresh_tops(bundle, &hits);
            return;
        }
        let nodes = self.slots[range]
            .iter()
            .flat_map(|s| s.hits.iter().copied())
            .collect();
        self.refresh_nodes(bundle, nodes);
    }

    /// Re-evaluates the subtrees under `nodes` (each once, nested ones with their top),
    /// then settles every ancestor once, children before parents.
    pub(super) fn refresh_nodes(&mut self, bundle: &Bundle, mut nodes: Vec<NodeId>) {
        nodes.sort_unstable();
        nodes.dedup();
        let top_mark = self.next_mark();
        for &n in &nodes {
            self.state[n.index()].mark = top_mark;
        }
        nodes.retain(|n| !self.has_ancestor_marked(*n, top_mark));
        self.refresh_tops(bundle, &nodes);
    }

    /// Re-evaluates the subtrees under `tops` (sorted, distinct, none inside another),
    /// then settles every ancestor once, children before parents.
    fn refresh_tops(&mut self, bundle: &Bundle, tops: &[NodeId]) {
        let dirty_mark = self.next_mark();
        let mut dirty: Vec<u32> = Vec::new();
        for &n in tops {
            let old = self.state[n.index()].gone;
            self.refresh_subtree(bundle, n);
            let new = self.state[n.index()].gone;
            let mut at = self.parent(n);
            while let Some(a) = at {
                let s = &mut self.state[a.index()];
                s.gone.sub(&old);
                s.gone.add(&new);
                if s.mark != dirty_mark {
                    s.mark = dirty_mark;
                    dirty.push(a.0);
                }
                at = self.parent(a);
            }
        }
        dirty.sort_unstable_by(|a, b| b.cmp(a));
        for a in dirty {
            self.settle_dirty(bundle, NodeId(a));
        }
    }

    /// Settles an ancestor whose children changed (its `gone` already holds their deltas);
    /// if its own part changes, passes that on to its ancestors (settled after it).
    fn settle_dirty(&mut self, bundle: &Bundle, a: NodeId) {
        let old_contrib = self.contrib(bundle, a);
        let mut below = self.state[a.index()].gone;
        below.sub(&old_contrib);
        self.settle_from(bundle, a.index(), below, Some(old_contrib));
        let new_contrib = self.contrib(bundle, a);
        if new_contrib != old_contrib {
            let mut at = self.parent(a);
            while let Some(p) = at {
                let g = &mut self.state[p.index()].gone;
                g.sub(&old_contrib);
                g.add(&new_contrib);
                at = self.parent(p);
            }
        }
    }

    /// A fresh mark value, different from every mark in `state`.
    fn next_mark(&mut self) -> u32 {
        if self.generation == u32::MAX {
            for s in &mut self.state {
                s.mark = 0;
            }
            self.generation = 0;
        }
        self.generation += 1;
        self.generation
    }

    fn has_ancestor_marked(&self, n: NodeId, mark: u32) -> bool {
        let mut at = self.parent(n);
        while let Some(p) = at {
            if self.state[p.index()].mark == mark {
                return true;
            }
            at = self.parent(p);
        }
        false
    }

    /// The parent of `n`, from the compact copy of the tree's links.
    pub(super) fn parent(&self, n: NodeId) -> Option<NodeId> {
        match self.state.get(n.index()) {
            Some(s) if s.parent != NO_RULE => Some(NodeId(s.parent)),
            _ => None,
        }
    }

    /// Re-derives claims top-down and sizes bottom-up under `top` (ancestors untouched).
    fn refresh_subtree(&mut self, bundle: &Bundle, top: NodeId) {
        let tree = &bundle.tree;
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        order.push(top);
        let mut i = 0;
        while i < order.len() {
            order.extend_from_slice(tree.children(order[i]));
            i += 1;
        }
        // Breadth-first order also puts parents before children.
        for &n in &order {
            let inherited = self
                .parent(n)
                .map_or(NO_RULE, |p| self.state[p.index()].claim);
            let direct = self.direct_best(n.index());
            self.state[n.index()].claim = self.better(inherited, direct);
        }
        for &n in order.iter().rev() {
            let mut below = Sizes::default();
            for c in tree.children(n) {
                below.add(&self.state[c.index()].gone);
            }
            self.settle(bundle, n.index(), below);
        }
        self.order = order;
    }

    /// Decides node `i` given the excluded sizes of its children (`below`); updates the
    /// distribution and rule sums.
    fn settle(&mut self, bundle: &Bundle, i: usize, below: Sizes) {
        self.settle_from(bundle, i, below, None);
    }

    /// [`Exclusion::settle`] for a node whose own excluded sizes were `old_contrib` (`None`:
    /// as [`Exclusion::contrib`] says, its own sizes unchanged since it was last settled).
    fn settle_from(&mut self, bundle: &Bundle, i: usize, below: Sizes, old_contrib: Option<Sizes>) {
        #[cfg(test)]
        SETTLED.with(|c| c.set(c.get() + 1));
        let id = NodeId(i as u32);
        let node = bundle.tree.node(id);
        // What `contrib` says, from the node already read (this runs once per node a change
        // touches).
        let old_contrib =
            old_contrib.unwrap_or_else(|| self.state[i].contrib(node.is_dir(), &node.own));
        let claim = self.state[i].claim;
        let claimed = self.is_excluding(claim);
        let excluded = if node.is_dir() && node.total.files > 0 {
            below.files == node.total.files
        } else {
            claimed
        };
        let (contrib, credit) = if excluded {
            let credit = match (claimed, bundle.tree.children(id).first()) {
                (false, Some(c)) => self.state[c.index()].credit,
                _ => claim,
            };
            (node.own, credit)
        } else if self.strip_rule != NO_RULE && !node.is_dir() {
            match self.strip.get(id) {
                Some(s) => (stripped(&node.own, s), self.strip_rule),
                None => (Sizes::default(), NO_RULE),
            }
        } else {
            (Sizes::default(), NO_RULE)
        };
        let old = self.state[i];
        if contrib != old_contrib || credit != old.credit {
            let sum = match node.owner() {
                Some(owner) => self.dist_gone.get_mut(owner.index()),
                None if !node.is_dir() => Some(&mut self.unowned_gone),
                None => None,
            };
            if let Some(sum) = sum {
                sum.sub(&old_contrib);
                sum.add(&contrib);
            }
            if let Some(r) = self.rule_gone.get_mut(old.credit as usize) {
                r.sub(&old_contrib);
            }
            if let Some(r) = self.rule_gone.get_mut(credit as usize) {
                r.add(&contrib);
            }
        }
        let mut gone = below;
        gone.add(&contrib);
        let s = &mut self.state[i];
        s.excluded = excluded;
        s.credit = credit;
        s.gone = gone;
    }

    /// The earliest enabled rule naming node `i` directly.
    fn direct_best(&self, i: usize) -> u32 {
        let cell = self.state[i].direct;
        if cell == 0 {
            return NO_RULE;
        }
        if cell & LIST_BIT == 0 {
            let id = cell - 1;
            return if self.ids[id as usize].enabled {
                id
            } else {
                NO_RULE
            };
        }
        let mut best = NO_RULE;
        for &id in &self.lists[(cell & !LIST_BIT) as usize] {
            let info = self.ids[id as usize];
            if info.pos != NO_RULE && info.enabled {
                best = self.better(best, id);
            }
        }
        best
    }

    /// Of two rule ids, the one earlier in the list.
    fn better(&self, a: u32, b: u32) -> u32 {
        let at = |id: u32| self.ids.get(id as usize).map_or(NO_RULE, |i| i.pos);
        if at(b) < at(a) { b } else { a }
    }

    /// Whether rule id `id` excludes what it decides (not `keep`, not none).
    fn is_excluding(&self, id: u32) -> bool {
        self.ids
            .get(id as usize)
            .is_some_and(|i| i.pos != NO_RULE && i.excluding)
    }
}

#[cfg(test)]
thread_local! {
    /// Nodes decided on this thread (tests check a change re-decides only what it touches).
    static SETTLED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Nodes decided on this thread so far (tests only).
#[cfg(test)]
pub(crate) fn settled_so_far() -> u64 {
    SETTLED.with(std::cell::Cell::get)
}

/// The sizes `saving` apparent bytes of stripping take off a file, zipped and disk bytes
/// scaled in proportion.
pub(super) fn stripped(own: &Sizes, saving: u64) -> Sizes {
    let bytes = saving.min(own.bytes);
    let scale = |v: u64| (u128::from(v) * u128::from(bytes) / u128::from(own.bytes.max(1))) as u64;
    Sizes {
        files: 0,
        bytes,
        disk: scale(own.disk),
        zipped: scale(own.zipped),
    }
}
