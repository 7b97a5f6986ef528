//! Children and starting points of views under a [`Scope`] (all files, one
//! distribution's, unowned), with sizes from the cuts' per-scope sums.

use crate::bundle::Bundle;
use crate::model::{NodeId, Sizes};

use crate::tui::cuts::Cuts;
pub use crate::tui::cuts::Scope;

/// Full and kept sizes of a subtree under a scope.
pub fn scoped(cuts: &Cuts, id: NodeId, scope: Scope) -> (Sizes, Sizes) {
    cuts.scoped(id, scope)
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
            let (full, kept) = cuts.scoped(c, scope);
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
