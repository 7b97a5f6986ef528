//! Zipped-size estimates for the entries a watch batch brought, counted as
//! [`crate::zipjob`] counts a whole load (so a live bundle and a fresh scan agree): each
//! entry costs its headers plus its deflated data, the end record sits on the root node.
//! Deflated sizes come from a [`ZipCache`], so only files whose (dev, inode, size, mtime)
//! changed are compressed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender};
use rayon::prelude::*;

use super::{Batch, WatchEvent, ZipSizes};
use crate::model::{NodeKind, bytes_to_path};
use crate::scan::BASE;
use crate::zipjob::entry_zipped;
use crate::zipsize::ZipCache;
use crate::zipsize::entry_overhead;

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
                let path = parent_path.join(bytes_to_path(shard.name(entry)));
                let name = shard.name(entry);
                let len = child_len(parent_len, name.len());
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

/// The `heft-watch-zip` loop: estimates each job and sends its sizes, until either side hangs
/// up. Without `estimate`, directories cost their headers and files nothing, as
/// [`crate::zipjob::plan_headers`] counts a fresh scan.
///
/// Compression runs on a pool of its own: on rayon's global pool a big job would hold the
/// next batch's re-walk (which uses that pool) until most of its files were done.
pub(super) fn run(
    root: &Path,
    jobs: &Receiver<ZipJob>,
    events: &Sender<WatchEvent>,
    cache: &ZipCache,
    stop: &AtomicBool,
    estimate: bool,
) {
    let scope = cache.scope(root);
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("heft-watch-zip-{i}"))
        .build()
        .ok();
    for job in jobs {
        let sizes_of = || -> Vec<(u32, u32, u64)> {
            job.items
                .par_iter()
                .filter_map(|it| {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    let zipped = match it.kind {
                        _ if estimate => entry_zipped(&it.path, it.name_len, it.kind, cache, scope),
                        NodeKind::Dir => entry_overhead(it.name_len, true),
                        NodeKind::File | NodeKind::Symlink | NodeKind::Other => 0,
                    };
                    Some((it.subtree, it.entry, zipped))
                })
                .collect()
        };
        // Without a pool of its own (threads refused), the global one still gives answers.
        let sizes = pool.as_ref().map_or_else(sizes_of, |p| p.install(sizes_of));
        let done = ZipSizes {
            seq: job.seq,
            sizes,
        };
        if events.send(WatchEvent::Zipped(done)).is_err() {
            return;
        }
    }
}
