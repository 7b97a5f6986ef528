//! Times the dependency-graph measures (retained via dominators, shared, depth) and the
//! rest of `Insight::compute` on synthetic graphs built in code:
//! `cargo run --release --example bench_graph -- [DISTS] [EDGES]` (default 2000 / 10000).
//!
//! Two shapes: "layered" (edges mostly point to later distributions, about 2% point back
//! and make cycles, like real bundles) and "random" (edges between any two, so most
//! distributions fall into one big cycle: the worst case for closures).

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

use heft::bundle::{Bundle, Distribution};
use heft::deps::{DepGraph, Edge};
use heft::insight::{Insight, InsightOptions, measures, why::search};
use heft::model::{DistId, Sizes};

fn main() {
    let mut args = std::env::args().skip(1);
    let dists: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let edges: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    for (shape, back) in [("layered", 0.02), ("random", 1.0)] {
        let bundle = synthetic(dists, edges, back);
        let sizes: Vec<Sizes> = bundle.dists.iter().map(|d| d.sizes).collect();
        let g = &bundle.graph;
        let m = best_of(9, || {
            std::hint::black_box(measures(g, &sizes));
        });
        let all = best_of(9, || {
            std::hint::black_box(Insight::compute(&bundle, &InsightOptions::default()));
        });
        let target = DistId(dists as u32 - 1);
        let why = best_of(3, || {
            std::hint::black_box(search(g, target, 20, heft::insight::why::STEP_BUDGET));
        });
        println!(
            "{shape:>7}: {dists} distributions, {} edges, {} roots: measures {:.2} ms, Insight::compute {:.2} ms, why (20 paths, budget {}) {:.2} ms",
            g.edges.len(),
            g.roots.len(),
            ms(m),
            ms(all),
            heft::insight::why::STEP_BUDGET,
            ms(why)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The fastest of `runs` timings.
fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// A bundle of `n` distributions with `m` distinct edges; a share `back` of them may point
/// to an earlier distribution.
fn synthetic(n: usize, edges: usize, back: f64) -> Bundle {
    let mut rng = Lcg(0x5eed_1234);
    let dists: Vec<Distribution> = (0..n)
        .map(|i| Distribution {
            name: format!("dist-{i}"),
            key: format!("dist-{i}"),
            version: "1.0".into(),
            sizes: Sizes {
                files: 10,
                bytes: 1_000 + rng.below(5_000_000),
                disk: 0,
                zipped: rng.below(2_000_000),
            },
            ..Distribution::default()
        })
        .collect();
    let mut graph = DepGraph {
        out: vec![Vec::new(); n],
        inc: vec![Vec::new(); n],
        extras: vec![BTreeSet::default(); n],
        ..DepGraph::default()
    };
    let mut seen = HashSet::new();
    while graph.edges.len() < edges.min(n * (n - 1) / 2) {
        let one = rng.below(n as u64) as usize;
        let two = rng.below(n as u64) as usize;
        let (from, to) = if (rng.below(1000) as f64) < back * 1000.0 {
            (one, two)
        } else {
            (one.min(two), one.max(two))
        };
        if from != to && seen.insert((from, to)) {
            let i = graph.edges.len();
            graph.out[from].push(i);
            graph.inc[to].push(i);
            graph.edges.push(Edge {
                from: DistId(from as u32),
                to: DistId(to as u32),
                requirement: 0,
            });
        }
    }
    graph.roots = roots(&graph);
    Bundle {
        dists,
        graph,
        ..Bundle::default()
    }
}

/// Unrequired distributions, then whatever is still unreached (cycles nobody enters).
fn roots(graph: &DepGraph) -> Vec<DistId> {
    let n = graph.out.len();
    let mut roots: Vec<DistId> = (0..n)
        .filter(|i| graph.inc[*i].is_empty())
        .map(|i| DistId(i as u32))
        .collect();
    let mut seen = graph.reachable(&roots, None);
    for i in 0..n {
        if !seen[i] {
            roots.push(DistId(i as u32));
            for (s, now) in seen
                .iter_mut()
                .zip(graph.reachable(&[DistId(i as u32)], None))
            {
                *s |= now;
            }
        }
    }
    roots
}

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}
