//! `why`: every path from a root to one distribution, shortest first, each edge with the
//! requirement that created it. Simple paths can number in the millions, so the search
//! deepens one length at a time under a step budget and reports how many it counted.

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::deps::DepGraph;
use crate::model::DistId;

use super::Insight;
use super::chains::depths;

/// Search steps after which `why_paths` stops counting (the count is then a lower bound).
pub const STEP_BUDGET: u64 = 2_000_000;

/// One path from a root to the target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhyPath {
    /// Distributions, root first, target last.
    pub dists: Vec<DistId>,
    /// Edge indices into `DepGraph::edges`, one per consecutive pair.
    pub edges: Vec<usize>,
}

/// The paths that explain why a distribution is installed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhyPaths {
    /// The distribution asked about.
    pub target: DistId,
    /// Up to `cap` paths, shortest first.
    pub paths: Vec<WhyPath>,
    /// Every path counted, shown or not.
    pub total_count: usize,
    /// False when the step budget ran out: `total_count` is then a lower bound.
    pub complete: bool,
}

/// What a requirement edge says: the Requires-Dist text and the extras that switched it on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeNote {
    /// Dependent key.
    pub from: String,
    /// Dependency key.
    pub to: String,
    /// The Requires-Dist line as written, marker included.
    pub requirement: String,
    /// The marker, if any, in canonical form.
    pub marker: Option<String>,
    /// Extras of the dependent that the marker names and that are switched on.
    pub extras: Vec<String>,
}

/// Search steps for a panel redrawn as the selection moves: a few milliseconds at most,
/// the count a lower bound on graphs with very many paths.
pub const PANEL_STEP_BUDGET: u64 = 100_000;

/// Paths from any root to `target`, shortest first (ties by name), at most `cap` kept.
pub fn why_paths(bundle: &Bundle, target: DistId, cap: usize) -> WhyPaths {
    why_paths_within(bundle, target, cap, STEP_BUDGET)
}

/// [`why_paths`] with a step budget of `budget`.
pub fn why_paths_within(bundle: &Bundle, target: DistId, cap: usize, budget: u64) -> WhyPaths {
    let mut why = search(&bundle.graph, target, cap, budget);
    why.paths.sort_by(|a, b| {
        a.dists.len().cmp(&b.dists.len()).then_with(|| {
            let names = |p: &WhyPath| -> Vec<&str> {
                p.dists
                    .iter()
                    .map(|d| bundle.dist(*d).key.as_str())
                    .collect()
            };
            names(a).cmp(&names(b))
        })
    });
    why
}

/// The search itself, over a bare graph with an explicit step budget.
pub fn search(graph: &DepGraph, target: DistId, cap: usize, budget: u64) -> WhyPaths {
    let depth = depths(graph).depth;
    let mut s = Search {
        graph,
        depth: &depth,
        on_path: vec![false; graph.out.len()],
        is_root: vec![false; graph.out.len()],
        stack: Vec::new(),
        found: Vec::new(),
        cap,
        total: 0,
        steps: 0,
        budget,
        longer: false,
    };
    for r in &graph.roots {
        s.is_root[r.index()] = true;
    }
    let mut complete = true;
    if let Some(min) = depth[target.index()] {
        s.on_path[target.index()] = true;
        for len in min..graph.out.len() as u32 {
            s.longer = false;
            s.walk(target, len);
            if s.steps > s.budget {
                complete = false;
                break;
            }
            if !s.longer {
                break;
            }
        }
    }
    WhyPaths {
        target,
        paths: s.found,
        total_count: s.total,
        complete,
    }
}

struct Search<'a> {
    graph: &'a DepGraph,
    depth: &'a [Option<u32>],
    on_path: Vec<bool>,
    is_root: Vec<bool>,
    /// Edges taken backwards from the target.
    stack: Vec<usize>,
    found: Vec<WhyPath>,
    cap: usize,
    total: usize,
    steps: u64,
    budget: u64,
    /// Some branch was cut by the length limit, so a longer path may exist.
    longer: bool,
}

impl Search<'_> {
    /// Extends the path backwards from `at` by exactly `left` more edges.
    fn walk(&mut self, at: DistId, left: u32) {
        self.steps += 1;
        if self.steps > self.budget {
            return;
        }
        if left == 0 {
            if self.is_root[at.index()] {
                self.emit(at);
            }
            let free = |e: &usize| !self.on_path[self.graph.edges[*e].from.index()];
            self.longer |= self.graph.inc[at.index()].iter().any(free);
            return;
        }
        for &e in &self.graph.inc[at.index()] {
            let from = self.graph.edges[e].from;
            if self.on_path[from.index()] {
                continue;
            }
            match self.depth[from.index()] {
                Some(d) if d < left => {
                    self.on_path[from.index()] = true;
                    self.stack.push(e);
                    self.walk(from, left - 1);
                    self.stack.pop();
                    self.on_path[from.index()] = false;
                }
                Some(_) => self.longer = true,
                None => {}
            }
        }
    }

    fn emit(&mut self, root: DistId) {
        self.total += 1;
        if self.found.len() >= self.cap {
            return;
        }
        let edges: Vec<usize> = self.stack.iter().rev().copied().collect();
        let mut dists = vec![root];
        dists.extend(edges.iter().map(|e| self.graph.edges[*e].to));
        self.found.push(WhyPath { dists, edges });
    }
}

/// Describes edge `edge` of the bundle's graph.
pub fn edge_note(bundle: &Bundle, edge: usize) -> EdgeNote {
    let e = &bundle.graph.edges[edge];
    let req = &bundle.dist(e.from).requires[e.requirement];
    let active = bundle.graph.extras.get(e.from.index());
    let extras = req.marker.as_ref().map_or_else(Vec::new, |m| {
        m.extras()
            .into_iter()
            .filter(|x| active.is_some_and(|a| a.contains(x)))
            .collect()
    });
    EdgeNote {
        from: bundle.dist(e.from).key.clone(),
        to: bundle.dist(e.to).key.clone(),
        requirement: req.text.clone(),
        marker: req.marker.as_ref().map(ToString::to_string),
        extras,
    }
}

/// `heft why --json`: the paths to one distribution and what it weighs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhyJson {
    /// Key of the distribution asked about.
    pub target: String,
    /// Its name as METADATA spells it.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Paths as keys, root first, shortest first.
    pub paths: Vec<Vec<String>>,
    /// The edges of each path, parallel to `paths`.
    pub edges: Vec<Vec<EdgeNote>>,
    /// Paths counted in all (a lower bound when `complete` is false).
    pub total_paths: usize,
    /// Whether every path was counted.
    pub complete: bool,
    /// Apparent bytes of its own files.
    pub bytes: u64,
    /// Bytes freed by removing it and its orphans.
    pub retained_bytes: u64,
    /// Zipped bytes freed likewise (0 until zip estimates exist).
    pub retained_zipped_bytes: u64,
    /// Bytes of its dependencies that something else also needs.
    pub shared_bytes: u64,
    /// Shortest distance from a root.
    pub depth: Option<u32>,
    /// Key of the distribution every path passes through, if any.
    pub only_via: Option<String>,
    /// Whether the target runtime already provides it.
    pub runtime_provided: bool,
    /// How the bundled version compares with the runtime's, when provided.
    pub runtime_note: Option<String>,
}

impl WhyJson {
    /// Builds the wire form of `why` for `bundle`.
    pub fn new(bundle: &Bundle, insight: &Insight, why: &WhyPaths) -> WhyJson {
        let key = |d: &DistId| bundle.dist(*d).key.clone();
        let t = why.target;
        let m = &insight.per_dist[t.index()];
        WhyJson {
            target: key(&t),
            name: bundle.dist(t).name.clone(),
            version: bundle.dist(t).version.clone(),
            paths: why
                .paths
                .iter()
                .map(|p| p.dists.iter().map(key).collect())
                .collect(),
            edges: why
                .paths
                .iter()
                .map(|p| p.edges.iter().map(|e| edge_note(bundle, *e)).collect())
                .collect(),
            total_paths: why.total_count,
            complete: why.complete,
            bytes: bundle.dist(t).sizes.bytes,
            retained_bytes: m.retained.bytes,
            retained_zipped_bytes: m.retained.zipped,
            shared_bytes: m.shared.bytes,
            depth: m.depth,
            only_via: m.dominator.as_ref().map(key),
            runtime_provided: m.runtime_provided.is_some(),
            runtime_note: m.runtime_provided.as_ref().map(|r| r.note.clone()),
        }
    }
}

/// Up to five distribution keys close to `name` (substring or small edit distance).
pub fn suggest(bundle: &Bundle, name: &str) -> Vec<String> {
    let want = crate::python::name::normalize(name);
    let mut scored: Vec<(usize, &str)> = bundle
        .dists
        .iter()
        .filter_map(|d| {
            let dist = edit_distance(&want, &d.key);
            let near = dist <= (want.len() / 3).max(2);
            let contains = d.key.contains(&want) || (want.len() >= 3 && want.contains(&d.key));
            (near || contains).then_some((if near { dist } else { dist + 10 }, d.key.as_str()))
        })
        .collect();
    scored.sort_unstable();
    scored
        .into_iter()
        .take(5)
        .map(|(_, k)| k.to_string())
        .collect()
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}
