//! A compact copy of the tree's shape (parents, owners, own sizes, full totals) so the
//! per-toggle passes stream through small arrays instead of whole nodes, and sizes
//! under a scope computed in one backward pass.

use super::Scope;
use crate::model::{DistId, NodeId, Sizes, Tree};

/// "No parent" / "no owner".
pub const NONE: u32 = u32::MAX;

/// The tree's shape, rebuilt when the tree changes.
#[derive(Clone, Debug, Default)]
pub struct Shape {
    /// Parent index, [`NONE`] for parentless and detached nodes.
    pub parent: Vec<u32>,
    /// Owner index or [`NONE`]; directories always [`NONE`].
    owner: Vec<u32>,
    /// Which nodes are directories.
    dir: Vec<bool>,
    /// Subtree totals, exclusions ignored (zero for detached nodes). One table serves for
    /// own sizes too: a file's own sizes are its total, and no pass reads a directory's own
    /// sizes once the totals are summed (two tables cost 32 bytes a node more, 7 MB at 200k).
    full: Vec<Sizes>,
    /// The files under the top no distribution owns, summed.
    pub unowned: Sizes,
    /// Index of the top.
    top: u32,
}

impl Shape {
    /// Copies the shape of `tree` and sums its totals (and the unowned files under `top`).
    pub fn of(tree: &Tree, top: NodeId) -> Shape {
        let n = tree.len();
        let mut s = Shape {
            parent: vec![NONE; n],
            owner: vec![NONE; n],
            dir: vec![false; n],
            full: vec![Sizes::default(); n],
            unowned: Sizes::default(),
            top: top.0,
        };
        // Parents come before their children, so one pass finds what hangs from the top.
        let mut under_top = vec![false; n];
        for i in 0..n {
            let id = NodeId(i as u32);
            let node = tree.node(id);
            s.dir[i] = node.is_dir();
            if node.is_detached() {
                continue;
            }
            s.parent[i] = tree.parent(id).map_or(NONE, |p| p.0);
            s.owner[i] = node.owner().map_or(NONE, |d| d.0);
            s.full[i] = node.own;
            let p = s.parent[i];
            under_top[i] = i == top.index() || (p != NONE && under_top[p as usize]);
            if under_top[i] && !s.dir[i] && s.owner[i] == NONE {
                s.unowned.add(&node.own);
            }
        }
        for i in (0..n).rev() {
            let p = s.parent[i];
            if p != NONE {
                let full = s.full[i];
                s.full[p as usize].add(&full);
            }
        }
        s
    }

    /// Sets node `i`'s own zipped bytes (`before` them: what a directory's were, the
    /// table keeping only its total), keeping every sum above it right (a walk up its
    /// ancestors, not a pass over the tree).
    pub fn set_own_zipped(&mut self, i: usize, before: u64, zipped: u64) {
        let Some(full) = self.full.get(i) else {
            return;
        };
        let before = if self.dir[i] { before } else { full.zipped };
        let shift = |v: &mut u64| *v = (*v - before.min(*v)).saturating_add(zipped);
        let mut at = i as u32;
        loop {
            shift(&mut self.full[at as usize].zipped);
            if at == self.top {
                if !self.dir[i] && self.owner[i] == NONE {
                    shift(&mut self.unowned.zipped);
                }
                return;
            }
            at = self.parent[at as usize];
            if at == NONE {
                return;
            }
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.full.len()
    }

    /// Sizes of node `i`'s subtree, exclusions ignored.
    pub fn full(&self, i: usize) -> Sizes {
        self.full.get(i).copied().unwrap_or_default()
    }

    /// Own sizes of file `i` (a file's own sizes are its total).
    fn file_own(&self, i: usize) -> Sizes {
        self.full[i]
    }

    /// The owner of node `i`.
    pub fn owner(&self, i: usize) -> Option<DistId> {
        let o = self.owner[i];
        (o != NONE).then_some(DistId(o))
    }

    /// Whether node `i` is a directory.
    pub fn is_dir(&self, i: usize) -> bool {
        self.dir[i]
    }
}

/// Full and kept sizes of every subtree counting only one scope's files.
#[derive(Clone, Debug, Default)]
pub struct ScopeSizes {
    /// The scope, or `None` when the buffers are stale and free for reuse.
    pub scope: Option<Scope>,
    full: Vec<Sizes>,
    kept: Vec<Sizes>,
}

impl ScopeSizes {
    /// Sums the admitted files of every subtree, and what is left of them (`excluded(i)`: what
    /// the rules take from file `i`), reusing the
    /// buffers (fresh 200k-node buffers cost more in page faults than the pass itself).
    pub fn fill(&mut self, shape: &Shape, excluded: impl Fn(usize) -> Sizes, scope: Scope) {
        let n = shape.len();
        self.scope = Some(scope);
        let (full, kept) = (&mut self.full, &mut self.kept);
        full.clear();
        full.resize(n, Sizes::default());
        kept.clear();
        kept.resize(n, Sizes::default());
        for i in (0..n).rev() {
            if !shape.is_dir(i) && scope.admits(shape.owner(i)) {
                full[i].add(&shape.file_own(i));
                let mut left = shape.file_own(i);
                left.sub(&excluded(i));
                kept[i].add(&left);
            }
            let p = shape.parent[i];
            if p != NONE {
                let (f, k) = (full[i], kept[i]);
                full[p as usize].add(&f);
                kept[p as usize].add(&k);
            }
        }
    }

    /// Full and kept sizes of node `id`'s subtree.
    pub fn get(&self, id: NodeId) -> (Sizes, Sizes) {
        let i = id.index();
        (
            self.full.get(i).copied().unwrap_or_default(),
            self.kept.get(i).copied().unwrap_or_default(),
        )
    }
}
