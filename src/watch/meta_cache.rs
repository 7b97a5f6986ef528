//! Metadata files (RECORD, METADATA ...) read from disk once per version: re-attribution
//! after every batch only re-reads the files whose size, mtime or inode changed.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::bundle::Bundle;
use crate::model::NodeId;
use crate::ownership::{DiskSource, MetaSource};
use crate::regular_file::FileError;

/// What identifies one version of a file.
type Stamp = (u64, u64, i64, i64);

#[derive(Debug)]
struct Cached {
    stamp: Stamp,
    bytes: Vec<u8>,
    used: bool,
}

/// A [`MetaSource`] over disk that keeps what it read, keyed by path and checked by stat;
/// ownership reads from a rayon pool, so the map sits behind a mutex (never held for I/O).
#[derive(Debug, Default)]
pub(super) struct CachedSource {
    files: Mutex<HashMap<PathBuf, Cached>>,
}

impl CachedSource {
    fn files(&self) -> MutexGuard<'_, HashMap<PathBuf, Cached>> {
        // A panic elsewhere cannot leave a map of whole entries half-written.
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets files not read since the last call (their distributions are gone).
    pub(super) fn sweep(&self) {
        let mut files = self.files();
        files.retain(|_, c| c.used);
        for c in files.values_mut() {
            c.used = false;
        }
    }

    /// Number of files held.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.files().len()
    }
}

impl MetaSource for CachedSource {
    fn read(&self, bundle: &Bundle, dir: NodeId, file: &str) -> Result<Option<Vec<u8>>, FileError> {
        let path = bundle.tree.path(dir).join(file);
        // The stamp only keys the cache; what is read is checked again on open.
        let Some(stamp) = fs::metadata(&path).ok().map(|m| stamp(&m)) else {
            self.files().remove(&path);
            return Ok(None);
        };
        if let Some(c) = self.files().get_mut(&path)
            && c.stamp == stamp
        {
            c.used = true;
            return Ok(Some(c.bytes.clone()));
        }
        let Some(bytes) = DiskSource.read(bundle, dir, file)? else {
            return Ok(None);
        };
        let cached = Cached {
            stamp,
            bytes: bytes.clone(),
            used: true,
        };
        self.files().insert(path, cached);
        Ok(Some(bytes))
    }
}

#[cfg(unix)]
fn stamp(meta: &fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    (meta.ino(), meta.size(), meta.mtime(), meta.mtime_nsec())
}

#[cfg(not(unix))]
fn stamp(meta: &fs::Metadata) -> Stamp {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    (0, meta.len(), mtime, 0)
}
