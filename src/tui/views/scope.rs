//! Children and starting points of views under a [`Scope`] (all files, one
//! distribution's, unowned), with sizes from the exclusions' per-scope sums.

use crate::bundle::Bundle;
use crate::model::{NodeId, Sizes};

use crate::tui::exclusions::Exclusions;
pub use crate::tui::exclusions::Scope;

/// Full and kept sizes of a subtree under a scope.
pub fn scoped(exclusions: &Exclusions, id: NodeId, scope: Scope) -> (Sizes, Sizes) {
    exclusions.scoped(id, scope)
}

/// Children of `dir` that hold something under `scope`, with their full and kept sizes.
pub fn children(
    bundle: &Bundle,
    exclusions: &Exclusions,
    dir: NodeId,
    scope: Scope,
) -> Vec<(NodeId, Sizes, Sizes)> {
    bundle
        .tree
        .children(dir)
        .iter()
        .filter_map(|&c| {
            let (full, kept) = exclusions.scoped(c, scope);
            let counts = scope == Scope::All || full.files > 0;
            counts.then_some((c, full, kept))
        })
        .collect()
}

/// Where a view of `scope` starts: the single root (or the top), then down through
/// directories that are the only child holding anything under the scope.
pub fn home(bundle: &Bundle, exclusions: &Exclusions, scope: Scope) -> NodeId {
    let mut at = match bundle.roots.as_slice() {
        [one] => one.node,
        _ => bundle.top,
    };
    if scope == Scope::All {
        return at;
    }
    loop {
        let kids = children(bundle, exclusions, at, scope);
        match kids.as_slice() {
            [(only, _, _)] if bundle.tree.node(*only).is_dir() => at = *only,
            _ => return at,
        }
    }
}
