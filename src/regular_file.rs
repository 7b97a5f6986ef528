//! The one way heft opens a file whose contents it reads: regular files only, with a cap.
//!
//! A FIFO named `RECORD` or `layer.zip` would block `open` or `read` forever, and
//! `RECORD -> /dev/zero` would grow without end. So every open is `O_NONBLOCK` (opening a
//! FIFO returns at once) and the type is checked with `fstat` on the opened descriptor
//! (never `stat` before `open`, which a swap between the two calls would defeat). Anything
//! but a regular file is an error naming the file; so is a file longer than its cap.
//!
//! Symlinks are followed: inputs given on the command line are often links, and a link to a
//! regular file is harmless once the type of what was opened is checked and its size capped.
//!
//! Caps are generous for real data (the largest seen in a 12,556-file layer: a 1.1 MiB
//! RECORD, a 300 KiB METADATA) and small enough that a hostile file costs little memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Cap for a `RECORD` or `installed-files.txt` (one row per file: 64 MiB is ~500,000 files).
pub const RECORD_CAP: u64 = 64 << 20;
/// Cap for `METADATA` and `PKG-INFO` (long descriptions are the bulk; the largest on `PyPI` are a few MiB).
pub const METADATA_CAP: u64 = 16 << 20;
/// Cap for small metadata (`requires.txt`, `entry_points.txt`, `top_level.txt`).
pub const SMALL_META_CAP: u64 = 16 << 20;
/// Cap for a prune manifest (`--manifest`): about 300 bytes a path, so ~900,000 paths.
pub const MANIFEST_CAP: u64 = 256 << 20;
/// Cap for a rules file or a requirements file (hand-written text).
pub const TEXT_CAP: u64 = 16 << 20;
/// Cap for a saved scan as stored and after decompression (a 12,556-file scan is ~1 MiB
/// of JSON, so this is about 3 million files).
pub const SAVED_SCAN_CAP: u64 = 256 << 20;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Opening, checking or reading it failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// It is a FIFO, socket, device or directory.
    #[error("{}: is a {kind}, not a regular file", path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// It holds more than heft reads of such a file.
    #[error("{}: larger than {cap} bytes, the most heft reads of such a file", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap it exceeds.
        cap: u64,
    },
}

impl FileError {
    /// Whether the file does not exist (callers that probe for optional files skip those).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }

    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. } | Self::NotRegular { path, .. } | Self::TooLarge { path, .. } => {
                path
            }
        }
    }

    /// What went wrong, without the path (for lists that print the path beside it).
    pub fn reason(&self) -> String {
        match self {
            Self::Io { source, .. } => source.to_string(),
            Self::NotRegular { kind, .. } => format!("is a {kind}, not a regular file"),
            Self::TooLarge { cap, .. } => {
                format!("larger than {cap} bytes, the most heft reads of such a file")
            }
        }
    }
}

impl From<FileError> for io::Error {
    fn from(error: FileError) -> Self {
        match error {
            FileError::Io { source, .. } => source,
            other => io::Error::new(io::ErrorKind::InvalidInput, other),
        }
    }
}

/// Opens `path` for reading if it is a regular file, without ever blocking on a FIFO.
pub fn open(path: &Path) -> Result<File, FileError> {
    open_checked(path, true)
}

/// Like [`open`], but a symlink in the last component is refused (`O_NOFOLLOW`): for files a
/// scan found to be regular, where a link now means the tree changed under heft.
pub fn open_no_follow(path: &Path) -> Result<File, FileError> {
    open_checked(path, false)
}

fn open_checked(path: &Path, follow: bool) -> Result<File, FileError> {
    let io_error = |source| FileError::Io {
        path: path.to_owned(),
        source,
    };
    let file = open_nonblocking(path, follow).map_err(io_error)?;
    let file_type = file.metadata().map_err(io_error)?.file_type();
    match kind_name(&file_type) {
        None => Ok(file),
        Some(kind) => Err(FileError::NotRegular {
            path: path.to_owned(),
            kind,
        }),
    }
}

/// Reads the whole regular file at `path`, refusing it when it holds more than `cap` bytes.
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
    let file = open(path)?;
    let len = file.metadata().map_or(0, |m| m.len());
    // A file already longer than the cap is refused before a byte is read (a 300 MiB
    // manifest would otherwise be read up to its 256 MiB cap first); one that grows while
    // it is read is still stopped by the cap.
    if len > cap {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
            cap,
        });
    }
    read_capped(file, cap, len, path)
}

/// Reads `path` as text (invalid UTF-8 is an error), capped like [`read`].
pub fn read_to_string(path: &Path, cap: u64) -> Result<String, FileError> {
    let bytes = read(path, cap)?;
    String::from_utf8(bytes).map_err(|e| FileError::Io {
        path: path.to_owned(),
        source: io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()),
    })
}

/// Reads all of `reader` (e.g. a decompressor over `path`), refusing more than `cap` bytes.
pub fn read_capped(
    reader: impl Read,
    cap: u64,
    size_hint: u64,
    path: &Path,
) -> Result<Vec<u8>, FileError> {
    // The hint comes from a stat or a header that may lie: never reserve past the cap.
    let mut bytes = Vec::with_capacity(size_hint.min(cap).min(1 << 20) as usize);
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| FileError::Io {
            path: path.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > cap {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
            cap,
        });
    }
    Ok(bytes)
}

/// What a non-regular file is, or `None` for a regular file.
pub fn kind_name(file_type: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("directory");
    }
    if file_type.is_symlink() {
        return Some("symbolic link");
    }
    #[cfg(unix)]
    {
        if file_type.is_fifo() {
            return Some("FIFO");
        }
        if file_type.is_socket() {
            return Some("socket");
        }
        if file_type.is_char_device() {
            return Some("character device");
        }
        if file_type.is_block_device() {
            return Some("block device");
        }
    }
    Some("special file")
}

#[cfg(unix)]
fn open_nonblocking(path: &Path, follow: bool) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    // O_NONBLOCK makes opening a FIFO return at once; on a regular file it changes nothing.
    let mut flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    Ok(File::from(fd))
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path, _follow: bool) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
pub(crate) mod tests;
