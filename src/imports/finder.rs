//! Module lookup as `CPython`'s path finder does it, over the bundle's tree: for each path
//! entry in order, a package directory (`name/__init__.*`), then an extension module with
//! the target's ABI tags, then `name.py`, then a sourceless `name.pyc`; directories
//! without `__init__` are PEP 420 namespace portions, merged across every entry.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::bundle::{Bundle, Target};
use crate::model::{NodeId, Tree};

/// Index of a module in [`Finder::modules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModId(pub u32);

impl ModId {
    /// The index as a `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How a module is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModKind {
    /// A directory with `__init__`.
    Package,
    /// `name.py`.
    Source,
    /// `name.pyc` beside where the source would be.
    Sourceless,
    /// `name.cpython-3X-<arch>-linux-gnu.so`, `name.abi3.so` or `name.so`.
    Extension,
    /// A PEP 420 namespace package (directories without `__init__`).
    Namespace,
}

/// One module the finder found.
#[derive(Clone, Debug)]
pub struct Module {
    /// Dotted name (boxed, as the module table of a 200k-source tree holds one per source).
    pub name: Box<str>,
    /// How it is stored.
    pub kind: ModKind,
    /// The file that runs (`__init__.py` for a package); `None` for a namespace package.
    pub file: Option<NodeId>,
    /// The package's `__path__` (empty for plain modules).
    pub dirs: Box<[NodeId]>,
}

/// Finds modules by dotted name; remembers every answer.
#[derive(Clone, Debug)]
pub struct Finder {
    path: Vec<NodeId>,
    suffixes: Vec<String>,
    /// Every module found so far.
    pub modules: Vec<Module>,
    // Tens of thousands of names are looked up per analysis: a fast hash for short keys.
    /// Modules found, by the hash of their name (checked against it): no second copy of
    /// every name (a 200k-source tree has a module per source).
    found: FxHashMap<u64, ModId>,
    /// Names that are no module, and modules whose name's hash another module holds.
    memo: FxHashMap<String, Option<ModId>>,
    /// Per directory searched: hashes of its children's names up to their first dot. A module
    /// `x` in a directory is a child named `x`, `x.py`, `x.pyc` or `x.<tag>.so`, so a stem that
    /// is not there needs no file name built and no child searched (most names looked up are
    /// strings of lazy modules that name nothing).
    stems: FxHashMap<NodeId, FxHashSet<u64>>,
}

impl Finder {
    /// A finder over the bundle's `sys.path`: each root's sites, roots in order.
    pub fn new(bundle: &Bundle) -> Finder {
        Finder {
            path: bundle
                .roots
                .iter()
                .flat_map(|r| r.sites.iter().copied())
                .collect(),
            suffixes: ext_suffixes(&bundle.target),
            modules: Vec::new(),
            found: FxHashMap::default(),
            memo: FxHashMap::default(),
            stems: FxHashMap::default(),
        }
    }

    /// A finder over `bundle` that already knows `modules` (a stored graph's), by name;
    /// `None` when two of them share a name.
    pub fn with_modules(bundle: &Bundle, modules: Vec<Module>) -> Option<Finder> {
        let mut f = Finder::new(bundle);
        f.found.reserve(modules.len());
        f.modules = modules;
        for i in 0..f.modules.len() {
            let id = ModId(u32::try_from(i).ok()?);
            let name = &f.modules[i].name;
            if f.known(name).is_some() {
                return None;
            }
            f.remember(&name.clone(), Some(id));
        }
        Some(f)
    }

    /// Forgets what is cheap to find again (each directory's stems, names that are no module),
    /// so a finder kept with its graph holds little beyond its modules.
    pub fn shrink(&mut self) {
        self.stems = FxHashMap::default();
        self.memo.retain(|_, m| m.is_some());
        self.memo.shrink_to_fit();
    }

    /// The path entries, in order.
    pub fn path(&self) -> &[NodeId] {
        &self.path
    }

    /// The extension-module suffixes for the target, most specific first.
    pub fn suffixes(&self) -> &[String] {
        &self.suffixes
    }

    /// The module behind an id.
    pub fn module(&self, id: ModId) -> &Module {
        &self.modules[id.index()]
    }

    /// The module `name` resolves to, if the bundle has it.
    pub fn find(&mut self, tree: &Tree, name: &str) -> Option<ModId> {
        if let Some(known) = self.known(name) {
            return known;
        }
        let found = self.lookup(tree, name);
        self.remember(name, found);
        found
    }

    /// The remembered answer for `name`, if it was looked up before.
    // Outer `None`: never looked up; inner `None`: looked up, and no module.
    #[allow(clippy::option_option)]
    fn known(&self, name: &str) -> Option<Option<ModId>> {
        if let Some(m) = self.found.get(&stem_hash(name.as_bytes()))
            && &*self.modules[m.index()].name == name
        {
            return Some(Some(*m));
        }
        self.memo.get(name).copied()
    }

    fn remember(&mut self, name: &str, answer: Option<ModId>) {
        if let Some(m) = answer
            && let std::collections::hash_map::Entry::Vacant(slot) =
                self.found.entry(stem_hash(name.as_bytes()))
        {
            slot.insert(m);
            return;
        }
        self.memo.insert(name.to_string(), answer);
    }

    fn lookup(&mut self, tree: &Tree, name: &str) -> Option<ModId> {
        if name.is_empty() || name.split('.').any(|p| !is_identifier(p)) {
            return None;
        }
        let (entries, last) = match name.rsplit_once('.') {
            Some((parent, last)) => {
                let p = self.find(tree, parent)?;
                (self.module(p).dirs.to_vec(), last)
            }
            None => (self.path.clone(), name),
        };
        let mut portions = Vec::new();
        for dir in entries {
            if !self.has_stem(tree, dir, last) {
                continue;
            }
            if let Some(d) = tree
                .child(dir, last.as_bytes())
                .filter(|d| tree.node(*d).is_dir())
            {
                if let Some(init) = self.module_file(tree, d, "__init__") {
                    return Some(self.add(name, ModKind::Package, Some(init.0), vec![d]));
                }
                portions.push(d);
            }
            if let Some((file, kind)) = self.module_file(tree, dir, last) {
                return Some(self.add(name, kind, Some(file), Vec::new()));
            }
        }
        (!portions.is_empty()).then(|| self.add(name, ModKind::Namespace, None, portions))
    }

    /// Whether some child of `dir` is named `stem` up to its first dot (or a name hashing alike).
    fn has_stem(&mut self, tree: &Tree, dir: NodeId, stem: &str) -> bool {
        let set = self.stems.entry(dir).or_insert_with(|| {
            tree.children(dir)
                .iter()
                .map(|c| {
                    let name = tree.name(*c);
                    stem_hash(name.split(|b| *b == b'.').next().unwrap_or(name))
                })
                .collect()
        });
        set.contains(&stem_hash(stem.as_bytes()))
    }

    /// `stem` as an extension module, source or sourceless module in `dir`.
    fn module_file(&self, tree: &Tree, dir: NodeId, stem: &str) -> Option<(NodeId, ModKind)> {
        let mut name = Vec::with_capacity(stem.len() + 48);
        let mut file = |suffix: &str| {
            name.clear();
            name.extend_from_slice(stem.as_bytes());
            name.extend_from_slice(suffix.as_bytes());
            tree.child(dir, &name).filter(|n| !tree.node(*n).is_dir())
        };
        if let Some(f) = self.suffixes.iter().find_map(|s| file(s)) {
            return Some((f, ModKind::Extension));
        }
        if let Some(f) = file(".py") {
            return Some((f, ModKind::Source));
        }
        Some((file(".pyc")?, ModKind::Sourceless))
    }

    fn add(&mut self, name: &str, kind: ModKind, file: Option<NodeId>, dirs: Vec<NodeId>) -> ModId {
        let id = ModId(self.modules.len() as u32);
        self.modules.push(Module {
            name: name.into(),
            kind,
            file,
            dirs: dirs.into_boxed_slice(),
        });
        id
    }
}

fn stem_hash(stem: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(stem);
    h.finish()
}

/// `.cpython-312-x86_64-linux-gnu.so`, `.abi3.so`, `.so` for a target.
pub fn ext_suffixes(target: &Target) -> Vec<String> {
    vec![
        format!(
            ".cpython-{}-{}-linux-gnu.so",
            target.python.replace('.', ""),
            target.machine
        ),
        ".abi3.so".to_string(),
        ".so".to_string(),
    ]
}

/// A Python identifier (ASCII letters, digits, `_`, or any non-ASCII byte; no leading digit).
pub fn is_identifier(part: &str) -> bool {
    let mut bytes = part.bytes();
    bytes
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_' || c >= 0x80)
        && bytes.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
}
