//! Reachability from entry modules: modules reached through `top` edges, lazily through any
//! edge that can run, then every file of the bundle classified (module files, their
//! `__pycache__`, shared libraries extension modules load, data of reached packages,
//! metadata of used distributions).

use std::collections::VecDeque;
use std::path::Path;

use super::elf::read_needs;
use super::finder::{ModId, ModKind};
use super::graph::Graph;
use super::{EdgeKind, Reach};
use crate::bundle::Bundle;
use crate::model::{NodeId, Tree};

/// How a module was first reached (for the shortest chain from an entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// It is an entry.
    Entry,
    /// Through the edge at this index of [`Graph::edges`].
    Edge(usize),
    /// As the parent package of this module (importing `a.b` runs `a`).
    Parent(ModId),
}

/// Per-module reach and the link that first reached each module.
#[derive(Clone, Debug, Default)]
pub struct Walk {
    /// Per module: `Reached`, `Lazy`, or `None`.
    pub reach: Vec<Option<Reach>>,
    /// Per module: how it was reached.
    pub links: Vec<Option<Link>>,
}

impl Walk {
    /// Walks from `entries` (modules) and `files` (entry files that are not modules).
    pub fn run(bundle: &Bundle, graph: &mut Graph, entries: &[ModId], files: &[NodeId]) -> Walk {
        // Sized for the modules known (a walk may find a few more): two lists as long as
        // the module table, which grew by doubling from empty.
        let n = graph.finder.modules.len();
        let mut w = Walk {
            reach: Vec::with_capacity(n),
            links: Vec::with_capacity(n),
        };
        w.phase(bundle, graph, entries, files, Reach::Reached);
        w.phase(bundle, graph, entries, files, Reach::Lazy);
        w
    }

    fn phase(
        &mut self,
        bundle: &Bundle,
        graph: &mut Graph,
        entries: &[ModId],
        files: &[NodeId],
        reach: Reach,
    ) {
        let follows = |k: EdgeKind| match reach {
            Reach::Reached => k == EdgeKind::Top,
            _ => k != EdgeKind::TypeOnly,
        };
        let mut seen = vec![false; graph.finder.modules.len()];
        let mut queue: VecDeque<(ModId, Link)> =
            entries.iter().map(|m| (*m, Link::Entry)).collect();
        for f in files {
            for i in graph.edge_range(*f) {
                if follows(graph.edges[i].kind) {
                    queue.push_back((graph.edges[i].to, Link::Edge(i)));
                }
            }
        }
        while let Some((m, link)) = queue.pop_front() {
            if seen.len() <= m.index() {
                seen.resize(graph.finder.modules.len().max(m.index() + 1), false);
            }
            if seen[m.index()] {
                continue;
            }
            seen[m.index()] = true;
            self.mark(m, link, reach);
            let name = graph.finder.module(m).name.to_owned();
            if let Some((parent, _)) = name.rsplit_once('.')
                && let Some(p) = graph.finder.find(&bundle.tree, parent)
            {
                queue.push_back((p, Link::Parent(m)));
            }
            if let Some(file) = graph.finder.module(m).file {
                for i in graph.edge_range(file) {
                    if follows(graph.edges[i].kind) {
                        queue.push_back((graph.edges[i].to, Link::Edge(i)));
                    }
                }
            }
        }
    }

    fn mark(&mut self, m: ModId, link: Link, reach: Reach) {
        let i = m.index();
        if self.reach.len() <= i {
            self.reach.resize(i + 1, None);
            self.links.resize(i + 1, None);
        }
        if self.reach[i].is_none() {
            self.reach[i] = Some(reach);
            self.links[i] = Some(link);
        }
    }

    /// The reach of a module, if any.
    pub fn of(&self, m: ModId) -> Option<Reach> {
        self.reach.get(m.index()).copied().flatten()
    }
}

/// Classifies every node of the bundle (directories stay `Unreached`).
pub fn classify(bundle: &Bundle, graph: &Graph, walk: &Walk) -> Vec<Reach> {
    let tree = &bundle.tree;
    let mut out = vec![Reach::Unreached; tree.len()];
    let mut live = vec![None::<Reach>; tree.len()];
    let tag = format!(".cpython-{}", bundle.target.python.replace('.', ""));
    let mut shared: Vec<(NodeId, Reach)> = Vec::new();
    for (i, m) in graph.finder.modules.iter().enumerate() {
        let Some(r) = walk.of(ModId(i as u32)) else {
            continue;
        };
        for d in m.dirs {
            live[d.index()] = Some(r);
        }
        let Some(file) = m.file else {
            continue;
        };
        raise(&mut out, file, r);
        if m.kind == ModKind::Extension {
            shared.push((file, r));
        }
        for pyc in cached(tree, file, &tag) {
            raise(&mut out, pyc, r);
        }
    }
    for (file, _) in &graph.unparsed {
        if let Some(dir) = tree.parent(*file) {
            live[dir.index()] = Some(Reach::Reached);
        }
    }
    for (file, _) in &graph.unparsed {
        out[file.index()] = Reach::Unparsed;
    }
    libraries(bundle, &mut out, shared);
    data(bundle, graph, &mut out, &live);
    metadata(bundle, &mut out);
    out
}

fn raise(out: &mut [Reach], id: NodeId, r: Reach) {
    if out[id.index()] < r {
        out[id.index()] = r;
    }
}

/// `__pycache__/<stem>.cpython-3X[.opt-N].pyc` of a module file, for the target's tag.
fn cached<'t>(tree: &'t Tree, file: NodeId, tag: &'t str) -> impl Iterator<Item = NodeId> + 't {
    let name = tree.name(file);
    let stem = name.strip_suffix(b".py").map(<[u8]>::to_vec);
    let cache = tree
        .parent(file)
        .and_then(|d| tree.child(d, b"__pycache__"));
    let found: Vec<NodeId> = match (stem, cache) {
        (Some(stem), Some(cache)) => ["", ".opt-1", ".opt-2"]
            .iter()
            .filter_map(|opt| {
                let mut n = stem.clone();
                n.extend_from_slice(tag.as_bytes());
                n.extend_from_slice(opt.as_bytes());
                n.extend_from_slice(b".pyc");
                tree.child(cache, &n)
            })
            .collect(),
        _ => Vec::new(),
    };
    found.into_iter()
}

/// Shared libraries reached extension modules load, transitively: `DT_NEEDED` looked up in
/// `RUNPATH`/`RPATH` (`$ORIGIN` = the file's directory), then beside the file.
fn libraries(bundle: &Bundle, out: &mut [Reach], mut queue: Vec<(NodeId, Reach)>) {
    let tree = &bundle.tree;
    let mut done = std::collections::HashSet::new();
    while let Some((file, r)) = queue.pop() {
        if !done.insert((file, r)) {
            continue;
        }
        let Some(needs) = read_needs(&tree.path(file)) else {
            continue;
        };
        let Some(dir) = tree.parent(file) else {
            continue;
        };
        let dirs: Vec<NodeId> = needs
            .search
            .iter()
            .filter_map(|s| {
                let rel = s
                    .strip_prefix("$ORIGIN")
                    .or_else(|| s.strip_prefix("${ORIGIN}"))?;
                tree.resolve(dir, rel.as_bytes())
            })
            .chain(std::iter::once(dir))
            .collect();
        for lib in &needs.needed {
            if let Some(found) = dirs.iter().find_map(|d| tree.child(*d, lib.as_bytes())) {
                raise(out, found, r);
                queue.push((found, r));
            }
        }
    }
}

/// Non-module files whose nearest package directory is reached are data (lazy when the
/// package is only lazily reached).
fn data(bundle: &Bundle, graph: &Graph, out: &mut [Reach], live: &[Option<Reach>]) {
    let tree = &bundle.tree;
    let sites: std::collections::HashSet<NodeId> = bundle
        .roots
        .iter()
        .flat_map(|r| r.sites.iter().copied())
        .collect();
    for id in tree.descendants(bundle.top) {
        if tree.node(id).is_dir() || out[id.index()] != Reach::Unreached || is_module_file(tree, id)
        {
            continue;
        }
        let mut at = tree.parent(id);
        while let Some(dir) = at {
            if let Some(r) = live[dir.index()] {
                // Data of a package only deferred or dynamic imports reach is needed only
                // when that code runs: it is lazy with it.
                out[id.index()] = if r == Reach::Reached {
                    Reach::Data
                } else {
                    Reach::Lazy
                };
                break;
            }
            let is_package = graph
                .finder
                .suffixes()
                .iter()
                .any(|s| tree.child(dir, format!("__init__{s}").as_bytes()).is_some())
                || tree.child(dir, b"__init__.py").is_some()
                || tree.child(dir, b"__init__.pyc").is_some();
            if is_package || sites.contains(&dir) {
                break;
            }
            at = tree.parent(dir);
        }
    }
}

/// Python code or its cache: never data.
fn is_module_file(tree: &Tree, id: NodeId) -> bool {
    let name = tree.name(id);
    let in_cache = tree
        .parent(id)
        .is_some_and(|p| tree.name(p) == b"__pycache__");
    in_cache
        || name.ends_with(b".py")
        || name.ends_with(b".pyc")
        || (name.ends_with(b".so") && (contains(name, b".cpython-") || name.ends_with(b".abi3.so")))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The metadata directory of a distribution with reached code is kept as data; with only
/// lazy code it is lazy (read by `importlib.metadata` when that code runs).
fn metadata(bundle: &Bundle, out: &mut [Reach]) {
    let tree = &bundle.tree;
    let mut used = vec![None::<Reach>; bundle.dists.len()];
    for id in tree.descendants(bundle.top) {
        let r = match out[id.index()] {
            Reach::Reached | Reach::Unparsed => Reach::Data,
            Reach::Lazy => Reach::Lazy,
            _ => continue,
        };
        if let Some(d) = tree.node(id).owner() {
            let u = &mut used[d.index()];
            *u = Some(match *u {
                Some(Reach::Data) => Reach::Data,
                _ => r,
            });
        }
    }
    for (i, dist) in bundle.dists.iter().enumerate() {
        for inst in &dist.installs {
            for id in tree.descendants(inst.meta_dir) {
                if tree.node(id).is_dir() {
                    continue;
                }
                // importlib.metadata.entry_points() reads every distribution's entry points.
                if tree.name(id) == b"entry_points.txt" {
                    raise(out, id, Reach::Data);
                } else if let Some(r) = used[i] {
                    raise(out, id, r);
                }
            }
        }
    }
}

/// Whether `path` looks like a Python source file.
pub fn is_source_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py")
}
