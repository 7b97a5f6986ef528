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

/// Runs the analysis here, in memory only (tests call it directly).
pub fn analyse(job: &ImportsJob) -> ImportsDone {
    answer(job, Imports::analyze(&job.bundle, &job.entries))
}

/// The answer to `job`, tagged with its generation.
fn answer(job: &ImportsJob, imports: Imports) -> ImportsDone {
    ImportsDone {
        generation: job.generation,
        imports: Arc::new(imports),
    }
}

/// Starts the analysis on its own thread; the answer arrives on `tx`. As `heft imports`
/// does, it takes the stored graph of an unchanged bundle (else the scans of unchanged
/// sources) from the user's cache, so reopening a layer shows its graph sooner.
pub fn spawn(job: ImportsJob, tx: Sender<Event>) -> Result<()> {
    thread::Builder::new()
        .name("heft-imports".into())
        .spawn(move || {
            let imports = Imports::analyze_with_user_cache(&job.bundle, &job.entries);
            let _ = tx.send(Event::Imports(answer(&job, imports)));
        })
        .context("starting the import analysis thread")?;
    Ok(())
}
