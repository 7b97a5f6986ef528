//! A cache of deflated sizes keyed by file identity, so a rescan only
//! compresses what changed, kept between runs under `$XDG_CACHE_HOME/heft`.
//!
//! The file format is small and private: a magic line naming the format and
//! the deflate backend (another backend's sizes differ by a percent or so),
//! then fixed 40-byte little-endian records (dev, inode, size, mtime ns, deflated).

use std::collections::HashMap;
use std::fs::{self, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{deflated_size, is_stored_by_suffix};

/// First bytes of a cache file; changes whenever the numbers inside would (as with the
/// flate2 backend chosen in Cargo.toml).
const MAGIC: &[u8] = b"heft zipsize v1 deflate-6 zlib-1.3-static\n";
const RECORD: usize = 40;
/// Most records written back, so the file stays a few tens of megabytes.
const MAX_SAVED: usize = 1 << 20;
const SHARDS: usize = 16;

/// What identifies one version of a file: if any of these change, so may its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i64,
}

#[derive(Clone, Copy, Debug)]
struct Slot {
    deflated: u64,
    /// Looked up or computed this run: kept first when the file is trimmed.
    used: bool,
}

/// Cache keyed by (dev, inode, size, mtime in ns) -> deflated size, safe to share across a rayon pool.
#[derive(Debug)]
pub struct ZipCache {
    shards: [Mutex<HashMap<Key, Slot>>; SHARDS],
}

impl Default for ZipCache {
    fn default() -> Self {
        Self::new()
    }
}

impl ZipCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self {
            shards: std::array::from_fn(|_| Mutex::new(HashMap::new())),
        }
    }

    /// The deflated size of the file at `path` whose metadata is `meta`, compressing it only on a miss.
    pub fn get_or_compute(&self, path: &Path, meta: &Metadata) -> io::Result<u64> {
        if is_stored_by_suffix(path) {
            return Ok(meta.len());
        }
        let Some(key) = key_of(meta) else {
            return deflated_size(path);
        };
        if let Some(slot) = self.shard(&key).get_mut(&key) {
            slot.used = true;
            return Ok(slot.deflated);
        }
        // Compress outside the lock so the other threads keep going.
        let deflated = deflated_size(path)?;
        self.shard(&key).insert(
            key,
            Slot {
                deflated,
                used: true,
            },
        );
        Ok(deflated)
    }

    /// Number of cached sizes.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|shard| lock(shard).len()).sum()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cache saved under `$XDG_CACHE_HOME/heft` (or `~/.cache/heft`), or an empty one.
    pub fn load_default() -> Self {
        default_path()
            .and_then(|path| Self::load(&path).ok())
            .unwrap_or_default()
    }

    /// Saves to the default place; failures are ignored, the cache only saves time.
    pub fn save_default(&self) {
        if let Some(path) = default_path() {
            let _ = self.save(&path);
        }
    }

    /// Reads a cache file written by [`ZipCache::save`].
    pub fn load(path: &Path) -> io::Result<Self> {
        // A cache is a regular file of fixed-size records; anything else is ignored.
        let bytes = crate::regular_file::read(path, CACHE_CAP)?;
        let records = bytes
            .strip_prefix(MAGIC)
            .filter(|body| body.len() % RECORD == 0)
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidData, "not a heft zipsize cache")
            })?;
        let cache = Self::new();
        for record in records.chunks_exact(RECORD) {
            let (key, deflated) = decode(record);
            cache.shard(&key).insert(
                key,
                Slot {
                    deflated,
                    used: false,
                },
            );
        }
        Ok(cache)
    }

    /// Writes the cache atomically (temp file + rename), entries used this run first.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let mut slots: Vec<(Key, Slot)> = self
            .shards
            .iter()
            .flat_map(|shard| {
                lock(shard)
                    .iter()
                    .map(|(k, s)| (*k, *s))
                    .collect::<Vec<_>>()
            })
            .collect();
        slots.sort_by_key(|(_, slot)| !slot.used);
        slots.truncate(MAX_SAVED);
        let mut bytes = Vec::with_capacity(MAGIC.len() + slots.len() * RECORD);
        bytes.extend_from_slice(MAGIC);
        for (key, slot) in &slots {
            encode(&mut bytes, key, slot.deflated);
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        let written = fs::File::create(&temp).and_then(|mut file| file.write_all(&bytes));
        written
            .and_then(|()| fs::rename(&temp, path))
            .inspect_err(|_| {
                let _ = fs::remove_file(&temp);
            })
    }

    fn shard(&self, key: &Key) -> MutexGuard<'_, HashMap<Key, Slot>> {
        lock(&self.shards[(key.ino ^ key.dev) as usize % SHARDS])
    }
}

/// A panic elsewhere cannot leave a map of plain numbers half-updated, so poison is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(unix)]
#[expect(clippy::unnecessary_wraps, reason = "other platforms have no key")]
fn key_of(meta: &Metadata) -> Option<Key> {
    use std::os::unix::fs::MetadataExt;
    Some(Key {
        dev: meta.dev(),
        ino: meta.ino(),
        size: meta.size(),
        mtime_ns: meta
            .mtime()
            .saturating_mul(1_000_000_000)
            .saturating_add(meta.mtime_nsec()),
    })
}

/// Without inode numbers a file has no stable identity; compress every time.
#[cfg(not(unix))]
fn key_of(_meta: &Metadata) -> Option<Key> {
    None
}

fn encode(out: &mut Vec<u8>, key: &Key, deflated: u64) {
    for field in [
        key.dev,
        key.ino,
        key.size,
        key.mtime_ns.cast_unsigned(),
        deflated,
    ] {
        out.extend_from_slice(&field.to_le_bytes());
    }
}

fn decode(record: &[u8]) -> (Key, u64) {
    let field = |i: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&record[i * 8..i * 8 + 8]);
        u64::from_le_bytes(bytes)
    };
    let key = Key {
        dev: field(0),
        ino: field(1),
        size: field(2),
        mtime_ns: field(3).cast_signed(),
    };
    (key, field(4))
}

/// Largest cache file heft reads (millions of records).
const CACHE_CAP: u64 = 512 << 20;

fn default_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let home = || std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache"));
    Some(xdg.or_else(home)?.join("heft").join("zipsize.bin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_file_that_is_a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("zipsize.bin");
        crate::regular_file::tests::make_fifo(&fifo);
        assert!(ZipCache::load(&fifo).is_err());
    }

    #[test]
    fn a_second_lookup_is_served_from_the_cache() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "import os\n".repeat(100)).unwrap();
        let cache = ZipCache::new();
        let meta = fs::metadata(&path).unwrap();
        let first = cache.get_or_compute(&path, &meta).unwrap();
        assert_eq!(first, deflated_size(&path).unwrap());
        // Same identity, different bytes on disk: the cached number wins, proving no recompression.
        fs::write(&path, "x").unwrap();
        assert_eq!(cache.get_or_compute(&path, &meta).unwrap(), first);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_changed_file_is_compressed_again() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "import os\n".repeat(100)).unwrap();
        let cache = ZipCache::new();
        cache
            .get_or_compute(&path, &fs::metadata(&path).unwrap())
            .unwrap();
        fs::write(&path, "import sys\n".repeat(300)).unwrap();
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(
            cache.get_or_compute(&path, &meta).unwrap(),
            deflated_size(&path).unwrap()
        );
    }

    #[test]
    fn a_saved_cache_loads_back_with_the_same_sizes() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "def f(): pass\n".repeat(40)).unwrap();
        let meta = fs::metadata(&path).unwrap();
        let cache = ZipCache::new();
        let size = cache.get_or_compute(&path, &meta).unwrap();
        let file = dir.path().join("cache/heft/zipsize.bin");
        cache.save(&file).unwrap();
        let loaded = ZipCache::load(&file).unwrap();
        assert_eq!(loaded.len(), 1);
        fs::write(&path, "").unwrap();
        assert_eq!(
            loaded.get_or_compute(&path, &meta).unwrap(),
            size,
            "served from the loaded cache"
        );
    }

    #[test]
    fn a_foreign_or_damaged_cache_file_is_refused() {
        let dir = tempfile::TempDir::new().unwrap();
        let file = dir.path().join("zipsize.bin");
        fs::write(&file, b"something else").unwrap();
        assert!(ZipCache::load(&file).is_err());
        let mut truncated = MAGIC.to_vec();
        truncated.extend_from_slice(&[0u8; RECORD - 1]);
        fs::write(&file, truncated).unwrap();
        assert!(ZipCache::load(&file).is_err());
    }

    #[test]
    fn the_cache_can_be_shared_by_a_rayon_pool() {
        use rayon::prelude::*;
        let dir = tempfile::TempDir::new().unwrap();
        let paths: Vec<_> = (0..64)
            .map(|i| {
                let path = dir.path().join(format!("f{i}.txt"));
                fs::write(&path, format!("line {i}\n").repeat(i + 1)).unwrap();
                path
            })
            .collect();
        let cache = ZipCache::new();
        let sizes: Vec<u64> = paths
            .par_iter()
            .map(|p| cache.get_or_compute(p, &fs::metadata(p).unwrap()).unwrap())
            .collect();
        let expected: Vec<u64> = paths.iter().map(|p| deflated_size(p).unwrap()).collect();
        assert_eq!(sizes, expected);
        assert_eq!(cache.len(), 64);
    }
}
