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
//! - At most `MAX_OPEN` descriptors are held however deep the tree: an outer directory is
//!   closed and later reopened through `..` of its child, and must have the same device and
//!   inode as when it was entered, or the walk stops.
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

/// A directory every deletion stays inside.
#[derive(Debug)]
pub struct DirRoot {
    fd: OwnedFd,
    dev: u64,
    path: PathBuf,
}

/// Directories of a tree being removed that keep their descriptor open: deeper trees
/// close the outermost ones and reopen each through `..` (checked) on the way back up.
const MAX_OPEN: usize = 32;

/// One directory being emptied: its descriptor (while open), identity, name in its
/// parent and the entries left.
struct Frame {
    fd: Option<OwnedFd>,
    ident: Ident,
    name: Vec<u8>,
    entries: Vec<Vec<u8>>,
    kept: bool,
}

impl Frame {
    fn new(fd: OwnedFd, name: Vec<u8>, ident: Ident) -> Result<Frame, String> {
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
            fd: Some(fd),
            ident,
            name,
            entries,
            kept: false,
        })
    }

    fn fd(&self) -> Result<BorrowedFd<'_>, String> {
        self.fd
            .as_ref()
            .map(AsFd::as_fd)
            .ok_or_else(|| "lost its descriptor".to_string())
    }
}

/// What one entry of a directory being emptied turned out to be.
enum Step {
    /// Already gone.
    Gone,
    /// A file or link, now removed.
    File,
    /// A directory, opened, to empty next.
    Enter(Frame),
}

/// The path of the entry `extra` (or of the innermost directory) of a tree at `base`.
fn path_of(base: &Path, stack: &[Frame], extra: Option<&[u8]>) -> PathBuf {
    let mut path = base.to_path_buf();
    for name in stack.iter().skip(1).map(|f| f.name.as_slice()).chain(extra) {
        path.push(bytes_to_path(name));
    }
    path
}

/// Reopens the parent of `child` through `..`, which must be the directory `expected`.
fn reopen_parent(child: &Frame, expected: Ident) -> Result<OwnedFd, String> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let fd = openat(child.fd()?, "..", flags, Mode::empty()).map_err(|e| e.to_string())?;
    let found = fstat(&fd).map_err(|e| e.to_string())?;
    if ident(&found) != expected {
        return Err("was moved while pruning; stopped".into());
    }
    Ok(fd)
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
    /// it, adding what happened to `out`; `rel` must be a directory exactly when `dir`.
    pub fn remove(&self, rel: &[u8], dir: bool, out: &mut Outcome) {
        let parts: Vec<&[u8]> = rel.split(|b| *b == b'/').collect();
        let Some((leaf, parents)) = parts.split_last() else {
            return;
        };
        let mut path = self.path.clone();
        let mut held: Option<OwnedFd> = None;
        for part in parents {
            path.push(bytes_to_path(part));
            let parent = held.as_ref().map_or(self.fd.as_fd(), AsFd::as_fd);
            let st = match self.stat_entry(parent, part) {
                Ok(Some(st)) if is_dir(&st) => st,
                Ok(Some(st)) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                    let message = "a parent is a symbolic link; not followed";
                    return fail(out, &path, message.into());
                }
                Ok(Some(_)) => return fail(out, &path, "a parent is not a directory".into()),
                Ok(None) => {
                    out.missing += 1;
                    return;
                }
                Err(m) => return fail(out, &path, m),
            };
            match open_dir(parent, part, &st) {
                Ok(fd) => held = Some(fd),
                Err(m) => return fail(out, &path, m),
            }
        }
        path.push(bytes_to_path(leaf));
        let parent = held.as_ref().map_or(self.fd.as_fd(), AsFd::as_fd);
        match self.step(parent, leaf.to_vec(), Some(dir)) {
            Ok(Step::Gone) => out.missing += 1,
            Ok(Step::File) => out.files += 1,
            Ok(Step::Enter(frame)) => self.remove_tree(parent, &path, frame, out),
            Err(m) => fail(out, &path, m),
        }
    }

    /// `fstatat` without following: `None` when gone, an error when unreadable or on
    /// another device.
    fn stat_entry(&self, parent: BorrowedFd<'_>, name: &[u8]) -> Result<Option<Stat>, String> {
        match statat(parent, name, AtFlags::SYMLINK_NOFOLLOW) {
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(e.to_string()),
            Ok(st) if ident(&st).0 != self.dev => {
                Err("is on another device (a mount point); not crossed".into())
            }
            Ok(st) => Ok(Some(st)),
        }
    }

    /// Removes entry `name` of `dir` when it is a file or link; opens it when it is a
    /// directory, to empty first. With `want_dir`, anything else is refused.
    fn step(
        &self,
        dir: BorrowedFd<'_>,
        name: Vec<u8>,
        want_dir: Option<bool>,
    ) -> Result<Step, String> {
        let Some(st) = self.stat_entry(dir, &name)? else {
            return Ok(Step::Gone);
        };
        match (want_dir, is_dir(&st)) {
            (Some(true), false) => return Err("is not a directory, as recorded; left alone".into()),
            (Some(false), true) => {
                return Err("is a directory, not a file as recorded; left alone".into());
            }
            _ => {}
        }
        if is_dir(&st) {
            let fd = open_dir(dir, &name, &st)?;
            return Ok(Step::Enter(Frame::new(fd, name, ident(&st))?));
        }
        unlinkat(dir, name.as_slice(), AtFlags::empty()).map_err(|e| e.to_string())?;
        Ok(Step::File)
    }

    /// Empties and removes directory `first` (an entry of `parent`, at `base`), depth
    /// first, with at most [`MAX_OPEN`] descriptors open.
    fn remove_tree(&self, parent: BorrowedFd<'_>, base: &Path, first: Frame, out: &mut Outcome) {
        let mut stack = vec![first];
        while let Some(top) = stack.last_mut() {
            if let Some(name) = top.entries.pop() {
                match top.fd().and_then(|fd| self.step(fd, name.clone(), None)) {
                    Ok(Step::Gone) => {}
                    Ok(Step::File) => out.files += 1,
                    Ok(Step::Enter(frame)) => {
                        stack.push(frame);
                        if let Some(old) = stack.len().checked_sub(MAX_OPEN + 1) {
                            stack[old].fd = None;
                        }
                    }
                    Err(m) => {
                        top.kept = true;
                        fail(out, &path_of(base, &stack, Some(&name)), m);
                    }
                }
                continue;
            }
            if !Self::leave(parent, base, &mut stack, out) {
                return;
            }
        }
    }

    /// Pops the emptied innermost directory of `stack` and removes it (unless it kept
    /// something); false when its parent cannot be reopened, which ends the walk.
    fn leave(
        parent: BorrowedFd<'_>,
        base: &Path,
        stack: &mut Vec<Frame>,
        out: &mut Outcome,
    ) -> bool {
        let Some(done) = stack.pop() else {
            return false;
        };
        if let Some(up) = stack.last_mut()
            && up.fd.is_none()
        {
            match reopen_parent(&done, up.ident) {
                Ok(fd) => up.fd = Some(fd),
                Err(m) => {
                    fail(out, &path_of(base, stack, None), m);
                    return false;
                }
            }
        }
        let up = stack.last().map_or(Ok(parent), Frame::fd);
        let removed = !done.kept
            && match up.and_then(|fd| remove_empty(fd, &done.name)) {
                Ok(()) => {
                    out.dirs += 1;
                    true
                }
                Err(m) => {
                    let path = if stack.is_empty() {
                        base.to_path_buf()
                    } else {
                        path_of(base, stack, Some(&done.name))
                    };
                    fail(out, &path, m);
                    false
                }
            };
        if let (false, Some(up)) = (removed, stack.last_mut()) {
            up.kept = true;
        }
        true
    }
}

/// Removes the emptied directory `name` of `parent`.
fn remove_empty(parent: BorrowedFd<'_>, name: &[u8]) -> Result<(), String> {
    unlinkat(parent, name, AtFlags::REMOVEDIR).map_err(|e| e.to_string())
}

fn fail(out: &mut Outcome, path: &Path, message: String) {
    out.failures.push(Failure {
        path: path.to_path_buf(),
        message,
    });
}

#[cfg(test)]
mod tests;
