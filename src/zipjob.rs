//! Background zipped-size estimates for directory roots: every file is deflated at level 6
//! on a rayon pool (cached by file identity), and results come back in batches so a UI can
//! apply them as they arrive while the model stays usable.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{Receiver, unbounded};
use rayon::prelude::*;

use crate::bundle::{Bundle, RootKind};
use crate::model::{NodeId, NodeKind};
use crate::zipsize::{END_OF_CENTRAL_DIRECTORY, ZipCache, deflated_size_of, entry_overhead};

/// Most results sent in one batch.
const BATCH: usize = 256;

/// The files of one directory to compress (grouped so a task holds one path, not one a file).
#[derive(Clone, Debug, Default)]
pub struct ZipTask {
    /// The directory on disk.
    pub dir: PathBuf,
    files: Vec<ZipFile>,
    names: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
struct ZipFile {
    node: NodeId,
    name_end: u32,
    /// Local + central header bytes of its entry.
    overhead: u64,
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
    plan_inner(bundle, true)
}

/// Sets header costs like [`plan`] but keeps no tasks (when files will not be compressed).
pub fn plan_headers(bundle: &mut Bundle) {
    plan_inner(bundle, false);
}

fn plan_inner(bundle: &mut Bundle, collect: bool) -> Vec<ZipTask> {
    let mut tasks = Vec::new();
    for r in 0..bundle.roots.len() {
        if bundle.roots[r].kind != RootKind::SitePackages {
            continue;
        }
        let root = bundle.roots[r].node;
        bundle.tree.set_own_zipped(root, END_OF_CENTRAL_DIRECTORY);
        // (directory, length of its path relative to the root), depth first.
        let mut stack: Vec<(NodeId, usize)> = vec![(root, 0)];
        while let Some((dir, len)) = stack.pop() {
            let mut task = ZipTask {
                dir: bundle.tree.path(dir),
                ..ZipTask::default()
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
    let (tx, rx) = unbounded();
    let spawned = thread::Builder::new()
        .name("heft-zip".into())
        .spawn(move || {
            let ok = tasks.par_iter().try_for_each(|task| {
                let mut sizes = Vec::with_capacity(task.len().min(BATCH));
                for (i, file) in task.files.iter().enumerate() {
                    let path = task.dir.join(crate::model::bytes_to_path(task.name(i)));
                    sizes.push((
                        file.node,
                        zipped_size(&path, file.is_link, file.overhead, &cache),
                    ));
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
        });
    // Without a thread the sender is dropped, the receiver closes, and callers see no sizes.
    drop(spawned);
    rx
}

/// Zipped bytes of one file: deflated data (or stored, if smaller) plus its headers. A file
/// that cannot be read costs its headers plus its size (the worst case); one that vanished
/// since the scan costs its headers only (the next rescan drops it).
fn zipped_size(path: &std::path::Path, is_link: bool, overhead: u64, cache: &ZipCache) -> u64 {
    let data = if is_link {
        std::fs::read_link(path).map_or(0, |t| {
            deflated_size_of(crate::model::os_bytes(t.as_os_str()).as_ref())
        })
    } else {
        match std::fs::symlink_metadata(path) {
            Ok(meta) => cache.get_or_compute(path, &meta).unwrap_or(meta.len()),
            Err(_) => 0,
        }
    };
    data + overhead
}

/// Zipped bytes of one entry of `kind` whose name relative to its root is `name_len` bytes,
/// counted as [`plan`] and [`spawn`] count it (watch mode estimates changed entries alone).
pub fn entry_zipped(
    path: &std::path::Path,
    name_len: usize,
    kind: NodeKind,
    cache: &ZipCache,
) -> u64 {
    let overhead = entry_overhead(name_len, kind == NodeKind::Dir);
    match kind {
        NodeKind::Dir => overhead,
        NodeKind::Other => 0,
        NodeKind::File | NodeKind::Symlink => {
            zipped_size(path, kind == NodeKind::Symlink, overhead, cache)
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
    for event in spawn(tasks, Arc::clone(cache)) {
        match event {
            ZipEvent::Sizes(sizes) => apply(bundle, &sizes),
            ZipEvent::Done => break,
        }
    }
}
