//! What each source imports and the dotted names each extension module holds, cached by
//! file identity (device, inode, size, mtime: the zipped-size cache's [`FileKey`]) so a
//! second analysis of an unchanged tree reads no source. Kept between runs under
//! `$XDG_CACHE_HOME/heft/imports/`, one file per directory root, like the zipped sizes.
//!
//! The cache only saves time: a record is used only for the exact identity it was computed
//! for; a file that does not parse, names another root, or is larger than heft writes is
//! ignored whole; decoding is bounds-checked and every string must be UTF-8. [`MAGIC`]
//! names the scanner's version: when what the scanner finds changes, so does the magic.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

mod spool;

pub(super) use spool::Encoder;
use spool::Spool;

use crate::cachefile::CacheFile;

use super::EdgeKind;
use super::scanner::{RawImport, Scanned};
use crate::bundle::{Bundle, RootKind};
use crate::model::NodeId;
use crate::zipsize::{FileKey, cache_home, prune_root_files, root_file_name};

/// First bytes of a cache file: format and scanner version (bump with any scanner change).
pub(super) const MAGIC: &[u8] = b"heft imports v1 scanner-3\n";
/// Largest cache file read or written (a 200k-source tree with room to spare).
const MAX_FILE: usize = 256 << 20;
/// Longest root path a cache file may name.
const MAX_PATH: usize = 1 << 16;
/// Most root files kept; the least recently written go first.
const MAX_FILES: usize = 64;

/// A cached result for one file.
#[derive(Clone, Debug, PartialEq)]
enum Entry {
    /// What a `.py` file imports.
    Source(Scanned),
    /// Dotted names in an extension module's read-only data.
    Names(Vec<String>),
}

/// Parse results by file identity, loaded per directory root of a bundle.
#[derive(Debug, Default)]
pub struct ParseCache {
    /// Where root files live; `None`: in memory only.
    dir: Option<PathBuf>,
    /// Directory roots by bundle root index (canonical paths).
    roots: Vec<Option<PathBuf>>,
    /// By bundle root index: the first root with the same path, whose file it shares.
    file_of: Vec<usize>,
    /// Loaded from disk, not yet used this run.
    loaded: HashMap<FileKey, Entry>,
    /// Sources used or computed this run, their records written to each root's new file as
    /// they come, by the index in `file_of` (some 40 bytes a source; 8 MB at 200k sources).
    sources: Vec<Option<Spool>>,
    /// Extension modules' names used or computed this run, with the root each belongs to.
    names: HashMap<FileKey, (usize, Vec<String>)>,
    /// How many records the root files held, and how many were computed anew.
    read: usize,
    computed: usize,
}

impl ParseCache {
    /// A cache kept in memory only.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cache of `bundle`'s directory roots under `dir` (read now, written by [`Self::save`]).
    pub fn load(dir: PathBuf, bundle: &Bundle) -> Self {
        let mut cache = Self {
            dir: Some(dir),
            ..Self::default()
        };
        for root in &bundle.roots {
            let path = (root.kind == RootKind::SitePackages)
                .then(|| fs::canonicalize(&root.path).ok())
                .flatten();
            if let (Some(path), Some(dir)) = (&path, &cache.dir) {
                let records = read_root_file(&dir.join(root_file_name(path)), path);
                cache.read += records.len();
                if cache.loaded.is_empty() {
                    cache.loaded = records;
                } else {
                    cache.loaded.extend(records);
                }
            }
            let first = cache.roots.iter().position(|r| r.is_some() && *r == path);
            cache.file_of.push(first.unwrap_or(cache.roots.len()));
            cache.roots.push(path);
        }
        cache
    }

    /// The cache under `$XDG_CACHE_HOME/heft/imports` (in memory only when there is none).
    pub fn load_default(bundle: &Bundle) -> Self {
        match cache_home() {
            Some(home) => Self::load(home.join("imports"), bundle),
            None => Self::new(),
        }
    }

    /// How many records were read from disk, and how many computed this run.
    pub fn counts(&self) -> (usize, usize) {
        (self.read, self.computed)
    }

    /// The identity the walk saw for `id`, if it has one.
    pub fn key_of(bundle: &Bundle, id: NodeId) -> Option<FileKey> {
        let stamp = bundle.stamps.get(id);
        let dev = bundle.stamps.dev(bundle.root_of(id)?)?;
        stamp
            .is_known()
            .then(|| FileKey::from_stamp(dev, stamp, bundle.tree.node(id).own.bytes))
    }

    /// The cached scan of the source with identity `key`, taken out until put back.
    pub fn take_source(&mut self, key: &FileKey) -> Option<Scanned> {
        match self.loaded.remove(key) {
            Some(Entry::Source(s)) => Some(s),
            _ => None,
        }
    }

    /// The cached names of the extension module with identity `key`.
    pub fn names(&mut self, root: usize, key: &FileKey) -> Option<Vec<String>> {
        if let Some((_, n)) = self.names.get(key) {
            return Some(n.clone());
        }
        let Some(Entry::Names(n)) = self.loaded.remove(key) else {
            return None;
        };
        self.names.insert(*key, (root, n.clone()));
        Some(n)
    }

    /// Records the scan of a source under root `root` (`fresh`: computed this run).
    pub fn put_source(&mut self, root: usize, key: FileKey, scanned: Scanned, fresh: bool) {
        self.computed += usize::from(fresh);
        if self.dir.is_none() {
            // Kept in memory only: nothing will write the records.
            return;
        }
        let (Some(dir), Some(&at)) = (&self.dir, self.file_of.get(root)) else {
            return;
        };
        let Some(Some(path)) = self.roots.get(at) else {
            return;
        };
        if self.sources.len() <= at {
            self.sources.resize_with(at + 1, || None);
        }
        self.sources[at]
            .get_or_insert_with(|| Spool::open(&dir.join(root_file_name(path)), path))
            .add(|w| w.record(&key, &Entry::Source(scanned)));
    }

    /// Records the names found in an extension module (computed this run).
    pub fn put_names(&mut self, root: usize, key: FileKey, names: Vec<String>) {
        self.computed += 1;
        self.names.insert(key, (root, names));
    }

    /// Writes each directory root's file with what this run used or computed under it,
    /// unless nothing changed. Errors are returned; callers may ignore them.
    pub fn save(self) -> std::io::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let mut spools = self.sources;
        if self.computed == 0 && self.loaded.is_empty() {
            // Nothing changed: the files being written are dropped, and so removed.
            return Ok(());
        }
        fs::create_dir_all(dir)?;
        for (i, root) in self.roots.iter().enumerate() {
            let Some(root) = root else { continue };
            if self.file_of.get(i) != Some(&i) {
                continue;
            }
            let names = self
                .names
                .iter()
                .filter(|(_, (r, _))| self.file_of.get(*r) == Some(&i));
            if let Some(mut spool) = spools.get_mut(i).and_then(Option::take) {
                for (key, (_, n)) in names {
                    spool.add(|w| w.record(key, &Entry::Names(n.clone())));
                }
                spool.commit()?;
            } else {
                let mut w = Writer(Vec::new());
                for (key, (_, n)) in names {
                    w.record(key, &Entry::Names(n.clone()));
                }
                if !w.0.is_empty() {
                    write_root_file(&dir.join(root_file_name(root)), root, &w.0)?;
                }
            }
        }
        prune_root_files(dir, MAX_FILES);
        Ok(())
    }
}

fn read_root_file(path: &Path, root: &Path) -> HashMap<FileKey, Entry> {
    // Regular files only, and capped: a FIFO or a huge file planted there is ignored.
    match crate::regular_file::read(path, MAX_FILE as u64) {
        Ok(bytes) => parse_root_file(&bytes, root).unwrap_or_default(),
        Err(_) => HashMap::new(),
    }
}

fn parse_root_file(bytes: &[u8], root: &Path) -> Option<HashMap<FileKey, Entry>> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    let len = r.u32()? as usize;
    let name = r.bytes(len)?;
    if name != crate::model::os_bytes(root.as_os_str()).as_ref() {
        return None;
    }
    let mut out = HashMap::new();
    while !r.0.is_empty() {
        let key = FileKey {
            dev: r.u64()?,
            ino: r.u64()?,
            size: r.u64()?,
            mtime_ns: r.u64()?.cast_signed(),
        };
        let entry = match r.u8()? {
            0 => Entry::Source(r.scanned()?),
            1 => Entry::Names(r.strings()?),
            _ => return None,
        };
        out.insert(key, entry);
    }
    Some(out)
}

/// Writes a root file: the header, then `body` (encoded records).
fn write_root_file(path: &Path, root: &Path, body: &[u8]) -> std::io::Result<()> {
    let name = crate::model::os_bytes(root.as_os_str());
    if name.len() > MAX_PATH {
        return Ok(());
    }
    let mut w = Writer(Vec::with_capacity(MAGIC.len() + 4 + name.len()));
    w.0.extend_from_slice(MAGIC);
    w.u32(name.len());
    w.0.extend_from_slice(&name);
    if w.0.len() + body.len() > MAX_FILE {
        return Ok(());
    }
    let mut out = CacheFile::create(path, MAX_FILE)?;
    out.append(&w.0)?;
    out.append(body)?;
    out.commit()
}

pub(super) const KINDS: [EdgeKind; 5] = [
    EdgeKind::Top,
    EdgeKind::Deferred,
    EdgeKind::Guarded,
    EdgeKind::TypeOnly,
    EdgeKind::Dynamic,
];

/// Appends the cache's little-endian encoding to a buffer.
#[derive(Debug)]
pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    /// One record: the identity, then the entry.
    fn record(&mut self, key: &FileKey, entry: &Entry) {
        for v in [key.dev, key.ino, key.size, key.mtime_ns.cast_unsigned()] {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
        match entry {
            Entry::Source(s) => {
                self.0.push(0);
                self.scanned(s);
            }
            Entry::Names(n) => {
                self.0.push(1);
                self.strings(n);
            }
        }
    }

    pub(super) fn u32(&mut self, v: usize) {
        let v = u32::try_from(v).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub(super) fn str(&mut self, s: &str) {
        self.u32(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    pub(super) fn strings(&mut self, v: &[String]) {
        self.u32(v.len());
        for s in v {
            self.str(s);
        }
    }

    fn scanned(&mut self, s: &Scanned) {
        self.u32(s.imports.len());
        for i in &s.imports {
            self.u32(i.level as usize);
            self.u32(i.line as usize);
            let kind = KINDS.iter().position(|k| *k == i.kind).unwrap_or(0);
            self.0.push(u8::try_from(kind).unwrap_or(0));
            self.0.push(u8::from(i.prefix));
            self.str(&i.module);
            self.strings(&i.names);
        }
        self.u32(s.literals.len());
        for (lit, line) in &s.literals {
            self.u32(*line as usize);
            self.str(lit);
        }
    }
}

/// A bounds-checked cursor: every read that would pass the end is `None`.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub(super) fn u8(&mut self) -> Option<u8> {
        Some(self.bytes(1)?[0])
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(4)?.try_into().ok()?))
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(8)?.try_into().ok()?))
    }

    pub(super) fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.bytes(n)?.to_vec()).ok()
    }

    /// A count of items each at least `min` bytes long: never more than the bytes left allow.
    pub(super) fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min)? <= self.0.len()).then_some(n)
    }

    pub(super) fn strings(&mut self) -> Option<Vec<String>> {
        let n = self.count(4)?;
        (0..n).map(|_| self.str()).collect()
    }

    fn scanned(&mut self) -> Option<Scanned> {
        let n = self.count(18)?;
        let mut imports = Vec::with_capacity(n);
        for _ in 0..n {
            let level = self.u32()?;
            let line = self.u32()?;
            let kind = *KINDS.get(self.u8()? as usize)?;
            let prefix = match self.u8()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            imports.push(RawImport {
                level,
                module: self.str()?,
                names: self.strings()?,
                prefix,
                line,
                kind,
            });
        }
        let n = self.count(8)?;
        let literals = (0..n)
            .map(|_| {
                let line = self.u32()?;
                Some((self.str()?, line))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Scanned { imports, literals })
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
