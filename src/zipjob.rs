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
    /// Length of the directory's path relative to the root (its files' entry names extend it).
    dir_len: usize,
    files: Vec<ZipFile>,
    names: Vec<u8>,
    /// Which files (indices, ascending) are symlinks: zip stores the link text (as `zip -y`
    /// does), not the target. Rare, so a list rather than a flag a file.
    links: Vec<u32>,
}

/// One file to compress: 32 bytes, because a cold estimate holds one a file (200k at once)
/// beside the explorer's tree; its header cost is worked out from its name when needed.
#[derive(Clone, Copy, Debug)]
struct ZipFile {
    node: NodeId,
    name_end: u32,
    /// Apparent size and identity as the walk saw them: with the root's device they key the
    /// cache, so a warm run needs no second stat (or path) per file.
    size: u64,
    stamp: Stamp,
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

    /// Local + central header bytes of file `i`'s entry.
    fn overhead(&self, i: usize) -> u64 {
        let dir = self.dir_len + usize::from(self.dir_len > 0);
        entry_overhead(dir + self.name(i).len(), false)
    }

    fn is_link(&self, i: usize) -> bool {
        u32::try_from(i).is_ok_and(|i| self.links.binary_search(&i).is_ok())
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
    if collect {
        return plan_with(bundle, None);
    }
    for r in 0..bundle.roots.len() {
        if bundle.roots[r].kind == RootKind::SitePackages {
            dir_headers(bundle, bundle.roots[r].node);
        }
    }
    resum_dists(bundle);
    Vec::new()
}

/// Without compression only directories and the end record have a known zipped cost: one
/// pass in index order finds the directories, where the depth-first planner copied each
/// directory's child list and looked at every file (a twentieth of a 200k-file report
/// without zipped estimates).
fn dir_headers(bundle: &mut Bundle, root: NodeId) {
    let tree = &bundle.tree;
    let dirs: Vec<NodeId> = tree
        .subtree(root)
        .skip(1)
        .filter(|id| tree.node(*id).is_dir())
        .collect();
    bundle.tree.set_own_zipped(root, END_OF_CENTRAL_DIRECTORY);
    for dir in dirs {
        // The path's length below the root, from the names up to it (a few levels).
        let mut len = 0;
        let mut at = dir;
        while at != root {
            len += bundle.tree.name(at).len() + usize::from(len > 0);
            match bundle.tree.parent(at) {
                Some(p) => at = p,
                None => break,
            }
        }
        bundle.tree.set_own_zipped(dir, entry_overhead(len, true));
    }
}

/// Like [`plan`], but a file whose size `cache` holds gets it right away, and only the rest
/// become tasks. Why: a warm run's tasks were one 48-byte record a file (10 MB at 200k
/// files) held beside the cache only to look each file up later on another thread.
pub fn plan_cached(bundle: &mut Bundle, cache: &ZipCache) -> Vec<ZipTask> {
    plan_with(bundle, Some(cache))
}

fn plan_with(bundle: &mut Bundle, cache: Option<&ZipCache>) -> Vec<ZipTask> {
    let mut tasks = Vec::new();
    for r in 0..bundle.roots.len() {
        if bundle.roots[r].kind != RootKind::SitePackages {
            continue;
        }
        let root = bundle.roots[r].node;
        let root_path: Arc<Path> = Arc::from(bundle.roots[r].path.as_path());
        let dev = bundle.stamps.dev(r);
        let cached = cache
            .filter(|_| dev.is_some())
            .map(|c| (c, c.scope(&root_path)));
        bundle.tree.set_own_zipped(root, END_OF_CENTRAL_DIRECTORY);
        // (directory, length of its path relative to the root), depth first.
        let mut stack: Vec<(NodeId, usize)> = vec![(root, 0)];
        while let Some((dir, len)) = stack.pop() {
            let mut task = ZipTask {
                dir: bundle.tree.path(dir),
                root: Arc::clone(&root_path),
                dev,
                dir_len: len,
                files: Vec::new(),
                names: Vec::new(),
                links: Vec::new(),
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
                    NodeKind::File | NodeKind::Symlink => {
                        let is_link = kind == NodeKind::Symlink;
                        let file = ZipFile {
                            node: child,
                            name_end: 0,
                            size: bundle.tree.node(child).own.bytes,
                            stamp: bundle.stamps.get(child),
                        };
                        if let Some(deflated) = cached
                            .and_then(|(c, scope)| c.get(scope, &file.cache_key(dev?, is_link)?))
                        {
                            bundle.tree.set_own_zipped(child, deflated + overhead);
                            continue;
                        }
                        if is_link {
                            task.links.push(task.files.len() as u32);
                        }
                        task.names.extend_from_slice(bundle.tree.name(child));
                        let name_end = task.names.len() as u32;
                        task.files.push(ZipFile { name_end, ..file });
                    }
                    // Sockets and fifos are skipped by zip.
                    NodeKind::Other => {}
                }
            }
            if !task.is_empty() {
                // Held until compressed: what doubling left unused goes back now.
                task.files.shrink_to_fit();
                task.names.shrink_to_fit();
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
            let run = move || compress_all(tasks, &cache, &tx);
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
/// Each task is dropped once done, so the job's memory shrinks as it runs.
fn compress_all(tasks: Vec<ZipTask>, cache: &ZipCache, tx: &Sender<ZipEvent>) {
    let scopes = scopes_of(&tasks, cache);
    // Room for the files the roots' saved sizes cannot cover (all of them when cold; none
    // when warm, where a reservation would sit unused beside the saved sizes).
    let files: usize = tasks.iter().map(ZipTask::len).sum();
    cache.reserve(files.saturating_sub(cache.len()));
    let ok = tasks.into_par_iter().try_for_each(|task| {
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

impl ZipFile {
    /// Its key in the cache, when the walk saw its identity on device `dev` (never a link's:
    /// the cache holds files' deflated contents, a link stores its text).
    fn cache_key(&self, dev: u64, is_link: bool) -> Option<FileKey> {
        (self.stamp.is_known() && !is_link).then(|| FileKey::from_stamp(dev, self.stamp, self.size))
    }
}

impl ZipTask {
    /// Zipped bytes of file `i`. A regular file whose walk stamp is in the cache costs a
    /// lookup and no I/O; otherwise it is compressed (and a vanished one costs its headers
    /// only, an unreadable one its size, as in [`zipped_size`]).
    fn zipped(&self, i: usize, file: &ZipFile, cache: &ZipCache, scope: Scope) -> u64 {
        let is_link = self.is_link(i);
        let overhead = self.overhead(i);
        let known = self.dev.and_then(|dev| file.cache_key(dev, is_link));
        if let Some(key) = known
            && let Some(deflated) = cache.get(scope, &key)
        {
            return deflated + overhead;
        }
        let path = self.dir.join(crate::model::bytes_to_path(self.name(i)));
        match known {
            Some(key) => match cache.get_or_compute(scope, &path, Some(key), file.size) {
                Ok(deflated) => deflated + overhead,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => overhead,
                Err(_) => file.size + overhead,
            },
            None => zipped_size(&path, is_link, overhead, cache, scope),
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
    for id in bundle.tree.subtree(bundle.top) {
        let n = bundle.tree.node(id);
        if let Some(owner) = n.owner() {
            bundle.dists[owner.index()].sizes.zipped += n.own.zipped;
        }
    }
}

/// Estimates every directory root to the end (for headless commands).
pub fn estimate_blocking(bundle: &mut Bundle, cache: &Arc<ZipCache>) {
    let tasks = plan_cached(bundle, cache);
    compress(bundle, tasks, cache, &mut |_| {});
}

/// Compresses `tasks` (from [`plan_cached`]) to the end, applying each batch of results and
/// calling `on_progress` after it (a terminal's progress line). The caller plans first, so a
/// one-shot command can drop the walk's stamps once the tasks hold their copies.
pub fn compress(
    bundle: &mut Bundle,
    tasks: Vec<ZipTask>,
    cache: &Arc<ZipCache>,
    on_progress: &mut dyn FnMut(&ZipProgress),
) {
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

    #[test]
    fn a_file_to_compress_stays_at_32_bytes() {
        // A cold estimate holds one a file until it is compressed.
        assert_eq!(std::mem::size_of::<ZipFile>(), 32);
    }

    #[test]
    fn a_warm_plan_sizes_cached_files_at_once_and_tasks_only_the_rest() {
        let dir = tempfile::TempDir::new().unwrap();
        fs::write(dir.path().join("a.py"), "import os\n".repeat(300)).unwrap();
        fs::write(dir.path().join("b.txt"), "0123456789".repeat(100)).unwrap();
        let load_it = || {
            load(
                &[dir.path().to_path_buf()],
                &LoadOptions::default(),
                &mut |_| {},
            )
            .unwrap()
        };
        let cache = Arc::new(ZipCache::new());
        let mut cold = load_it();
        estimate_blocking(&mut cold, &cache);
        let mut warm = load_it();
        let tasks = plan_cached(&mut warm, &cache);
        assert!(tasks.is_empty(), "every file's size is in the cache");
        assert_eq!(warm.totals(), cold.totals());
        fs::write(dir.path().join("b.txt"), "x".repeat(5000)).unwrap();
        let mut changed = load_it();
        let tasks = plan_cached(&mut changed, &cache);
        assert_eq!(tasks.iter().map(ZipTask::len).sum::<usize>(), 1);
        assert_eq!(tasks[0].name(0), b"b.txt");
    }
}
