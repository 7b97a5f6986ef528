//! Deleting inside a directory root through directory file descriptors: the only code in
//! heft that deletes anything.
//!
//! Invariants (each one is what keeps a concurrent rename or a mount from steering a
//! deletion outside the root):
//! - The root is opened once; every other directory is opened relative to its parent's
//!   descriptor, one plain name at a time, with `O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC`. A
//!   path is never resolved by the kernel from a string with more than one component.
//! - Before opening a directory its entry is `fstatat`-ed with `AT_SYMLINK_NOFOLLOW`; after
//!   opening, the descriptor is `fstat`-ed and must have the same device and inode. A name
//!   swapped for a symlink, or for another directory, between the two fails closed.
//! - Every entry opened or deleted has the root's device: a mount point (or a bind-mounted
//!   file) is reported and left alone, with everything under it.
//! - Files and symlinks go with `unlinkat(dir, name, 0)` (a link is removed, never its
//!   target); directories are emptied through their own descriptor, then removed with
//!   `unlinkat(parent, name, AT_REMOVEDIR)`, which refuses anything but an empty directory.
//! - A directory's entries are read in full before any is deleted; a failure anywhere is
//!   recorded with its path and the rest goes on; a directory that kept something is not
//!   removed.
//!
//! What it cannot tell apart: a real directory moved into the root from elsewhere on the
//! same device before it is opened is inside the root at that moment and treated as such.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, Stat, fstat, openat, statat, unlinkat};
use rustix::io::Errno;

use crate::model::bytes_to_path;

/// A deletion that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// What deleting did, summed over calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Files and links removed.
    pub files: u64,
    /// Directories removed.
    pub dirs: u64,
    /// Paths asked for that were already gone.
    pub missing: u64,
    /// Every failure, in order.
    pub failures: Vec<Failure>,
}

/// Device and inode: what a directory is, whatever its name.
type Ident = (u64, u64);

fn ident(st: &Stat) -> Ident {
    #[allow(clippy::useless_conversion)] // `dev_t`/`ino_t` are u64 on some targets only
    (u64::from(st.st_dev), u64::from(st.st_ino))
}

fn is_dir(st: &Stat) -> bool {
    FileType::from_raw_mode(st.st_mode) == FileType::Directory
}

/// Opens directory entry `name` of `parent` without following a link, and checks it is
/// the directory `expected` was taken from.
fn open_dir(parent: BorrowedFd<'_>, name: &[u8], expected: &Stat) -> Result<OwnedFd, String> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let fd = openat(parent, name, flags, Mode::empty()).map_err(|e| match e {
        Errno::LOOP | Errno::NOTDIR => {
            "changed into a symbolic link or file while pruning; not followed".to_string()
        }
        e => e.to_string(),
    })?;
    let found = fstat(&fd).map_err(|e| e.to_string())?;
    if ident(&found) != ident(expected) {
        return Err("was replaced by another directory while pruning; not followed".into());
    }
    Ok(fd)
}

/// A directory entry as `fstatat` found it.
enum Entry {
    /// No such entry.
    Gone,
    /// A failure, already recorded.
    Failed,
    /// On the root's device.
    Found(Stat),
}

/// A directory every deletion stays inside.
#[derive(Debug)]
pub struct DirRoot {
    fd: OwnedFd,
    dev: u64,
    path: PathBuf,
}

/// One directory being emptied: its descriptor, its name in its parent and what is left.
struct Frame {
    fd: OwnedFd,
    name: Vec<u8>,
    path: PathBuf,
    entries: Vec<Vec<u8>>,
    kept: bool,
}

impl Frame {
    fn new(fd: OwnedFd, name: Vec<u8>, path: PathBuf) -> Result<Frame, String> {
        let mut entries = Vec::new();
        for entry in rustix::fs::Dir::read_from(&fd).map_err(|e| e.to_string())? {
            let entry = entry.map_err(|e| e.to_string())?;
            let n = entry.file_name().to_bytes();
            if n != b"." && n != b".." {
                entries.push(n.to_vec());
            }
        }
        // Popped from the end: reverse so names go in directory order.
        entries.reverse();
        Ok(Frame {
            fd,
            name,
            path,
            entries,
            kept: false,
        })
    }
}

impl DirRoot {
    /// Opens directory `path` (a canonical path: its last component is not followed).
    pub fn open(path: &Path) -> std::io::Result<DirRoot> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = openat(CWD, path, flags, Mode::empty())?;
        let dev = ident(&fstat(&fd)?).0;
        Ok(DirRoot {
            fd,
            dev,
            path: path.to_path_buf(),
        })
    }

    /// The canonical path it was opened at.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether its path still leads to this directory (same device and inode).
    pub fn is_still_at_its_path(&self) -> std::io::Result<bool> {
        let now = statat(CWD, &self.path, AtFlags::SYMLINK_NOFOLLOW)?;
        Ok(ident(&now) == ident(&fstat(&self.fd)?))
    }

    /// The same root, claiming device `dev`: for testing the device check.
    #[cfg(test)]
    pub(crate) fn with_device(mut self, dev: u64) -> DirRoot {
        self.dev = dev;
        self
    }

    /// Removes `rel` (plain names joined by `/`, already checked) and everything under
    /// it, adding what happened to `out`.
    pub fn remove(&self, rel: &[u8], out: &mut Outcome) {
        let parts: Vec<&[u8]> = rel.split(|b| *b == b'/').collect();
        let Some((leaf, parents)) = parts.split_last() else {
            return;
        };
        let mut path = self.path.clone();
        let mut held: Option<OwnedFd> = None;
        for part in parents {
            path.push(bytes_to_path(part));
            let parent = held.as_ref().map_or(self.fd.as_fd(), AsFd::as_fd);
            let st = match self.stat_entry(parent, part, &path, out) {
                Entry::Found(st) => st,
                Entry::Failed => return,
                Entry::Gone => {
                    out.missing += 1;
                    return;
                }
            };
            if !is_dir(&st) {
                let message = if FileType::from_raw_mode(st.st_mode) == FileType::Symlink {
                    "a parent is a symbolic link; not followed"
                } else {
                    "a parent is not a directory"
                };
                return fail(out, &path, message.into());
            }
            match open_dir(parent, part, &st) {
                Ok(fd) => held = Some(fd),
                Err(m) => return fail(out, &path, m),
            }
        }
        path.push(bytes_to_path(leaf));
        let parent = held.as_ref().map_or(self.fd.as_fd(), AsFd::as_fd);
        match self.stat_entry(parent, leaf, &path, out) {
            Entry::Gone => out.missing += 1,
            Entry::Failed => {}
            Entry::Found(st) if is_dir(&st) => match open_dir(parent, leaf, &st) {
                Ok(fd) => match Frame::new(fd, leaf.to_vec(), path.clone()) {
                    Ok(frame) => self.remove_tree(parent, frame, out),
                    Err(m) => fail(out, &path, m),
                },
                Err(m) => fail(out, &path, m),
            },
            Entry::Found(_) => match unlinkat(parent, *leaf, AtFlags::empty()) {
                Ok(()) => out.files += 1,
                Err(e) => fail(out, &path, e.to_string()),
            },
        }
    }

    /// `fstatat` without following; a failure (unreadable, or on another device) is
    /// recorded.
    fn stat_entry(
        &self,
        parent: BorrowedFd<'_>,
        name: &[u8],
        path: &Path,
        out: &mut Outcome,
    ) -> Entry {
        match statat(parent, name, AtFlags::SYMLINK_NOFOLLOW) {
            Err(Errno::NOENT) => Entry::Gone,
            Err(e) => {
                fail(out, path, e.to_string());
                Entry::Failed
            }
            Ok(st) if ident(&st).0 != self.dev => {
                let message = "is on another device (a mount point); not crossed".to_string();
                fail(out, path, message);
                Entry::Failed
            }
            Ok(st) => Entry::Found(st),
        }
    }

    /// Empties and removes the directory of `first` (an entry of `parent`), depth first,
    /// holding one descriptor per level.
    fn remove_tree(&self, parent: BorrowedFd<'_>, first: Frame, out: &mut Outcome) {
        let mut stack = vec![first];
        while let Some(top) = stack.last_mut() {
            if let Some(name) = top.entries.pop() {
                if let Some(frame) = self.remove_entry(top, name, out) {
                    stack.push(frame);
                }
            } else if let Some(done) = stack.pop() {
                let up = stack.last().map_or(parent, |f| f.fd.as_fd());
                let removed = !done.kept && remove_empty(up, &done, out);
                if let (false, Some(up)) = (removed, stack.last_mut()) {
                    up.kept = true;
                }
            }
        }
    }

    /// Removes entry `name` of `top`; a directory is opened and returned, to empty first.
    fn remove_entry(&self, top: &mut Frame, name: Vec<u8>, out: &mut Outcome) -> Option<Frame> {
        let path = top.path.join(bytes_to_path(&name));
        let dir = top.fd.as_fd();
        let result = match self.stat_entry(dir, &name, &path, out) {
            Entry::Gone => return None,
            Entry::Failed => {
                top.kept = true;
                return None;
            }
            Entry::Found(st) if is_dir(&st) => open_dir(dir, &name, &st)
                .and_then(|fd| Frame::new(fd, name, path.clone()))
                .map(Some),
            Entry::Found(_) => unlinkat(dir, name.as_slice(), AtFlags::empty())
                .map(|()| {
                    out.files += 1;
                    None
                })
                .map_err(|e| e.to_string()),
        };
        result.unwrap_or_else(|message| {
            top.kept = true;
            fail(out, &path, message);
            None
        })
    }
}

/// Removes the emptied directory `done` from `parent`; false (recorded) if it cannot.
fn remove_empty(parent: BorrowedFd<'_>, done: &Frame, out: &mut Outcome) -> bool {
    match unlinkat(parent, done.name.as_slice(), AtFlags::REMOVEDIR) {
        Ok(()) => {
            out.dirs += 1;
            true
        }
        Err(e) => {
            fail(out, &done.path, e.to_string());
            false
        }
    }
}

fn fail(out: &mut Outcome, path: &Path, message: String) {
    out.failures.push(Failure {
        path: path.to_path_buf(),
        message,
    });
}

#[cfg(test)]
mod tests;
