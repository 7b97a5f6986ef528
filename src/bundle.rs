//! A bundle: one or more roots (function, layers, wheel sets) merged into one [`Tree`],
//! with the distributions that own its files and their dependency graph.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::deps::DepGraph;
use crate::model::{DistId, NodeId, NodeKind, Sizes, Tree};
use crate::ownership::MemorySource;
use crate::python::marker::Env;
use crate::python::requirement::Requirement;
use crate::scan::{BASE, ScanError, ScanEvent, Shard, Stamp};

/// What kind of input a root is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootKind {
    /// A directory: site-packages, a layer or function directory, a virtualenv.
    SitePackages,
    /// A folder of `.whl` files (or single wheels).
    Wheels,
    /// A layer or function `.zip`.
    Zip,
}

impl RootKind {
    /// The name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            RootKind::SitePackages => "site-packages",
            RootKind::Wheels => "wheels",
            RootKind::Zip => "zip",
        }
    }
}

/// One input of the bundle.
#[derive(Clone, Debug)]
pub struct Root {
    /// The path the user gave.
    pub path: PathBuf,
    /// What it is.
    pub kind: RootKind,
    /// The root's node in the tree.
    pub node: NodeId,
    /// Directories holding packages (`python/`, `python/lib/python3.12/site-packages`, ...).
    pub sites: Vec<NodeId>,
    /// Exact size of the archive file (zip roots), if any.
    pub archive_bytes: Option<u64>,
}

/// The Python environment heft evaluates markers for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `3.12`.
    pub python: String,
    /// `linux`.
    pub platform: String,
    /// `x86_64` or `aarch64`.
    pub machine: String,
}

impl Default for Target {
    fn default() -> Self {
        Self {
            python: "3.12".into(),
            platform: "linux".into(),
            machine: "x86_64".into(),
        }
    }
}

impl Target {
    /// The marker environment of this target (AWS Lambda's).
    pub fn env(&self) -> Env {
        Env::lambda(&self.python, &self.machine)
    }
}

/// Where one copy of a distribution is installed.
#[derive(Clone, Debug)]
pub struct Install {
    /// Root index.
    pub root: usize,
    /// The `*.dist-info` / `*.egg-info` node.
    pub meta_dir: NodeId,
    /// Version of this copy.
    pub version: String,
}

/// An installed distribution (merged across roots by normalised name).
#[derive(Clone, Debug, Default)]
pub struct Distribution {
    /// Name as METADATA spells it.
    pub name: String,
    /// PEP 503 normalised name.
    pub key: String,
    /// Version of the first copy found.
    pub version: String,
    /// One-line summary from METADATA.
    pub summary: Option<String>,
    /// Every copy (usually one).
    pub installs: Vec<Install>,
    /// Requires-Dist, parsed.
    pub requires: Vec<Requirement>,
    /// Requires-Dist lines that did not parse, as written.
    pub bad_requires: Vec<String>,
    /// Sizes of the files it owns.
    pub sizes: Sizes,
    /// Ownership comes from egg-info file lists, which may be incomplete.
    pub approximate: bool,
    /// RECORD rows that point at no file in the tree.
    pub missing_files: u64,
    /// RECORD rows that could not be parsed.
    pub bad_record_rows: u64,
}

/// The loaded bundle.
#[derive(Clone, Debug, Default)]
pub struct Bundle {
    /// Every path of every root.
    pub tree: Tree,
    /// The virtual node above all roots.
    pub top: NodeId,
    /// Inputs in the order given (Lambda's extraction order).
    pub roots: Vec<Root>,
    /// Installed distributions, by id.
    pub dists: Vec<Distribution>,
    /// Paths that could not be read, with their root.
    pub errors: Vec<(usize, ScanError)>,
    /// Bytes per root that are estimates, not read (generated console-script wrappers).
    pub estimated_bytes: std::collections::BTreeMap<usize, u64>,
    /// The marker environment target.
    pub target: Target,
    /// Requirements between distributions.
    pub graph: DepGraph,
    /// Identity of the walked files, for the zipped-size cache.
    pub stamps: Stamps,
}

/// The identity of each node as the directory walk's stat saw it, kept so the zipped-size
/// cache can be consulted without a second stat of every file. Nodes of archives, and nodes
/// added after the load (watch-mode rescans), have none.
#[derive(Clone, Debug, Default)]
pub struct Stamps {
    /// By node index; parallel to the arena (16 bytes a node).
    by_node: Vec<Stamp>,
    /// The device each root was walked on, by root index.
    devs: Vec<Option<u64>>,
}

impl Stamps {
    /// The stamp the walk saw for `id` (unknown if it was not walked from disk).
    pub fn get(&self, id: NodeId) -> Stamp {
        self.by_node.get(id.index()).copied().unwrap_or_default()
    }

    /// The device root `root` was walked on, if it was walked.
    pub fn dev(&self, root: usize) -> Option<u64> {
        self.devs.get(root).copied().flatten()
    }

    /// Records the stamps of a shard whose first entry became node `first`.
    fn add(&mut self, first: NodeId, shard: &Shard) {
        if shard.stamps.len() != shard.entries.len() || shard.stamps.is_empty() {
            return;
        }
        self.by_node.resize(first.index(), Stamp::default());
        self.by_node.extend_from_slice(&shard.stamps);
        if self.devs.len() <= shard.root {
            self.devs.resize(shard.root + 1, None);
        }
        self.devs[shard.root] = Some(shard.dev);
    }
}

impl Bundle {
    /// The distribution behind an id.
    pub fn dist(&self, id: DistId) -> &Distribution {
        &self.dists[id.index()]
    }

    /// Id of the distribution with normalised name `key`.
    pub fn dist_by_key(&self, key: &str) -> Option<DistId> {
        self.dists
            .iter()
            .position(|d| d.key == key)
            .map(|i| DistId(i as u32))
    }

    /// Totals of the whole bundle.
    pub fn totals(&self) -> Sizes {
        self.tree.node(self.top).total
    }

    /// Sizes of files no distribution owns.
    pub fn unowned(&self) -> Sizes {
        let mut s = Sizes::default();
        for id in self.tree.subtree(self.top) {
            let n = self.tree.node(id);
            if !n.is_dir() && n.owner().is_none() {
                s.add(&n.own);
            }
        }
        s
    }

    /// The root a node belongs to.
    pub fn root_of(&self, id: NodeId) -> Option<usize> {
        let mut at = id;
        while let Some(p) = self.tree.parent(at) {
            if p == self.top {
                return self.roots.iter().position(|r| r.node == at);
            }
            at = p;
        }
        None
    }
}

/// Merges scan events into a tree; `finish` turns it into a [`Bundle`].
pub struct Builder {
    bundle: Bundle,
    /// Metadata texts captured from archives.
    pub texts: MemorySource,
    bases: HashMap<(usize, Vec<u8>), NodeId>,
    seen_links: HashSet<(u64, u64)>,
    keep_stamps: bool,
}

impl Builder {
    /// A builder for an empty bundle targeting `target`.
    pub fn new(target: Target) -> Self {
        let mut tree = Tree::new();
        let top = tree.add_root(b"");
        let bundle = Bundle {
            tree,
            top,
            target,
            ..Bundle::default()
        };
        Self {
            bundle,
            texts: MemorySource::default(),
            bases: HashMap::new(),
            seen_links: HashSet::new(),
            keep_stamps: true,
        }
    }

    /// Keeps no stamps: for loads that will not look up zipped sizes.
    pub fn drop_stamps(&mut self) {
        self.keep_stamps = false;
    }

    /// Adds a root; its events must use the returned index.
    pub fn add_root(&mut self, path: PathBuf, kind: RootKind, own_disk: u64) -> usize {
        let name = crate::model::os_bytes(path.as_os_str()).into_owned();
        let own = Sizes {
            disk: own_disk,
            ..Sizes::default()
        };
        let node = self
            .bundle
            .tree
            .add_child(self.bundle.top, &name, NodeKind::Dir, own);
        let index = self.bundle.roots.len();
        self.bases.insert((index, Vec::new()), node);
        self.bundle.roots.push(Root {
            path,
            kind,
            node,
            sites: Vec::new(),
            archive_bytes: None,
        });
        index
    }

    /// The bundle as merged so far (sizes are rolled up only by [`Builder::finish`]).
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// A builder holding a copy of the bundle so far and nothing else, to show while this
    /// one is finished elsewhere (it cannot be finished itself: archive texts stay here).
    #[must_use]
    pub fn display_copy(&self) -> Builder {
        Self {
            bundle: self.bundle.clone(),
            texts: MemorySource::default(),
            bases: HashMap::new(),
            seen_links: HashSet::new(),
            keep_stamps: self.keep_stamps,
        }
    }

    /// Records the exact archive size of a zip root.
    pub fn set_archive_bytes(&mut self, root: usize, bytes: u64) {
        self.bundle.roots[root].archive_bytes = Some(bytes);
    }

    /// Merges one scan event.
    pub fn apply(&mut self, event: ScanEvent) {
        match event {
            ScanEvent::Shard(shard) => self.merge(&shard),
            ScanEvent::Error { root, error } => {
                self.bundle.errors.push((root, error.path_said_once()));
            }
            ScanEvent::Text { root, path, bytes } => {
                self.texts.texts.insert((root, path), bytes);
            }
            ScanEvent::ArchiveSize { root, bytes } => self.set_archive_bytes(root, bytes),
            ScanEvent::Estimated { root, bytes } => {
                let sum = self.bundle.estimated_bytes.entry(root).or_default();
                *sum = sum.saturating_add(bytes);
            }
            ScanEvent::Progress(_) | ScanEvent::RootDone(_) => {}
        }
    }

    fn merge(&mut self, shard: &Shard) {
        let Some(&base) = self.bases.get(&(shard.root, shard.base.clone())) else {
            let path = self.bundle.roots[shard.root]
                .path
                .join(String::from_utf8_lossy(&shard.base).as_ref());
            let error = ScanError {
                path,
                message: "internal: shard base not found".into(),
            };
            self.bundle.errors.push((shard.root, error));
            return;
        };
        let first = self.bundle.tree.len() as u32;
        // Only the skeleton shard (base "") holds directories that other shards hang under.
        let mut rels: Vec<Vec<u8>> = Vec::new();
        for entry in &shard.entries {
            let parent = if entry.parent == BASE {
                base
            } else {
                NodeId(first + entry.parent)
            };
            let files = u64::from(entry.kind != NodeKind::Dir);
            let own = Sizes {
                files,
                bytes: entry.size,
                disk: entry.disk,
                zipped: entry.zipped,
            };
            let name = shard.name(entry);
            let id = self.bundle.tree.add_child(parent, name, entry.kind, own);
            if shard.base.is_empty() {
                let mut rel = if entry.parent == BASE {
                    Vec::new()
                } else {
                    rels[entry.parent as usize].clone()
                };
                if !rel.is_empty() {
                    rel.push(b'/');
                }
                rel.extend_from_slice(name);
                if entry.kind == NodeKind::Dir {
                    self.bases.insert((shard.root, rel.clone()), id);
                }
                rels.push(rel);
            }
        }
        if self.keep_stamps {
            self.bundle.stamps.add(NodeId(first), shard);
        }
        for &(entry, dev, ino) in &shard.hard_links {
            if !self.seen_links.insert((dev, ino)) {
                self.bundle.tree.set_own_disk(NodeId(first + entry), 0);
            }
        }
    }

    /// Sorts, rolls up sizes and finds each root's package directories; no Python pass.
    /// Returns the bundle and the metadata texts captured from archives.
    pub fn finish_tree(mut self) -> (Bundle, MemorySource) {
        let b = &mut self.bundle;
        b.tree.sort_children();
        b.tree.roll_up();
        for i in 0..b.roots.len() {
            let root = &b.roots[i];
            // Bytes of a zip no entry explains (end record, comment) sit on the root itself,
            // so a zip root's zipped total is the archive's exact size.
            if let (RootKind::Zip, Some(exact)) = (root.kind, root.archive_bytes) {
                let listed = b.tree.node(root.node).total.zipped;
                b.tree
                    .set_own_zipped(root.node, exact.saturating_sub(listed));
            }
            let sites = match root.kind {
                RootKind::Wheels => b.tree.children(root.node).to_vec(),
                _ => detect_sites(&b.tree, root.node, &b.target),
            };
            b.roots[i].sites = sites;
        }
        // No second roll-up: `set_own_zipped` has moved the ancestors' totals already.
        (self.bundle, self.texts)
    }
}

/// Finds where packages live under a root: Lambda adds `/opt/python` and
/// `/opt/python/lib/python3.X/site-packages` to `sys.path`; a virtualenv keeps them in
/// `lib/python3.X/site-packages`; otherwise the root itself is the site.
pub fn detect_sites(tree: &Tree, root: NodeId, target: &Target) -> Vec<NodeId> {
    let mut sites = Vec::new();
    let mut candidates = vec![root];
    if let Some(py) = tree.child(root, b"python") {
        candidates = vec![py];
    }
    for base in candidates {
        let versioned = versioned_site_packages(tree, base, target);
        if has_packages(tree, base) || versioned.is_empty() {
            sites.push(base);
        }
        sites.extend(versioned);
    }
    sites
}

/// `lib/python3.X/site-packages` under `base`, the target's version first.
fn versioned_site_packages(tree: &Tree, base: NodeId, target: &Target) -> Vec<NodeId> {
    let Some(lib) = tree.child(base, b"lib") else {
        return Vec::new();
    };
    let wanted = format!("python{}", target.python);
    let mut found: Vec<(bool, NodeId)> = tree
        .children(lib)
        .iter()
        .filter(|c| tree.name(**c).starts_with(b"python3"))
        .filter_map(|c| {
            let site = tree.child(*c, b"site-packages")?;
            Some((tree.name(*c) != wanted.as_bytes(), site))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, s)| s).collect()
}

/// Whether a directory directly holds installed distributions.
fn has_packages(tree: &Tree, dir: NodeId) -> bool {
    tree.children(dir).iter().any(|c| {
        let n = tree.name(*c);
        n.ends_with(b".dist-info") || n.ends_with(b".egg-info")
    })
}
