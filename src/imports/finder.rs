//! Module lookup as `CPython`'s path finder does it, over the bundle's tree: for each path
//! entry in order, a package directory (`name/__init__.*`), then an extension module with
//! the target's ABI tags, then `name.py`, then a sourceless `name.pyc`; directories
//! without `__init__` are PEP 420 namespace portions, merged across every entry.

mod table;

use std::hash::Hasher;

use hashbrown::HashTable;
use rustc_hash::{FxHashSet, FxHasher};

use crate::bundle::{Bundle, Target};
use crate::model::{NodeId, Tree};

pub use table::{MAX_NAME, Module, Modules};

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

/// Finds modules by dotted name; remembers every answer.
#[derive(Clone, Debug)]
pub struct Finder {
    path: Vec<NodeId>,
    suffixes: Vec<String>,
    /// Every module found so far.
    pub modules: Modules,
    /// Modules found, by the hash of their name: the table holds the names, so 4 bytes
    /// a module (a 200k-source tree has a module per source).
    found: HashTable<ModId>,
    /// Names that are no module. Tens of thousands of names are looked up per analysis:
    /// a fast hash for short keys.
    absent: FxHashSet<Box<str>>,
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
            modules: Modules::default(),
            found: HashTable::new(),
            absent: FxHashSet::default(),
        }
    }

    /// A finder over `bundle` that already knows `modules` (a stored graph's), by name;
    /// `None` when two of them share a name.
    pub fn with_modules(bundle: &Bundle, modules: Modules) -> Option<Finder> {
        let mut f = Finder::new(bundle);
        f.found = HashTable::with_capacity(modules.len());
        f.modules = modules;
        for i in 0..f.modules.len() {
            let id = ModId(u32::try_from(i).ok()?);
            let name = f.modules.name(id);
            if f.known(name).is_some() {
                return None;
            }
            f.index(id);
        }
        Some(f)
    }

    /// Forgets what is cheap to find again (names that are no module), so a finder kept
    /// with its graph holds little beyond its modules.
    pub fn shrink(&mut self) {
        self.absent = FxHashSet::default();
        self.modules.shrink();
        self.found
            .shrink_to_fit(|m| name_hash(self.modules.name(*m)));
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
    pub fn module(&self, id: ModId) -> Module<'_> {
        self.modules.get(id)
    }

    /// The module `name` resolves to, if the bundle has it.
    pub fn find(&mut self, tree: &Tree, name: &str) -> Option<ModId> {
        if let Some(known) = self.known(name) {
            return known;
        }
        let found = self.lookup(tree, name);
        if found.is_none() {
            self.absent.insert(name.into());
        }
        found
    }

    /// The remembered answer for `name`, if it was looked up before.
    // Outer `None`: never looked up; inner `None`: looked up, and no module.
    #[allow(clippy::option_option)]
    fn known(&self, name: &str) -> Option<Option<ModId>> {
        let modules = &self.modules;
        if let Some(m) = self
            .found
            .find(name_hash(name), |m| modules.name(*m) == name)
        {
            return Some(Some(*m));
        }
        self.absent.contains(name).then_some(None)
    }

    /// Makes module `id` found by its name.
    fn index(&mut self, id: ModId) {
        let modules = &self.modules;
        self.found
            .insert_unique(name_hash(modules.name(id)), id, |m| {
                name_hash(modules.name(*m))
            });
    }

    fn lookup(&mut self, tree: &Tree, name: &str) -> Option<ModId> {
        if name.is_empty() || name.len() > MAX_NAME || name.split('.').any(|p| !is_identifier(p)) {
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
            if !has_stem(tree, dir, last.as_bytes()) {
                continue;
            }
            if let Some(d) = tree
                .child(dir, last.as_bytes())
                .filter(|d| tree.node(*d).is_dir())
            {
                if let Some(init) = self.module_file(tree, d, "__init__") {
                    return self.add(name, ModKind::Package, Some(init.0), &[d]);
                }
                portions.push(d);
            }
            if let Some((file, kind)) = self.module_file(tree, dir, last) {
                return self.add(name, kind, Some(file), &[]);
            }
        }
        if portions.is_empty() {
            return None;
        }
        self.add(name, ModKind::Namespace, None, &portions)
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

    fn add(
        &mut self,
        name: &str,
        kind: ModKind,
        file: Option<NodeId>,
        dirs: &[NodeId],
    ) -> Option<ModId> {
        let id = self.modules.push(name, kind, file, dirs)?;
        self.index(id);
        Some(id)
    }
}

/// Whether some child of `dir` is named `stem` or `stem.` and more. A module `x` in a
/// directory is a child named `x`, `x.py`, `x.pyc` or `x.<tag>.so`, so a stem that is not
/// there needs no file name built and no child searched (most names looked up are strings
/// of lazy modules that name nothing). Children are sorted by name: two binary searches,
/// and nothing kept per directory.
fn has_stem(tree: &Tree, dir: NodeId, stem: &[u8]) -> bool {
    let children = tree.children(dir);
    let at = children.partition_point(|c| tree.name(*c) < stem);
    let Some(&first) = children.get(at) else {
        return false;
    };
    if tree.name(first) == stem {
        return true;
    }
    // Names starting `stem.` sort after `stem` and after `stem` with a byte below `.`
    // (`stem-x`): the first name not below `stem.` is one if any is.
    let rest = &children[at..];
    let dotted = rest.partition_point(|c| tree.name(*c).iter().lt(stem.iter().chain(b".")));
    rest.get(dotted).is_some_and(|c| {
        let n = tree.name(*c);
        n.len() > stem.len() && n.starts_with(stem) && n[stem.len()] == b'.'
    })
}

fn name_hash(name: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(name.as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeKind, Sizes};

    fn dir_of(names: &[&str]) -> (Tree, NodeId) {
        let mut t = Tree::new();
        let root = t.add_root(b"site");
        for n in names {
            t.add_child(root, n.as_bytes(), NodeKind::File, Sizes::default());
        }
        t.sort_children();
        (t, root)
    }

    #[test]
    fn a_stem_is_found_by_name_alone_or_before_a_dot_and_not_as_a_mere_prefix() {
        let (t, d) = dir_of(&[
            "x!",
            "x-b",
            "x.cpython-312.so",
            "xa",
            "y",
            "z-a",
            "z_",
            "za",
        ]);
        assert!(has_stem(&t, d, b"x"), "x.<tag>.so after x! and x-b");
        assert!(has_stem(&t, d, b"y"), "a child named y");
        assert!(!has_stem(&t, d, b"z"), "z-a, z_, za only start with z");
        assert!(!has_stem(&t, d, b"w") && !has_stem(&t, d, b"zz"));
        let (t, d) = dir_of(&[]);
        assert!(!has_stem(&t, d, b"x"));
    }

    #[test]
    fn a_finder_rebuilt_from_its_modules_finds_each_by_name_and_refuses_a_twice_named_table() {
        let (t, _) = dir_of(&["a.py"]);
        let bundle = Bundle {
            tree: t,
            ..Bundle::default()
        };
        let mut modules = Modules::default();
        for name in ["a", "a.b", "b"] {
            modules.push(name, ModKind::Source, None, &[]).unwrap();
        }
        let mut f = Finder::with_modules(&bundle, modules.clone()).unwrap();
        assert_eq!(f.find(&bundle.tree, "a.b"), Some(ModId(1)));
        assert_eq!(f.find(&bundle.tree, "b"), Some(ModId(2)));
        modules.push("a.b", ModKind::Source, None, &[]).unwrap();
        assert!(Finder::with_modules(&bundle, modules).is_none());
    }
}
