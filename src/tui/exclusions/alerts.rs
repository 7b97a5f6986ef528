//! The current exclusions' warnings (the core's [`Warning`]s) as lines for people, with
//! the distributions and nodes each is about, so rows can carry a sign and the status
//! line the reason.

use crate::bundle::Bundle;
use crate::exclusion::{Exclusion, Warning};
use crate::model::{DistId, NodeId, Tree};
use crate::rules::preset::needed;

/// Every warning about the current exclusions, indexed by what it concerns.
#[derive(Clone, Debug, Default)]
pub struct Alerts {
    /// One line per warning, in the core's order.
    pub lines: Vec<String>,
    /// Per distribution: the first warning about it.
    dists: Vec<Option<u32>>,
    /// Nodes a warning is about, with the warning.
    nodes: Vec<(NodeId, u32)>,
}

impl Alerts {
    /// The warnings of `ex` over `bundle`.
    pub fn of(bundle: &Bundle, ex: &Exclusion) -> Alerts {
        let mut out = Alerts {
            dists: vec![None; bundle.dists.len()],
            ..Alerts::default()
        };
        let warnings = ex.warnings(bundle);
        out.lines = warnings.iter().map(|w| w.message(bundle, ex)).collect();
        // What fails at start-up is said first about a package or path, whatever else is.
        let (first, rest): (Vec<_>, Vec<_>) = warnings
            .iter()
            .enumerate()
            .partition(|(_, w)| matches!(w, Warning::Import { cut, .. } if cut.breaks));
        for (i, w) in first.into_iter().chain(rest) {
            let i = i as u32;
            match w {
                Warning::RequiredByKept { dist, .. } => out.mark_dist(*dist, i),
                Warning::NeededAtRunTime { path, .. } => {
                    for site in bundle.roots.iter().flat_map(|r| r.sites.iter()) {
                        if let Some(n) = bundle.tree.resolve(*site, path.as_bytes()) {
                            out.nodes.push((n, i));
                        }
                    }
                    let owner = needed()
                        .iter()
                        .find(|n| n.path == *path)
                        .and_then(|n| bundle.dist_by_key(&n.dist));
                    if let Some(d) = owner {
                        out.mark_dist(d, i);
                    }
                }
                Warning::Import { cut, .. } => {
                    out.nodes.push((cut.node, i));
                    if let Some(d) = bundle.tree.node(cut.node).owner() {
                        out.mark_dist(d, i);
                    }
                }
                Warning::Breaks { .. } | Warning::MatchesNothing { .. } => {}
            }
        }
        out
    }

    fn mark_dist(&mut self, d: DistId, i: u32) {
        if let Some(slot) = self.dists.get_mut(d.index()) {
            slot.get_or_insert(i);
        }
    }

    /// How many warnings there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The first warning about a distribution.
    pub fn about_dist(&self, d: DistId) -> Option<&str> {
        let i = self.dists.get(d.index()).copied().flatten()?;
        self.lines.get(i as usize).map(String::as_str)
    }

    /// The first warning about a node or anything under it (what excluding a directory
    /// breaks is said on the directory).
    pub fn about_under(&self, tree: &Tree, n: NodeId) -> Option<&str> {
        let (_, i) = self.nodes.iter().find(|(id, _)| {
            let mut at = Some(*id);
            while let Some(a) = at {
                if a == n {
                    return true;
                }
                at = tree.parent(a);
            }
            false
        })?;
        self.lines.get(*i as usize).map(String::as_str)
    }

    /// The first warning about a node.
    pub fn about_node(&self, n: NodeId) -> Option<&str> {
        let (_, i) = self.nodes.iter().find(|(id, _)| *id == n)?;
        self.lines.get(*i as usize).map(String::as_str)
    }
}
