//! Depth from the top level and heavy chains: for each distribution retaining a large
//! share of the bundle, the shortest path from a root that pulls it in.

use std::collections::VecDeque;

use crate::deps::DepGraph;
use crate::model::{DistId, Sizes};

/// Shortest distances from the roots, with the edge each distribution was first reached by.
#[derive(Clone, Debug, Default)]
pub struct Depths {
    /// Edges from the nearest root; `None` where unreachable.
    pub depth: Vec<Option<u32>>,
    /// Edge index (into `DepGraph::edges`) that first reached each distribution.
    pub via: Vec<Option<usize>>,
}

/// Breadth-first search from every root at once, roots in their listed order.
pub fn depths(graph: &DepGraph) -> Depths {
    let n = graph.out.len();
    let mut depth = vec![None; n];
    let mut via = vec![None; n];
    let mut queue = VecDeque::new();
    for r in &graph.roots {
        if depth[r.index()].is_none() {
            depth[r.index()] = Some(0);
            queue.push_back(*r);
        }
    }
    while let Some(d) = queue.pop_front() {
        let next = depth[d.index()].map(|x| x + 1);
        for &e in &graph.out[d.index()] {
            let to = graph.edges[e].to;
            if depth[to.index()].is_none() {
                depth[to.index()] = next;
                via[to.index()] = Some(e);
                queue.push_back(to);
            }
        }
    }
    Depths { depth, via }
}

impl Depths {
    /// A shortest path from a root to `target`, root first; empty if unreachable.
    pub fn path_to(&self, graph: &DepGraph, target: DistId) -> Vec<DistId> {
        if self.depth[target.index()].is_none() {
            return Vec::new();
        }
        let mut path = vec![target];
        let mut at = target;
        while let Some(e) = self.via[at.index()] {
            at = graph.edges[e].from;
            path.push(at);
        }
        path.reverse();
        path
    }
}

/// A heavy chain: the path that pulls in a distribution with a large retained size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// A shortest path from a root, root first, ending at `target`.
    pub path: Vec<DistId>,
    /// The heavy distribution.
    pub target: DistId,
    /// What removing `target` (and its orphans) frees.
    pub retained: Sizes,
    /// The immediate dominator: every path to `target` passes through it.
    pub only_via: Option<DistId>,
}

/// Chains to every distribution retaining at least `min_bytes`, heaviest first.
pub fn heavy_chains(
    graph: &DepGraph,
    depths: &Depths,
    retained: &[Sizes],
    idom: &[Option<DistId>],
    min_bytes: u64,
) -> Vec<Chain> {
    let mut chains: Vec<Chain> = (0..retained.len())
        .map(|i| DistId(i as u32))
        .filter(|d| retained[d.index()].bytes >= min_bytes && depths.depth[d.index()].is_some())
        .map(|d| Chain {
            path: depths.path_to(graph, d),
            target: d,
            retained: retained[d.index()],
            only_via: idom[d.index()],
        })
        .collect();
    chains.sort_by(|a, b| {
        b.retained
            .bytes
            .cmp(&a.retained.bytes)
            .then_with(|| a.path.len().cmp(&b.path.len()))
            .then_with(|| a.target.cmp(&b.target))
    });
    chains
}
