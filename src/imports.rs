//! What the code imports: a static import graph over every `.py` file of a bundle,
//! resolved as `CPython`'s path finder would on the Lambda `sys.path`, and what each file
//! is for a set of entry modules (reached, lazily reached, data or unreached).
//!
//! - [`scanner`]: a tolerant, tokenizer-level scan of one source for its imports.
//! - [`finder`]: module lookup over the tree (packages, namespace portions, extensions).
//! - [`graph`]: every source scanned in parallel and its imports resolved.
//! - [`cache`]: scans and extension names by file identity, kept between runs.
//! - [`graphcache`]: the resolved graph, kept between runs while no input changes.
//! - [`reach`]: the walk from the entries and each file's [`Reach`].
//! - [`lazy`]: top-level subtrees only lazily reached, with the import that makes each lazy.
//! - [`entries`]: `--entry` values and the default entries.
//! - [`cut`]: the `unreached` presets and what excluding an imported module breaks.
//! - [`why`]: the import chain to a module and who imports it.
//! - [`wire`]: the `heft.imports/1` JSON.

pub mod cache;
pub mod cut;
pub mod elf;
pub mod entries;
pub mod finder;
pub mod graph;
pub mod graphcache;
pub mod lazy;
mod lexer;
pub mod reach;
pub mod scanner;
pub mod stdlib;
pub mod why;
pub mod wire;

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use crate::bundle::Bundle;
use crate::model::{NodeId, Sizes};
use crate::zipsize::cache_home;
use cache::ParseCache;
use entries::Resolved;
use finder::ModId;
use graph::Graph;
use reach::{Link, Walk};

/// When an import runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// At module scope: runs when the importing module is imported.
    Top,
    /// Inside a function or method: runs when it is called.
    Deferred,
    /// Inside `try` whose handler catches `ImportError` (or a broader error): optional.
    Guarded,
    /// Under `if TYPE_CHECKING:`: never runs.
    TypeOnly,
    /// A string literal: `importlib.import_module("x")` in a function (at module scope it
    /// is `Top`), a computed name's literal prefix, a PEP 562 lookup table.
    Dynamic,
}

impl EdgeKind {
    /// The name used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Top => "top",
            EdgeKind::Deferred => "deferred",
            EdgeKind::Guarded => "guarded",
            EdgeKind::TypeOnly => "type-only",
            EdgeKind::Dynamic => "dynamic",
        }
    }
}

/// What a file is for the entries (ordered: a file takes the highest class that applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// Nothing the entries import needs it.
    Unreached,
    /// Not code, inside a reached package (or metadata of a used distribution): kept.
    Data,
    /// Imported only through deferred, guarded or dynamic imports.
    Lazy,
    /// Imported through module-scope imports from an entry.
    Reached,
    /// A source that could not be read for imports (kept, conservatively).
    Unparsed,
}

impl Reach {
    /// The name used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::Unreached => "unreached",
            Reach::Data => "data",
            Reach::Lazy => "lazy",
            Reach::Reached => "reached",
            Reach::Unparsed => "unparsed",
        }
    }
}

/// Sizes per reach class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReachSizes {
    /// Reached files.
    pub reached: Sizes,
    /// Lazily reached files.
    pub lazy: Sizes,
    /// Data and metadata kept with reached code.
    pub data: Sizes,
    /// Unreached files.
    pub unreached: Sizes,
    /// Sources that could not be read.
    pub unparsed: Sizes,
}

impl ReachSizes {
    fn add(&mut self, r: Reach, s: &Sizes) {
        match r {
            Reach::Reached => self.reached.add(s),
            Reach::Lazy => self.lazy.add(s),
            Reach::Data => self.data.add(s),
            Reach::Unreached => self.unreached.add(s),
            Reach::Unparsed => self.unparsed.add(s),
        }
    }
}

/// The import graph of a bundle and what its entries reach.
#[derive(Clone, Debug)]
pub struct Imports {
    /// The graph.
    pub graph: Graph,
    /// The entries as named (modules or files).
    pub entries: Vec<String>,
    /// Whether the entries are the default ones (import names of top-level distributions).
    pub default_entries: bool,
    /// Entries that resolve to nothing in the bundle.
    pub unresolved: Vec<String>,
    /// Per module: reach and first link.
    pub walk: Walk,
    /// Per node: its class (directories `Unreached`).
    pub reach: Vec<Reach>,
}

impl Imports {
    /// Builds the graph of `bundle` and walks it from `entries` (the default entries when empty).
    pub fn analyze(bundle: &Bundle, entries: &[String]) -> Imports {
        Self::analyze_cached(bundle, entries, &mut ParseCache::new())
    }

    /// Like [`Imports::analyze`], with the graph of an unchanged bundle and the scans of
    /// unchanged files taken from (and saved to) the user's cache under
    /// `$XDG_CACHE_HOME/heft/imports`; a cache that cannot be written only costs time next run.
    pub fn analyze_with_user_cache(bundle: &Bundle, entries: &[String]) -> Imports {
        match cache_home() {
            Some(home) => Self::analyze_in(bundle, entries, &home.join("imports")),
            None => Self::analyze(bundle, entries),
        }
    }

    /// Like [`Imports::analyze`], with the caches kept under `dir`: the stored graph when
    /// every input it was computed from is unchanged, else the graph built anew from the
    /// cached scans of unchanged files (and both saved for next time).
    pub fn analyze_in(bundle: &Bundle, entries: &[String], dir: &Path) -> Imports {
        let stdlib = stdlib::names(&bundle.target.python);
        let names = entry_names(bundle, entries);
        let inputs = graphcache::Inputs::of(bundle, &names);
        if let Some(inputs) = &inputs
            && let Some((graph, stored)) = graphcache::load(dir, bundle, &names, inputs)
        {
            let (imports, resolved) =
                Self::walk_graph(bundle, &stdlib, graph, entries, &mut ParseCache::new());
            // Entry files are found from the working directory: walked from other entries,
            // the stored graph may hold another set of extension modules' edges.
            if resolved == stored {
                return imports;
            }
        }
        let mut cache = ParseCache::load(dir.to_path_buf(), bundle);
        let graph = Graph::build(bundle, &stdlib, &mut cache);
        let (imports, resolved) = Self::walk_graph(bundle, &stdlib, graph, entries, &mut cache);
        // Saved (and its memory given back) before the graph is written.
        let _ = cache.save();
        if let Some(inputs) = &inputs {
            let _ = graphcache::save(dir, bundle, &names, inputs, &imports.graph, &resolved);
        }
        imports
    }

    /// Like [`Imports::analyze`], taking what unchanged files import from `cache` and
    /// recording what it reads there (the caller saves the cache).
    pub fn analyze_cached(bundle: &Bundle, entries: &[String], cache: &mut ParseCache) -> Imports {
        let stdlib = stdlib::names(&bundle.target.python);
        let graph = Graph::build(bundle, &stdlib, cache);
        Self::walk_graph(bundle, &stdlib, graph, entries, cache).0
    }

    /// Walks `graph` from the entries (reading extension modules as they are reached) and
    /// classifies every file; also returns the entries as resolved.
    fn walk_graph(
        bundle: &Bundle,
        stdlib: &HashSet<&str>,
        mut graph: Graph,
        entries: &[String],
        cache: &mut ParseCache,
    ) -> (Imports, Resolved) {
        let default_entries = entries.is_empty();
        let names = entry_names(bundle, entries);
        let resolved = entries::resolve(bundle, &mut graph, &names);
        let mut walk = Walk::run(bundle, &mut graph, &resolved.modules, &resolved.files);
        // Extension modules import from C; their names are only known once they are reached.
        loop {
            let before = graph.edges.len();
            let reached: Vec<ModId> = (0..graph.finder.modules.len() as u32)
                .map(ModId)
                .filter(|m| walk.of(*m).is_some())
                .filter(|m| graph.finder.module(*m).kind == finder::ModKind::Extension)
                .collect();
            graph.scan_extensions(bundle, stdlib, &reached, cache);
            if graph.edges.len() == before {
                break;
            }
            walk = Walk::run(bundle, &mut graph, &resolved.modules, &resolved.files);
        }
        let mut reach = reach::classify(bundle, &graph, &walk);
        for f in &resolved.files {
            if reach[f.index()] < Reach::Reached {
                reach[f.index()] = Reach::Reached;
            }
        }
        graph.finder.shrink();
        let imports = Imports {
            graph,
            entries: names,
            default_entries,
            unresolved: resolved.unresolved.clone(),
            walk,
            reach,
        };
        (imports, resolved)
    }

    /// The class of a node (a directory: `Unreached`).
    pub fn of(&self, id: NodeId) -> Reach {
        self.reach
            .get(id.index())
            .copied()
            .unwrap_or(Reach::Unreached)
    }

    /// Sizes per class, per distribution (indexed by `DistId`), and for the whole bundle.
    pub fn sizes(&self, bundle: &Bundle) -> (Vec<ReachSizes>, ReachSizes) {
        let mut per = vec![ReachSizes::default(); bundle.dists.len()];
        let mut all = ReachSizes::default();
        for id in bundle.tree.descendants(bundle.top) {
            let n = bundle.tree.node(id);
            if n.is_dir() {
                continue;
            }
            let r = self.of(id);
            all.add(r, &n.own);
            if let Some(d) = n.owner() {
                per[d.index()].add(r, &n.own);
            }
        }
        (per, all)
    }

    /// The shortest chain of links from an entry to module `m` (entry first), if reached.
    pub fn chain(&self, m: ModId) -> Vec<(ModId, Link)> {
        let mut out = Vec::new();
        let mut at = m;
        while let Some(link) = self.walk.links.get(at.index()).copied().flatten() {
            out.push((at, link));
            at = match link {
                Link::Entry => break,
                Link::Edge(i) => match self.graph.edges[i].from {
                    Some(from) => from,
                    None => break,
                },
                Link::Parent(child) => child,
            };
            if out.len() > 10_000 {
                break;
            }
        }
        out.reverse();
        out
    }

    /// The module a file is (its source, extension, or `__init__`), if any.
    pub fn module_of_file(&self, file: NodeId) -> Option<ModId> {
        self.graph.file_module.get(&file).copied().or_else(|| {
            self.graph
                .finder
                .modules
                .iter()
                .position(|m| m.file == Some(file))
                .map(|i| ModId(i as u32))
        })
    }
}

/// The entries as given, or the default entries when none are.
fn entry_names(bundle: &Bundle, entries: &[String]) -> Vec<String> {
    if entries.is_empty() {
        entries::default_entries(bundle)
    } else {
        entries.to_vec()
    }
}

#[cfg(test)]
mod tests;
