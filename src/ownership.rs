//! Who owns each file: reads `*.dist-info` (RECORD, METADATA) and `*.egg-info` metadata
//! under each root's package directories and attributes files to distributions, per file.

mod index;

use std::borrow::Cow;
use std::collections::HashMap;

use crate::bundle::{Bundle, Distribution, Install};
use crate::model::{DistId, NodeId, NodeKind, Sizes, Tree};
use crate::python::metadata::{parse_metadata, parse_requires_txt};
use crate::python::name::normalize;
use crate::python::record::{for_each_row, parse_file_list};
use crate::python::requirement::Requirement;
use crate::regular_file::{self, FileError};
use crate::scan::ScanError;
use index::{Cursor, Lookup, PathIndex};

/// Reads a metadata file of a distribution; archives serve them from memory.
pub trait MetaSource {
    /// Contents of `file` inside the metadata directory `dir`, `Ok(None)` if absent, or why
    /// it could not be read (a FIFO, a device, over its cap).
    fn read(&self, bundle: &Bundle, dir: NodeId, file: &str) -> Result<Option<Vec<u8>>, FileError>;
}

/// Reads metadata files from disk: regular files only, each capped (see [`meta_cap`]).
pub struct DiskSource;

impl MetaSource for DiskSource {
    fn read(&self, bundle: &Bundle, dir: NodeId, file: &str) -> Result<Option<Vec<u8>>, FileError> {
        match regular_file::read(&bundle.tree.path(dir).join(file), meta_cap(file)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The most heft reads of a metadata file of this name.
pub fn meta_cap(file: &str) -> u64 {
    match file {
        "RECORD" | "installed-files.txt" | "SOURCES.txt" => regular_file::RECORD_CAP,
        "METADATA" | "PKG-INFO" => regular_file::METADATA_CAP,
        // An `.egg-info` file is PKG-INFO itself.
        _ if file.ends_with(".egg-info") => regular_file::METADATA_CAP,
        _ => regular_file::SMALL_META_CAP,
    }
}

/// Metadata texts captured from archives, keyed by node path relative to the bundle top,
/// falling back to disk for directory roots.
#[derive(Default)]
pub struct MemorySource {
    /// `(root, path relative to the root)` -> bytes.
    pub texts: HashMap<(usize, Vec<u8>), Vec<u8>>,
}

impl MetaSource for MemorySource {
    fn read(&self, bundle: &Bundle, dir: NodeId, file: &str) -> Result<Option<Vec<u8>>, FileError> {
        if let Some(root) = bundle.root_of(dir) {
            let mut rel = bundle.tree.rel_path(bundle.roots[root].node, dir);
            rel.push(b'/');
            rel.extend_from_slice(file.as_bytes());
            if let Some(bytes) = self.texts.get(&(root, rel)) {
                return Ok(Some(bytes.clone()));
            }
        }
        DiskSource.read(bundle, dir, file)
    }
}

/// Finds every distribution, attributes files to it and totals its sizes.
pub fn attribute(bundle: &mut Bundle, source: &(dyn MetaSource + Sync)) {
    let mut found = Vec::new();
    for (root, r) in bundle.roots.iter().enumerate() {
        for &site in &r.sites {
            for &child in bundle.tree.children(site) {
                let name = bundle.tree.name(child);
                if name.ends_with(b".dist-info") || name.ends_with(b".egg-info") {
                    found.push((root, site, child));
                }
            }
        }
    }
    let mut prefetched = Prefetched::read(bundle, source, &found);
    for (dir, error) in std::mem::take(&mut prefetched.errors) {
        report_unreadable(bundle, dir, &error);
    }
    // Distributions by normalised name: a linear search per install was quadratic (4M
    // string compares, a tenth of a report, at 2,000 distributions).
    let mut keys: HashMap<String, DistId> = bundle
        .dists
        .iter()
        .enumerate()
        .map(|(i, d)| (d.key.clone(), DistId(i as u32)))
        .collect();
    for (root, site, meta_dir) in found {
        load_one(bundle, &prefetched, &mut keys, (root, site, meta_dir));
    }
    total_sizes(bundle);
}

/// Metadata files of every distribution read up front on the rayon pool (thousands of
/// small reads are latency-bound), then served from memory; misses fall back to `inner`.
struct Prefetched<'a> {
    map: HashMap<(NodeId, &'static str), Vec<u8>>,
    /// RECORDs are resolved right away instead of kept as text: 4 bytes a row, not 50.
    records: HashMap<NodeId, Claims>,
    /// Files that exist but could not be read, with their metadata directory.
    errors: Vec<(NodeId, FileError)>,
    inner: &'a (dyn MetaSource + Sync),
}

/// Files heft reads from a metadata directory.
const META_FILES: [&str; 5] = [
    "METADATA",
    "PKG-INFO",
    "installed-files.txt",
    "SOURCES.txt",
    "requires.txt",
];

impl<'a> Prefetched<'a> {
    fn read(
        bundle: &Bundle,
        inner: &'a (dyn MetaSource + Sync),
        found: &[(usize, NodeId, NodeId)],
    ) -> Self {
        use rayon::prelude::*;
        let wanted: Vec<(NodeId, &'static str)> = found
            .iter()
            .filter(|(_, _, dir)| bundle.tree.node(*dir).is_dir())
            .flat_map(|(_, _, dir)| {
                let egg = bundle.tree.name(*dir).ends_with(b".egg-info");
                META_FILES
                    .iter()
                    .filter(move |f| egg != (**f == "METADATA"))
                    .map(move |f| (*dir, *f))
            })
            .collect();
        let mut sites: Vec<NodeId> = found.iter().map(|(_, site, _)| *site).collect();
        sites.dedup();
        let read: Vec<_> = wanted
            .par_iter()
            .map(|&(dir, file)| ((dir, file), inner.read(bundle, dir, file)))
            .collect();
        // Built after the reads on this thread: overlapping the two needs a thread of its own
        // (or puts the table on a pool thread's heap) to save ~5 ms of a 200k-file report.
        let index = PathIndex::build(&bundle.tree, &sites);
        let claims: Vec<_> = found
            .par_iter()
            .filter(|(_, _, dir)| {
                bundle.tree.node(*dir).is_dir() && bundle.tree.name(*dir).ends_with(b".dist-info")
            })
            .map(|&(_, site, dir)| (dir, record_claims(bundle, inner, &index, site, dir)))
            .collect();
        let mut map = HashMap::new();
        let mut errors = Vec::new();
        for ((dir, file), result) in read {
            match result {
                Ok(Some(bytes)) => {
                    map.insert((dir, file), bytes);
                }
                Ok(None) => {}
                Err(e) => errors.push((dir, e)),
            }
        }
        let mut records = HashMap::new();
        for (dir, result) in claims {
            match result {
                Ok(Some(c)) => {
                    records.insert(dir, c);
                }
                Ok(None) => {}
                Err(e) => errors.push((dir, e)),
            }
        }
        Self {
            map,
            records,
            errors,
            inner,
        }
    }
}

impl MetaSource for Prefetched<'_> {
    fn read(&self, bundle: &Bundle, dir: NodeId, file: &str) -> Result<Option<Vec<u8>>, FileError> {
        match META_FILES.iter().find(|f| **f == file) {
            // Read errors were reported when prefetching.
            Some(f) if bundle.tree.node(dir).is_dir() => Ok(self.map.get(&(dir, *f)).cloned()),
            _ => self.inner.read(bundle, dir, file),
        }
    }
}

fn load_one(
    bundle: &mut Bundle,
    source: &Prefetched<'_>,
    keys: &mut HashMap<String, DistId>,
    (root, site, meta_dir): (usize, NodeId, NodeId),
) {
    let is_egg = bundle.tree.name(meta_dir).ends_with(b".egg-info");
    let is_dir = bundle.tree.node(meta_dir).kind == NodeKind::Dir;
    let meta_bytes = if is_dir {
        let file = if is_egg { "PKG-INFO" } else { "METADATA" };
        read_or_report(bundle, source, meta_dir, file)
    } else {
        // An `.egg-info` file (old distutils) is PKG-INFO itself.
        let parent = bundle.tree.parent(meta_dir).unwrap_or(meta_dir);
        let file = bundle.tree.display_name(meta_dir).into_owned();
        read_or_report(bundle, source, parent, &file)
    };
    let path = bundle.tree.path(meta_dir);
    let Some(meta_bytes) = meta_bytes else {
        let message = "no METADATA/PKG-INFO: not counted as a distribution".to_string();
        bundle.errors.push((root, ScanError { path, message }));
        return;
    };
    let meta = match parse_metadata(&meta_bytes) {
        Ok(m) => m,
        Err(e) => {
            bundle.errors.push((
                root,
                ScanError {
                    path,
                    message: e.to_string(),
                },
            ));
            return;
        }
    };
    let mut requirement_lines = meta.requires_dist.clone();
    if is_egg
        && is_dir
        && let Some(req) = read_or_report(bundle, source, meta_dir, "requires.txt")
    {
        requirement_lines.extend(parse_requires_txt(&req));
    }
    let id = intern_dist(
        bundle,
        keys,
        &meta.name,
        &meta.version,
        meta.summary.clone(),
    );
    let dist = &mut bundle.dists[id.index()];
    dist.installs.push(Install {
        root,
        meta_dir,
        version: meta.version.clone(),
    });
    if dist.installs.len() == 1 {
        // Sized once: a requirement is ~200 bytes, and doubling left a third of 2,000
        // distributions' lists empty (3 MB at the peak of a 200k-file report).
        dist.requires.reserve_exact(requirement_lines.len());
        for line in &requirement_lines {
            match Requirement::parse(line) {
                Ok(r) => dist.requires.push(r),
                // The raw line, so a saved scan keeps it as written; reports say why.
                Err(_) => dist.bad_requires.push(line.clone()),
            }
        }
    }
    claim_subtree(&mut bundle.tree, meta_dir, id);
    if is_dir && !is_egg {
        claim_record(bundle, source.records.get(&meta_dir), id);
    } else if is_dir {
        claim_egg_files(bundle, source, site, meta_dir, id);
    }
}

/// Reads a metadata file; one that exists but cannot be read is a load error naming it.
fn read_or_report(
    bundle: &mut Bundle,
    source: &dyn MetaSource,
    dir: NodeId,
    file: &str,
) -> Option<Vec<u8>> {
    match source.read(bundle, dir, file) {
        Ok(bytes) => bytes,
        Err(e) => {
            report_unreadable(bundle, dir, &e);
            None
        }
    }
}

fn report_unreadable(bundle: &mut Bundle, dir: NodeId, error: &FileError) {
    let root = bundle.root_of(dir).unwrap_or(0);
    let path = error.path().to_owned();
    let message = error.reason();
    bundle.errors.push((root, ScanError { path, message }));
}

fn intern_dist(
    bundle: &mut Bundle,
    keys: &mut HashMap<String, DistId>,
    name: &str,
    version: &str,
    summary: Option<String>,
) -> DistId {
    let key = normalize(name);
    if let Some(&id) = keys.get(&key) {
        return id;
    }
    let id = DistId(bundle.dists.len() as u32);
    keys.insert(key.clone(), id);
    bundle.dists.push(Distribution {
        name: name.to_string(),
        key,
        version: version.to_string(),
        summary,
        ..Distribution::default()
    });
    id
}

/// RECORD rows of one distribution resolved to nodes (computed in parallel, applied in order).
struct Claims {
    nodes: Vec<NodeId>,
    missing: u64,
    bad_rows: u64,
}

fn record_claims(
    bundle: &Bundle,
    source: &(dyn MetaSource + Sync),
    index: &PathIndex,
    site: NodeId,
    meta_dir: NodeId,
) -> Result<Option<Claims>, FileError> {
    let Some(bytes) = source.read(bundle, meta_dir, "RECORD")? else {
        return Ok(None);
    };
    let root_node = bundle
        .root_of(site)
        .map_or(bundle.top, |r| bundle.roots[r].node);
    let mut claims = Claims {
        nodes: Vec::new(),
        missing: 0,
        bad_rows: 0,
    };
    let mut cursor = Cursor::default();
    let tree = &bundle.tree;
    for_each_row(&bytes, |row| match row {
        Ok(row) => match resolve_indexed(tree, (index, &mut cursor), root_node, site, &row.path) {
            Some(node) => claims.nodes.push(node),
            None => claims.missing += 1,
        },
        Err(_) => claims.bad_rows += 1,
    });
    Ok(Some(claims))
}

fn claim_record(bundle: &mut Bundle, claims: Option<&Claims>, id: DistId) {
    let Some(claims) = claims else { return };
    for &node in &claims.nodes {
        claim(&mut bundle.tree, node, id);
    }
    let dist = &mut bundle.dists[id.index()];
    dist.missing_files += claims.missing;
    dist.bad_record_rows += claims.bad_rows;
}

/// [`resolve_record_path`] through the path index: one hash of the whole path for the usual
/// row, the component walk only for rows the index cannot answer (`..`, `./`, collisions).
fn resolve_indexed(
    tree: &Tree,
    (index, cursor): (&PathIndex, &mut Cursor),
    root: NodeId,
    site: NodeId,
    path: &[u8],
) -> Option<NodeId> {
    // Rows were matched as lossily decoded text: a row that is not UTF-8 keeps that (slow) way.
    let Ok(text) = std::str::from_utf8(path) else {
        return resolve_record_path(tree, root, site, &String::from_utf8_lossy(path));
    };
    let rel: Cow<'_, [u8]> = if path.contains(&b'\\') {
        Cow::Owned(text.replace('\\', "/").into_bytes())
    } else {
        Cow::Borrowed(path)
    };
    // The site lies within its root, so a node found under it does too.
    match index.get_near(tree, site, &rel, cursor) {
        Lookup::Found(node) => Some(node),
        Lookup::Absent => None,
        Lookup::Unknown => resolve_record_path(tree, root, site, text),
    }
}

/// Resolves a RECORD path against the site directory. `pip install --target` writes console
/// scripts as `../../bin/NAME` while they live in `bin/NAME` under the target: when a path
/// climbs out of the root, the part after the `..`s is tried under the site.
pub fn resolve_record_path(tree: &Tree, root: NodeId, site: NodeId, path: &str) -> Option<NodeId> {
    let rel = path.replace('\\', "/");
    if let Some(node) = tree.resolve(site, rel.as_bytes())
        && tree.is_within(node, root)
    {
        return Some(node);
    }
    let stripped = rel.trim_start_matches("./");
    if stripped.starts_with("../") {
        let rest = stripped.trim_start_matches("../");
        return tree
            .resolve(site, rest.as_bytes())
            .filter(|n| tree.is_within(*n, root));
    }
    None
}

fn claim_egg_files(
    bundle: &mut Bundle,
    source: &dyn MetaSource,
    site: NodeId,
    meta_dir: NodeId,
    id: DistId,
) {
    let root_node = bundle
        .root_of(site)
        .map_or(bundle.top, |r| bundle.roots[r].node);
    let (list, base) =
        if let Some(b) = read_or_report(bundle, source, meta_dir, "installed-files.txt") {
            (b, meta_dir)
        } else if let Some(b) = read_or_report(bundle, source, meta_dir, "SOURCES.txt") {
            (b, site)
        } else {
            bundle.dists[id.index()].approximate = true;
            return;
        };
    let mut missing = 0;
    for path in parse_file_list(&list) {
        match resolve_record_path(&bundle.tree, root_node, base, &path) {
            Some(node) => claim(&mut bundle.tree, node, id),
            None => missing += 1,
        }
    }
    let dist = &mut bundle.dists[id.index()];
    dist.approximate = true;
    dist.missing_files += missing;
}

/// Gives an unowned file (or link) to `id`; directories are never owned by rows.
fn claim(tree: &mut Tree, node: NodeId, id: DistId) {
    let n = tree.node(node);
    if n.kind != NodeKind::Dir && n.owner().is_none() {
        tree.set_owner(node, Some(id));
    }
}

/// The metadata directory and everything in it belongs to its distribution.
fn claim_subtree(tree: &mut Tree, dir: NodeId, id: DistId) {
    let nodes: Vec<NodeId> = tree.descendants(dir).collect();
    for n in nodes {
        claim(tree, n, id);
    }
}

/// Sums the sizes of the files each distribution owns.
pub fn total_sizes(bundle: &mut Bundle) {
    let mut sizes = vec![Sizes::default(); bundle.dists.len()];
    for id in bundle.tree.subtree(bundle.top) {
        let n = bundle.tree.node(id);
        if let Some(owner) = n.owner() {
            sizes[owner.index()].add(&n.own);
        }
    }
    for (dist, s) in bundle.dists.iter_mut().zip(sizes) {
        dist.sizes = s;
    }
}

#[cfg(test)]
mod tests;
