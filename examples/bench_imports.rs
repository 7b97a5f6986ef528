//! Times `Imports::analyze` (read and scan every `.py`, resolve, walk, classify) on a real
//! layer: `cargo run --release --example bench_imports -- DIR [PYTHON] [ENTRY...]`.
//! Run 0 starts from empty caches (cold, unless the page cache holds the sources); later runs
//! load the graph run 0 saved (warm: the load and the digest of every input are timed too);
//! with `REBUILD=1` the last run drops the stored graph and rebuilds it from the cached scans. `RUNS` sets the number of runs (default 5; `RUNS=0` measures the directory walk alone).
//! Then the explorer's toggle with import warnings: switching a `dist` rule off and on and
//! listing the warnings each time (`TOGGLE=numpy`, the default), as the explorer does per key.

use std::sync::Arc;
use std::time::Instant;

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
    let Ok(cache_dir) = tempfile::tempdir() else {
        eprintln!("no temporary directory");
        std::process::exit(2);
    };
    let rebuild = std::env::var_os("REBUILD").is_some_and(|v| v == "1");
    for run in 0..runs {
        // The last run keeps the scans but not the graph: what a changed tree costs.
        let label = match run {
            0 => "cold",
            _ if run + 1 == runs && rebuild => {
                let _ = std::fs::remove_dir_all(cache_dir.path().join("graphs"));
                "warm scans, graph rebuilt"
            }
            _ => "warm",
        };
        let t = Instant::now();
        let imports = Imports::analyze_in(&bundle, &entries, cache_dir.path());
        let took = t.elapsed();
        println!(
            "run {run} ({label}): {:.3} s, {} sources, {} edges",
            took.as_secs_f64(),
            imports.graph.scanned,
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
