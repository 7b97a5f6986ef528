//! In-memory bundles built from lists of files, for tests and benchmarks: no disk, exact
//! sizes, RECORD-style ownership and requirement edges.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::bundle::{Bundle, Distribution, Install, Root, RootKind, Target, detect_sites};
use crate::deps::DepGraph;
use crate::model::{DistId, NodeId, NodeKind, Sizes, Tree};
use crate::python::name::normalize;
use crate::python::requirement::Requirement;

/// A bundle under construction: one site-packages root at `/synth`.
#[derive(Clone, Debug, Default)]
pub struct Synth {
    files: Vec<(String, NodeKind, u64, Option<usize>)>,
    dists: Vec<(String, String, Vec<String>)>,
}

impl Synth {
    /// An empty bundle.
    pub fn new() -> Synth {
        Synth::default()
    }

    /// Adds a distribution with its `NAME-VERSION.dist-info/METADATA` (100 bytes, owned)
    /// and requirement lines; returns its index for [`Synth::file`].
    pub fn dist(&mut self, name: &str, version: &str, requires: &[&str]) -> usize {
        let index = self.dists.len();
        let reqs = requires.iter().map(|r| (*r).to_string()).collect();
        self.dists
            .push((name.to_string(), version.to_string(), reqs));
        let info = format!("{}-{version}.dist-info", name.replace('-', "_"));
        self.file(&format!("{info}/METADATA"), 100, Some(index));
        index
    }

    /// Adds a file of `bytes` at the `/`-separated `path`, owned by dist `owner`.
    pub fn file(&mut self, path: &str, bytes: u64, owner: Option<usize>) -> &mut Synth {
        self.files
            .push((path.to_string(), NodeKind::File, bytes, owner));
        self
    }

    /// Adds an empty directory at `path`.
    pub fn empty_dir(&mut self, path: &str) -> &mut Synth {
        self.files.push((path.to_string(), NodeKind::Dir, 0, None));
        self
    }

    /// Builds the bundle: files get `bytes / 3 + 40` zipped bytes and 4096 disk bytes.
    pub fn build(&self, target: Target) -> Bundle {
        let mut tree = Tree::new();
        let top = tree.add_root(b"");
        let root = tree.add_child(top, b"/synth", NodeKind::Dir, Sizes::default());
        let mut dirs: HashMap<String, NodeId> = HashMap::new();
        let mut owners: Vec<(NodeId, usize)> = Vec::new();
        for (path, kind, bytes, owner) in &self.files {
            let (parent_path, name) = path.rsplit_once('/').unwrap_or(("", path));
            let parent = dir_node(&mut tree, &mut dirs, root, parent_path);
            let id = if *kind == NodeKind::Dir {
                dir_node(&mut tree, &mut dirs, root, path)
            } else {
                let own = Sizes {
                    files: 1,
                    bytes: *bytes,
                    disk: 4096,
                    zipped: bytes / 3 + 40,
                };
                tree.add_child(parent, name.as_bytes(), NodeKind::File, own)
            };
            if let Some(o) = owner {
                owners.push((id, *o));
            }
        }
        tree.sort_children();
        tree.roll_up();
        for (id, o) in owners {
            tree.set_owner(id, Some(DistId(o as u32)));
        }
        let mut bundle = Bundle {
            tree,
            top,
            target,
            ..Bundle::default()
        };
        let sites = detect_sites(&bundle.tree, root, &bundle.target);
        bundle.roots.push(Root {
            path: PathBuf::from("/synth"),
            kind: RootKind::SitePackages,
            node: root,
            sites,
            archive_bytes: None,
        });
        self.add_dists(&mut bundle, &dirs);
        bundle
    }

    fn add_dists(&self, bundle: &mut Bundle, dirs: &HashMap<String, NodeId>) {
        for (name, version, reqs) in &self.dists {
            let info = format!("{}-{version}.dist-info", name.replace('-', "_"));
            bundle.dists.push(Distribution {
                name: name.clone(),
                key: normalize(name),
                version: version.clone(),
                installs: vec![Install {
                    root: 0,
                    meta_dir: dirs[&info],
                    version: version.clone(),
                }],
                requires: reqs
                    .iter()
                    .filter_map(|r| Requirement::parse(r).ok())
                    .collect(),
                ..Distribution::default()
            });
        }
        crate::ownership::total_sizes(bundle);
        bundle.graph = DepGraph::build(&bundle.dists, &bundle.target.env(), None);
    }
}

/// A site-packages shaped like `examples/synth_site.rs`'s output, in memory: `dists`
/// distributions `pkgNNNN` of about `files / dists` files each (`subK/modF.py`, a tenth
/// `.pyi` stubs, a tenth under `tests/`, a tenth compiled into `__pycache__/`) with a long
/// tail of sizes and about five requirement edges each. Deterministic, for benchmarks.
pub fn site(files: usize, dists: usize) -> Bundle {
    let mut s = Synth::new();
    let mut rng = 0x5eed_u64;
    let mut next = move || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        rng >> 33
    };
    let per_dist = (files / dists.max(1)).saturating_sub(2).max(1);
    for d in 0..dists {
        let reqs: Vec<String> = (1..=5)
            .map(|k| d + 1 + (next() as usize % 50) * k)
            .filter(|to| *to < dists)
            .map(|to| format!("pkg{to:04}>=1.0"))
            .collect();
        let reqs: Vec<&str> = reqs.iter().map(String::as_str).collect();
        let id = s.dist(&format!("pkg{d:04}"), &format!("1.0.{d}"), &reqs);
        for f in 0..per_dist {
            let size = match next() % 100 {
                0 => 200_000 + next() % 800_000,
                1..=10 => 10_000 + next() % 40_000,
                _ => 100 + next() % 6_000,
            };
            let path = match f % 10 {
                0 => format!("pkg{d:04}/tests/test_{f}.py"),
                1 => format!("pkg{d:04}/sub{}/mod{f}.pyi", f % 7),
                2 => format!("pkg{d:04}/sub{}/__pycache__/mod{f}.cpython-312.pyc", f % 7),
                _ => format!("pkg{d:04}/sub{}/mod{f}.py", f % 7),
            };
            s.file(&path, size, Some(id));
        }
    }
    s.build(Target::default())
}

/// The directory node at `path` under `root`, created with its parents as needed.
fn dir_node(
    tree: &mut Tree,
    dirs: &mut HashMap<String, NodeId>,
    root: NodeId,
    path: &str,
) -> NodeId {
    if path.is_empty() {
        return root;
    }
    if let Some(id) = dirs.get(path) {
        return *id;
    }
    let (parent_path, name) = path.rsplit_once('/').unwrap_or(("", path));
    let parent = dir_node(tree, dirs, root, parent_path);
    let id = tree.add_child(parent, name.as_bytes(), NodeKind::Dir, Sizes::default());
    dirs.insert(path.to_string(), id);
    id
}
