//! Analyses the bundle's imports ([`Imports::analyze`]) for the explorer on a worker
//! thread, so the screen answers while thousands of sources are read; the graph arrives
//! as [`Event::Imports`].

use std::sync::Arc;
use std::thread;

use anyhow::{Context, Result};
use crossbeam_channel::Sender;

use super::bus::{Event, ImportsDone};
pub use super::reach::ImportsJob;
use crate::imports::Imports;

/// Runs the analysis here (what the worker does; tests call it directly).
pub fn analyse(job: &ImportsJob) -> ImportsDone {
    ImportsDone {
        generation: job.generation,
        imports: Arc::new(Imports::analyze(&job.bundle, &job.entries)),
    }
}

/// Starts the analysis on its own thread; the answer arrives on `tx`.
pub fn spawn(job: ImportsJob, tx: Sender<Event>) -> Result<()> {
    thread::Builder::new()
        .name("heft-imports".into())
        .spawn(move || {
            let _ = tx.send(Event::Imports(analyse(&job)));
        })
        .context("starting the import analysis thread")?;
    Ok(())
}
