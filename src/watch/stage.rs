//! The `heft-watch-stage` thread: deflates the files pip stages for a `--target` install
//! while pip is still writing them, so their zipped sizes are cached before they arrive.
//!
//! Why: `pip install --target DIR` installs every wheel into `$TMPDIR/pip-target-XXXX/`
//! and renames each top-level item into DIR only at the very end (`benches/watch.sh` saw all
//! 169 renames of a chromadb install land within a fraction of a second after a minute of
//! writing). Watching DIR alone, every file arrives at once and the zipped total waits 15-28 s
//! for 12k files to be compressed. A rename keeps a file's identity (device, inode, size,
//! mtime), which is what keys the [`ZipCache`]: a file deflated here is a cache hit when the
//! batch that brings it is estimated, so the zipped total lands with the bytes.
//!
//! Each file is deflated once: a file is taken when its writer closes it (or when a rename
//! puts it in place, as `CPython` does with `.pyc` files), and looked up by identity first.
//! Files found by walking a new directory (written before the watch on it was set) wait
//! until they have been quiet for [`QUIET`], so a half-written file is not compressed and
//! then again when it is complete. Only staging dirs on the root's filesystem are followed:
//! across filesystems pip copies, and the copies are new files.

use std::collections::VecDeque;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, unbounded};
use notify_debouncer_full::notify::event::RenameMode;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify_debouncer_full::notify::{
    self, Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher,
};

use super::notifier::nearest_device;
use crate::zipsize::{FileKey, Scope, ZipCache};

/// What pip names its staging directory for `--target` (`tempfile.mkdtemp(prefix=...)`).
const PREFIX: &str = "pip-target-";
/// A file found by a walk is deflated once it has not been modified for this long.
const QUIET: Duration = Duration::from_millis(500);
/// Threads deflating staged files.
const WORKERS: usize = 2;
/// How often the thread looks at the stop flag and at files waiting to be quiet.
const TICK: Duration = Duration::from_millis(100);

/// Whether `name` is a directory pip stages a `--target` install in.
pub fn is_staging_name(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with(PREFIX))
}

/// Deflates staged files into a cache; fed notify events by [`run`], or driven directly.
pub struct Stager {
    /// The directory pip makes its temp dirs in.
    parent: PathBuf,
    cache: Arc<ZipCache>,
    /// Files seen by a walk, waiting to be quiet: (when to look again, path).
    waiting: VecDeque<(Instant, PathBuf)>,
    /// Where files are sent to be deflated; `None`: deflated on the caller's thread. A file
    /// that a walk and its close both find is sent twice: the second lookup is a cache hit,
    /// or waits for the first while it is compressed ([`ZipCache::get_or_compute`]).
    workers: Option<Sender<Job>>,
}

/// A file to deflate: its path, identity and size when it was found.
type Job = (PathBuf, FileKey, u64);

impl Stager {
    /// A stager for staging dirs made in `parent`, filling `cache`.
    pub fn new(parent: PathBuf, cache: Arc<ZipCache>) -> Self {
        Self {
            parent,
            cache,
            waiting: VecDeque::new(),
            workers: None,
        }
    }

    /// Sends files to `workers` (deflated in the order found) instead of deflating them
    /// inline, so events keep being read while a big file is compressed.
    #[must_use]
    pub fn with_workers(self, workers: Sender<Job>) -> Self {
        Self {
            workers: Some(workers),
            ..self
        }
    }

    /// Reacts to one notify event: a new staging dir is adopted (`watch` arms a recursive
    /// watch on it), a closed or renamed-in file is deflated, a new directory walked.
    pub fn on_event(&mut self, event: &Event, watch: &mut dyn FnMut(&Path)) {
        let renamed_in = matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::To))
        );
        let created_dir = matches!(event.kind, EventKind::Create(CreateKind::Folder));
        let closed = matches!(
            event.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        for path in &event.paths {
            if path.parent() == Some(self.parent.as_path()) {
                let staging = path.file_name().is_some_and(is_staging_name);
                if staging && (created_dir || renamed_in) {
                    self.adopt(path, watch);
                }
            } else if path.starts_with(&self.parent) {
                if closed {
                    self.deflate(path);
                } else if created_dir || renamed_in {
                    self.walk(path);
                }
            }
        }
    }

    /// Follows the staging dir `dir`: watches it, then takes the files already in it.
    pub fn adopt(&mut self, dir: &Path, watch: &mut dyn FnMut(&Path)) {
        watch(dir);
        self.walk(dir);
    }

    /// Staging dirs already in the parent when the watch began (pip started first).
    pub fn adopt_existing(&mut self, watch: &mut dyn FnMut(&Path)) {
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return;
        };
        for entry in entries.flatten() {
            if is_staging_name(&entry.file_name()) && entry.file_type().is_ok_and(|t| t.is_dir()) {
                self.adopt(&entry.path(), watch);
            }
        }
    }

    /// Queues every file under `path` (or `path` itself) to be deflated once quiet.
    fn walk(&mut self, path: &Path) {
        let now = Instant::now();
        for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
            if entry.file_type().is_file() {
                self.waiting.push_back((now, entry.into_path()));
            }
        }
    }

    /// Deflates the waiting files that have been quiet long enough; the rest wait on.
    pub fn on_tick(&mut self) {
        self.tick_at(Instant::now());
    }

    /// [`Stager::on_tick`] as if it were `now` (files are quiet by their mtime all the same).
    fn tick_at(&mut self, now: Instant) {
        for _ in 0..self.waiting.len() {
            let Some((at, path)) = self.waiting.pop_front() else {
                break;
            };
            if at > now {
                self.waiting.push_back((at, path));
                continue;
            }
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            let quiet_for = meta
                .modified()
                .ok()
                .and_then(|m| SystemTime::now().duration_since(m).ok());
            match quiet_for {
                Some(quiet) if quiet < QUIET => {
                    self.waiting
                        .push_back((now + QUIET.saturating_sub(quiet), path));
                }
                _ => self.deflate_with(&path, &meta),
            }
        }
    }

    /// Files still waiting to be quiet.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    fn deflate(&mut self, path: &Path) {
        if let Ok(meta) = fs::symlink_metadata(path) {
            self.deflate_with(path, &meta);
        }
    }

    /// Hands the file over for deflation (a file the cache holds costs a lookup).
    fn deflate_with(&mut self, path: &Path, meta: &fs::Metadata) {
        if !meta.is_file() {
            return;
        }
        let Some(key) = FileKey::of(meta) else {
            return;
        };
        let job = (path.to_path_buf(), key, meta.len());
        match &self.workers {
            Some(workers) => {
                let _ = workers.send(job);
            }
            None => deflate(&self.cache, job),
        }
    }
}

/// Looks the file up by identity and compresses it on a miss. Not saved under any root: the
/// watch's own lookup, once the file has arrived, claims it for the root.
fn deflate(cache: &ZipCache, (path, key, size): Job) {
    let _ = cache.get_or_compute(Scope::NONE, &path, Some(key), size);
}

/// Starts the `heft-watch-stage` thread for staging dirs made in `parent` (normally the temp
/// dir), if `parent` is on the filesystem `root` will be on; it stops with `stop`.
pub(super) fn spawn(parent: PathBuf, root: &Path, cache: Arc<ZipCache>, stop: Arc<AtomicBool>) {
    let here = nearest_device(&parent);
    if here.is_none() || here != nearest_device(root) {
        return;
    }
    let (tx, rx) = unbounded();
    let Ok(mut watcher) = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    }) else {
        return;
    };
    if watcher.watch(&parent, RecursiveMode::NonRecursive).is_err() {
        return;
    }
    // A thread that cannot start only costs the head start: zipped sizes come after arrival.
    let _ = std::thread::Builder::new()
        .name("heft-watch-stage".into())
        .spawn(move || {
            let workers = spawn_workers(&cache);
            let stager = Stager::new(parent, cache);
            let stager = match workers {
                Some(workers) => stager.with_workers(workers),
                None => stager,
            };
            run(stager, watcher, &rx, &stop);
        });
}

/// Deflation threads, fed by a channel; they end when the stager drops its sender. Two:
/// pip's writes come faster than one thread deflates them on a busy machine (chromadb: 481
/// MB staged in ~35 s), and whatever is left when the renames land is compressed after them.
/// Each file is still compressed once, so a second thread costs no more CPU. Plain threads
/// blocked on a channel rather than a rayon pool, whose idle workers spin for each job that
/// trickles in.
fn spawn_workers(cache: &Arc<ZipCache>) -> Option<Sender<Job>> {
    let (tx, rx) = unbounded::<Job>();
    let mut started = 0;
    for i in 0..WORKERS {
        let (rx, cache) = (rx.clone(), Arc::clone(cache));
        let worker = std::thread::Builder::new()
            .name(format!("heft-watch-stage-{i}"))
            .spawn(move || {
                for job in rx {
                    deflate(&cache, job);
                }
            });
        started += usize::from(worker.is_ok());
    }
    (started > 0).then_some(tx)
}

/// The thread's loop: events in, deflations out, until stopped.
fn run(
    mut stager: Stager,
    mut watcher: RecommendedWatcher,
    events: &Receiver<notify::Result<Event>>,
    stop: &AtomicBool,
) {
    let mut watch = |dir: &Path| {
        let _ = watcher.watch(dir, RecursiveMode::Recursive);
    };
    stager.adopt_existing(&mut watch);
    while !stop.load(Ordering::Relaxed) {
        match events.recv_timeout(TICK) {
            Ok(Ok(event)) => stager.on_event(&event, &mut watch),
            Ok(Err(_)) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        stager.on_tick();
    }
}

#[cfg(test)]
mod tests;
