//! Prints every watch event with its time: `cargo run --example watch_log -- DIR`.
use std::sync::Arc;
use std::time::Instant;

use heft::watch::{Watch, WatchEvent, WatchOptions};
use heft::zipsize::ZipCache;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let watch = Watch::spawn(
        dir.as_ref(),
        WatchOptions::default(),
        Arc::new(ZipCache::new()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    for event in &watch.events {
        let t = start.elapsed().as_millis();
        match event {
            WatchEvent::Batch(b) => {
                let paths: Vec<String> = b
                    .subtrees
                    .iter()
                    .take(6)
                    .map(|s| String::from_utf8_lossy(&s.path).into_owned())
                    .collect();
                let lag = b.last_event.map(|e| e.elapsed().as_millis());
                println!(
                    "{t:>6} batch {} {:?} {} subtrees lag {lag:?} {paths:?}",
                    b.seq,
                    b.kind,
                    b.subtrees.len()
                );
            }
            WatchEvent::Zipped(z) => println!("{t:>6} zipped {} ({} sizes)", z.seq, z.sizes.len()),
            other => println!("{t:>6} {other:?}"),
        }
    }
}
