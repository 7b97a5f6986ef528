//! Times `Imports::analyze` (read and scan every `.py`, resolve, walk, classify) on a real
//! layer: `cargo run --release --example bench_imports -- DIR [PYTHON] [ENTRY...]`.
//! Prints each run's wall time and the source bytes read; the first run after dropping the
//! page cache is the cold figure. `RUNS=0` measures the load alone (for CPU-time differences).

use std::time::Instant;

use heft::bundle::Target;
use heft::imports::Imports;
use heft::load::{LoadOptions, load};

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
}
