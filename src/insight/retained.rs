//! Retained sizes: the dominator tree of the dependency graph under a virtual root that
//! requires every top-level distribution. A distribution dominates everything that would
//! become unreachable (orphaned) if it were uninstalled, so its retained size is the sum
//! over its dominator subtree.

use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::deps::DepGraph;
use crate::model::{DistId, Sizes};

/// The dominator tree over distributions (the virtual root is implicit).
#[derive(Clone, Debug, Default)]
pub struct DomTree {
    /// Immediate dominator of each distribution; `None` under the virtual root or unreachable.
    pub idom: Vec<Option<DistId>>,
    /// Whether each distribution is reachable from some root.
    pub reachable: Vec<bool>,
    /// Distributions each one immediately dominates.
    pub children: Vec<Vec<DistId>>,
    /// Reachable distributions in dominator-tree preorder (dominators before what they dominate).
    pub preorder: Vec<DistId>,
}

/// The dependency graph as a petgraph graph with node `n` as the virtual root.
pub fn digraph(graph: &DepGraph) -> DiGraph<(), ()> {
    let n = graph.out.len();
    let mut g = DiGraph::with_capacity(n + 1, graph.edges.len() + graph.roots.len());
    for _ in 0..=n {
        g.add_node(());
    }
    for e in &graph.edges {
        g.add_edge(
            NodeIndex::new(e.from.index()),
            NodeIndex::new(e.to.index()),
            (),
        );
    }
    for r in &graph.roots {
        g.add_edge(NodeIndex::new(n), NodeIndex::new(r.index()), ());
    }
    g
}

/// Computes the dominator tree of `graph` (`g` is [`digraph`] of it).
pub fn dominators(graph: &DepGraph, g: &DiGraph<(), ()>) -> DomTree {
    let n = graph.out.len();
    let virtual_root = NodeIndex::new(n);
    let doms = simple_fast(g, virtual_root);
    let reachable = graph.reachable(&graph.roots, None);
    let mut idom = vec![None; n];
    let mut children = vec![Vec::new(); n];
    let mut top = Vec::new();
    for (i, seen) in reachable.iter().enumerate() {
        if !seen {
            continue;
        }
        let d = doms
            .immediate_dominator(NodeIndex::new(i))
            .filter(|d| *d != virtual_root)
            .map(|d| DistId(d.index() as u32));
        idom[i] = d;
        match d {
            Some(p) => children[p.index()].push(DistId(i as u32)),
            None => top.push(DistId(i as u32)),
        }
    }
    let preorder = preorder(&top, &children);
    DomTree {
        idom,
        reachable,
        children,
        preorder,
    }
}

/// Walks the dominator tree from its top level, parents before children.
fn preorder(top: &[DistId], children: &[Vec<DistId>]) -> Vec<DistId> {
    let mut order = Vec::with_capacity(children.len());
    let mut stack: Vec<DistId> = top.iter().rev().copied().collect();
    while let Some(d) = stack.pop() {
        order.push(d);
        stack.extend(children[d.index()].iter().rev().copied());
    }
    order
}

/// Retained sizes: own sizes summed over each dominator subtree. Unreachable
/// distributions retain only themselves.
pub fn retained_sizes(dom: &DomTree, sizes: &[Sizes]) -> Vec<Sizes> {
    let mut retained = sizes.to_vec();
    for d in dom.preorder.iter().rev() {
        if let Some(p) = dom.idom[d.index()] {
            let child = retained[d.index()];
            retained[p.index()].add(&child);
        }
    }
    retained
}

/// `id` and everything it dominates, `id` first, dominators before what they dominate.
pub fn subtree(dom: &DomTree, id: DistId) -> Vec<DistId> {
    let mut out = Vec::new();
    let mut stack = vec![id];
    while let Some(d) = stack.pop() {
        out.push(d);
        stack.extend(dom.children[d.index()].iter().rev().copied());
    }
    out
}

/// What goes if every distribution in `drop` is removed: `drop` itself plus every
/// distribution no root reaches without passing through it. Computed by brute force
/// (one reachability walk), so it also serves as the reference for retained sizes.
pub fn orphaned_by(graph: &DepGraph, drop: &[DistId]) -> Vec<DistId> {
    let n = graph.out.len();
    let mut dropped = vec![false; n];
    for d in drop {
        dropped[d.index()] = true;
    }
    let mut seen = vec![false; n];
    let mut stack: Vec<DistId> = Vec::new();
    for r in &graph.roots {
        if !dropped[r.index()] && !seen[r.index()] {
            seen[r.index()] = true;
            stack.push(*r);
        }
    }
    while let Some(d) = stack.pop() {
        for to in graph.requires(d) {
            if !dropped[to.index()] && !seen[to.index()] {
                seen[to.index()] = true;
                stack.push(to);
            }
        }
    }
    let before = graph.reachable(&graph.roots, None);
    (0..n)
        .filter(|i| dropped[*i] || (before[*i] && !seen[*i]))
        .map(|i| DistId(i as u32))
        .collect()
}
