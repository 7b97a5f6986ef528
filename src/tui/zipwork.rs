//! Zipped-size estimates in the background: what `zip -r -6` would make of each file of
//! the directory roots, compressed on a rayon pool and sent to the UI in batches (the
//! sizes are cached between runs, so a second look is quick).

use std::path::PathBuf;
use std::thread;

use crossbeam_channel::Sender;
use rayon::prelude::*;

use super::event::{Event, ZipBatch};
use crate::bundle::{Bundle, RootKind};
use crate::model::{NodeId, NodeKind};
use crate::zipsize::{END_OF_CENTRAL_DIRECTORY, ZipCache, entry_overhead};

/// Files per batch sent to the UI.
const BATCH: usize = 64;

/// One file to compress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipJob {
    /// Its node.
    pub node: NodeId,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Header bytes of its zip entry.
    pub overhead: u64,
}

/// The estimate plan for a bundle: sizes known at once (directory entries, the end
/// record) and the files to compress. Archive roots already carry exact sizes.
pub fn plan(bundle: &Bundle) -> (Vec<(NodeId, u64)>, Vec<ZipJob>) {
    let tree = &bundle.tree;
    let mut now = Vec::new();
    let mut jobs = Vec::new();
    for root in bundle
        .roots
        .iter()
        .filter(|r| r.kind == RootKind::SitePackages)
    {
        now.push((root.node, END_OF_CENTRAL_DIRECTORY));
        for id in tree.descendants(root.node).skip(1) {
            let node = tree.node(id);
            let name_len = tree.rel_path(root.node, id).len();
            match node.kind {
                NodeKind::Dir => now.push((id, entry_overhead(name_len, true))),
                NodeKind::File => jobs.push(ZipJob {
                    node: id,
                    path: tree.path(id),
                    overhead: entry_overhead(name_len, false),
                }),
                // zip -r follows links and stores what they point at; a dangling one is skipped.
                NodeKind::Symlink | NodeKind::Other => {
                    now.push((id, entry_overhead(name_len, false) + node.own.bytes));
                }
            }
        }
    }
    (now, jobs)
}

/// Compresses every job on a background thread, sending [`Event::Zip`] batches until done
/// or until the UI stops listening.
pub fn spawn(jobs: Vec<ZipJob>, tx: Sender<Event>) {
    let spawned = thread::Builder::new()
        .name("heft-zip".into())
        .spawn(move || {
            let cache = ZipCache::load_default();
            let total = jobs.len() as u64;
            let finished = jobs.par_chunks(BATCH).try_for_each(|chunk| {
                let sizes = chunk
                    .iter()
                    .map(|job| {
                        let data = std::fs::metadata(&job.path)
                            .and_then(|meta| cache.get_or_compute(&job.path, &meta))
                            .unwrap_or(0);
                        (job.node, job.overhead + data)
                    })
                    .collect();
                tx.send(Event::Zip(ZipBatch { sizes, total }))
                    .map_err(|_| ())
            });
            if finished.is_ok() {
                cache.save_default();
            }
        });
    if let Err(e) = spawned {
        eprintln!("heft: could not start the zip estimator: {e}");
    }
}
