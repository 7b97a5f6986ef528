//! Watch mode: keeps a bundle in sync with a directory while pip writes into it.
//!
//! Two named threads produce, one owner merges (no shared model):
//! - `heft-watch` runs notify through `notify-debouncer-full` (symlinks not followed),
//!   coalesces event paths into dirty subtrees ([`dirty`]), re-walks them and sends a
//!   [`Batch`]; an overflow, a watcher error or the root coming back sends a full rescan. It
//!   checks the root on every tick, so `rm -rf build` and a new `build` are followed, and
//!   it stops with [`WatchEvent::Gone`] when the root's filesystem goes away.
//! - `heft-watch-zip` estimates the zipped size of every entry a batch brought
//!   ([`ZipSizes`]), from a [`crate::zipsize::ZipCache`], so only changed files are compressed.
//! - `heft-watch-stage` deflates the files pip stages in the temp dir for a `--target`
//!   install before they are renamed into the root ([`stage`]), so those are cache hits.
//! - The consumer (the TUI or `heft watch`) owns a [`live::LiveBundle`] and feeds it both
//!   kinds of events: bytes are right as soon as a batch is applied, zipped sizes follow.
//!
//! [`summary`] turns two states into distribution changes and limit crossings,
//! [`wire`] is the `heft.watch/1` JSON line.

pub mod dirty;
pub mod live;
mod meta_cache;
mod notifier;
mod rescan;
pub mod stage;
pub mod summary;
pub mod wire;
pub mod zip;
pub mod ziptrack;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::scan::{ScanError, Shard};
use crate::zipsize::ZipCache;

/// How the watcher debounces and settles.
#[derive(Clone, Copy, Debug)]
pub struct WatchOptions {
    /// A path's events are passed on once it has been quiet this long (notify-debouncer-full).
    pub debounce: Duration,
    /// A batch is cut once no debounced events arrived for this long.
    pub settle: Duration,
    /// During a long burst, a batch is cut at least this often.
    pub max_delay: Duration,
    /// How often the root is checked for deletion, re-creation or a vanished filesystem.
    pub poll: Duration,
    /// Whether new files are deflated for zipped sizes; off (`--no-zip-estimate`), entries
    /// cost what [`crate::zipjob::plan_headers`] gives a fresh scan: directories their
    /// headers, files nothing.
    pub zip_estimate: bool,
    /// Whether files pip stages for a `--target` install in the temp dir are deflated
    /// before they arrive ([`stage`]); only with `zip_estimate`.
    pub pre_deflate: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            // Short: a batch re-walks whole subtrees, so events need little merging, and
            // pip's renames all land within milliseconds; bytes settle ~0.2 s after them.
            debounce: Duration::from_millis(50),
            settle: Duration::from_millis(50),
            max_delay: Duration::from_secs(1),
            poll: Duration::from_millis(200),
            zip_estimate: true,
            pre_deflate: true,
        }
    }
}

/// What the watcher threads send.
#[derive(Clone, Debug)]
pub enum WatchEvent {
    /// Part or all of the tree was re-walked: merge it with [`live::LiveBundle::apply`].
    Batch(Batch),
    /// Zipped sizes of a batch's entries: merge with [`live::LiveBundle::apply_zipped`].
    Zipped(ZipSizes),
    /// Something the user may want to know; the watcher recovers by itself (full rescan).
    Warning(String),
    /// The root's filesystem went away (unmounted); the watcher stopped.
    Gone,
}

/// What a batch replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchKind {
    /// The whole root was re-walked: every earlier `NodeId` is invalid.
    Full,
    /// Only the subtrees listed were re-walked.
    Partial,
    /// The root is gone (deleted); the watcher waits for it to come back.
    Missing,
}

/// One re-walked subtree.
#[derive(Clone, Debug)]
pub struct Subtree {
    /// `/`-separated path relative to the root: the dirty path for a partial batch (its
    /// shard's first entry, or no entry when it is gone), the shard's base for a full one.
    pub path: Vec<u8>,
    /// What the walk found.
    pub shard: Shard,
}

/// A settled set of changes.
#[derive(Clone, Debug)]
pub struct Batch {
    /// Increasing number; [`ZipSizes::seq`] refers to it.
    pub seq: u64,
    /// Full, partial or root missing.
    pub kind: BatchKind,
    /// Re-walked subtrees, in the order they first changed (a full batch: scanner order).
    pub subtrees: Vec<Subtree>,
    /// Paths that could not be read.
    pub errors: Vec<ScanError>,
    /// Disk blocks of the root directory itself (full batches).
    pub root_disk: u64,
    /// When the newest filesystem event in the batch was seen, if events caused it.
    pub last_event: Option<Instant>,
}

/// Zipped sizes for the entries of one batch.
#[derive(Clone, Debug, Default)]
pub struct ZipSizes {
    /// The batch they belong to.
    pub seq: u64,
    /// `(subtree index, entry index, zipped bytes)`: deflated data plus zip headers.
    pub sizes: Vec<(u32, u32, u64)>,
}

/// Errors starting a watch.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The root exists but is not a directory (a file, an archive): nothing to follow.
    #[error(
        "{} is not a directory: watch follows a directory pip installs into (for an archive or saved scan use `heft report`)",
        path.display()
    )]
    NotADirectory {
        /// The root.
        path: PathBuf,
    },
    /// notify could not be set up.
    #[error("{}: cannot watch: {source}", path.display())]
    Notify {
        /// The root.
        path: PathBuf,
        /// Why.
        source: notify_debouncer_full::notify::Error,
    },
    /// A thread could not be started.
    #[error("cannot start the {name} thread: {source}")]
    Thread {
        /// Which.
        name: &'static str,
        /// Why.
        source: std::io::Error,
    },
}

/// Requests to the watcher thread.
#[derive(Clone, Copy, Debug)]
enum Control {
    Rescan,
}

/// A running watch; dropping it stops both threads (the zip thread drops its current job).
pub struct Watch {
    /// Batches, zipped sizes and warnings, in order.
    pub events: Receiver<WatchEvent>,
    control: Sender<Control>,
    root: PathBuf,
    stop: Arc<AtomicBool>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Watch {
    /// Starts watching `root` (made absolute; it may not exist yet). The first event is a full
    /// batch of the current contents (or a missing-root batch).
    pub fn spawn(
        root: &Path,
        options: WatchOptions,
        cache: Arc<ZipCache>,
    ) -> Result<Watch, WatchError> {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        // A missing root is waited for; one that exists must be a directory (followed
        // through a symlink, as the watcher follows the root itself), and so must every
        // parent of one that does not (a path under a file can never appear).
        let is_file = match std::fs::metadata(&root) {
            Ok(meta) => !meta.is_dir(),
            Err(e) => e.kind() == std::io::ErrorKind::NotADirectory,
        };
        if is_file {
            return Err(WatchError::NotADirectory { path: root });
        }
        let (events_tx, events) = unbounded();
        let (control_tx, control_rx) = unbounded();
        let (jobs_tx, jobs_rx) = unbounded();
        let zip_events = events_tx.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let zip_stop = Arc::clone(&stop);
        let zip_root = root.clone();
        if options.zip_estimate && options.pre_deflate {
            let stage_stop = Arc::clone(&stop);
            stage::spawn(std::env::temp_dir(), &root, Arc::clone(&cache), stage_stop);
        }
        thread::Builder::new()
            .name("heft-watch-zip".into())
            .spawn(move || {
                let estimate = options.zip_estimate;
                zip::run(
                    &zip_root,
                    &jobs_rx,
                    &zip_events,
                    &cache,
                    &zip_stop,
                    estimate,
                );
            })
            .map_err(|source| WatchError::Thread {
                name: "heft-watch-zip",
                source,
            })?;
        let notifier =
            notifier::Notifier::new(root.clone(), options, events_tx, jobs_tx, control_rx)?;
        thread::Builder::new()
            .name("heft-watch".into())
            .spawn(move || notifier.run())
            .map_err(|source| WatchError::Thread {
                name: "heft-watch",
                source,
            })?;
        Ok(Watch {
            events,
            control: control_tx,
            root,
            stop,
        })
    }

    /// The watched root, absolute.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Asks for a full rescan (after [`live::Applied::needs_rescan`], or to compact the tree).
    pub fn rescan(&self) {
        let _ = self.control.send(Control::Rescan);
    }
}
