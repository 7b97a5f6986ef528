//! Runs the core's background zipped-size estimates ([`crate::zipjob`]) for the explorer,
//! forwarding their batches onto the UI's event channel and saving the size cache at the end.

use std::sync::Arc;
use std::thread;

use crossbeam_channel::Sender;

use super::bus::{Event, ZipBatch};
use crate::zipjob::{self, ZipEvent, ZipTask};
use crate::zipsize::ZipCache;

/// Starts compressing `tasks`; batches arrive as [`Event::Zip`], the end as [`Event::ZipDone`].
pub fn spawn(tasks: Vec<ZipTask>, tx: Sender<Event>) {
    let total: u64 = tasks.iter().map(|t| t.len() as u64).sum();
    let cache = Arc::new(ZipCache::load_default());
    // One core stays free for the UI thread, so keys are answered while files compress.
    let events = zipjob::spawn_beside_ui(tasks, Arc::clone(&cache));
    let spawned = thread::Builder::new()
        .name("heft-zip-forward".into())
        .spawn(move || {
            for event in events {
                let sent = match event {
                    ZipEvent::Sizes(sizes) => tx.send(Event::Zip(ZipBatch { sizes, total })),
                    ZipEvent::Done => {
                        cache.save_default();
                        tx.send(Event::ZipDone)
                    }
                };
                if sent.is_err() {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("heft: could not start the zip estimate thread: {e}");
    }
}
