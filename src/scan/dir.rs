//! Parallel directory walker: `getdents64` + `fstatat` on directory descriptors, one shard per
//! subtree, shards spread over a rayon pool.
//!
//! A site-packages has hundreds of top-level entries, but a layer directory has one
//! (`python/`), so the walker first opens directories breadth-first until there is enough
//! work to share, then walks each remaining directory as one shard.
//!
//! Why not `std::fs::read_dir`: the kernel work (one `fstatat` per entry, as `du` does) is
//! the same either way, but std allocates a name per entry, opens every directory by its
//! whole path (the kernel looks up each component again) and builds a path per directory.
//! Here (see [`entries`]) a directory is opened relative to its parent's descriptor, one
//! name at a time; its entries are read in 64 KiB batches into one buffer per shard and
//! stat-ed by the name in that buffer; the only copy of a name is the one the shard keeps,
//! and a path is built only when an error must name it. On the 200k-file synthetic tree
//! this took a fifth off the walk's CPU time (`examples/walk_compare.rs`).

mod entries;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::Sender;
use rayon::prelude::*;
use rustix::fs::Stat;

use self::entries::{
    Dir, DirentBuffer, device, for_each_entry, inode, kind_of, links, open_child, open_path,
    special_file_error,
};
use super::{BASE, Progress, ScanError, ScanEvent, Shard, Stamp};
use crate::model::{NodeKind, bytes_to_path, os_bytes};

/// Enough shards to keep every core busy while the largest packages finish.
const TARGET_SHARDS: usize = 64;
/// How deep the breadth-first split may go before walking.
const MAX_SPLIT_DEPTH: usize = 4;
/// Send a progress event every this many entries per shard.
const PROGRESS_EVERY: u64 = 2048;
/// Below this depth in a shard a directory is opened by its full path instead of relative to
/// its parent, so a walk never holds more than this many descriptors, however deep the tree.
const MAX_HELD_DESCRIPTORS: u16 = 64;

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
    let dev = match std::fs::symlink_metadata(path) {
        Ok(m) => std::os::unix::fs::MetadataExt::dev(&m),
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
    let mut buf = DirentBuffer::new();
    // (entry index of the dir or BASE, relative path, fs path)
    let mut frontier: Vec<(u32, Vec<u8>, PathBuf)> = vec![(BASE, Vec::new(), path.to_path_buf())];
    for _ in 0..MAX_SPLIT_DEPTH {
        if frontier.len() >= TARGET_SHARDS {
            break;
        }
        let mut next = Vec::new();
        for (parent, rel, dir) in frontier {
            read_level(&mut shard, &mut buf, tx, (parent, &rel, &dir), &mut next);
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

/// Reads one directory's entries into the skeleton shard and queues its subdirectories
/// (those on the walk's device: a mount point is listed but not entered).
fn read_level(
    shard: &mut Shard,
    buf: &mut DirentBuffer,
    tx: &Sender<ScanEvent>,
    (parent, rel, dir): (u32, &[u8], &Path),
    next: &mut Vec<(u32, Vec<u8>, PathBuf)>,
) {
    let root = shard.root;
    let fd = match open_path(dir, rel.is_empty()) {
        Ok(fd) => fd,
        Err(e) => return send_error(tx, root, dir, &e.to_string()),
    };
    let read = for_each_entry(&fd, buf, |name, stat| {
        let name = name.to_bytes();
        let st = match stat {
            Ok(st) => st,
            Err(e) => {
                send_error(tx, root, &dir.join(bytes_to_path(name)), &e.to_string());
                return true;
            }
        };
        if let Some(e) = special_file_error(&st) {
            send_error(tx, root, &dir.join(bytes_to_path(name)), &e.to_string());
            return true;
        }
        let index = push_entry(shard, parent, name, &st);
        if kind_of(&st) == NodeKind::Dir && device(&st) == shard.dev {
            let mut child_rel = rel.to_vec();
            if !child_rel.is_empty() {
                child_rel.push(b'/');
            }
            child_rel.extend_from_slice(name);
            next.push((index, child_rel, dir.join(bytes_to_path(name))));
        }
        true
    });
    if let Err(e) = read {
        send_error(tx, root, dir, &e.to_string());
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
    let fd = match open_path(dir, false) {
        Ok(fd) => fd,
        Err(e) => return send_error(tx, root, dir, &e.to_string()),
    };
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
    let start = Start {
        path: dir,
        entry: BASE,
    };
    if !walk(&mut shard, &start, fd, &mut on_error, &mut on_entry) {
        return;
    }
    count_shard_tail(&shard, since_progress, counters);
    let _ = tx.send(ScanEvent::Shard(shard));
}

/// Where a walk starts: a directory's path (errors below it are named from it) and its entry
/// in the shard ([`BASE`] when it is the shard's base directory itself).
struct Start<'a> {
    path: &'a Path,
    entry: u32,
}

impl Start<'_> {
    /// The filesystem path of entry `index`, rebuilt from the shard's names (only for errors).
    fn path_of(&self, shard: &Shard, index: u32) -> PathBuf {
        let mut names = Vec::new();
        let mut at = index;
        while at != self.entry && at != BASE {
            let entry = &shard.entries[at as usize];
            names.push(shard.name(entry));
            at = entry.parent;
        }
        let mut path = self.path.to_path_buf();
        path.extend(names.iter().rev().map(|n| bytes_to_path(n)));
        path
    }
}

/// A directory waiting to be read: its entry, the descriptor of its parent to open it from
/// (`None`: too deep, open it by path), its depth below the walk's start and the length of
/// its path.
struct Pending {
    parent: Option<Rc<Dir>>,
    entry: u32,
    depth: u16,
    path_len: usize,
}

/// Paths this long cannot be opened by name on Linux (`PATH_MAX` counts the final NUL). A
/// directory whose path is that long is an error, as when every directory was opened by
/// path: heft reads metadata and zips files by path later, so reading such a tree only
/// half-way must be reported, never passed for complete.
const PATH_MAX: usize = 4096;

/// Walks the open directory `fd` at `start` and everything below it into `shard`, staying on
/// the shard's device (a mount point below is skipped). `on_error` hears every path that
/// cannot be read; `on_entry` runs after each entry and stops the walk by returning false
/// (then `walk` returns false too).
fn walk(
    shard: &mut Shard,
    start: &Start,
    fd: Dir,
    on_error: &mut dyn FnMut(&Path, &std::io::Error),
    on_entry: &mut dyn FnMut(&Shard) -> bool,
) -> bool {
    let mut buf = DirentBuffer::new();
    let mut pending: Vec<Pending> = Vec::new();
    let start_len = start.path.as_os_str().len();
    let mut next = Some((Rc::new(fd), start.entry, 0u16, start_len));
    loop {
        let (dir, entry, depth, path_len) = if let Some(open) = next.take() {
            open
        } else {
            let Some(p) = pending.pop() else { return true };
            match open_pending(shard, start, &p) {
                Ok(fd) => (Rc::new(fd), p.entry, p.depth, p.path_len),
                Err(e) => {
                    on_error(&start.path_of(shard, p.entry), &e);
                    continue;
                }
            }
        };
        let mut stopped = false;
        let read = for_each_entry(&dir, &mut buf, |name, stat| {
            let name = name.to_bytes();
            let st = match stat.and_then(|st| special_file_error(&st).map_or(Ok(st), Err)) {
                Ok(st) => st,
                Err(e) => {
                    on_error(&start.path_of(shard, entry).join(bytes_to_path(name)), &e);
                    return true;
                }
            };
            let is_dir = kind_of(&st) == NodeKind::Dir;
            if is_dir && device(&st) != shard.dev {
                return true;
            }
            let index = push_entry(shard, entry, name, &st);
            if is_dir {
                let parent = (depth < MAX_HELD_DESCRIPTORS).then(|| Rc::clone(&dir));
                let depth = depth.saturating_add(1);
                let path_len = path_len + 1 + name.len();
                pending.push(Pending {
                    parent,
                    entry: index,
                    depth,
                    path_len,
                });
            }
            stopped = !on_entry(shard);
            !stopped
        });
        if stopped {
            return false;
        }
        if let Err(e) = read {
            on_error(&start.path_of(shard, entry), &e);
        }
    }
}

/// Opens a pending directory relative to its parent's descriptor, or by path when too deep.
fn open_pending(shard: &Shard, start: &Start, p: &Pending) -> std::io::Result<Dir> {
    if p.path_len >= PATH_MAX {
        return Err(rustix::io::Errno::NAMETOOLONG.into());
    }
    match &p.parent {
        Some(parent) => open_child(parent, shard.name(&shard.entries[p.entry as usize])),
        None => open_path(&start.path_of(shard, p.entry), false),
    }
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
    let gone = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
    let st = match rustix::fs::lstat(path).map_err(std::io::Error::from) {
        Ok(st) => st,
        Err(e) => {
            if !gone(&e) {
                errors.push(scan_error(path, &e));
            }
            return (shard, errors);
        }
    };
    if let Some(e) = special_file_error(&st) {
        errors.push(scan_error(path, &e));
        return (shard, errors);
    }
    let is_dir = kind_of(&st) == NodeKind::Dir;
    if is_dir && device(&st) != dev {
        return (shard, errors);
    }
    let name = path.file_name().map(os_bytes).unwrap_or_default();
    let top = push_entry(&mut shard, BASE, &name, &st);
    if !is_dir {
        return (shard, errors);
    }
    // The same walk as `walk_leaf`, without progress; errors other than "gone" are kept.
    let mut on_error = |p: &Path, e: &std::io::Error| {
        if !gone(e) {
            errors.push(scan_error(p, e));
        }
    };
    match open_path(path, false) {
        Ok(fd) => {
            let start = Start { path, entry: top };
            walk(&mut shard, &start, fd, &mut on_error, &mut |_| true);
        }
        Err(e) => on_error(path, &e),
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

/// Adds one path to a shard (with its hard-link identity if it has several links, and its
/// stamp for the zipped-size cache).
fn push_entry(shard: &mut Shard, parent: u32, name: &[u8], st: &Stat) -> u32 {
    let kind = kind_of(st);
    let size = if kind == NodeKind::Dir {
        0
    } else {
        u64::try_from(st.st_size).unwrap_or(0)
    };
    let disk = u64::try_from(st.st_blocks).unwrap_or(0).saturating_mul(512);
    let index = shard.push(parent, name, kind, size, disk, 0);
    let (dev, ino) = (device(st), inode(st));
    if kind != NodeKind::Dir && links(st) > 1 {
        shard.hard_links.push((index, dev, ino));
    }
    // A file on another device than the walk (a bind-mounted file) gets no stamp: its inode
    // number would mean nothing under the root's device.
    let stamp = if dev == shard.dev {
        Stamp::from_stat(st)
    } else {
        Stamp::default()
    };
    shard.stamps.push(stamp);
    index
}
