//! The bundle being explored: still being scanned (a [`Builder`] fed by scan events),
//! complete, or live (kept in sync with a watched directory).

use std::time::Duration;

use crate::bundle::{Builder, Bundle};
use crate::load::LoadOptions;
use crate::scan::{Progress, ScanEvent};
use crate::watch::live::LiveBundle;

/// A scan in progress.
pub struct Scan {
    /// Merges the scan's shards.
    pub builder: Builder,
    /// How to finish the load (target, top-level requirements).
    pub opts: LoadOptions,
    /// Counts so far.
    pub progress: Progress,
    /// Time since the scan started.
    pub elapsed: Duration,
    /// Inputs fully scanned.
    pub roots_done: usize,
}

/// The bundle, complete or under construction.
pub enum Data {
    /// Being scanned; the tree grows as shards arrive.
    Scanning(Box<Scan>),
    /// Loaded.
    Ready(Box<Bundle>),
    /// Watched: complete as of the last change batch (`heft --watch`).
    Live(Box<LiveBundle>),
}

impl Data {
    /// A scan that starts from `builder` (whose roots are added).
    pub fn scanning(builder: Builder, opts: LoadOptions) -> Data {
        Data::Scanning(Box::new(Scan {
            builder,
            opts,
            progress: Progress::default(),
            elapsed: Duration::ZERO,
            roots_done: 0,
        }))
    }

    /// The bundle as far as it is known.
    pub fn bundle(&self) -> &Bundle {
        match self {
            Data::Scanning(scan) => scan.builder.bundle(),
            Data::Ready(bundle) => bundle,
            Data::Live(live) => live.bundle(),
        }
    }

    /// The bundle once it is complete (loaded or live), `None` while scanning.
    pub fn complete(&self) -> Option<&Bundle> {
        match self {
            Data::Scanning(_) => None,
            Data::Ready(bundle) => Some(bundle),
            Data::Live(live) => Some(live.bundle()),
        }
    }

    /// The watched bundle, in watch mode.
    pub fn live_mut(&mut self) -> Option<&mut LiveBundle> {
        match self {
            Data::Live(live) => Some(live),
            _ => None,
        }
    }

    /// The loaded bundle, mutably (none while scanning or watching: a live bundle changes
    /// only through its batches).
    pub fn ready_mut(&mut self) -> Option<&mut Bundle> {
        match self {
            Data::Ready(bundle) => Some(bundle),
            Data::Scanning(_) | Data::Live(_) => None,
        }
    }

    /// Whether the scan is still running.
    pub fn is_scanning(&self) -> bool {
        matches!(self, Data::Scanning(_))
    }

    /// Merges one scan event.
    pub fn apply(&mut self, event: ScanEvent) {
        let Data::Scanning(scan) = self else {
            return;
        };
        match event {
            ScanEvent::Progress(p) => scan.progress = p,
            ScanEvent::RootDone(_) => scan.roots_done += 1,
            other => scan.builder.apply(other),
        }
    }
}
