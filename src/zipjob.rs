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

/// Results sent per batch.
const BATCH: usize = 256;

/// One file to compress: its node, where it is, and what its zip entry costs besides data.
#[derive(Clone, Debug)]
pub struct ZipTask {
    /// The file's node.
    pub node: NodeId,
    /// Its path on disk.
    pub path: PathBuf,
    /// Local + central header bytes of its entry.
    pub overhead: u64,
    /// A symlink: zip stores the link text (as `zip -y` does), not the target.
    pub is_link: bool,
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
    let mut tasks = Vec::new();
    for r in 0..bundle.roots.len() {
        if bundle.roots[r].kind != RootKind::SitePackages {
            continue;
        }
        let root = bundle.roots[r].node;
        bundle.tree.set_own_zipped(root, END_OF_CENTRAL_DIRECTORY);
        let nodes: Vec<NodeId> = bundle.tree.descendants(root).skip(1).collect();
        for id in nodes {
            let name_len = bundle.tree.rel_path(root, id).len();
            let kind = bundle.tree.node(id).kind;
            let overhead = entry_overhead(name_len, kind == NodeKind::Dir);
            match kind {
                NodeKind::Dir => bundle.tree.set_own_zipped(id, overhead),
                NodeKind::File | NodeKind::Symlink => tasks.push(ZipTask {
                    node: id,
                    path: bundle.tree.path(id),
                    overhead,
                    is_link: kind == NodeKind::Symlink,
                }),
                // Sockets and fifos are skipped by zip.
                NodeKind::Other => {}
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
            let ok = tasks.par_chunks(BATCH).try_for_each(|chunk| {
                let sizes = chunk
                    .iter()
                    .map(|t| (t.node, zipped_size(t, &cache)))
                    .collect();
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
/// that vanished or cannot be read costs its headers plus its size, the worst case.
fn zipped_size(task: &ZipTask, cache: &ZipCache) -> u64 {
    let data = if task.is_link {
        std::fs::read_link(&task.path).map_or(0, |t| {
            deflated_size_of(crate::model::os_bytes(t.as_os_str()).as_ref())
        })
    } else {
        match std::fs::symlink_metadata(&task.path) {
            Ok(meta) => cache
                .get_or_compute(&task.path, &meta)
                .unwrap_or(meta.len()),
            Err(_) => 0,
        }
    };
    data + task.overhead
}

/// Applies a batch of results to the tree and the owning distributions.
pub fn apply(bundle: &mut Bundle, sizes: &[(NodeId, u64)]) {
    for &(node, zipped) in sizes {
        let before = bundle.tree.node(node).own.zipped;
        bundle.tree.set_own_zipped(node, zipped);
        if let Some(owner) = bundle.tree.node(node).owner {
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
        if let Some(owner) = n.owner {
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
