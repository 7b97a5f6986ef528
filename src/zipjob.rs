//! Background zipped-size estimates for directory roots: every file is deflated at level 6
//! on a rayon pool (cached by file identity), and results come back in batches so a UI can
//! apply them as they arrive while the model stays usable.

mod progress;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use rayon::prelude::*;

use crate::bundle::{Bundle, RootKind};
use crate::model::{NodeId, NodeKind};
use crate::scan::Stamp;
use crate::zipsize::{
    END_OF_CENTRAL_DIRECTORY, FileKey, Scope, ZipCache, deflated_size_of, entry_overhead,
};

pub use progress::ZipProgress;

/// Most results sent in one batch.
const BATCH: usize = 256;

/// The files of one directory to compress (grouped so a task holds one path, not one a file).
#[derive(Clone, Debug)]
pub struct ZipTask {
    /// The directory on disk.
    pub dir: PathBuf,
    /// The root the directory belongs to (its cache file is that root's).
    root: Arc<Path>,
    /// The device the walk saw the root on, if it was walked (so stamps are keys).
    dev: Option<u64>,
    files: Vec<ZipFile>,
    names: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
struct ZipFile {
    node: NodeId,
    name_end: u32,
    /// Local + central header bytes of its entry.
    overhead: u64,
    /// Apparent size and identity as the walk saw them: with the root's device they key the
    /// cache, so a warm run needs no second stat (or path) per file.
    size: u64,
    stamp: Stamp,
    /// A symlink: zip stores the link text (as `zip -y` does), not the target.
    is_link: bool,
}

impl ZipTask {
    /// Number of files in the task.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the task has no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn name(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.files[i - 1].name_end as usize
        };
        &self.names[start..self.files[i].name_end as usize]
    }
}

/// What the estimator sends.
#[derive(Clone, Debug)]
pub enum ZipEvent {
    /// Zipped bytes (data + headers) for these file nodes.
    Sizes(Vec<(NodeId, u64)>),
    /// All tasks are done.
    Done,
}

/// Sets the header cost of every directory entry and the end record on each directory root
/// (no I/O), and returns the files still to compress. Archive roots are exact already.
pub fn plan(bundle: &mut Bundle) -> Vec<ZipTask> {
    plan_for(bundle, true)
}

/// Sets header costs like [`plan`] but keeps no tasks (when files will not be compressed).
pub fn plan_headers(bundle: &mut Bundle) {
    plan_for(bundle, false);
}

/// [`plan`] when files will be compressed (`collect`), else [`plan_headers`] (no tasks).
pub fn plan_for(bundle: &mut Bundle, collect: bool) -> Vec<ZipTask> {
    let mut tasks = Vec::new();
    for r in 0..bundle.roots.len() {
        if bundle.roots[r].kind != RootKind::SitePackages {
            continue;
        }
        let root = bundle.roots[r].node;
        let root_path: Arc<Path> = Arc::from(bundle.roots[r].path.as_path());
        let dev = bundle.stamps.dev(r);
        bundle.tree.set_own_zipped(root, END_OF_CENTRAL_DIRECTORY);
        // (directory, length of its path relative to the root), depth first.
        let mut stack: Vec<(NodeId, usize)> = vec![(root, 0)];
        while let Some((dir, len)) = stack.pop() {
            let mut task = ZipTask {
                // Only a task that will run needs its path (building 18k paths was 3% of a
                // 200k-file report without zipped estimates).
                dir: if collect {
                    bundle.tree.path(dir)
                } else {
                    PathBuf::new()
                },
                root: Arc::clone(&root_path),
                dev,
                files: Vec::new(),
                names: Vec::new(),
            };
            for child in bundle.tree.children(dir).to_vec() {
                let name = bundle.tree.name(child);
                let name_len = len + usize::from(len > 0) + name.len();
                let kind = bundle.tree.node(child).kind;
                let overhead = entry_overhead(name_len, kind == NodeKind::Dir);
                match kind {
                    NodeKind::Dir => {
                        bundle.tree.set_own_zipped(child, overhead);
                        stack.push((child, name_len));
                    }
                    NodeKind::File | NodeKind::Symlink if collect => {
                        task.names.extend_from_slice(name);
                        let name_end = task.names.len() as u32;
                        let is_link = kind == NodeKind::Symlink;
                        task.files.push(ZipFile {
                            node: child,
                            name_end,
                            overhead,
                            size: bundle.tree.node(child).own.bytes,
                            stamp: bundle.stamps.get(child),
                            is_link,
                        });
                    }
                    // Sockets and fifos are skipped by zip.
                    NodeKind::File | NodeKind::Symlink | NodeKind::Other => {}
                }
            }
            if !task.is_empty() {
                tasks.push(task);
            }
        }
    }
    resum_dists(bundle);
    tasks
}

/// Compresses `tasks` on a background thread (which fans out over rayon), sending batches.
pub fn spawn(tasks: Vec<ZipTask>, cache: Arc<ZipCache>) -> Receiver<ZipEvent> {
    spawn_on(tasks, cache, None)
}

/// Like [`spawn`], but on one thread fewer than the machine has cores (at least one), so
/// an interactive thread beside it always finds a core free.
pub fn spawn_beside_ui(tasks: Vec<ZipTask>, cache: Arc<ZipCache>) -> Receiver<ZipEvent> {
    let cores = thread::available_parallelism().map_or(1, std::num::NonZero::get);
    spawn_on(tasks, cache, Some(cores.saturating_sub(1).max(1)))
}

fn spawn_on(
    tasks: Vec<ZipTask>,
    cache: Arc<ZipCache>,
    threads: Option<usize>,
) -> Receiver<ZipEvent> {
    let (tx, rx) = unbounded();
    let spawned = thread::Builder::new()
        .name("heft-zip".into())
        .spawn(move || {
            let pool = threads.and_then(|n| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("heft-zip-{i}"))
                    .build()
                    .ok()
            });
            let run = || compress_all(&tasks, &cache, &tx);
            // Without a pool of its own (it could not start) the global one does the work.
            match pool {
                Some(pool) => pool.install(run),
                None => run(),
            }
        });
    // Without a thread the sender is dropped, the receiver closes, and callers see no sizes.
    drop(spawned);
    rx
}

/// Compresses every task in parallel, sending batches, then [`ZipEvent::Done`].
fn compress_all(tasks: &[ZipTask], cache: &ZipCache, tx: &Sender<ZipEvent>) {
    let scopes = scopes_of(tasks, cache);
    let ok = tasks.par_iter().try_for_each(|task| {
        let scope = scopes
            .iter()
            .find(|(root, _)| Arc::ptr_eq(root, &task.root))
            .map_or(Scope::NONE, |(_, scope)| *scope);
        let mut sizes = Vec::with_capacity(task.len().min(BATCH));
        for (i, file) in task.files.iter().enumerate() {
            sizes.push((file.node, task.zipped(i, file, cache, scope)));
            if sizes.len() == BATCH {
                tx.send(ZipEvent::Sizes(std::mem::take(&mut sizes)))
                    .map_err(|_| ())?;
            }
        }
        tx.send(ZipEvent::Sizes(sizes)).map_err(|_| ())
    });
    if ok.is_ok() {
        let _ = tx.send(ZipEvent::Done);
    }
}

/// The cache scope of each root the tasks name, resolved once (a scope reads the root's
/// cache file and canonicalizes its path) rather than per task.
fn scopes_of(tasks: &[ZipTask], cache: &ZipCache) -> Vec<(Arc<Path>, Scope)> {
    let mut scopes: Vec<(Arc<Path>, Scope)> = Vec::new();
    for task in tasks {
        if !scopes.iter().any(|(root, _)| Arc::ptr_eq(root, &task.root)) {
            scopes.push((Arc::clone(&task.root), cache.scope(&task.root)));
        }
    }
    scopes
}

impl ZipTask {
    /// Zipped bytes of file `i`. A regular file whose walk stamp is in the cache costs a
    /// lookup and no I/O; otherwise it is compressed (and a vanished one costs its headers
    /// only, an unreadable one its size, as in [`zipped_size`]).
    fn zipped(&self, i: usize, file: &ZipFile, cache: &ZipCache, scope: Scope) -> u64 {
        let known = self
            .dev
            .filter(|_| file.stamp.is_known() && !file.is_link)
            .map(|dev| FileKey::from_stamp(dev, file.stamp, file.size));
        if let Some(key) = known
            && let Some(deflated) = cache.get(scope, &key)
        {
            return deflated + file.overhead;
        }
        let path = self.dir.join(crate::model::bytes_to_path(self.name(i)));
        match known {
            Some(key) => match cache.get_or_compute(scope, &path, Some(key), file.size) {
                Ok(deflated) => deflated + file.overhead,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => file.overhead,
                Err(_) => file.size + file.overhead,
            },
            None => zipped_size(&path, file.is_link, file.overhead, cache, scope),
        }
    }
}

/// Zipped bytes of one file: deflated data (or stored, if smaller) plus its headers. A file
/// that cannot be read costs its headers plus its size (the worst case); one that vanished
/// since the scan costs its headers only (the next rescan drops it).
fn zipped_size(path: &Path, is_link: bool, overhead: u64, cache: &ZipCache, scope: Scope) -> u64 {
    let data = if is_link {
        std::fs::read_link(path).map_or(0, |t| {
            deflated_size_of(crate::model::os_bytes(t.as_os_str()).as_ref())
        })
    } else {
        match std::fs::symlink_metadata(path) {
            Ok(meta) => cache
                .get_or_compute(scope, path, FileKey::of(&meta), meta.len())
                .unwrap_or(meta.len()),
            Err(_) => 0,
        }
    };
    data + overhead
}

/// Zipped bytes of one entry of `kind` whose name relative to its root is `name_len` bytes,
/// counted as [`plan`] and [`spawn`] count it (watch mode estimates changed entries alone);
/// sizes are cached under `scope`.
pub fn entry_zipped(
    path: &Path,
    name_len: usize,
    kind: NodeKind,
    cache: &ZipCache,
    scope: Scope,
) -> u64 {
    let overhead = entry_overhead(name_len, kind == NodeKind::Dir);
    match kind {
        NodeKind::Dir => overhead,
        NodeKind::Other => 0,
        NodeKind::File | NodeKind::Symlink => {
            zipped_size(path, kind == NodeKind::Symlink, overhead, cache, scope)
        }
    }
}

/// Applies a batch of results to the tree and the owning distributions.
pub fn apply(bundle: &mut Bundle, sizes: &[(NodeId, u64)]) {
    for &(node, zipped) in sizes {
        let before = bundle.tree.node(node).own.zipped;
        bundle.tree.set_own_zipped(node, zipped);
        if let Some(owner) = bundle.tree.node(node).owner() {
            let d = &mut bundle.dists[owner.index()].sizes;
            d.zipped = d.zipped - before.min(d.zipped) + zipped;
        }
    }
}

/// Recomputes every distribution's zipped bytes from its files.
fn resum_dists(bundle: &mut Bundle) {
    for d in &mut bundle.dists {
        d.sizes.zipped = 0;
    }
    for id in bundle.tree.descendants(bundle.top) {
        let n = bundle.tree.node(id);
        if let Some(owner) = n.owner() {
            bundle.dists[owner.index()].sizes.zipped += n.own.zipped;
        }
    }
}

/// Estimates every directory root to the end (for headless commands).
pub fn estimate_blocking(bundle: &mut Bundle, cache: &Arc<ZipCache>) {
    let tasks = plan(bundle);
    run_blocking(bundle, tasks, cache);
}

/// [`estimate_blocking`] for a bundle that will not be estimated again (one-shot commands):
/// the walk's stamps are dropped once the tasks hold their copies (16 bytes a node).
pub fn estimate_once(bundle: &mut Bundle, cache: &Arc<ZipCache>) {
    estimate_once_reporting(bundle, cache, &mut |_| {});
}

/// [`estimate_once`], calling `on_progress` after every batch of results (a terminal's
/// progress line).
pub fn estimate_once_reporting(
    bundle: &mut Bundle,
    cache: &Arc<ZipCache>,
    on_progress: &mut dyn FnMut(&ZipProgress),
) {
    let tasks = plan(bundle);
    bundle.stamps = crate::bundle::Stamps::default();
    let mut progress = ZipProgress::of_tasks(bundle, &tasks);
    for event in spawn(tasks, Arc::clone(cache)) {
        match event {
            ZipEvent::Sizes(sizes) => {
                progress.record(bundle, &sizes);
                apply(bundle, &sizes);
                on_progress(&progress);
            }
            ZipEvent::Done => break,
        }
    }
}

fn run_blocking(bundle: &mut Bundle, tasks: Vec<ZipTask>, cache: &Arc<ZipCache>) {
    for event in spawn(tasks, Arc::clone(cache)) {
        match event {
            ZipEvent::Sizes(sizes) => apply(bundle, &sizes),
            ZipEvent::Done => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::load::{LoadOptions, load};

    #[test]
    fn progress_of_a_whole_job_ends_exact_and_matches_the_estimate() {
        let dir = tempfile::TempDir::new().unwrap();
        fs::write(dir.path().join("a.py"), "import os\n".repeat(300)).unwrap();
        fs::write(dir.path().join("b.txt"), "0123456789".repeat(100)).unwrap();
        let mut bundle = load(
            &[dir.path().to_path_buf()],
            &LoadOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        let tasks = plan(&mut bundle);
        let mut progress = ZipProgress::of_tasks(&bundle, &tasks);
        assert_eq!((progress.total_files, progress.total_bytes), (2, 4000));
        for event in spawn(tasks, Arc::new(ZipCache::new())) {
            if let ZipEvent::Sizes(sizes) = event {
                progress.record(&bundle, &sizes);
                apply(&mut bundle, &sizes);
            }
        }
        assert!(progress.is_done());
        assert_eq!(progress.remaining_estimate(), Some(0));
        let files: u64 = bundle
            .tree
            .descendants(bundle.top)
            .filter(|n| bundle.tree.node(*n).kind == NodeKind::File)
            .map(|n| bundle.tree.node(n).own.zipped)
            .sum();
        assert_eq!(progress.done_zipped, files);
    }
}
