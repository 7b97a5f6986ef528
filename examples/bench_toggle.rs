//! Times rule toggles on an in-memory 200k-file bundle shaped like `synth_site`'s output:
//! `cargo run --release --example bench_toggle -- [FILES] [DISTS]`. Prints the
//! fastest, median and worst toggle per rule, plus the cost of adding a rule and of a full
//! recompute. Wall-clock times: on a shared machine the fastest toggle is the one least
//! disturbed by other processes.

use std::time::{Duration, Instant};

use heft::bundle::Bundle;
use heft::exclusion::Exclusion;
use heft::rules::Rule;

fn main() {
    let mut args = std::env::args().skip(1);
    let files: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let dists: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let started = Instant::now();
    let bundle = heft::synthetic::site(files, dists);
    println!(
        "bundle: {} nodes, {} files, {} distributions, built in {:?}",
        bundle.tree.len(),
        bundle.totals().files,
        bundle.dists.len(),
        started.elapsed()
    );
    let mut ex = Exclusion::new(&bundle);
    let rules = [
        ("preset tests-dirs", None),
        ("glob *.pyi", Some(Rule::glob("*.pyi"))),
        ("dist pkg0000 + deps", Some(Rule::dist("pkg0000", true))),
        ("dist pkg1000", Some(Rule::dist("pkg1000", false))),
        ("path pkg0500", Some(Rule::path("pkg0500", None))),
        ("glob sub3/", Some(Rule::glob("sub3/"))),
    ];
    for (label, rule) in rules {
        let t = Instant::now();
        let index = match rule {
            Some(r) => ex.push(&bundle, r).expect("rule"),
            None => ex.push_preset(&bundle, "tests-dirs").expect("preset").start,
        };
        let added = t.elapsed();
        let times = time_toggles(&bundle, &mut ex, index, 41);
        println!(
            "{label:<22} hits {:>6}  add {:>9.3?}  toggle min {:>9.3?}  median {:>9.3?}  max {:>9.3?}",
            ex.hit_count(index),
            added,
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    let t = Instant::now();
    ex.recompute(&bundle);
    println!("full recompute: {:?}", t.elapsed());
    let totals = ex.totals(&bundle);
    println!(
        "after all rules: {} of {} files, {} of {} bytes",
        totals.after.files, totals.before.files, totals.after.bytes, totals.before.bytes
    );
}

fn time_toggles(bundle: &Bundle, ex: &mut Exclusion, index: usize, n: usize) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            ex.toggle(bundle, index);
            t.elapsed()
        })
        .collect();
    if !ex.is_enabled(index) {
        ex.toggle(bundle, index);
    }
    times.sort();
    times
}
