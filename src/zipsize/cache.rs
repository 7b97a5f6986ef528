//! A cache of deflated sizes keyed by file identity, so a rescan only compresses what
//! changed, kept between runs under `$XDG_CACHE_HOME/heft/zipsize/`, one file per scanned root.
//!
//! Why one file per root: a single file of every size heft ever computed made a warm report
//! of a small layer pay for loading every other tree's records (57 MB and 126 ms for a
//! 7k-file layer once a 200k-file tree had been scanned). A root's file holds the records of
//! the files found under that root when it was last saved, so using it costs O(files of this
//! root), and files that are gone drop out by themselves. A root's file is read lazily, on
//! the first lookup under that root ([`ZipCache::scope`]).
//!
//! The file format is small and private: a magic line naming the format and the deflate
//! backend (another backend's sizes differ by a percent or so), the root's path (length as a
//! little-endian u32, then its bytes: a guard against two roots whose names hash alike),
//! then fixed 40-byte little-endian records (dev, inode, size, mtime ns, deflated). Anything
//! that does not parse, or is larger than any file heft writes, is ignored: the cache only
//! ever saves time.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs::{self, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::ThreadId;

use super::{deflated_size, is_stored_by_suffix};
use crate::cachefile::CacheFile;
use loaded::LoadedRoot;

mod loaded;
use crate::scan::Stamp;

/// First bytes of a cache file; changes whenever the numbers or the layout inside would (as
/// with the flate2 backend chosen in Cargo.toml). v2: one file per root, with its path. v3:
/// files over 4 MiB deflated in 4 MiB chunks ([`super::CHUNK`]), a few bytes off v2's sizes.
const MAGIC: &[u8] = b"heft zipsize v3 deflate-6 chunks-4MiB zlib-1.3-static\n";
const RECORD: usize = 40;
/// Most records kept for one root (a 2M-file tree; 80 MB of records).
const MAX_SAVED: usize = 1 << 21;
/// Longest root path a cache file may name.
const MAX_PATH: usize = 1 << 16;
/// Most root files kept; the least recently saved go first.
const MAX_FILES: usize = 64;
const SHARDS: usize = 16;
/// `Slot::scope` of a record loaded from disk but not looked up this run.
const UNUSED: u32 = u32::MAX;

/// What identifies one version of a file: if any of these change, so may its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileKey {
    /// Device number.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// Apparent size.
    pub size: u64,
    /// Modification time in nanoseconds.
    pub mtime_ns: i64,
}

impl FileKey {
    /// The key of a file from its metadata (none where inode numbers do not exist).
    pub fn of(meta: &Metadata) -> Option<Self> {
        let stamp = Stamp::of(meta);
        stamp
            .is_known()
            .then(|| Self::from_stamp(device(meta), stamp, meta.len()))
    }

    /// The key of a file whose stamp the walk captured on device `dev`.
    pub fn from_stamp(dev: u64, stamp: Stamp, size: u64) -> Self {
        Self {
            dev,
            ino: stamp.ino,
            size,
            mtime_ns: stamp.mtime_ns,
        }
    }
}

/// A root's place in a [`ZipCache`]: sizes looked up through it are saved to that root's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope(u32);

impl Scope {
    /// A scope that is never saved (one-off lookups outside any root).
    pub const NONE: Scope = Scope(UNUSED);
}

/// A size computed this run, or read from one root's file and looked up under another.
#[derive(Clone, Copy, Debug)]
struct Slot {
    deflated: u64,
    /// The root whose file it was read from (`UNUSED`: computed this run).
    loaded: u32,
    /// The root it was looked up or computed under this run (`UNUSED`: not yet).
    scope: u32,
}

/// Cache keyed by [`FileKey`] -> deflated size, safe to share across a rayon pool.
#[derive(Debug, Default)]
pub struct ZipCache {
    /// Where root files live; `None`: in memory only.
    dir: Option<PathBuf>,
    /// Root paths by scope index.
    scopes: Mutex<Vec<PathBuf>>,
    /// Each root's file as read (sorted arrays: most sizes of a warm run are found here).
    loaded: RwLock<Vec<LoadedRoot>>,
    /// Sizes computed this run, and saved ones another root looked up.
    shards: [Mutex<HashMap<FileKey, Slot>>; SHARDS],
    /// Files compressed through this cache (misses), so tests can check nothing is done twice.
    deflations: AtomicU64,
    /// Identities being compressed right now; a second lookup waits on `landed` for the
    /// first instead of compressing the same bytes again (watch mode deflates files pip
    /// stages, and the batch bringing them may ask while a big one is still under way),
    /// with the thread compressing each.
    in_flight: Mutex<HashMap<FileKey, ThreadId>>,
    landed: Condvar,
}

impl ZipCache {
    /// An empty cache that is never read from or written to disk.
    pub fn new() -> Self {
        Self::default()
    }

    /// A cache whose root files live in `dir` (read lazily, written by [`ZipCache::save`]).
    pub fn in_dir(dir: PathBuf) -> Self {
        Self {
            dir: Some(dir),
            ..Self::default()
        }
    }

    /// The cache under `$XDG_CACHE_HOME/heft/zipsize` (or `~/.cache/heft/zipsize`); in
    /// memory only when neither is set. Nothing is read until a root is looked up.
    pub fn load_default() -> Self {
        default_dir().map_or_else(Self::new, Self::in_dir)
    }

    /// The scope of the directory root `root`, reading its saved sizes the first time.
    /// Roots are told apart by their canonical path, so `.`, `./layer` and an absolute
    /// spelling share one file.
    pub fn scope(&self, root: &Path) -> Scope {
        let root = &fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut scopes = lock(&self.scopes);
        if let Some(i) = scopes.iter().position(|p| p == root) {
            return Scope(i as u32);
        }
        let index = scopes.len() as u32;
        scopes.push(root.clone());
        // Loaded under the scopes lock: a second thread asking for the same root waits
        // rather than reading the file twice.
        if let Some(records) = self.dir.as_ref().and_then(|dir| {
            // Streamed through a small buffer: the file's bytes and the maps never sit in
            // memory together (8 MB at 200k files).
            RootFile::open(&dir.join(root_file_name(root)), root)
        }) {
            // Sized once from the file's length, not by doubling as records arrive.
            let mut list = Vec::with_capacity(records.remaining);
            list.extend(records);
            let root = LoadedRoot::new(index, list);
            self.loaded
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .push(root);
        }
        Scope(index)
    }

    /// The cached deflated size of the file `key` names, if known.
    pub fn get(&self, scope: Scope, key: &FileKey) -> Option<u64> {
        if let Some(slot) = self.shard(key).get_mut(key) {
            slot.scope = scope.0;
            return Some(slot.deflated);
        }
        let loaded = self.loaded.read().unwrap_or_else(PoisonError::into_inner);
        for root in loaded.iter() {
            let Some(deflated) = root.get(key, root.scope == scope.0) else {
                continue;
            };
            if root.scope != scope.0 {
                // Looked up under another root: it moves to that root's file, as a size
                // computed this run would.
                let slot = Slot {
                    deflated,
                    loaded: root.scope,
                    scope: scope.0,
                };
                self.shard(key).insert(*key, slot);
            }
            return Some(deflated);
        }
        None
    }

    /// The deflated size of the file at `path` (identified by `key`, if it has one),
    /// compressing it only on a miss. `size` is its apparent size.
    pub fn get_or_compute(
        &self,
        scope: Scope,
        path: &Path,
        key: Option<FileKey>,
        size: u64,
    ) -> io::Result<u64> {
        if is_stored_by_suffix(path) {
            return Ok(size);
        }
        let Some(key) = key else {
            self.deflations.fetch_add(1, Ordering::Relaxed);
            return deflated_size(path);
        };
        if let Some(deflated) = self.get(scope, &key) {
            return Ok(deflated);
        }
        let _flight = match self.take_off(scope, key) {
            TakeOff::Flying(flight) => Some(flight),
            TakeOff::Mine => None,
            // Another thread compressed it meanwhile (or failed: then this one tries).
            TakeOff::Landed => {
                return match self.get(scope, &key) {
                    Some(deflated) => Ok(deflated),
                    None => self.get_or_compute(scope, path, Some(key), size),
                };
            }
        };
        // Compress outside the shard locks so the other threads keep going.
        self.deflations.fetch_add(1, Ordering::Relaxed);
        let deflated = deflated_size(path)?;
        let slot = Slot {
            deflated,
            loaded: UNUSED,
            scope: scope.0,
        };
        // Stored before the flight lands, so a waiter woken by it finds the size.
        self.shard(&key).insert(key, slot);
        Ok(deflated)
    }

    /// Makes room for `additional` sizes about to be computed, so the maps grow once instead
    /// of by doubling: every outgrown table was freed on a worker thread, whose heap kept it
    /// (a cold 200k-file estimate left ~12 MB of them behind in the explorer).
    pub fn reserve(&self, additional: usize) {
        for shard in &self.shards {
            lock(shard).reserve(additional / SHARDS + 1);
        }
    }

    /// Marks `key` as being compressed by this thread, or waits for another thread that
    /// was already at it. Checked under the flights lock: a flight stores its size before it
    /// lands, so a miss here means nobody has it.
    ///
    /// A flight this very thread started further down its stack is not waited for: a rayon
    /// worker waiting for its big file's chunks ([`super::chunks`]) runs other tasks
    /// meanwhile, and one of them may be a hard link to the same file.
    fn take_off(&self, scope: Scope, key: FileKey) -> TakeOff<'_> {
        let mut flying = lock(&self.in_flight);
        if self.get(scope, &key).is_some() {
            return TakeOff::Landed;
        }
        let me = std::thread::current().id();
        match flying.entry(key) {
            Entry::Vacant(entry) => {
                entry.insert(me);
                return TakeOff::Flying(Flight { cache: self, key });
            }
            Entry::Occupied(entry) if *entry.get() == me => return TakeOff::Mine,
            Entry::Occupied(_) => {}
        }
        while flying.contains_key(&key) {
            flying = self
                .landed
                .wait(flying)
                .unwrap_or_else(PoisonError::into_inner);
        }
        TakeOff::Landed
    }

    /// How many files were compressed through this cache (lookups that missed).
    pub fn deflations(&self) -> u64 {
        self.deflations.load(Ordering::Relaxed)
    }

    /// Number of cached sizes (a saved size another root looked up counts twice).
    pub fn len(&self) -> usize {
        let loaded = self.loaded.read().unwrap_or_else(PoisonError::into_inner);
        let saved: usize = loaded.iter().map(LoadedRoot::len).sum();
        saved
            + self
                .shards
                .iter()
                .map(|shard| lock(shard).len())
                .sum::<usize>()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Saves to the default place; failures are ignored, the cache only saves time.
    pub fn save_default(&self) {
        let _ = self.save();
    }

    /// Writes each root's file (atomically: temp file + rename) with the sizes looked up
    /// under it this run; a root whose file would not change is not rewritten.
    pub fn save(&self) -> io::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let scopes = lock(&self.scopes).clone();
        let changed = self.changed_scopes(scopes.len());
        fs::create_dir_all(dir)?;
        if changed.contains(&true) {
            // Every map held still while the files are written: a lookup meanwhile waits.
            let loaded = self.loaded.read().unwrap_or_else(PoisonError::into_inner);
            let shards: Vec<_> = self.shards.iter().map(lock).collect();
            for (s, root) in scopes.iter().enumerate() {
                if changed[s] {
                    let records = records(s, &loaded, &shards);
                    write_root_file(&dir.join(root_file_name(root)), root, records)?;
                }
            }
        }
        prune(dir);
        Ok(())
    }

    /// Which scopes' files would change: a record moved in, out, or is new.
    fn changed_scopes(&self, scopes: usize) -> Vec<bool> {
        let mut changed = vec![false; scopes];
        for root in self
            .loaded
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            if root.has_unused()
                && let Some(c) = changed.get_mut(root.scope as usize)
            {
                *c = true;
            }
        }
        for shard in &self.shards {
            for slot in lock(shard).values() {
                if slot.scope != slot.loaded {
                    for s in [slot.scope, slot.loaded] {
                        if let Some(c) = changed.get_mut(s as usize) {
                            *c = true;
                        }
                    }
                }
            }
        }
        changed
    }

    fn shard(&self, key: &FileKey) -> MutexGuard<'_, HashMap<FileKey, Slot>> {
        lock(&self.shards[shard_of(key)])
    }
}

/// What [`ZipCache::take_off`] found.
enum TakeOff<'a> {
    /// This thread is compressing the file now.
    Flying(Flight<'a>),
    /// This thread is compressing it already, further down its stack: compress it again.
    Mine,
    /// Its size is in the cache, or another thread's attempt ended.
    Landed,
}

/// One identity being compressed; landing (even on an error or a panic) wakes the waiters.
struct Flight<'a> {
    cache: &'a ZipCache,
    key: FileKey,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        lock(&self.cache.in_flight).remove(&self.key);
        self.cache.landed.notify_all();
    }
}

/// A panic elsewhere cannot leave a map of plain numbers half-updated, so poison is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(unix)]
fn device(meta: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::dev(meta)
}

#[cfg(not(unix))]
fn device(_meta: &Metadata) -> u64 {
    0
}

/// The records of `root`'s cache file, read one at a time. None if the file is absent, not a
/// regular file, damaged (a cut record), larger than any file [`ZipCache::save`] writes, or
/// names another root.
struct RootFile {
    reader: io::BufReader<fs::File>,
    remaining: usize,
}

impl RootFile {
    fn open(path: &Path, root: &Path) -> Option<Self> {
        // Only a regular file is read (a FIFO planted there must not block the run).
        let file = crate::regular_file::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let mut reader = io::BufReader::with_capacity(64 * 1024, file);
        let mut head = [0u8; MAGIC.len() + 4];
        reader.read_exact(&mut head).ok()?;
        let (magic, name_len) = head.split_at(MAGIC.len());
        let name_len = u32::from_le_bytes(name_len.try_into().ok()?) as usize;
        let name = path_bytes(root);
        if magic != MAGIC || name_len != name.len() {
            return None;
        }
        let mut found = vec![0u8; name_len];
        reader.read_exact(&mut found).ok()?;
        let records = len.checked_sub((head.len() + name_len) as u64)?;
        if found != name || records % RECORD as u64 != 0 || records > (MAX_SAVED * RECORD) as u64 {
            return None;
        }
        let remaining = (records / RECORD as u64) as usize;
        Some(Self { reader, remaining })
    }
}

impl Iterator for RootFile {
    type Item = (FileKey, u64);

    /// The next record; a file cut short while being read ends early (each record read is
    /// whole, and a key names one version of one file, so it is still right).
    fn next(&mut self) -> Option<Self::Item> {
        self.remaining = self.remaining.checked_sub(1)?;
        let mut record = [0u8; RECORD];
        self.reader.read_exact(&mut record).ok()?;
        Some(decode(&record))
    }
}

/// The records saved in scope `s`'s file, in key order (so the next run's load sorts
/// nothing), at most [`MAX_SAVED`]: the saved ones still used (sorted in their root already)
/// merged with those this run computed or moved in ([`fresh_keys`]).
fn records<'a>(
    s: usize,
    loaded: &'a [LoadedRoot],
    shards: &'a [MutexGuard<'_, HashMap<FileKey, Slot>>],
) -> impl Iterator<Item = (&'a FileKey, u64)> + 'a {
    let saved = loaded
        .iter()
        .filter(move |r| r.scope as usize == s)
        .flat_map(LoadedRoot::used)
        .map(|(key, deflated)| (key, *deflated));
    let fresh = fresh_keys(s, shards).into_iter().map(|key| {
        let slot = shards[shard_of(key)].get(key);
        (key, slot.map_or(0, |slot| slot.deflated))
    });
    let (mut saved, mut fresh) = (saved.peekable(), fresh.peekable());
    std::iter::from_fn(move || match (saved.peek(), fresh.peek()) {
        (Some(a), Some(b)) if b.0 < a.0 => fresh.next(),
        (Some(_), _) => saved.next(),
        (None, _) => fresh.next(),
    })
    .take(MAX_SAVED)
}

/// The keys of scope `s` in the maps, sorted: references, 8 bytes a file, in a list sized
/// exactly. Copied records (40 bytes, a list grown by doubling) took 7.9 MB at 200k files at
/// the end of a cold estimate, where the explorer's memory peaked; a warm run that found
/// every size in the cache writes nothing and gathers none.
fn fresh_keys<'a>(
    s: usize,
    shards: &'a [MutexGuard<'_, HashMap<FileKey, Slot>>],
) -> Vec<&'a FileKey> {
    let mine = |slot: &Slot| slot.scope as usize == s;
    let n = shards
        .iter()
        .map(|m| m.values().filter(|slot| mine(slot)).count())
        .sum();
    let mut keys = Vec::with_capacity(n);
    for shard in shards {
        keys.extend(
            shard
                .iter()
                .filter(|(_, slot)| mine(slot))
                .map(|(key, _)| key),
        );
    }
    keys.sort_unstable();
    keys
}

/// The shard holding `key`.
fn shard_of(key: &FileKey) -> usize {
    (key.ino ^ key.dev) as usize % SHARDS
}

fn write_root_file<'a>(
    path: &Path,
    root: &Path,
    records: impl Iterator<Item = (&'a FileKey, u64)>,
) -> io::Result<()> {
    let name = path_bytes(root);
    let name_len = u32::try_from(name.len())
        .ok()
        .filter(|n| (*n as usize) <= MAX_PATH)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "root path too long"))?;
    // Streamed through a small buffer: a 200k-file root's records would otherwise sit in
    // memory twice (the list and its encoding) at the moment the explorer peaks.
    let mut out = CacheFile::create(path, usize::MAX)?;
    out.append(MAGIC)?;
    out.append(&name_len.to_le_bytes())?;
    out.append(&name)?;
    let mut record = Vec::with_capacity(RECORD);
    for (key, deflated) in records {
        record.clear();
        encode(&mut record, key, deflated);
        out.append(&record)?;
    }
    out.commit()
}

/// Deletes the least recently written root files beyond [`MAX_FILES`] (and the single
/// all-roots file of format v1, which nothing reads any more).
fn prune(dir: &Path) {
    if let Some(parent) = dir.parent() {
        let _ = fs::remove_file(parent.join("zipsize.bin"));
    }
    prune_root_files(dir, MAX_FILES);
}

/// Deletes the least recently written `*.bin` root files in `dir` beyond the `keep` newest
/// (the import cache keeps its root files alike), and temporary files a killed process
/// left behind.
pub fn prune_root_files(dir: &Path, keep: usize) {
    let Ok(read) = fs::read_dir(dir) else { return };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = read
        .filter_map(Result::ok)
        .filter(|e| {
            let stale = crate::cachefile::is_stale_temp(&e.path());
            if stale {
                let _ = fs::remove_file(e.path());
            }
            !stale && e.path().extension().is_some_and(|x| x == "bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= keep {
        return;
    }
    files.sort();
    for (_, path) in &files[..files.len() - keep] {
        let _ = fs::remove_file(path);
    }
}

/// The root's file: a 64-bit FNV-1a hash of its path, which is stable across runs and Rust
/// versions (std's hashers promise neither). The import cache names its root files alike.
pub fn root_file_name(root: &Path) -> String {
    let hash = path_bytes(root)
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}.bin")
}

fn path_bytes(root: &Path) -> Vec<u8> {
    crate::model::os_bytes(root.as_os_str()).into_owned()
}

fn encode(out: &mut Vec<u8>, key: &FileKey, deflated: u64) {
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

fn decode(record: &[u8]) -> (FileKey, u64) {
    let field = |i: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&record[i * 8..i * 8 + 8]);
        u64::from_le_bytes(bytes)
    };
    let key = FileKey {
        dev: field(0),
        ino: field(1),
        size: field(2),
        mtime_ns: field(3).cast_signed(),
    };
    (key, field(4))
}

fn default_dir() -> Option<PathBuf> {
    Some(cache_home()?.join("zipsize"))
}

/// heft's cache directory: `$XDG_CACHE_HOME/heft` (absolute only), else `~/.cache/heft`.
pub fn cache_home() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let home = || std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache"));
    Some(xdg.or_else(home)?.join("heft"))
}

#[cfg(test)]
mod tests;
