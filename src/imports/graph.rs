//! The import graph: every `.py` file of the bundle read once (in parallel) and scanned,
//! its module name found from its site, and each import resolved to a module of the bundle,
//! to the standard library (no edge), or to nothing (missing).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use super::EdgeKind;
use super::cache::ParseCache;
use super::finder::{Finder, ModId, is_identifier};
use super::scanner::{RawImport, Scanned, scan};
use crate::bundle::{Bundle, RootKind};
use crate::model::{NodeId, Tree};
use crate::regular_file;
use crate::zipsize::FileKey;

/// Sources read and resolved at a time (bounds the scans held at once).
const CHUNK: usize = 4096;

/// The most of one source file (or a compiled module searched for names) that is read:
/// generated modules reach ~10 MB; past this a file is `unparsed` and kept.
const SOURCE_CAP: u64 = 64 << 20;

/// A source: its place in path order, node, identity (and whether it was read this run),
/// and scan (or why not).
type SourceScan = (
    usize,
    NodeId,
    Option<(FileKey, bool)>,
    Result<Scanned, String>,
);

/// An extension module read this run: its place in the list asked for, its module, file,
/// identity and dotted names.
type ExtensionScan = (usize, ModId, NodeId, Option<FileKey>, Vec<String>);

/// One resolved import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The importing file.
    pub file: NodeId,
    /// The importing module (`None` for a file nothing can import, such as a script).
    pub from: Option<ModId>,
    /// The module imported.
    pub to: ModId,
    /// When it runs.
    pub kind: EdgeKind,
    /// Line of the import in `file`.
    pub line: u32,
}

/// An import that resolves nowhere (neither the bundle nor the standard library).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The dotted name as imported (made absolute).
    pub module: String,
    /// The importing file.
    pub file: NodeId,
    /// Line of the import.
    pub line: u32,
    /// When it runs.
    pub kind: EdgeKind,
}

/// The bundle's import graph.
#[derive(Clone, Debug)]
pub struct Graph {
    /// Modules found, by id.
    pub finder: Finder,
    /// Every edge, grouped by importing file.
    pub edges: Vec<Edge>,
    /// Per importing file (extension modules read included, even without edges): its edges.
    pub(super) file_edges: HashMap<NodeId, Range<usize>>,
    /// The module each importable source file is.
    pub file_module: HashMap<NodeId, ModId>,
    /// Imports that resolve nowhere.
    pub missing: Vec<Missing>,
    /// Source files that could not be read, with why.
    pub unparsed: Vec<(NodeId, String)>,
    /// How many source files were scanned.
    pub scanned: usize,
}

impl Graph {
    /// Reads and scans every `.py` file of `bundle` (or takes its scan from `cache` when
    /// the walk saw the identity it was cached for) and resolves the imports.
    pub fn build(bundle: &Bundle, stdlib: &HashSet<&str>, cache: &mut ParseCache) -> Graph {
        let tree = &bundle.tree;
        // Sources in path order (not node order, which the parallel walk varies between
        // loads): modules are numbered and edges listed alike on every run.
        let (sources, archived) = source_files(bundle);
        let sites: HashSet<NodeId> = bundle
            .roots
            .iter()
            .flat_map(|r| r.sites.iter().copied())
            .collect();
        let mut g = Graph {
            finder: Finder::new(bundle),
            edges: Vec::new(),
            file_edges: HashMap::new(),
            file_module: HashMap::new(),
            missing: Vec::new(),
            unparsed: Vec::new(),
            scanned: sources.len(),
        };
        for id in &sources {
            if let Some(name) = module_name(tree, &sites, *id)
                && let Some(m) = g.finder.find(tree, &name)
                && g.finder.module(m).file == Some(*id)
            {
                g.file_module.insert(*id, m);
            }
        }
        // The modules of the sources, by name, for `import_module(f"pkg.{x}")`.
        let modules = &g.finder.modules;
        let mut known: Vec<ModId> = (0..modules.len() as u32).map(ModId).collect();
        known.sort_unstable_by(|a, b| modules.name(*a).cmp(modules.name(*b)));
        // A chunk at a time (read in parallel, resolved in order): what a chunk imports is
        // dropped, or kept encoded by the cache, before the next chunk is read.
        let mut unparsed = Vec::new();
        for chunk in sources.chunks(CHUNK) {
            for (id, why) in g.scan_chunk(bundle, stdlib, &known, chunk, cache) {
                unparsed.push((id, why));
            }
        }
        unparsed.extend(archived);
        g.unparsed = unparsed;
        g
    }

    /// Scans `chunk` (sources in path order; cached scans taken from `cache`, the others
    /// read in parallel) and resolves each in order; returns the sources that could not be read.
    fn scan_chunk(
        &mut self,
        bundle: &Bundle,
        stdlib: &HashSet<&str>,
        known: &[ModId],
        chunk: &[NodeId],
        cache: &mut ParseCache,
    ) -> Vec<(NodeId, String)> {
        let tree = &bundle.tree;
        let mut scans: Vec<SourceScan> = Vec::with_capacity(chunk.len());
        let mut misses = Vec::new();
        for (at, &id) in chunk.iter().enumerate() {
            let hit =
                ParseCache::key_of(bundle, id).and_then(|k| Some((k, cache.take_source(&k)?)));
            match hit {
                Some((key, s)) => scans.push((at, id, Some((key, false)), Ok(s))),
                None => misses.push((at, id)),
            }
        }
        scans.par_extend(misses.into_par_iter().map(|(at, id)| {
            let (key, read) = read_source(&tree.path(id));
            let scan = read.map(|bytes| scan(&bytes));
            (at, id, key.map(|k| (k, true)), scan)
        }));
        scans.sort_unstable_by_key(|s| s.0);
        let mut unparsed = Vec::new();
        for (_, id, key, result) in scans {
            match result {
                Ok(s) => {
                    self.resolve_file(tree, stdlib, known, id, &s);
                    if let (Some((key, fresh)), Some(root)) = (key, bundle.root_of(id)) {
                        cache.put_source(root, key, s, fresh);
                    }
                }
                Err(why) => unparsed.push((id, why)),
            }
        }
        unparsed
    }

    /// Adds `dynamic` edges from extension modules to the modules their C code names
    /// (`PyImport_ImportModule("numpy._core._exceptions")` leaves the name in `.rodata`):
    /// dotted strings that resolve in the bundle. Each file is read once, in parallel.
    pub fn scan_extensions(
        &mut self,
        bundle: &Bundle,
        stdlib: &HashSet<&str>,
        modules: &[ModId],
        cache: &mut ParseCache,
    ) {
        let tree = &bundle.tree;
        // Tagged with their place in `modules`, so edges are added in that order.
        let mut found: Vec<(usize, ModId, NodeId, Vec<String>)> = Vec::new();
        let mut misses = Vec::new();
        for (at, m) in modules.iter().enumerate() {
            let Some(f) = self.finder.module(*m).file else {
                continue;
            };
            if self.file_edges.contains_key(&f) {
                continue;
            }
            let key = ParseCache::key_of(bundle, f);
            let root = bundle.root_of(f).unwrap_or(0);
            match key.and_then(|k| cache.names(root, &k)) {
                Some(names) => found.push((at, *m, f, names)),
                None => misses.push((at, *m, f, key)),
            }
        }
        let fresh: Vec<ExtensionScan> = misses
            .into_par_iter()
            .map(|(at, m, f, key)| {
                let path = tree.path(f);
                // Not ELF (a test fixture, another platform): every byte is searched.
                let bytes = super::elf::read_rodata(&path)
                    .or_else(|| regular_file::read(&path, SOURCE_CAP).ok());
                let names = bytes.map(|b| dotted_strings(&b)).unwrap_or_default();
                (at, m, f, key, names)
            })
            .collect();
        for (at, m, f, key, names) in fresh {
            if let (Some(key), Some(root)) = (key, bundle.root_of(f)) {
                cache.put_names(root, key, names.clone());
            }
            found.push((at, m, f, names));
        }
        found.sort_unstable_by_key(|f| f.0);
        for (_, m, file, names) in found {
            let start = self.edges.len();
            let package = self
                .finder
                .module(m)
                .name
                .rsplit_once('.')
                .map(|(p, _)| p.to_string());
            let siblings = sibling_sources(tree, file, package.as_deref());
            let mut r = Resolver {
                g: self,
                tree,
                stdlib,
                file,
                from: Some(m),
                seen: HashSet::new(),
            };
            for name in names.iter().chain(&siblings) {
                r.literal(name, None, 0);
            }
            self.file_edges.insert(file, start..self.edges.len());
        }
    }

    /// The edges out of `file`.
    pub fn edges_of(&self, file: NodeId) -> &[Edge] {
        &self.edges[self.edge_range(file)]
    }

    /// Indices in [`Graph::edges`] of the edges out of `file`.
    pub fn edge_range(&self, file: NodeId) -> Range<usize> {
        self.file_edges.get(&file).cloned().unwrap_or(0..0)
    }

    fn resolve_file(
        &mut self,
        tree: &Tree,
        stdlib: &HashSet<&str>,
        known: &[ModId],
        file: NodeId,
        s: &Scanned,
    ) {
        let start = self.edges.len();
        let from = self.file_module.get(&file).copied();
        let package = from.map(|m| {
            let m = self.finder.module(m);
            if m.dirs.is_empty() {
                m.name
                    .rsplit_once('.')
                    .map(|(p, _)| p.to_string())
                    .unwrap_or_default()
            } else {
                m.name.to_string()
            }
        });
        let mut r = Resolver {
            g: self,
            tree,
            stdlib,
            file,
            from,
            seen: HashSet::new(),
        };
        for imp in &s.imports {
            let Some(name) = absolute(imp, package.as_deref()) else {
                continue;
            };
            if imp.prefix {
                r.prefix(known, &name, imp);
            } else {
                r.import(&name, imp);
            }
        }
        for (lit, line) in &s.literals {
            r.literal(lit, package.as_deref(), *line);
        }
        if self.edges.len() > start {
            self.file_edges.insert(file, start..self.edges.len());
        }
    }
}

struct Resolver<'g, 't> {
    g: &'g mut Graph,
    tree: &'t Tree,
    stdlib: &'t HashSet<&'t str>,
    file: NodeId,
    from: Option<ModId>,
    seen: HashSet<(ModId, EdgeKind)>,
}

impl Resolver<'_, '_> {
    fn edge(&mut self, to: ModId, kind: EdgeKind, line: u32) {
        if Some(to) != self.from && self.seen.insert((to, kind)) {
            self.g.edges.push(Edge {
                file: self.file,
                from: self.from,
                to,
                kind,
                line,
            });
        }
    }

    /// `import a.b.c` (or `from a.b import c`, trying the submodule `a.b.c` first).
    fn import(&mut self, name: &str, imp: &RawImport) {
        let names: Vec<&str> = imp
            .names
            .iter()
            .map(String::as_str)
            .filter(|n| *n != "*")
            .collect();
        let Some(base) = self.g.finder.find(self.tree, name) else {
            self.unresolved(name, imp);
            return;
        };
        let mut to_base = names.is_empty();
        for n in names {
            match self.g.finder.find(self.tree, &format!("{name}.{n}")) {
                Some(sub) => self.edge(sub, imp.kind, imp.line),
                None => to_base = true,
            }
        }
        if to_base {
            self.edge(base, imp.kind, imp.line);
        }
    }

    /// A name that is not in the bundle: the standard library, or an edge to the longest
    /// prefix that exists plus a missing entry.
    fn unresolved(&mut self, name: &str, imp: &RawImport) {
        let top = name.split('.').next().unwrap_or_default();
        let mut prefix = name;
        while let Some((p, _)) = prefix.rsplit_once('.') {
            prefix = p;
            if let Some(m) = self.g.finder.find(self.tree, prefix) {
                self.edge(m, imp.kind, imp.line);
                break;
            }
        }
        if prefix == top && self.stdlib.contains(top) {
            return;
        }
        self.g.missing.push(Missing {
            module: name.to_string(),
            file: self.file,
            line: imp.line,
            kind: imp.kind,
        });
    }

    /// `import_module(f"pkg.{x}")`: every direct submodule under the prefix.
    fn prefix(&mut self, known: &[ModId], name: &str, imp: &RawImport) {
        let whole = imp.module.is_empty() || imp.module.ends_with('.');
        let (package, stem) = match name.rsplit_once('.') {
            _ if whole => (name, ""),
            Some((p, s)) => (p, s),
            None => ("", name),
        };
        let lead = if package.is_empty() {
            stem.to_string()
        } else {
            format!("{package}.{stem}")
        };
        let skip = if package.is_empty() {
            0
        } else {
            package.len() + 1
        };
        let name_of = |m: &ModId| self.g.finder.module(*m).name;
        let start = known.partition_point(|k| name_of(k) < lead.as_str());
        let hits: Vec<ModId> = known[start..]
            .iter()
            .take_while(|k| name_of(k).starts_with(&lead))
            .filter(|k| name_of(k).len() > skip && !name_of(k)[skip..].contains('.'))
            .copied()
            .collect();
        for m in hits {
            self.edge(m, imp.kind, imp.line);
        }
    }

    /// A module-name string of a lazy module: a module, a module's attribute
    /// (`pkg.mod.Class`), or a submodule named relative to the package.
    fn literal(&mut self, lit: &str, package: Option<&str>, line: u32) {
        let mut candidates = vec![lit.to_string()];
        if let Some((parent, _)) = lit.rsplit_once('.') {
            candidates.push(parent.to_string());
        }
        if let Some(p) = package.filter(|p| !p.is_empty()) {
            candidates.push(format!("{p}.{}", lit.trim_start_matches('.')));
        }
        if let Some(m) = candidates
            .iter()
            .find_map(|c| self.g.finder.find(self.tree, c))
        {
            self.edge(m, EdgeKind::Dynamic, line);
        }
    }
}

/// The absolute dotted name of an import, given the importer's package.
fn absolute(imp: &RawImport, package: Option<&str>) -> Option<String> {
    if imp.level == 0 {
        return (!imp.module.is_empty()).then(|| imp.module.trim_end_matches('.').to_string());
    }
    let package = package?;
    let mut parts: Vec<&str> = package.split('.').filter(|p| !p.is_empty()).collect();
    let up = imp.level as usize - 1;
    if up > parts.len() || parts.is_empty() {
        return None;
    }
    parts.truncate(parts.len() - up);
    let mut name = parts.join(".");
    let module = imp.module.trim_end_matches('.');
    if !module.is_empty() && !name.is_empty() {
        name.push('.');
    }
    name.push_str(module);
    (!name.is_empty()).then_some(name)
}

/// Reads a source (regular files only and capped: it may be a link to /dev/zero or a FIFO
/// swapped in after the walk) with the identity of what was read, from the open file.
fn read_source(path: &std::path::Path) -> (Option<FileKey>, Result<Vec<u8>, String>) {
    let unreadable = |e: regular_file::FileError| format!("unreadable: {e}");
    let file = match regular_file::open(path) {
        Ok(f) => f,
        Err(e) => return (None, Err(unreadable(e))),
    };
    let meta = file.metadata().ok();
    let key = meta.as_ref().and_then(FileKey::of);
    let hint = meta.map_or(0, |m| m.len());
    let read = regular_file::read_capped(file, SOURCE_CAP, hint, path).map_err(unreadable);
    (key, read)
}

/// `.py` files of directory roots in path order; sources inside archives are listed as not read.
fn source_files(bundle: &Bundle) -> (Vec<NodeId>, Vec<(NodeId, String)>) {
    let tree = &bundle.tree;
    let mut read = Vec::new();
    let mut skipped = Vec::new();
    for root in &bundle.roots {
        for id in tree.descendants(root.node) {
            let n = tree.node(id);
            if n.is_dir() || !tree.name(id).ends_with(b".py") {
                continue;
            }
            if root.kind == RootKind::SitePackages {
                read.push(id);
            } else {
                skipped.push((id, "inside an archive: not read".to_string()));
            }
        }
    }
    (read, skipped)
}

/// The dotted module name of a source file under its deepest site, if every part is an identifier.
pub fn module_name<S: std::hash::BuildHasher>(
    tree: &Tree,
    sites: &HashSet<NodeId, S>,
    file: NodeId,
) -> Option<String> {
    let mut parts = Vec::new();
    let stem = String::from_utf8_lossy(tree.name(file));
    let stem = stem.strip_suffix(".py")?;
    if stem != "__init__" {
        parts.push(stem.to_string());
    }
    let mut at = tree.parent(file)?;
    while !sites.contains(&at) {
        parts.push(String::from_utf8_lossy(tree.name(at)).into_owned());
        at = tree.parent(at)?;
    }
    parts.reverse();
    (!parts.is_empty() && parts.iter().all(|p| is_identifier(p))).then(|| parts.join("."))
}

/// Cython compresses its string constants, so the modules a compiled module imports may not
/// be readable: its sibling `.py` modules count as imported (dynamically) instead.
fn sibling_sources(tree: &Tree, file: NodeId, package: Option<&str>) -> Vec<String> {
    let (Some(dir), Some(package)) = (tree.parent(file), package) else {
        return Vec::new();
    };
    tree.children(dir)
        .iter()
        .filter_map(|c| {
            let name = String::from_utf8_lossy(tree.name(*c));
            let stem = name.strip_suffix(".py")?;
            (stem != "__init__" && is_identifier(stem)).then(|| format!("{package}.{stem}"))
        })
        .collect()
}

/// Distinct NUL-terminated dotted identifiers (`a.b`, at most 200 bytes) in binary data.
fn dotted_strings(bytes: &[u8]) -> Vec<String> {
    let mut out = HashSet::new();
    for run in bytes.split(|b| *b == 0) {
        if run.len() < 3 || run.len() > 200 || !run.contains(&b'.') {
            continue;
        }
        let ok = run.split(|b| *b == b'.').all(|p| {
            p.first()
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                && p.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
        });
        if ok {
            out.insert(String::from_utf8_lossy(run).into_owned());
        }
    }
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort_unstable();
    v
}
