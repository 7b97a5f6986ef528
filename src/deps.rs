//! The dependency graph between installed distributions: active edges after marker and
//! extra evaluation, roots, and requirements nothing in the bundle satisfies.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use crate::bundle::Distribution;
use crate::model::DistId;
use crate::python::marker::Env;
use crate::python::name::normalize;

/// One active requirement edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The dependent.
    pub from: DistId,
    /// The dependency.
    pub to: DistId,
    /// Index into `from`'s `requires`.
    pub requirement: usize,
}

/// An active requirement that no installed distribution satisfies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The requirement's name as written.
    pub name: String,
    /// Normalised name.
    pub key: String,
    /// Who asked for it.
    pub required_by: DistId,
    /// The requirement text.
    pub text: String,
}

/// Requirement edges between installed distributions.
#[derive(Clone, Debug, Default)]
pub struct DepGraph {
    /// Every active edge.
    pub edges: Vec<Edge>,
    /// Edge indices leaving each distribution.
    pub out: Vec<Vec<usize>>,
    /// Edge indices entering each distribution.
    pub inc: Vec<Vec<usize>>,
    /// Extras switched on for each distribution by its dependents.
    pub extras: Vec<BTreeSet<String>>,
    /// Top-level requirements: named in a requirements file, or required by nothing.
    pub roots: Vec<DistId>,
    /// Active requirements with nothing installed to satisfy them.
    pub missing: Vec<Missing>,
    /// Top-level requirements (from a requirements file) nothing installed satisfies.
    pub missing_top_level: Vec<String>,
}

/// A top-level requirement from a requirements file: normalised name and extras.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopLevel {
    /// Normalised name.
    pub key: String,
    /// Normalised extras asked for.
    pub extras: Vec<String>,
}

impl DepGraph {
    /// Builds the graph for `env`. Extras are active only where a dependent (or a top-level
    /// requirement) asked for them, computed to a fixed point since enabling an extra can
    /// enable more edges.
    pub fn build(dists: &[Distribution], env: &Env, top_level: Option<&[TopLevel]>) -> DepGraph {
        let by_key: HashMap<&str, DistId> = dists
            .iter()
            .enumerate()
            .map(|(i, d)| (d.key.as_str(), DistId(i as u32)))
            .collect();
        let index = |key: &str| by_key.get(key).copied();
        let mut extras = vec![BTreeSet::new(); dists.len()];
        for t in top_level.unwrap_or_default() {
            if let Some(id) = index(&t.key) {
                extras[id.index()].extend(t.extras.iter().cloned());
            }
        }
        loop {
            let mut changed = false;
            for (i, dist) in dists.iter().enumerate() {
                for req in &dist.requires {
                    if !is_active(req, env, &extras[i]) {
                        continue;
                    }
                    if let Some(to) = index(&req.key) {
                        for e in &req.extras {
                            changed |= extras[to.index()].insert(normalize(e));
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut graph = DepGraph {
            out: vec![Vec::new(); dists.len()],
            inc: vec![Vec::new(); dists.len()],
            ..DepGraph::default()
        };
        let mut seen_pairs = HashSet::new();
        for (i, dist) in dists.iter().enumerate() {
            let from = DistId(i as u32);
            for (r, req) in dist.requires.iter().enumerate() {
                if !is_active(req, env, &extras[i]) {
                    continue;
                }
                match index(&req.key) {
                    Some(to) if to != from && seen_pairs.insert((from, to)) => {
                        graph.push_edge(Edge {
                            from,
                            to,
                            requirement: r,
                        });
                    }
                    Some(_) => {}
                    None => graph.missing.push(Missing {
                        name: req.name.clone(),
                        key: req.key.clone(),
                        required_by: from,
                        text: req.text.clone(),
                    }),
                }
            }
        }
        graph.extras = extras;
        graph.missing_top_level = top_level
            .unwrap_or_default()
            .iter()
            .filter(|t| index(&t.key).is_none())
            .map(|t| t.key.clone())
            .collect();
        graph.roots = find_roots(
            &graph,
            dists,
            top_level.map(|t| t.iter().filter_map(|t| index(&t.key)).collect()),
        );
        graph
    }

    fn push_edge(&mut self, edge: Edge) {
        let i = self.edges.len();
        self.out[edge.from.index()].push(i);
        self.inc[edge.to.index()].push(i);
        self.edges.push(edge);
    }

    /// Distributions `id` requires (active edges).
    pub fn requires(&self, id: DistId) -> impl Iterator<Item = DistId> + '_ {
        self.out[id.index()].iter().map(|e| self.edges[*e].to)
    }

    /// Distributions that require `id`.
    pub fn required_by(&self, id: DistId) -> impl Iterator<Item = DistId> + '_ {
        self.inc[id.index()].iter().map(|e| self.edges[*e].from)
    }

    /// Whether `id` is a top-level requirement.
    pub fn is_root(&self, id: DistId) -> bool {
        self.roots.contains(&id)
    }

    /// Every distribution reachable from `start` (itself included), breadth first.
    pub fn reachable(&self, start: &[DistId], skip: Option<DistId>) -> Vec<bool> {
        let mut seen = vec![false; self.out.len()];
        let mut queue: VecDeque<DistId> = VecDeque::new();
        for &s in start {
            if Some(s) != skip && !seen[s.index()] {
                seen[s.index()] = true;
                queue.push_back(s);
            }
        }
        while let Some(d) = queue.pop_front() {
            for to in self.requires(d) {
                if Some(to) != skip && !seen[to.index()] {
                    seen[to.index()] = true;
                    queue.push_back(to);
                }
            }
        }
        seen
    }
}

fn is_active(
    req: &crate::python::requirement::Requirement,
    env: &Env,
    extras: &BTreeSet<String>,
) -> bool {
    req.marker.as_ref().is_none_or(|m| m.evaluate(env, extras))
}

/// Roots are the named top-level requirements, or every distribution nothing requires.
/// Anything still unreachable (a cycle nobody enters, or an install the requirements file
/// does not name) gets roots too: its topmost unreached ancestors, so a distribution
/// another one requires is never made a root in its place; an ancestry that is all cycle
/// gives its largest member.
fn find_roots(graph: &DepGraph, dists: &[Distribution], named: Option<Vec<DistId>>) -> Vec<DistId> {
    let mut roots: Vec<DistId> = named.unwrap_or_else(|| {
        (0..dists.len())
            .map(|i| DistId(i as u32))
            .filter(|d| graph.inc[d.index()].is_empty())
            .collect()
    });
    let mut order: Vec<DistId> = (0..dists.len()).map(|i| DistId(i as u32)).collect();
    order.sort_by_key(|d| std::cmp::Reverse(dists[d.index()].sizes.bytes));
    let mut seen = graph.reachable(&roots, None);
    for d in order {
        if seen[d.index()] {
            continue;
        }
        let tops = unreached_tops(graph, dists, &seen, d);
        for (s, now) in seen.iter_mut().zip(graph.reachable(&tops, None)) {
            *s |= now;
        }
        roots.extend(tops);
    }
    roots
}

/// The unreached ancestors of `start` (itself included) that no unreached distribution
/// requires; when every one is required within a cycle, the largest of them.
fn unreached_tops(
    graph: &DepGraph,
    dists: &[Distribution],
    seen: &[bool],
    start: DistId,
) -> Vec<DistId> {
    let mut ancestors = vec![start];
    let mut visited: HashSet<DistId> = HashSet::from([start]);
    let mut i = 0;
    while let Some(&d) = ancestors.get(i) {
        i += 1;
        for p in graph.required_by(d) {
            if !seen[p.index()] && visited.insert(p) {
                ancestors.push(p);
            }
        }
    }
    let tops: Vec<DistId> = ancestors
        .iter()
        .copied()
        .filter(|d| graph.required_by(*d).all(|p| seen[p.index()]))
        .collect();
    if !tops.is_empty() {
        return tops;
    }
    let largest = ancestors
        .iter()
        .copied()
        .max_by_key(|d| (dists[d.index()].sizes.bytes, std::cmp::Reverse(d.0)));
    largest.into_iter().collect()
}
