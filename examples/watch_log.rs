//! Logs what a watch sees and what merging it costs:
//! `cargo run --release --example watch_log -- DIR`.
//!
//! One line per event: milliseconds since start, the batch and its first paths, the time
//! from its newest filesystem event to the batch (`lag`), and how long `LiveBundle::apply`
//! (structure, ownership, graph) and `apply_zipped` took. benches/watch.sh uses it.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use heft::load::LoadOptions;
use heft::watch::live::LiveBundle;
use heft::watch::{Watch, WatchEvent, WatchOptions};
use heft::zipsize::ZipCache;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: watch_log DIR");
        return ExitCode::from(2);
    };
    let watch = match Watch::spawn(
        dir.as_ref(),
        WatchOptions::default(),
        Arc::new(ZipCache::new()),
    ) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("watch_log: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut live = LiveBundle::new(watch.root().to_path_buf(), LoadOptions::default());
    let start = Instant::now();
    for event in &watch.events {
        let t = start.elapsed().as_millis();
        match event {
            WatchEvent::Batch(batch) => {
                let paths: Vec<String> = batch
                    .subtrees
                    .iter()
                    .take(4)
                    .map(|s| String::from_utf8_lossy(&s.path).into_owned())
                    .collect();
                let lag = batch.last_event.map(|e| e.elapsed().as_millis());
                let (seq, kind, n) = (batch.seq, batch.kind, batch.subtrees.len());
                let began = Instant::now();
                live.apply(batch);
                let took = began.elapsed().as_secs_f64() * 1000.0;
                let totals = live.bundle().totals();
                println!(
                    "{t:>7} batch {seq} {kind:?} {n} subtrees, lag {lag:?} ms, apply {took:.1} ms, {} files {} bytes {paths:?}",
                    totals.files, totals.bytes
                );
            }
            WatchEvent::Zipped(sizes) => {
                let (seq, n) = (sizes.seq, sizes.sizes.len());
                let began = Instant::now();
                live.apply_zipped(sizes);
                let took = began.elapsed().as_secs_f64() * 1000.0;
                let zipped = live.bundle().totals().zipped;
                println!("{t:>7} zipped {seq}: {n} sizes, apply {took:.1} ms, {zipped} zipped");
            }
            other => println!("{t:>7} {other:?}"),
        }
    }
    ExitCode::SUCCESS
}
