//! Starts a scan of input paths for the explorer: the core's scanner on its thread, its
//! events forwarded onto the UI's channel, and the [`Data`] that grows from them. Used at
//! start and by `r` (rescan). When the scan ends, [`FinishJob`] reads ownership, the graph
//! and insight on a worker thread ([`crate::finish`]) while the UI keeps answering.

use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossbeam_channel::Sender;

use super::app::Data;
use super::bus::{Event, FRAME};
use crate::bundle::Builder;
use crate::finish::FinishJob;
use crate::load::{LoadOptions, classify, spawn_scan};

/// Starts scanning `paths` with `load`'s options; events arrive on `tx`.
pub fn start(paths: &[PathBuf], load: &LoadOptions, tx: &Sender<Event>) -> Result<Data> {
    // The error's text already ends with the OS reason; `{:#}` would print it twice.
    let inputs = classify(paths).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut builder = Builder::new(load.target.clone());
    for input in &inputs {
        builder.add_root(input.path.clone(), input.kind, input.own_disk);
    }
    forward(spawn_scan(&inputs), tx.clone());
    Ok(Data::scanning(builder, load.clone()))
}

/// Forwards scan events to the UI channel, then a [`Event::ScanDone`] and elapsed ticks.
fn forward(scan: crossbeam_channel::Receiver<crate::scan::ScanEvent>, tx: Sender<Event>) {
    let spawned = thread::Builder::new()
        .name("heft-scan-forward".into())
        .spawn(move || {
            let started = Instant::now();
            let mut last_tick = started;
            let _ = tx.send(Event::Tick(Duration::ZERO));
            for e in scan {
                if tx.send(Event::Scan(e)).is_err() {
                    return;
                }
                if last_tick.elapsed() >= FRAME {
                    last_tick = Instant::now();
                    if tx.send(Event::Tick(started.elapsed())).is_err() {
                        return;
                    }
                }
            }
            let _ = tx.send(Event::Tick(started.elapsed()));
            let _ = tx.send(Event::ScanDone);
        });
    if let Err(e) = spawned {
        eprintln!("heft: could not start the scan thread: {e}");
    }
}

/// Runs `job` on a named thread; its result arrives on `tx` as [`Event::Finished`]. A
/// thread that cannot start does the work here instead, so the result still comes.
pub fn spawn_finish(job: FinishJob, tx: &Sender<Event>) {
    let (job_tx, job_rx) = crossbeam_channel::bounded::<FinishJob>(1);
    let sender = tx.clone();
    let spawned = thread::Builder::new()
        .name("heft-finish".into())
        .spawn(move || {
            if let Ok(job) = job_rx.recv() {
                let _ = sender.send(Event::Finished(Box::new(job.run())));
            }
        });
    if spawned.is_ok() {
        let _ = job_tx.send(job);
    } else {
        let _ = tx.send(Event::Finished(Box::new(job.run())));
    }
}
