//! Zipped-size estimates for a watched directory, as `cd ROOT && zip -r -6` would write it:
//! each entry costs its headers (name relative to the root) plus its deflated data, and the
//! archive adds its end record once, kept on the root node. Deflated sizes come from a
//! [`ZipCache`], so a rescan compresses only files whose (dev, inode, size, mtime) changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender};
use rayon::prelude::*;

use super::{Batch, WatchEvent, ZipSizes};
use crate::bundle::{Bundle, RootKind};
use crate::model::{NodeId, NodeKind, bytes_to_path};
use crate::ownership::total_sizes;
use crate::scan::BASE;
use crate::zipsize::{END_OF_CENTRAL_DIRECTORY, ZipCache, entry_overhead};

/// One entry to estimate.
#[derive(Clone, Debug)]
struct ZipItem {
    subtree: u32,
    entry: u32,
    path: PathBuf,
    name_len: usize,
    kind: NodeKind,
}

/// The entries of one batch, for the `heft-watch-zip` thread.
#[derive(Clone, Debug, Default)]
pub(super) struct ZipJob {
    seq: u64,
    items: Vec<ZipItem>,
}

impl ZipJob {
    /// A job with nothing to estimate (so every batch gets its [`ZipSizes`]).
    pub(super) fn empty(seq: u64) -> Self {
        Self {
            seq,
            items: Vec::new(),
        }
    }

    /// Every entry of every subtree of `batch`, with its path and zip name length.
    pub(super) fn for_batch(root: &Path, batch: &Batch) -> Self {
        let mut items = Vec::new();
        for (si, subtree) in batch.subtrees.iter().enumerate() {
            let shard = &subtree.shard;
            let base_path = root.join(bytes_to_path(&shard.base));
            let mut paths: Vec<PathBuf> = Vec::with_capacity(shard.entries.len());
            let mut lens: Vec<usize> = Vec::with_capacity(shard.entries.len());
            for (ei, entry) in shard.entries.iter().enumerate() {
                let (parent_path, parent_len) = if entry.parent == BASE {
                    (&base_path, shard.base.len())
                } else {
                    let p = entry.parent as usize;
                    (&paths[p], lens[p])
                };
                let path = parent_path.join(bytes_to_path(&entry.name));
                let len = child_len(parent_len, entry.name.len());
                items.push(ZipItem {
                    subtree: si as u32,
                    entry: ei as u32,
                    path: path.clone(),
                    name_len: len,
                    kind: entry.kind,
                });
                paths.push(path);
                lens.push(len);
            }
        }
        Self {
            seq: batch.seq,
            items,
        }
    }
}

/// Length of `parent/name` when the parent's relative path is `parent_len` bytes ("" = root).
fn child_len(parent_len: usize, name_len: usize) -> usize {
    if parent_len == 0 {
        name_len
    } else {
        parent_len + 1 + name_len
    }
}

/// The `heft-watch-zip` loop: estimates each job and sends its sizes, until either side hangs up.
///
/// Compression runs on a pool of its own: on rayon's global pool a big job would hold the
/// next batch's re-walk (which uses that pool) until most of its files were done.
pub(super) fn run(
    jobs: &Receiver<ZipJob>,
    events: &Sender<WatchEvent>,
    cache: &ZipCache,
    stop: &AtomicBool,
) {
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("heft-watch-zip-{i}"))
        .build()
        .ok();
    for job in jobs {
        let estimate = || -> Vec<(u32, u32, u64)> {
            job.items
                .par_iter()
                .filter_map(|it| {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    let zipped = entry_zipped(&it.path, it.name_len, it.kind, cache)?;
                    Some((it.subtree, it.entry, zipped))
                })
                .collect()
        };
        // Without a pool of its own (threads refused), the global one still gives answers.
        let sizes = pool.as_ref().map_or_else(estimate, |p| p.install(estimate));
        let done = ZipSizes {
            seq: job.seq,
            sizes,
        };
        if events.send(WatchEvent::Zipped(done)).is_err() {
            return;
        }
    }
}

/// Zipped bytes of one entry whose name relative to the zip's root is `name_len` bytes long:
/// its headers, plus deflated data for a file (a link is followed, as `zip -r` does; a
/// link to a directory counts its own entry only). `None` when the file vanished.
pub fn entry_zipped(path: &Path, name_len: usize, kind: NodeKind, cache: &ZipCache) -> Option<u64> {
    match kind {
        NodeKind::Dir => Some(entry_overhead(name_len, true)),
        NodeKind::File | NodeKind::Symlink => {
            let meta = fs::metadata(path).ok()?;
            if meta.is_dir() {
                return Some(entry_overhead(name_len, true));
            }
            let data = cache.get_or_compute(path, &meta).ok()?;
            Some(entry_overhead(name_len, false) + data)
        }
        NodeKind::Other => Some(entry_overhead(name_len, false)),
    }
}

/// Fills in zipped sizes for every directory root of a loaded bundle (what a watch keeps up
/// incrementally), then the rolled-up totals and each distribution's share.
pub fn estimate_bundle(bundle: &mut Bundle, cache: &ZipCache) {
    for r in 0..bundle.roots.len() {
        if bundle.roots[r].kind != RootKind::SitePackages {
            continue;
        }
        let root = bundle.roots[r].node;
        let tree = &bundle.tree;
        let items: Vec<(NodeId, PathBuf, usize, NodeKind)> = tree
            .descendants(root)
            .skip(1)
            .map(|id| {
                let len = tree.rel_path(root, id).len();
                (id, tree.path(id), len, tree.node(id).kind)
            })
            .collect();
        let sizes: Vec<(NodeId, u64)> = items
            .par_iter()
            .map(|(id, path, len, kind)| (*id, entry_zipped(path, *len, *kind, cache).unwrap_or(0)))
            .collect();
        for (id, zipped) in sizes {
            bundle.tree.node_mut(id).own.zipped = zipped;
        }
        bundle.tree.node_mut(root).own.zipped = END_OF_CENTRAL_DIRECTORY;
    }
    bundle.tree.roll_up();
    total_sizes(bundle);
}
