//! Parallel directory walker: `read_dir` + `fstatat` per shard, shards spread over a rayon pool.
//!
//! A site-packages has hundreds of top-level entries, but a layer directory has one
//! (`python/`), so the walker first opens directories breadth-first until there is enough
//! work to share, then walks each remaining directory as one shard.

use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::Sender;
use rayon::prelude::*;

use super::{BASE, Progress, ScanError, ScanEvent, Shard, Stamp};
use crate::model::{NodeKind, os_bytes};

/// Enough shards to keep every core busy while the largest packages finish.
const TARGET_SHARDS: usize = 64;
/// How deep the breadth-first split may go before walking.
const MAX_SPLIT_DEPTH: usize = 4;
/// Send a progress event every this many entries per shard.
const PROGRESS_EVERY: u64 = 2048;

/// Shared progress counters for all shards of a scan.
#[derive(Default)]
pub struct Counters {
    files: AtomicU64,
    dirs: AtomicU64,
    bytes: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> Progress {
        Progress {
            files: self.files.load(Ordering::Relaxed),
            dirs: self.dirs.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

/// Walks the directory `path` as root number `root`, sending shards, errors and progress.
/// Returns when the whole tree was sent (or the receiver hung up).
pub fn scan_dir(root: usize, path: &Path, counters: &Counters, tx: &Sender<ScanEvent>) {
    let dev = match fs::symlink_metadata(path) {
        Ok(m) => device(&m),
        Err(e) => {
            send_error(tx, root, path, &e.to_string());
            return;
        }
    };
    let (skeleton, leaves) = split(root, path, dev, tx);
    count_shard(&skeleton, counters);
    if tx.send(ScanEvent::Shard(skeleton)).is_err() {
        return;
    }
    leaves.par_iter().for_each(|(base, dir)| {
        walk_leaf(root, base, dir, dev, counters, tx);
    });
    let _ = tx.send(ScanEvent::Progress(counters.snapshot()));
}

/// Opens directories breadth-first until there are enough to share. Returns the entries seen
/// on the way (one shard with base "") and the directories left to walk, with their bases.
fn split(
    root: usize,
    path: &Path,
    dev: u64,
    tx: &Sender<ScanEvent>,
) -> (Shard, Vec<(Vec<u8>, PathBuf)>) {
    let mut shard = Shard::new(root, Vec::new());
    shard.dev = dev;
    // (entry index of the dir or BASE, relative path, fs path)
    let mut frontier: Vec<(u32, Vec<u8>, PathBuf)> = vec![(BASE, Vec::new(), path.to_path_buf())];
    for _ in 0..MAX_SPLIT_DEPTH {
        if frontier.len() >= TARGET_SHARDS {
            break;
        }
        let mut next = Vec::new();
        for (parent, rel, dir) in frontier {
            read_level(&mut shard, tx, (parent, &rel, &dir), dev, &mut next);
        }
        frontier = next;
        if frontier.is_empty() {
            break;
        }
    }
    let leaves = frontier
        .into_iter()
        .map(|(_, rel, dir)| (rel, dir))
        .collect();
    (shard, leaves)
}

/// Reads one directory's entries into the skeleton shard and queues its subdirectories.
fn read_level(
    shard: &mut Shard,
    tx: &Sender<ScanEvent>,
    (parent, rel, dir): (u32, &[u8], &Path),
    dev: u64,
    next: &mut Vec<(u32, Vec<u8>, PathBuf)>,
) {
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => return send_error(tx, shard.root, dir, &e.to_string()),
    };
    for item in read {
        let item = match item {
            Ok(i) => i,
            Err(e) => {
                send_error(tx, shard.root, dir, &e.to_string());
                continue;
            }
        };
        let child = item.path();
        let meta = match item.metadata() {
            Ok(m) => m,
            Err(e) => {
                send_error(tx, shard.root, &child, &e.to_string());
                continue;
            }
        };
        if let Some(e) = special_file_error(&meta) {
            send_error(tx, shard.root, &child, &e.to_string());
            continue;
        }
        let name = os_bytes(&item.file_name()).into_owned();
        let index = push_entry(shard, parent, &name, &meta);
        if kind_of(&meta) == NodeKind::Dir && device(&meta) == dev {
            let mut child_rel = rel.to_vec();
            if !child_rel.is_empty() {
                child_rel.push(b'/');
            }
            child_rel.extend_from_slice(&name);
            next.push((index, child_rel, child));
        }
    }
}

/// Walks one directory's contents (not the directory itself) as one shard.
fn walk_leaf(
    root: usize,
    base: &[u8],
    dir: &Path,
    dev: u64,
    counters: &Counters,
    tx: &Sender<ScanEvent>,
) {
    let mut shard = Shard::new(root, base.to_vec());
    shard.dev = dev;
    let mut since_progress = 0u64;
    let mut on_error = |path: &Path, e: &std::io::Error| send_error(tx, root, path, &e.to_string());
    let mut on_entry = |shard: &Shard| {
        since_progress += 1;
        if since_progress < PROGRESS_EVERY {
            return true;
        }
        count_shard_tail(shard, since_progress, counters);
        since_progress = 0;
        tx.send(ScanEvent::Progress(counters.snapshot())).is_ok()
    };
    let pending = vec![(dir.to_path_buf(), BASE)];
    if !walk(&mut shard, pending, dev, &mut on_error, &mut on_entry) {
        return;
    }
    count_shard_tail(&shard, since_progress, counters);
    let _ = tx.send(ScanEvent::Shard(shard));
}

/// Walks the directories in `pending` (each with its entry in `shard`) and everything below
/// them into `shard`, staying on device `dev`. `on_error` hears every path that cannot be
/// read; `on_entry` runs after each entry and stops the walk by returning false (then `walk`
/// returns false too).
fn walk(
    shard: &mut Shard,
    mut pending: Vec<(PathBuf, u32)>,
    dev: u64,
    on_error: &mut dyn FnMut(&Path, &std::io::Error),
    on_entry: &mut dyn FnMut(&Shard) -> bool,
) -> bool {
    while let Some((path, parent)) = pending.pop() {
        let read = match fs::read_dir(&path) {
            Ok(r) => r,
            Err(e) => {
                on_error(&path, &e);
                continue;
            }
        };
        for item in read {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    on_error(&path, &e);
                    continue;
                }
            };
            // `DirEntry::metadata` is an lstat relative to the open directory (no symlink is
            // followed, no full path resolved): the same cost as `du`'s fstatat. A file that
            // vanished between readdir and lstat is reported and skipped.
            let meta = match item.metadata() {
                Ok(m) => m,
                Err(e) => {
                    on_error(&item.path(), &e);
                    continue;
                }
            };
            if let Some(e) = special_file_error(&meta) {
                on_error(&item.path(), &e);
                continue;
            }
            let is_dir = kind_of(&meta) == NodeKind::Dir;
            if is_dir && device(&meta) != dev {
                continue;
            }
            let index = push_entry(shard, parent, &os_bytes(&item.file_name()), &meta);
            if is_dir {
                pending.push((item.path(), index));
            }
            if !on_entry(shard) {
                return false;
            }
        }
    }
    true
}

/// Walks `path` itself and everything under it into one shard whose base is `base` (the
/// `/`-separated path of `path`'s parent relative to the root), so its first entry is `path`.
/// Stays on device `dev` and never follows links. Used to rescan one changed subtree while
/// an installer writes: a path gone by now gives an empty shard, and entries that vanish
/// during the walk are skipped without an error.
pub fn scan_path(root: usize, path: &Path, base: &[u8], dev: u64) -> (Shard, Vec<ScanError>) {
    let mut shard = Shard::new(root, base.to_vec());
    shard.dev = dev;
    let mut errors = Vec::new();
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                errors.push(scan_error(path, &e));
            }
            return (shard, errors);
        }
    };
    if let Some(e) = special_file_error(&meta) {
        errors.push(scan_error(path, &e));
        return (shard, errors);
    }
    let is_dir = kind_of(&meta) == NodeKind::Dir;
    if is_dir && device(&meta) != dev {
        return (shard, errors);
    }
    let name = path.file_name().map(os_bytes).unwrap_or_default();
    let top = push_entry(&mut shard, BASE, &name, &meta);
    // The same walk as `walk_leaf`, without progress; errors other than "gone" are kept.
    if is_dir {
        let mut on_error = |p: &Path, e: &std::io::Error| {
            if e.kind() != std::io::ErrorKind::NotFound {
                errors.push(scan_error(p, e));
            }
        };
        walk(
            &mut shard,
            vec![(path.to_path_buf(), top)],
            dev,
            &mut on_error,
            &mut |_| true,
        );
    }
    (shard, errors)
}

fn scan_error(path: &Path, e: &std::io::Error) -> ScanError {
    ScanError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn count_shard(shard: &Shard, counters: &Counters) {
    count_shard_tail(shard, shard.entries.len() as u64, counters);
}

/// Adds the last `n` entries of a shard to the counters.
fn count_shard_tail(shard: &Shard, n: u64, counters: &Counters) {
    let start = shard.entries.len().saturating_sub(n as usize);
    for e in &shard.entries[start..] {
        if e.kind == NodeKind::Dir {
            counters.dirs.fetch_add(1, Ordering::Relaxed);
        } else {
            counters.files.fetch_add(1, Ordering::Relaxed);
            counters.bytes.fetch_add(e.size, Ordering::Relaxed);
        }
    }
}

fn send_error(tx: &Sender<ScanEvent>, root: usize, path: &Path, message: &str) {
    let error = ScanError {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let _ = tx.send(ScanEvent::Error { root, error });
}

/// FIFOs, sockets and devices are errors, not files: a Lambda zip cannot hold them.
fn special_file_error(meta: &Metadata) -> Option<std::io::Error> {
    (kind_of(meta) == NodeKind::Other).then(|| {
        let kind = crate::regular_file::kind_name(&meta.file_type()).unwrap_or("special file");
        std::io::Error::other(format!(
            "a {kind}: a Lambda bundle cannot hold special files"
        ))
    })
}

fn kind_of(meta: &Metadata) -> NodeKind {
    let ft = meta.file_type();
    if ft.is_dir() {
        NodeKind::Dir
    } else if ft.is_file() {
        NodeKind::File
    } else if ft.is_symlink() {
        NodeKind::Symlink
    } else {
        NodeKind::Other
    }
}

/// Adds one path to a shard (with its hard-link identity if it has several links, and its
/// stamp for the zipped-size cache).
fn push_entry(shard: &mut Shard, parent: u32, name: &[u8], meta: &Metadata) -> u32 {
    let kind = kind_of(meta);
    let size = if kind == NodeKind::Dir { 0 } else { meta.len() };
    let index = shard.push(parent, name, kind, size, disk_bytes(meta), 0);
    if let Some((dev, ino)) = hard_link(meta, kind) {
        shard.hard_links.push((index, dev, ino));
    }
    shard.stamps.push(stamp(meta, shard.dev));
    index
}

/// The cache identity of a path; unknown (zero) when it sits on another device than the walk
/// (a bind-mounted file), whose inode number would mean nothing under the root's device.
#[cfg(unix)]
fn stamp(meta: &Metadata, dev: u64) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    if meta.dev() == dev {
        Stamp::of(meta)
    } else {
        Stamp::default()
    }
}

#[cfg(not(unix))]
fn stamp(_meta: &Metadata, _dev: u64) -> Stamp {
    Stamp::default()
}

#[cfg(unix)]
fn device(meta: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::dev(meta)
}

#[cfg(not(unix))]
fn device(_meta: &Metadata) -> u64 {
    0
}

#[cfg(unix)]
fn disk_bytes(meta: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::blocks(meta) * 512
}

#[cfg(not(unix))]
fn disk_bytes(meta: &Metadata) -> u64 {
    meta.len()
}

#[cfg(unix)]
fn hard_link(meta: &Metadata, kind: NodeKind) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    (kind != NodeKind::Dir && meta.nlink() > 1).then(|| (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn hard_link(_meta: &Metadata, _kind: NodeKind) -> Option<(u64, u64)> {
    None
}
