//! Entry points: `--entry` values (a module, Lambda's `module.function`, or a `.py` file)
//! and the default entries, the import names of the top-level distributions.

use std::path::Path;

use super::finder::{ModId, is_identifier};
use super::graph::Graph;
use crate::bundle::{Bundle, RootKind};
use crate::model::{DistId, NodeId};

/// Entries resolved against the bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    /// Entry modules.
    pub modules: Vec<ModId>,
    /// Entry files no module name reaches (scripts, handlers outside a site).
    pub files: Vec<NodeId>,
    /// Entries found nowhere.
    pub unresolved: Vec<String>,
}

/// Resolves each entry: a `.py` path, a module, or `module.function` (the module part).
pub fn resolve(bundle: &Bundle, graph: &mut Graph, names: &[String]) -> Resolved {
    let mut out = Resolved::default();
    for name in names {
        if is_py(name) || name.contains('/') {
            match find_file(bundle, name) {
                Some(f) => match graph.file_module.get(&f) {
                    Some(m) => out.modules.push(*m),
                    None => out.files.push(f),
                },
                None => out.unresolved.push(name.clone()),
            }
            continue;
        }
        let found = graph.finder.find(&bundle.tree, name).or_else(|| {
            let (module, _function) = name.rsplit_once('.')?;
            graph.finder.find(&bundle.tree, module)
        });
        match found {
            Some(m) => out.modules.push(m),
            None => out.unresolved.push(name.clone()),
        }
    }
    out
}

/// A file given as a path on disk (inside a directory root) or relative to a root or site.
pub fn find_file(bundle: &Bundle, name: &str) -> Option<NodeId> {
    let tree = &bundle.tree;
    if let Ok(abs) = Path::new(name).canonicalize() {
        for r in bundle
            .roots
            .iter()
            .filter(|r| r.kind == RootKind::SitePackages)
        {
            let Ok(base) = r.path.canonicalize() else {
                continue;
            };
            if let Ok(rel) = abs.strip_prefix(&base) {
                let rel = rel.to_string_lossy();
                if let Some(n) = tree.resolve(r.node, rel.as_bytes()) {
                    return Some(n);
                }
            }
        }
    }
    bundle
        .roots
        .iter()
        .flat_map(|r| std::iter::once(r.node).chain(r.sites.iter().copied()))
        .find_map(|base| tree.resolve(base, name.as_bytes()))
        .filter(|n| !tree.node(*n).is_dir())
}

/// Import names of the top-level distributions (`top_level.txt`, else the top-level
/// modules their RECORD installs), sorted.
pub fn default_entries(bundle: &Bundle) -> Vec<String> {
    let mut names = Vec::new();
    for &d in &bundle.graph.roots {
        names.extend(dist_import_names(bundle, d));
    }
    names.sort();
    names.dedup();
    names
}

/// What `import X` a distribution offers: public names first; private ones only if alone.
pub fn dist_import_names(bundle: &Bundle, dist: DistId) -> Vec<String> {
    let mut names = top_level_txt(bundle, dist).unwrap_or_else(|| record_top_level(bundle, dist));
    names.retain(|n| is_identifier(n));
    if names.iter().any(|n| !n.starts_with('_')) {
        names.retain(|n| !n.starts_with('_'));
    }
    names.sort();
    names.dedup();
    names
}

fn top_level_txt(bundle: &Bundle, dist: DistId) -> Option<Vec<String>> {
    let inst = bundle.dist(dist).installs.first()?;
    let root = bundle.roots.get(inst.root)?;
    if root.kind != RootKind::SitePackages {
        return None;
    }
    let path = bundle.tree.path(inst.meta_dir).join("top_level.txt");
    let text =
        crate::regular_file::read_to_string(&path, crate::regular_file::SMALL_META_CAP).ok()?;
    let names: Vec<String> = text
        .lines()
        .map(|l| l.trim().replace('/', "."))
        .filter(|l| !l.is_empty() && !l.contains('.'))
        .collect();
    (!names.is_empty()).then_some(names)
}

/// Top-level entries of every site whose files the distribution owns.
fn record_top_level(bundle: &Bundle, dist: DistId) -> Vec<String> {
    let tree = &bundle.tree;
    let mut out = Vec::new();
    for site in bundle.roots.iter().flat_map(|r| r.sites.iter()) {
        for &child in tree.children(*site) {
            let name = tree.display_name(child).into_owned();
            let owned = if tree.node(child).is_dir() {
                tree.descendants(child)
                    .any(|n| tree.node(n).owner() == Some(dist))
            } else {
                tree.node(child).owner() == Some(dist)
            };
            if !owned || name.ends_with(".dist-info") || name == "__pycache__" {
                continue;
            }
            let stem = if tree.node(child).is_dir() {
                name
            } else if is_py(&name) || Path::new(&name).extension().is_some_and(|e| e == "so") {
                name.split('.').next().unwrap_or_default().to_string()
            } else {
                continue;
            };
            out.push(stem);
        }
    }
    out
}

/// Whether a name ends in `.py` (any case).
fn is_py(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("py"))
}
