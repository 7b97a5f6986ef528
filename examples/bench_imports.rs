//! Times `Imports::analyze` (read and scan every `.py`, resolve, walk, classify) on a real
//! layer: `cargo run --release --example bench_imports -- DIR [PYTHON] [ENTRY...]`.
//! Prints each run's wall time and the source bytes read; the first run after dropping the
//! page cache is the cold figure. `RUNS=0` measures the load alone (for CPU-time differences).
//! Then the explorer's toggle with import warnings: switching a `dist` rule off and on and
//! listing the warnings each time (`TOGGLE=numpy`, the default), as the explorer does per key.

use std::time::Instant;

use std::sync::Arc;

use heft::bundle::Target;
use heft::exclusion::Exclusion;
use heft::imports::Imports;
use heft::load::{LoadOptions, load};
use heft::rules::Rule;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: bench_imports DIR [PYTHON] [ENTRY...]");
        std::process::exit(2);
    };
    let python = args.next().unwrap_or_else(|| "3.12".into());
    let entries: Vec<String> = args.collect();
    let opts = LoadOptions {
        target: Target {
            python,
            ..Target::default()
        },
        top_level: None,
    };
    let bundle = match load(&[dir.into()], &opts, &mut |_| {}) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    for run in 0..runs {
        let t = Instant::now();
        let imports = Imports::analyze(&bundle, &entries);
        let took = t.elapsed();
        let source: u64 = bundle
            .tree
            .descendants(bundle.top)
            .filter(|id| bundle.tree.name(*id).ends_with(b".py"))
            .map(|id| bundle.tree.node(id).own.bytes)
            .sum();
        println!(
            "run {run}: {:.3} s, {} sources ({:.1} MB), {} edges",
            took.as_secs_f64(),
            imports.graph.scanned,
            source as f64 / 1e6,
            imports.graph.edges.len()
        );
    }
    toggle(&bundle, &entries);
}

/// Times one toggle of a `dist` rule with the warnings listed after it, with the graph in use.
fn toggle(bundle: &heft::bundle::Bundle, entries: &[String]) {
    let name = std::env::var("TOGGLE").unwrap_or_else(|_| "numpy".into());
    let imports = Arc::new(Imports::analyze(bundle, entries));
    let mut ex = Exclusion::new(bundle);
    ex.set_imports(Some(imports));
    let Ok(index) = ex.push(bundle, Rule::dist(&name, false)) else {
        return;
    };
    let mut times = Vec::new();
    let mut warned = 0;
    for i in 0..41 {
        let t = Instant::now();
        ex.set_enabled(bundle, index, i % 2 == 1);
        warned = warned.max(ex.warnings(bundle).len());
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "toggle dist {name} with import warnings ({warned} at most): median {:.2} ms, max {:.2} ms",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}
