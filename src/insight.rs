//! Dependency insight: what removing each distribution frees (retained sizes over the
//! dominator tree), what it shares with other roots, how deep it sits, the heavy chains
//! that pull big distributions in, and which ones the target Lambda runtime already has.
//!
//! - [`retained`]: dominator tree under a virtual root above all roots; brute-force check.
//! - [`shared`]: transitive closure sizes with cycles collapsed.
//! - [`chains`]: depths from the roots and heavy chains.
//! - [`why`]: every path from a root to one distribution, bounded.

pub mod chains;
pub mod retained;
pub mod shared;
pub mod why;

#[cfg(test)]
mod tests;

use crate::bundle::Bundle;
use crate::deps::DepGraph;
use crate::model::{DistId, Sizes};
use crate::runtimes::Runtime;

pub use chains::{Chain, Depths};
pub use retained::{DomTree, orphaned_by};
pub use why::{EdgeNote, WhyJson, WhyPath, WhyPaths, edge_note, suggest, why_paths};

/// What to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightOptions {
    /// A distribution gets a heavy chain when it retains at least this share of the bundle.
    pub chain_threshold_percent: f64,
    /// Lambda runtime (`python3.12` or `3.12`) whose provided packages to mark; `None`
    /// takes the bundle's target Python; an unknown id marks nothing.
    pub runtime: Option<String>,
}

impl Default for InsightOptions {
    fn default() -> Self {
        Self {
            chain_threshold_percent: 2.0,
            runtime: None,
        }
    }
}

/// Measures of one distribution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistInsight {
    /// Freed by removing it and every distribution that is then unreachable from a root.
    pub retained: Sizes,
    /// Its transitive dependencies that something outside its retained set also needs.
    pub shared: Sizes,
    /// Shortest distance from a root (roots are 0); `None` if no root reaches it.
    pub depth: Option<u32>,
    /// Immediate dominator: every path from a root passes through it.
    pub dominator: Option<DistId>,
    /// Set when the target runtime already provides this distribution.
    pub runtime_provided: Option<RuntimeProvided>,
}

/// A distribution the target Lambda runtime already provides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuntimeProvided {
    /// Runtime id, e.g. `python3.12`.
    pub runtime: String,
    /// The runtime's version of it, where a source reported one.
    pub version: Option<String>,
    /// Freed by excluding it alone, with its exclusive dependencies.
    pub frees: Sizes,
    /// Version-skew note.
    pub note: String,
}

/// Everything the target runtime provides, taken out together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuntimeSummary {
    /// Runtime id.
    pub runtime: String,
    /// Bundle distributions the runtime provides.
    pub provided: Vec<DistId>,
    /// Freed by excluding all of them together, with everything only they need.
    pub frees: Sizes,
    /// AWS's advice and where it comes from.
    pub note: String,
}

/// Graph measures of every distribution, independent of runtimes and thresholds.
#[derive(Clone, Debug, Default)]
pub struct Measures {
    /// Retained sizes by distribution.
    pub retained: Vec<Sizes>,
    /// Shared sizes by distribution.
    pub shared: Vec<Sizes>,
    /// Depths and first-reaching edges.
    pub depths: Depths,
    /// The dominator tree.
    pub dom: DomTree,
}

/// Computes retained, shared and depth for every distribution (`sizes` by `DistId`).
pub fn measures(graph: &DepGraph, sizes: &[Sizes]) -> Measures {
    let g = retained::digraph(graph);
    let dom = retained::dominators(graph, &g);
    let retained = retained::retained_sizes(&dom, sizes);
    let closure = shared::closure_sizes(&g, sizes);
    let shared = closure
        .iter()
        .zip(&retained)
        .map(|(c, r)| {
            let mut s = *c;
            s.sub(r);
            s
        })
        .collect();
    Measures {
        retained,
        shared,
        depths: chains::depths(graph),
        dom,
    }
}

/// Dependency insight for a whole bundle.
#[derive(Clone, Debug, Default)]
pub struct Insight {
    /// Measures by `DistId`.
    pub per_dist: Vec<DistInsight>,
    /// Heavy chains, heaviest first.
    pub chains: Vec<Chain>,
    /// What the target runtime provides, if any of it is bundled.
    pub runtime: Option<RuntimeSummary>,
    dom: DomTree,
}

impl Insight {
    /// Computes every measure, the heavy chains and the runtime marks.
    pub fn compute(bundle: &Bundle, opts: &InsightOptions) -> Insight {
        let sizes: Vec<Sizes> = bundle.dists.iter().map(|d| d.sizes).collect();
        let m = measures(&bundle.graph, &sizes);
        let min_bytes = threshold_bytes(bundle, opts.chain_threshold_percent);
        let chains = chains::heavy_chains(
            &bundle.graph,
            &m.depths,
            &m.retained,
            &m.dom.idom,
            min_bytes,
        );
        let mut per_dist: Vec<DistInsight> = (0..sizes.len())
            .map(|i| DistInsight {
                retained: m.retained[i],
                shared: m.shared[i],
                depth: m.depths.depth[i],
                dominator: m.dom.idom[i],
                runtime_provided: None,
            })
            .collect();
        let id = opts.runtime.as_deref().unwrap_or(&bundle.target.python);
        let runtime =
            crate::runtimes::runtime(id).and_then(|rt| mark_runtime(bundle, rt, &mut per_dist));
        Insight {
            per_dist,
            chains,
            runtime,
            dom: m.dom,
        }
    }

    /// The measures of one distribution.
    pub fn get(&self, id: DistId) -> &DistInsight {
        &self.per_dist[id.index()]
    }

    /// `id` plus everything it dominates: what goes if it is dropped with its orphans.
    pub fn exclusive_set(&self, id: DistId) -> Vec<DistId> {
        if self.dom.reachable.get(id.index()).copied().unwrap_or(false) {
            retained::subtree(&self.dom, id)
        } else {
            vec![id]
        }
    }
}

/// `percent` of the bundle's apparent bytes (of its distributions if it has no tree).
fn threshold_bytes(bundle: &Bundle, percent: f64) -> u64 {
    let total = if bundle.tree.is_empty() {
        bundle
            .dists
            .iter()
            .map(|d| d.sizes.bytes)
            .fold(0, u64::saturating_add)
    } else {
        bundle.totals().bytes
    };
    (total as f64 * percent.max(0.0) / 100.0).ceil() as u64
}

/// Marks what `rt` provides; returns the summary if anything is marked.
fn mark_runtime(
    bundle: &Bundle,
    rt: &Runtime,
    per_dist: &mut [DistInsight],
) -> Option<RuntimeSummary> {
    let keys: Vec<(String, &crate::runtimes::Provided)> = rt
        .provides
        .iter()
        .map(|p| (crate::python::name::normalize(&p.name), p))
        .collect();
    let mut provided = Vec::new();
    for (i, dist) in bundle.dists.iter().enumerate() {
        let Some((_, p)) = keys.iter().find(|(k, _)| *k == dist.key) else {
            continue;
        };
        let note = skew_note(&rt.id, &dist.version, p);
        let m = &mut per_dist[i];
        m.runtime_provided = Some(RuntimeProvided {
            runtime: rt.id.clone(),
            version: p.version.clone(),
            frees: m.retained,
            note,
        });
        provided.push(DistId(i as u32));
    }
    if provided.is_empty() {
        return None;
    }
    let mut frees = Sizes::default();
    for d in orphaned_by(&bundle.graph, &provided) {
        frees.add(&bundle.dist(d).sizes);
    }
    let table = crate::runtimes::table();
    Some(RuntimeSummary {
        runtime: rt.id.clone(),
        provided,
        frees,
        note: format!("{} ({})", table.advice, table.advice_source),
    })
}

/// How the bundled version compares with the runtime's.
fn skew_note(runtime: &str, bundled: &str, p: &crate::runtimes::Provided) -> String {
    match (&p.version, &p.as_of) {
        (Some(v), as_of) if v == bundled => format!(
            "the {runtime} runtime had the same version ({v}{}); it may change without notice",
            as_of
                .as_ref()
                .map(|d| format!(" as of {d}"))
                .unwrap_or_default()
        ),
        (Some(v), as_of) => format!(
            "bundled {bundled}, the {runtime} runtime had {v}{}: excluding it changes the version you run",
            as_of
                .as_ref()
                .map(|d| format!(" as of {d}"))
                .unwrap_or_default()
        ),
        (None, _) => format!(
            "bundled {bundled}, the {runtime} runtime's version is not known: excluding it may change the version you run"
        ),
    }
}
