//! The one channel's message: every source (terminal input, scan, zipped estimates, the
//! import graph, the watcher, signals) sends an [`Event`]; the UI thread applies them in
//! order.

use std::time::Duration;

pub use super::reach::ImportsDone;
use crate::model::NodeId;
use crate::scan::ScanEvent;
use ratatui::crossterm::event::Event as TermEvent;

/// Shortest time between two frames drawn for background events.
pub const FRAME: Duration = Duration::from_millis(150);

/// Zipped sizes for some files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZipBatch {
    /// Node and its zipped bytes (entry headers included).
    pub sizes: Vec<(NodeId, u64)>,
    /// Files the whole estimate covers.
    pub total: u64,
}

/// Anything the UI thread reacts to.
#[derive(Clone, Debug)]
pub enum Event {
    /// A key, mouse or resize event from the terminal.
    Input(TermEvent),
    /// Part of the scan.
    Scan(ScanEvent),
    /// The scan ended.
    ScanDone,
    /// Ownership, graph and insight of the scanned tree, computed off the UI thread.
    Finished(Box<crate::finish::Finished>),
    /// Zipped estimates.
    Zip(ZipBatch),
    /// Every zipped estimate is in.
    ZipDone,
    /// The import graph is known.
    Imports(ImportsDone),
    /// Time since the scan started (for rates); in watch mode, a heartbeat that ends
    /// highlights.
    Tick(Duration),
    /// From the directory watcher (`heft --watch`).
    Watch(crate::watch::WatchEvent),
    /// A signal that ends heft (SIGTERM, SIGHUP, SIGINT, SIGQUIT): quit now, unasked, so
    /// the terminal is restored on the way out.
    Signal(i32),
}

impl Event {
    /// Whether the user caused it (then it is drawn at once).
    pub fn is_input(&self) -> bool {
        matches!(self, Event::Input(_) | Event::Signal(_))
    }
}
