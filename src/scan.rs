//! Turns inputs (directories, archives) into [`ScanEvent`]s: shards of entries and progress.
//!
//! Scanning never touches the model: producers send flat [`Shard`]s over a channel and the
//! consumer (a [`crate::bundle::Builder`]) merges them, so a UI can browse while a scan runs.

pub mod archive;
pub mod dir;

use std::path::PathBuf;

use crate::model::NodeKind;

/// Parent marker in [`Entry::parent`]: the entry sits directly under the shard's base.
pub const BASE: u32 = u32::MAX;

/// One path found by a scanner; its name lives in the shard's name buffer.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Index of the parent entry in the same shard, or [`BASE`].
    pub parent: u32,
    name_start: u32,
    name_len: u32,
    /// What it is.
    pub kind: NodeKind,
    /// Apparent size (0 for directories).
    pub size: u64,
    /// Disk usage in bytes (blocks * 512).
    pub disk: u64,
    /// Exact zipped bytes when known (archives), else 0.
    pub zipped: u64,
}

/// A batch of entries under one base directory of one root.
#[derive(Clone, Debug, Default)]
pub struct Shard {
    /// Index of the root the shard belongs to.
    pub root: usize,
    /// `/`-separated path of the base directory, relative to the root ("" = the root).
    pub base: Vec<u8>,
    /// Entries, parents before children.
    pub entries: Vec<Entry>,
    /// `(entry, dev, inode)` of files with more than one hard link, so disk usage counts
    /// each inode once.
    pub hard_links: Vec<(u32, u64, u64)>,
    /// The device the walk stayed on (directory scans; 0 for archives).
    pub dev: u64,
    /// Identity of each entry as the walk's stat saw it, parallel to `entries` (directory
    /// scans only; empty for archives). Kept so the zipped-size cache can be consulted
    /// without a second stat of every file.
    pub stamps: Vec<Stamp>,
    names: Vec<u8>,
}

/// The part of a file's identity the walk's stat already returns: with the root's device and
/// the apparent size it keys the zipped-size cache. A zero inode means "not known".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    /// Inode number (0: unknown).
    pub ino: u64,
    /// Modification time in nanoseconds since the epoch.
    pub mtime_ns: i64,
}

impl Stamp {
    /// The stamp in `meta`.
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self {
            ino: meta.ino(),
            mtime_ns: meta
                .mtime()
                .saturating_mul(1_000_000_000)
                .saturating_add(meta.mtime_nsec()),
        }
    }

    /// Without inode numbers a file has no stable identity.
    #[cfg(not(unix))]
    pub fn of(_meta: &std::fs::Metadata) -> Self {
        Self::default()
    }

    /// The stamp in a raw `stat` (the walker's), equal to [`Stamp::of`] its metadata.
    pub fn from_stat(st: &rustix::fs::Stat) -> Self {
        #[allow(clippy::useless_conversion)] // `ino_t` and `time_t` vary by target
        Self {
            ino: u64::from(st.st_ino),
            mtime_ns: i64::from(st.st_mtime)
                .saturating_mul(1_000_000_000)
                .saturating_add(i64::try_from(st.st_mtime_nsec).unwrap_or(0)),
        }
    }

    /// Whether the stamp identifies a file.
    pub fn is_known(self) -> bool {
        self.ino != 0
    }
}

impl Shard {
    /// An empty shard of `root` under `base`.
    pub fn new(root: usize, base: Vec<u8>) -> Self {
        Self {
            root,
            base,
            ..Self::default()
        }
    }

    /// Appends an entry and returns its index.
    pub fn push(
        &mut self,
        parent: u32,
        name: &[u8],
        kind: NodeKind,
        size: u64,
        disk: u64,
        zipped: u64,
    ) -> u32 {
        let index = self.entries.len() as u32;
        let name_start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        self.entries.push(Entry {
            parent,
            name_start,
            name_len: name.len() as u32,
            kind,
            size,
            disk,
            zipped,
        });
        index
    }

    /// The name bytes of an entry.
    pub fn name(&self, entry: &Entry) -> &[u8] {
        &self.names[entry.name_start as usize..(entry.name_start + entry.name_len) as usize]
    }
}

/// A path the scanner could not read, kept and reported rather than aborting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    /// Where it happened.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl ScanError {
    /// The error with its path said once: some readers' messages start with the path too.
    #[must_use]
    pub fn path_said_once(mut self) -> ScanError {
        let prefix = format!("{}: ", self.path.display());
        if let Some(rest) = self.message.strip_prefix(&prefix) {
            self.message = rest.to_string();
        }
        self
    }
}

/// Running counts for progress display.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Files and links seen so far.
    pub files: u64,
    /// Directories seen so far.
    pub dirs: u64,
    /// Apparent bytes seen so far.
    pub bytes: u64,
}

/// What a scanner sends.
#[derive(Clone, Debug)]
pub enum ScanEvent {
    /// More entries to merge.
    Shard(Shard),
    /// A path that could not be read.
    Error {
        /// The root it belongs to.
        root: usize,
        /// The error itself.
        error: ScanError,
    },
    /// Totals so far (cumulative across roots).
    Progress(Progress),
    /// A metadata file read from inside an archive, for the Python pass.
    Text {
        /// The root it belongs to.
        root: usize,
        /// `/`-separated path relative to the root, in installed layout.
        path: Vec<u8>,
        /// Its contents.
        bytes: Vec<u8>,
    },
    /// Bytes of a root that heft made up rather than read (the console-script wrappers pip
    /// would generate when installing a wheel), so reports can say they are estimates.
    Estimated {
        /// The root.
        root: usize,
        /// Estimated bytes.
        bytes: u64,
    },
    /// The exact size of a root's archive file.
    ArchiveSize {
        /// The root.
        root: usize,
        /// File size in bytes.
        bytes: u64,
    },
    /// One root is fully scanned.
    RootDone(usize),
}
