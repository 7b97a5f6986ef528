//! The walker's system calls: directories opened with `openat` on descriptors, entries read
//! with `getdents64` and stat-ed with `fstatat`, never following a link.
//!
//! Invariants: every directory below a walk's start is opened with `O_NOFOLLOW |
//! O_DIRECTORY`, so a directory swapped for a symlink after its entry was stat-ed fails
//! (and is reported) instead of leading the walk elsewhere; entries are stat-ed with
//! `AT_SYMLINK_NOFOLLOW`, so a link is counted as itself.

use std::ffi::CStr;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, RawDir, Stat, openat, statat};

use crate::model::NodeKind;

/// An open directory.
pub type Dir = OwnedFd;

/// Bytes of directory entries one `getdents64` call may return: 64 KiB holds a typical
/// package directory whole (glibc's `readdir` asks for 32 KiB at a time).
const DIRENT_BUFFER: usize = 64 * 1024;

/// A reusable buffer for [`for_each_entry`]: one per walk, not one per directory.
pub struct DirentBuffer(Vec<MaybeUninit<u8>>);

impl DirentBuffer {
    /// A buffer of [`DIRENT_BUFFER`] bytes.
    pub fn new() -> Self {
        Self(vec![MaybeUninit::uninit(); DIRENT_BUFFER])
    }
}

/// Opens the directory `path` (a walk's start). `follow`: whether a symlink as the last
/// component is followed (a root given on the command line may be one).
pub fn open_path(path: &Path, follow: bool) -> io::Result<Dir> {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    Ok(openat(CWD, path, flags, Mode::empty())?)
}

/// Opens the subdirectory `name` of `parent`: the kernel looks up one name, not a path.
pub fn open_child(parent: &Dir, name: &[u8]) -> io::Result<Dir> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    Ok(openat(parent, name, flags, Mode::empty())?)
}

/// Reads every entry of `dir` but `.` and `..`, stats each relative to `dir` without following
/// links, and hands the name (borrowed from the buffer) and the stat to `visit`, which returns
/// false to stop. Returns `Ok(false)` when stopped, and a read error once the entries read
/// before it were visited.
pub fn for_each_entry(
    dir: &Dir,
    buf: &mut DirentBuffer,
    mut visit: impl FnMut(&CStr, io::Result<Stat>) -> bool,
) -> io::Result<bool> {
    let mut raw = RawDir::new(dir, &mut buf.0);
    while let Some(item) = raw.next() {
        let item = item?;
        let name = item.file_name();
        if matches!(name.to_bytes(), b"." | b"..") {
            continue;
        }
        let stat = statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).map_err(io::Error::from);
        if !visit(name, stat) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What a stat says the path is.
pub fn kind_of(st: &Stat) -> NodeKind {
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => NodeKind::Dir,
        FileType::RegularFile => NodeKind::File,
        FileType::Symlink => NodeKind::Symlink,
        _ => NodeKind::Other,
    }
}

/// The device a stat-ed path lives on.
pub fn device(st: &Stat) -> u64 {
    #[allow(clippy::useless_conversion)] // `dev_t` is not u64 on every target
    u64::from(st.st_dev)
}

/// The inode number of a stat-ed path.
pub fn inode(st: &Stat) -> u64 {
    #[allow(clippy::useless_conversion)] // `ino_t` is not u64 on every target
    u64::from(st.st_ino)
}

/// How many hard links a stat-ed path has.
pub fn links(st: &Stat) -> u64 {
    #[allow(clippy::useless_conversion)] // `nlink_t` is u32 on some targets
    u64::from(st.st_nlink)
}

/// FIFOs, sockets and devices are errors, not files: a Lambda zip cannot hold them.
pub fn special_file_error(st: &Stat) -> Option<io::Error> {
    let kind = match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory | FileType::RegularFile | FileType::Symlink => return None,
        FileType::Fifo => "FIFO",
        FileType::Socket => "socket",
        FileType::CharacterDevice => "character device",
        FileType::BlockDevice => "block device",
        FileType::Unknown => "special file",
    };
    Some(io::Error::other(format!(
        "a {kind}: a Lambda bundle cannot hold special files"
    )))
}
