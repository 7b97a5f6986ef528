//! What stripping `.so` files would save: the sizes of their `.symtab`, `.strtab` and
//! `.debug_*` sections, read from ELF section headers only (never the whole file).
//!
//! Files under a `*.libs/` directory are never candidates: auditwheel grafts those and
//! `strip` corrupts them ("ELF load command address/offset not page-aligned"). Reading
//! headers is I/O, so [`strip_savings`] runs once (in the background if need be) and the
//! evaluation reads the [`StripSavings`] it returns.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

use object::read::ReadRef;
use object::read::elf::{FileHeader, SectionHeader};
use object::{FileKind, ReadCache, elf};
use rayon::prelude::*;

use crate::bundle::{Bundle, RootKind};
use crate::model::{NodeId, NodeKind, Tree};

/// Per-file bytes `strip` would remove, for files with a nonzero saving.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StripSavings {
    bytes: HashMap<NodeId, u64>,
}

impl StripSavings {
    /// Savings from `(node, bytes)` pairs (zero savings are dropped).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (NodeId, u64)>) -> StripSavings {
        StripSavings {
            bytes: pairs.into_iter().filter(|(_, b)| *b > 0).collect(),
        }
    }

    /// The saving of one file, if it has one.
    pub fn get(&self, id: NodeId) -> Option<u64> {
        self.bytes.get(&id).copied()
    }

    /// Files with a saving, in node order.
    pub fn files(&self) -> impl Iterator<Item = NodeId> + '_ {
        let mut ids: Vec<NodeId> = self.bytes.keys().copied().collect();
        ids.sort_unstable();
        ids.into_iter()
    }

    /// Sum of every saving.
    pub fn total(&self) -> u64 {
        self.bytes.values().sum()
    }
}

/// A file as the cache knows it: path, size and modification time.
type FileKey = (PathBuf, u64, Option<SystemTime>);

/// Savings already read, keyed by path, size and modification time.
#[derive(Clone, Debug, Default)]
pub struct StripCache {
    seen: HashMap<FileKey, u64>,
}

/// Whether a node is a shared library `strip` may touch: a file named `*.so` or `*.so.N`
/// with no `*.libs` directory above it.
pub fn is_candidate(tree: &Tree, id: NodeId) -> bool {
    if tree.node(id).kind != NodeKind::File {
        return false;
    }
    let name = tree.name(id);
    let is_so = name.ends_with(b".so") || name.windows(4).any(|w| w == b".so.");
    if !is_so {
        return false;
    }
    let mut at = tree.parent(id);
    while let Some(dir) = at {
        if tree.name(dir).ends_with(b".libs") {
            return false;
        }
        at = tree.parent(dir);
    }
    true
}

/// Reads the section headers of every candidate file of the directory roots (archives are
/// skipped), in parallel, reusing `cache`.
pub fn strip_savings(bundle: &Bundle, cache: &mut StripCache) -> StripSavings {
    let mut jobs: Vec<(NodeId, PathBuf, u64)> = Vec::new();
    for root in &bundle.roots {
        if root.kind != RootKind::SitePackages {
            continue;
        }
        for id in bundle.tree.descendants(root.node) {
            if is_candidate(&bundle.tree, id) {
                let size = bundle.tree.node(id).own.bytes;
                jobs.push((id, bundle.tree.path(id), size));
            }
        }
    }
    let read: Vec<(NodeId, FileKey, u64)> = jobs
        .into_par_iter()
        .filter_map(|(id, path, size)| {
            let mtime = std::fs::metadata(&path).ok()?.modified().ok();
            let key = (path, size, mtime);
            let bytes = match cache.seen.get(&key) {
                Some(b) => *b,
                None => file_strip_bytes(&key.0).unwrap_or(0),
            };
            Some((id, key, bytes))
        })
        .collect();
    let mut pairs = Vec::with_capacity(read.len());
    for (id, key, bytes) in read {
        cache.seen.insert(key, bytes);
        pairs.push((id, bytes));
    }
    StripSavings::from_pairs(pairs)
}

/// Bytes of symbol-table and debug sections in the ELF file at `path` (`None` if not ELF).
pub fn file_strip_bytes(path: &std::path::Path) -> Option<u64> {
    let file = crate::regular_file::open_no_follow(path).ok()?;
    let cache = ReadCache::new(file);
    elf_strip_bytes(&cache)
}

/// Bytes of `.symtab`, `.strtab`, `.debug_*` and `.zdebug_*` sections in ELF `data`.
pub fn elf_strip_bytes<'data, R: ReadRef<'data>>(data: R) -> Option<u64> {
    match FileKind::parse(data).ok()? {
        FileKind::Elf32 => sections_bytes::<elf::FileHeader32<object::Endianness>, R>(data),
        FileKind::Elf64 => sections_bytes::<elf::FileHeader64<object::Endianness>, R>(data),
        _ => None,
    }
}

fn sections_bytes<'data, H: FileHeader, R: ReadRef<'data>>(data: R) -> Option<u64> {
    let header = H::parse(data).ok()?;
    let endian = header.endian().ok()?;
    let table = header.sections(endian, data).ok()?;
    let mut total = 0u64;
    for section in table.iter() {
        if section.sh_type(endian) == elf::SHT_NOBITS {
            continue;
        }
        let name = table.section_name(endian, section).unwrap_or_default();
        let strippable = name == b".symtab"
            || name == b".strtab"
            || name.starts_with(b".debug")
            || name.starts_with(b".zdebug");
        if strippable {
            total += section.sh_size(endian).into();
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sizes;

    #[test]
    fn libs_directories_are_never_strip_candidates() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let libs = t.add_child(root, b"numpy.libs", NodeKind::Dir, Sizes::default());
        let grafted = t.add_child(libs, b"libopenblas.so.0", NodeKind::File, Sizes::default());
        let pkg = t.add_child(root, b"numpy", NodeKind::Dir, Sizes::default());
        let ext = t.add_child(
            pkg,
            b"_core.cpython-312.so",
            NodeKind::File,
            Sizes::default(),
        );
        let versioned = t.add_child(pkg, b"libx.so.1.2", NodeKind::File, Sizes::default());
        let py = t.add_child(pkg, b"so.py", NodeKind::File, Sizes::default());
        assert!(!is_candidate(&t, grafted));
        assert!(is_candidate(&t, ext));
        assert!(is_candidate(&t, versioned));
        assert!(!is_candidate(&t, py));
    }

    #[test]
    fn non_elf_data_has_no_saving() {
        assert_eq!(elf_strip_bytes(&b"not an elf file at all"[..]), None);
    }

    #[test]
    fn the_test_binary_has_a_symbol_table_to_strip() {
        // The running test binary is an ELF file with a .symtab on Linux.
        let exe = std::env::current_exe().unwrap();
        if cfg!(target_os = "linux") {
            let bytes = file_strip_bytes(&exe).unwrap();
            assert!(bytes > 0, "a debug test binary has symbols");
        }
    }
}
