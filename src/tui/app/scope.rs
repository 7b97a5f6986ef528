//! Which files a view counts (all, one distribution's, unowned) and sizes under that scope.

use crate::bundle::Bundle;
use crate::model::{DistId, NodeId, Sizes};

use crate::tui::cuts::Cuts;

/// The files a tree or treemap view counts.
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

/// Full and kept sizes of a subtree under a scope.
pub fn scoped(bundle: &Bundle, cuts: &Cuts, id: NodeId, scope: Scope) -> (Sizes, Sizes) {
    if scope == Scope::All {
        return (cuts.full(id), cuts.kept(id));
    }
    let tree = &bundle.tree;
    let mut full = Sizes::default();
    let mut kept = Sizes::default();
    for n in tree.descendants(id) {
        let node = tree.node(n);
        if node.is_dir() || !scope.admits(node.owner) {
            continue;
        }
        full.add(&node.own);
        if !cuts.reason(n).is_cut() {
            kept.add(&node.own);
        }
    }
    (full, kept)
}

/// Children of `dir` that hold something under `scope`, with their full and kept sizes.
pub fn children(
    bundle: &Bundle,
    cuts: &Cuts,
    dir: NodeId,
    scope: Scope,
) -> Vec<(NodeId, Sizes, Sizes)> {
    bundle
        .tree
        .children(dir)
        .iter()
        .filter_map(|&c| {
            let (full, kept) = scoped(bundle, cuts, c, scope);
            let counts = scope == Scope::All || full.files > 0;
            counts.then_some((c, full, kept))
        })
        .collect()
}

/// Where a view of `scope` starts: the single root (or the top), then down through
/// directories that are the only child holding anything under the scope.
pub fn home(bundle: &Bundle, cuts: &Cuts, scope: Scope) -> NodeId {
    let mut at = match bundle.roots.as_slice() {
        [one] => one.node,
        _ => bundle.top,
    };
    if scope == Scope::All {
        return at;
    }
    loop {
        let kids = children(bundle, cuts, at, scope);
        match kids.as_slice() {
            [(only, _, _)] if bundle.tree.node(*only).is_dir() => at = *only,
            _ => return at,
        }
    }
}
