//! Re-walking for a batch: the whole root with the parallel scanner, or each dirty subtree.

use std::path::{Path, PathBuf};

use crossbeam_channel::unbounded;
use rayon::prelude::*;

use super::{Batch, BatchKind, Subtree};
use crate::model::os_bytes;
use crate::scan::dir::{Counters, scan_dir, scan_path};
use crate::scan::{ScanError, ScanEvent};

/// Walks the whole root (root index 0) into a full batch.
pub(super) fn full(root: &Path, seq: u64) -> Batch {
    let (tx, rx) = unbounded();
    scan_dir(0, root, &Counters::default(), &tx);
    drop(tx);
    let mut subtrees = Vec::new();
    let mut errors = Vec::new();
    for event in rx {
        match event {
            ScanEvent::Shard(shard) => subtrees.push(Subtree {
                path: shard.base.clone(),
                shard,
            }),
            ScanEvent::Error { error, .. } => errors.push(error.path_said_once()),
            _ => {}
        }
    }
    Batch {
        seq,
        kind: BatchKind::Full,
        subtrees,
        errors,
        root_disk: own_disk(root),
        last_event: None,
    }
}

/// Walks each dirty path (relative to the root) into a partial batch, in the given order.
pub(super) fn partial(root: &Path, seq: u64, dev: u64, dirty: &[PathBuf]) -> Batch {
    let walked: Vec<(Subtree, Vec<ScanError>)> = dirty
        .par_iter()
        .map(|rel| {
            let base = rel
                .parent()
                .map(|p| os_bytes(p.as_os_str()).into_owned())
                .unwrap_or_default();
            let (shard, errors) = scan_path(0, &root.join(rel), &base, dev);
            let path = os_bytes(rel.as_os_str()).into_owned();
            (Subtree { path, shard }, errors)
        })
        .collect();
    let mut subtrees = Vec::with_capacity(walked.len());
    let mut errors = Vec::new();
    for (subtree, errs) in walked {
        subtrees.push(subtree);
        errors.extend(errs);
    }
    Batch {
        seq,
        kind: BatchKind::Partial,
        subtrees,
        errors,
        root_disk: 0,
        last_event: None,
    }
}

/// Disk blocks of the root directory itself, as `du` counts them.
#[cfg(unix)]
fn own_disk(root: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(root).map_or(0, |m| m.blocks() * 512)
}

#[cfg(not(unix))]
fn own_disk(_root: &Path) -> u64 {
    0
}
