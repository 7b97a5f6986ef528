//! The `heft-watch` thread: debounced notify events in, settled batches out.
//!
//! The root is checked on every tick rather than through a watch on its parent: inotify
//! cannot watch a path that does not exist, and after `rm -rf build` the parent of
//! `build/python` is gone too. A stat per tick sees the root vanish, come back (new inode:
//! re-arm, then rescan whole, so nothing written before the new watch is missed) or land on
//! another device (its filesystem was unmounted: stop).

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use crossbeam_channel::{Receiver, Sender, select, unbounded};
use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache, new_debouncer_opt,
};

use super::dirty::DirtySet;
use super::zip::ZipJob;
use super::{Batch, BatchKind, Control, WatchError, WatchEvent, WatchOptions, rescan};

/// Which directory the root is: `rm -rf build && mkdir build` often gets the freed inode
/// number back, so the birth time (where the filesystem keeps one) tells them apart too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RootId {
    dev: u64,
    ino: u64,
    born: Option<SystemTime>,
}

/// Where the root stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RootState {
    /// Watched.
    Armed(RootId),
    /// Not there (or not watchable yet).
    Missing,
}

/// What a look at the root found.
enum RootCheck {
    Same,
    Changed,
    Gone,
}

pub(super) struct Notifier {
    root: PathBuf,
    options: WatchOptions,
    events: Sender<WatchEvent>,
    jobs: Sender<ZipJob>,
    control: Receiver<Control>,
    raw: Receiver<DebounceEventResult>,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    state: RootState,
    /// An event named the root itself (deleted, moved): look again even if it seems the same.
    root_suspect: bool,
    /// Device of the filesystem the root lives on, once seen.
    home_dev: Option<u64>,
    dirty: DirtySet,
    /// The root's entries when the last batch was cut (`None`: not listed yet).
    top: Option<HashSet<OsString>>,
    full: bool,
    first_pending: Option<Instant>,
    last_arrival: Instant,
    last_event: Option<Instant>,
    seq: u64,
}

impl Notifier {
    pub(super) fn new(
        root: PathBuf,
        options: WatchOptions,
        events: Sender<WatchEvent>,
        jobs: Sender<ZipJob>,
        control: Receiver<Control>,
    ) -> Result<Self, WatchError> {
        let (raw_tx, raw) = unbounded();
        let config = notify::Config::default().with_follow_symlinks(false);
        let debouncer = new_debouncer_opt(
            options.debounce,
            None,
            move |result: DebounceEventResult| {
                let _ = raw_tx.send(result);
            },
            RecommendedCache::new(),
            config,
        )
        .map_err(|source| WatchError::Notify {
            path: root.clone(),
            source,
        })?;
        Ok(Self {
            root,
            options,
            events,
            jobs,
            control,
            raw,
            debouncer,
            state: RootState::Missing,
            root_suspect: false,
            home_dev: None,
            dirty: DirtySet::new(),
            top: None,
            full: false,
            first_pending: None,
            last_arrival: Instant::now(),
            last_event: None,
            seq: 0,
        })
    }

    /// Runs until the consumer hangs up or the root's filesystem goes away.
    pub(super) fn run(mut self) {
        self.home_dev = nearest_device(&self.root);
        if matches!(self.check_root(), RootCheck::Gone) {
            let _ = self.events.send(WatchEvent::Gone);
            return;
        }
        if self.state == RootState::Missing {
            self.send_missing();
        } else if !self.flush_now() {
            return;
        }
        loop {
            let wait = if self.is_pending() {
                self.options.settle
            } else {
                self.options.poll
            };
            select! {
                recv(self.raw) -> msg => match msg {
                    Ok(Ok(events)) => self.on_events(&events),
                    Ok(Err(errors)) => self.on_errors(&errors),
                    Err(_) => return,
                },
                recv(self.control) -> msg => match msg {
                    Ok(Control::Rescan) => self.mark_full(),
                    Err(_) => return,
                },
                default(wait) => {}
            }
            if matches!(self.check_root(), RootCheck::Gone) {
                let _ = self.events.send(WatchEvent::Gone);
                return;
            }
            if self.is_settled() && !self.flush_now() {
                return;
            }
        }
    }

    fn on_events(&mut self, events: &[DebouncedEvent]) {
        for event in events {
            if event.need_rescan() {
                self.mark_full();
                continue;
            }
            // Our own reads (scans, zip estimates) show up as opens and closes: not changes.
            if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
                continue;
            }
            for path in &event.paths {
                if *path == self.root {
                    self.root_suspect |=
                        matches!(event.kind, EventKind::Remove(_) | EventKind::Modify(_));
                } else if let Ok(rel) = path.strip_prefix(&self.root) {
                    self.dirty.add(rel);
                    self.note_pending(Some(event.time));
                }
            }
        }
    }

    fn on_errors(&mut self, errors: &[notify::Error]) {
        for error in errors {
            let text = format!("watcher: {error}; rescanning {}", self.root.display());
            let _ = self.events.send(WatchEvent::Warning(text));
        }
        self.mark_full();
    }

    fn mark_full(&mut self) {
        self.full = true;
        self.note_pending(None);
    }

    fn note_pending(&mut self, event_time: Option<Instant>) {
        let now = Instant::now();
        self.first_pending.get_or_insert(now);
        self.last_arrival = now;
        if let Some(t) = event_time {
            self.last_event = Some(self.last_event.map_or(t, |l| l.max(t)));
        }
    }

    fn is_pending(&self) -> bool {
        self.full || !self.dirty.is_empty()
    }

    fn is_settled(&self) -> bool {
        let Some(first) = self.first_pending else {
            return false;
        };
        self.is_pending()
            && (self.last_arrival.elapsed() >= self.options.settle
                || first.elapsed() >= self.options.max_delay)
    }

    /// Looks at the root: re-arms the watch when it (re)appeared, empties the model when it
    /// vanished, and reports a filesystem that went away.
    fn check_root(&mut self) -> RootCheck {
        match (fs::metadata(&self.root), self.state) {
            (Ok(meta), state) if meta.is_dir() => {
                let id = identity(&meta);
                if self.home_dev.is_some_and(|home| home != id.dev) {
                    return RootCheck::Gone;
                }
                if state == RootState::Armed(id) && !self.root_suspect {
                    return RootCheck::Same;
                }
                self.arm(id);
                RootCheck::Changed
            }
            (_, RootState::Missing) => self.check_gone(),
            (_, RootState::Armed(..)) => {
                self.state = RootState::Missing;
                self.root_suspect = false;
                self.dirty.clear();
                self.full = false;
                self.first_pending = None;
                self.send_missing();
                self.check_gone()
            }
        }
    }

    /// The root is missing: its filesystem is gone if the nearest ancestor that exists now
    /// lives on another device.
    fn check_gone(&self) -> RootCheck {
        match (self.home_dev, nearest_device(&self.root)) {
            (Some(home), Some(now)) if home != now => RootCheck::Gone,
            _ => RootCheck::Same,
        }
    }

    fn arm(&mut self, id: RootId) {
        self.root_suspect = false;
        // A renamed-away old root would otherwise keep reporting under this path.
        let _ = self.debouncer.unwatch(&self.root);
        let result = self.debouncer.watch(&self.root, RecursiveMode::Recursive);
        if let Err(error) = &result {
            let text = format!("cannot watch all of {}: {error}", self.root.display());
            let _ = self.events.send(WatchEvent::Warning(text));
        }
        match result {
            // Gone again before the watch was set: the next tick looks again.
            Err(e) if matches!(e.kind, notify::ErrorKind::PathNotFound) => {
                if self.state != RootState::Missing {
                    self.state = RootState::Missing;
                    self.send_missing();
                }
            }
            // Armed, perhaps partly (out of inotify watches): said once, not retried each tick.
            _ => {
                self.state = RootState::Armed(id);
                self.home_dev.get_or_insert(id.dev);
                self.mark_full();
            }
        }
    }

    fn send_missing(&mut self) {
        self.seq += 1;
        let batch = Batch {
            seq: self.seq,
            kind: BatchKind::Missing,
            subtrees: Vec::new(),
            errors: Vec::new(),
            root_disk: 0,
            last_event: self.last_event.take(),
        };
        let _ = self.events.send(WatchEvent::Batch(batch));
        let _ = self.jobs.send(ZipJob::empty(self.seq));
    }

    /// Re-walks what is dirty and sends the batch and its zip job; false once nobody listens.
    fn flush_now(&mut self) -> bool {
        if self.state == RootState::Missing {
            self.dirty.clear();
            self.full = false;
            self.first_pending = None;
            return true;
        }
        self.seq += 1;
        let dev = match self.state {
            RootState::Armed(id) => id.dev,
            RootState::Missing => 0,
        };
        // Listed before the walk: whatever appears after it is in the next batch.
        if self.full || self.dirty.has_top_level() {
            let listing = list(&self.root);
            if let Some(known) = self.top.as_ref().filter(|_| !self.full) {
                self.dirty.add_unannounced(known, &listing);
            }
            self.top = Some(listing);
        }
        let batch = if self.full {
            rescan::full(&self.root, self.seq)
        } else {
            rescan::partial(&self.root, self.seq, dev, &self.dirty.coalesce())
        };
        let batch = Batch {
            last_event: self.last_event.take(),
            ..batch
        };
        self.dirty.clear();
        self.full = false;
        self.first_pending = None;
        let job = ZipJob::for_batch(&self.root, &batch);
        self.events.send(WatchEvent::Batch(batch)).is_ok() && self.jobs.send(job).is_ok()
    }
}

/// The names of the entries directly in `dir` (none if it cannot be read).
fn list(dir: &Path) -> HashSet<OsString> {
    fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

/// Which directory `meta` describes.
#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> RootId {
    use std::os::unix::fs::MetadataExt;
    RootId {
        dev: meta.dev(),
        ino: meta.ino(),
        born: meta.created().ok(),
    }
}

#[cfg(not(unix))]
fn identity(meta: &fs::Metadata) -> RootId {
    RootId {
        dev: 0,
        ino: 0,
        born: meta.created().ok(),
    }
}

/// Device of `path`, or of its nearest ancestor that exists.
pub(super) fn nearest_device(path: &Path) -> Option<u64> {
    path.ancestors()
        .find_map(|p| fs::metadata(p).ok())
        .map(|m| identity(&m).dev)
}
