//! The `heft.report/1` wire format: everything `heft report --json` prints, as typed
//! structs that serialise and parse back (tests and other tools rely on these names).

use serde::{Deserialize, Serialize};

use crate::imports::wire::ReachBytes;

use std::collections::{BTreeMap, HashMap};

use crate::bundle::{Bundle, Distribution, RootKind};
use crate::insight::{Insight, InsightOptions};
use crate::model::{DistId, NodeId, NodeKind};

/// Schema tag of the report.
pub const SCHEMA: &str = "heft.report/1";

/// The whole report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Marker environment used.
    pub target: TargetJson,
    /// Inputs, in order.
    pub roots: Vec<RootJson>,
    /// Bundle totals.
    pub totals: TotalsJson,
    /// Distributions, largest first.
    pub distributions: Vec<DistJson>,
    /// Files no RECORD claims.
    pub unowned: UnownedJson,
    /// Active requirements nothing installed satisfies.
    pub missing: Vec<MissingJson>,
    /// Paths that could not be read.
    pub errors: Vec<ErrorJson>,
    /// Requires-Dist lines heft could not parse: their edges are missing from the graph.
    #[serde(default)]
    pub unparsed_requirements: Vec<UnparsedJson>,
    /// Heavy chains: paths to distributions retaining a large share, heaviest first.
    #[serde(default)]
    pub chains: Vec<ChainJson>,
    /// What the target Lambda runtime already provides, if the bundle has any of it.
    #[serde(default)]
    pub runtime: Option<RuntimeJson>,
    /// Distributions installed more than once (in two roots, or two wheels of one set).
    pub duplicates: Vec<DuplicateJson>,
    /// Files at the same path in two layers: the later layer's copy wins in /opt.
    pub shadowed: Vec<ShadowedJson>,
    /// The import entries the per-distribution reach bytes are for (`--entry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<String>>,
}

/// A Requires-Dist line heft could not parse.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct UnparsedJson {
    /// Normalised name of the distribution whose METADATA has the line.
    pub dist: String,
    /// The line as written.
    pub requirement: String,
    /// Why it does not parse.
    pub reason: String,
}

/// A distribution installed more than once.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DuplicateJson {
    /// Normalised name.
    pub key: String,
    /// Root index of each copy (a root repeats for two wheels in one set).
    pub roots: Vec<usize>,
    /// Version of each copy, in the same order.
    pub versions: Vec<String>,
    /// Bytes of every copy but the largest: what keeping one copy saves.
    pub bytes: u64,
}

/// A path present in more than one layer.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShadowedJson {
    /// Path relative to the layer root (as extracted under /opt).
    pub path: String,
    /// Roots holding it, in extraction order; the last one wins.
    pub roots: Vec<usize>,
}

/// Target environment.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TargetJson {
    /// `3.12`.
    pub python: String,
    /// `linux`.
    pub platform: String,
    /// `x86_64`.
    pub machine: String,
}

/// One input.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RootJson {
    /// As given.
    pub path: String,
    /// `site-packages`, `wheels` or `zip`.
    pub kind: String,
    /// Package directories found, relative to the root ("" is the root itself).
    pub sites: Vec<String>,
    /// Files and links.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
    /// Zipped bytes: the archive's exact size for a zip, compressed sizes for wheels,
    /// a deflate-6 estimate for a directory.
    pub zipped_bytes: u64,
    /// Of `bytes`, what heft estimated rather than read: the console-script wrappers pip
    /// generates from wheels' `entry_points.txt` (their interpreter line varies).
    #[serde(default)]
    pub estimated_bytes: u64,
}

/// Bundle totals.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TotalsJson {
    /// Files and links (what `find -type f,l` counts).
    pub files: u64,
    /// Directories below the roots (the roots themselves not counted).
    pub dirs: u64,
    /// Apparent bytes of files and links.
    pub bytes: u64,
    /// Disk usage as `du -sB1` reports it.
    pub disk_bytes: u64,
    /// Zipped bytes of the bundle (sum over roots).
    pub zipped_bytes: u64,
    /// Whether `zipped_bytes` is exact (archives only) rather than an estimate.
    pub zipped_exact: bool,
}

/// One distribution.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DistJson {
    /// Name as METADATA spells it.
    pub name: String,
    /// Normalised name.
    pub key: String,
    /// Version.
    pub version: String,
    /// Files owned.
    pub files: u64,
    /// Apparent bytes of the files owned.
    pub bytes: u64,
    /// Zipped bytes of the files owned (headers included).
    pub zipped_bytes: u64,
    /// Indices of the roots it is installed in.
    pub roots: Vec<usize>,
    /// Share of the bundle's bytes, 0..=100.
    pub percent: f64,
    /// Keys it requires (active edges).
    pub requires: Vec<String>,
    /// Keys that require it.
    pub required_by: Vec<String>,
    /// A top-level requirement.
    pub is_root: bool,
    /// Ownership from egg-info lists (may be incomplete).
    pub approximate: bool,
    /// RECORD rows that point at nothing.
    pub missing_files: u64,
    /// Bytes freed by removing it and every distribution only it brings in.
    #[serde(default)]
    pub retained_bytes: u64,
    /// Zipped bytes freed likewise (0 until zip estimates exist).
    #[serde(default)]
    pub retained_zipped_bytes: u64,
    /// Bytes of its dependencies that something else also needs.
    #[serde(default)]
    pub shared_bytes: u64,
    /// Shortest distance from a top-level requirement (0 for those).
    #[serde(default)]
    pub depth: Option<u32>,
    /// Key every path from the top level passes through (immediate dominator).
    #[serde(default)]
    pub only_via: Option<String>,
    /// The target Lambda runtime already provides it.
    #[serde(default)]
    pub runtime_provided: bool,
    /// How the bundled version compares with the runtime's (when provided).
    #[serde(default)]
    pub runtime_note: Option<String>,
    /// Bytes per import-reach class (`reached_bytes`, `lazy_bytes`, ...), when entries are known.
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub reach: Option<ReachBytes>,
}

/// A heavy chain.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChainJson {
    /// Keys from a top-level requirement to `target`, root first (a shortest path).
    pub path: Vec<String>,
    /// The heavy distribution.
    pub target: String,
    /// Bytes freed by removing `target` and its orphans.
    pub retained_bytes: u64,
    /// Zipped bytes freed likewise.
    pub retained_zipped_bytes: u64,
    /// Key every path to `target` passes through, if any.
    pub only_via: Option<String>,
}

/// Distributions the target runtime provides.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RuntimeJson {
    /// Runtime id, e.g. `python3.12`.
    pub runtime: String,
    /// Keys of bundled distributions it provides.
    pub provided: Vec<String>,
    /// Bytes freed by excluding them all (with what only they need).
    pub frees_bytes: u64,
    /// Zipped bytes freed likewise.
    pub frees_zipped_bytes: u64,
    /// AWS's advice on bundling your own, with its source.
    pub note: String,
}

/// Unowned bucket.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct UnownedJson {
    /// Files.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
}

/// A missing requirement.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct MissingJson {
    /// Name as written in the requirement.
    pub name: String,
    /// Key of the distribution asking for it, or [`TOP_LEVEL`] for a name in
    /// `--requirements`.
    pub required_by: String,
    /// Requirement text.
    pub requirement: String,
}

/// What `required_by` says for a top-level requirement (`--requirements`) nothing
/// installed satisfies.
pub const TOP_LEVEL: &str = "(top level)";

/// Requirements nothing installed satisfies: top-level ones first, then dependencies'.
fn missing(bundle: &Bundle) -> Vec<MissingJson> {
    let top = bundle
        .graph
        .missing_top_level
        .iter()
        .map(|key| MissingJson {
            name: key.clone(),
            required_by: TOP_LEVEL.to_string(),
            requirement: key.clone(),
        });
    let deps = bundle.graph.missing.iter().map(|m| MissingJson {
        name: m.name.clone(),
        required_by: bundle.dist(m.required_by).key.clone(),
        requirement: m.text.clone(),
    });
    top.chain(deps).collect()
}

/// A read error.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorJson {
    /// Where.
    pub path: String,
    /// What.
    pub message: String,
}

impl Report {
    /// Adds per-distribution reach bytes from `imports` and names its entries.
    pub fn add_reach(&mut self, bundle: &Bundle, imports: &crate::imports::Imports) {
        let (per, _) = imports.sizes(bundle);
        for d in &mut self.distributions {
            if let Some(id) = bundle.dist_by_key(&d.key) {
                d.reach = Some((&per[id.index()]).into());
            }
        }
        self.entries = Some(imports.entries.clone());
    }

    /// Builds the report of a loaded bundle.
    pub fn new(bundle: &Bundle) -> Report {
        Report::with_insight(
            bundle,
            &Insight::compute(bundle, &InsightOptions::default()),
        )
    }

    /// Builds the report with dependency insight computed by the caller.
    pub fn with_insight(bundle: &Bundle, insight: &Insight) -> Report {
        let totals = bundle.totals();
        let keys = |ids: &mut dyn Iterator<Item = DistId>| {
            let mut v: Vec<String> = ids.map(|d| bundle.dist(d).key.clone()).collect();
            v.sort();
            v
        };
        let mut distributions: Vec<DistJson> = bundle
            .dists
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let id = DistId(i as u32);
                let m = insight.get(id);
                DistJson {
                    name: d.name.clone(),
                    key: d.key.clone(),
                    version: d.version.clone(),
                    files: d.sizes.files,
                    bytes: d.sizes.bytes,
                    zipped_bytes: d.sizes.zipped,
                    roots: dist_roots(d),
                    percent: percent(d.sizes.bytes, totals.bytes),
                    requires: keys(&mut bundle.graph.requires(id)),
                    required_by: keys(&mut bundle.graph.required_by(id)),
                    is_root: bundle.graph.is_root(id),
                    approximate: d.approximate,
                    missing_files: d.missing_files,
                    retained_bytes: m.retained.bytes,
                    retained_zipped_bytes: m.retained.zipped,
                    shared_bytes: m.shared.bytes,
                    depth: m.depth,
                    only_via: m.dominator.map(|x| bundle.dist(x).key.clone()),
                    runtime_provided: m.runtime_provided.is_some(),
                    runtime_note: m.runtime_provided.as_ref().map(|r| r.note.clone()),
                    reach: None,
                }
            })
            .collect();
        // Unstable: a stable sort of these 350-byte rows allocates a second copy of them.
        // Keys are unique, so the order is the same.
        distributions
            .sort_unstable_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.key.cmp(&b.key)));
        let unowned = bundle.unowned();
        Report {
            schema: SCHEMA.to_string(),
            target: TargetJson {
                python: bundle.target.python.clone(),
                platform: bundle.target.platform.clone(),
                machine: bundle.target.machine.clone(),
            },
            roots: roots(bundle),
            totals: TotalsJson {
                files: totals.files,
                dirs: count_dirs(bundle),
                bytes: totals.bytes,
                disk_bytes: totals.disk,
                zipped_bytes: totals.zipped,
                zipped_exact: bundle
                    .roots
                    .iter()
                    .all(|r| r.kind != RootKind::SitePackages),
            },
            distributions,
            unowned: UnownedJson {
                files: unowned.files,
                bytes: unowned.bytes,
            },
            missing: missing(bundle),
            errors: bundle
                .errors
                .iter()
                .map(|(_, e)| ErrorJson {
                    path: e.path.to_string_lossy().into_owned(),
                    message: e.message.clone(),
                })
                .collect(),
            unparsed_requirements: unparsed_requirements(bundle),
            chains: chains(bundle, insight),
            runtime: runtime(bundle, insight),
            duplicates: duplicates(bundle),
            shadowed: shadowed(bundle),
            entries: None,
        }
    }
}

fn unparsed_requirements(bundle: &Bundle) -> Vec<UnparsedJson> {
    let mut out = Vec::new();
    for d in &bundle.dists {
        for line in &d.bad_requires {
            let reason = crate::python::requirement::Requirement::parse(line)
                .err()
                .map_or_else(String::new, |e| e.to_string());
            out.push(UnparsedJson {
                dist: d.key.clone(),
                requirement: line.clone(),
                reason,
            });
        }
    }
    out
}

fn chains(bundle: &Bundle, insight: &Insight) -> Vec<ChainJson> {
    let key = |d: DistId| bundle.dist(d).key.clone();
    insight
        .chains
        .iter()
        .map(|c| ChainJson {
            path: c.path.iter().map(|d| key(*d)).collect(),
            target: key(c.target),
            retained_bytes: c.retained.bytes,
            retained_zipped_bytes: c.retained.zipped,
            only_via: c.only_via.map(key),
        })
        .collect()
}

fn runtime(bundle: &Bundle, insight: &Insight) -> Option<RuntimeJson> {
    insight.runtime.as_ref().map(|r| RuntimeJson {
        runtime: r.runtime.clone(),
        provided: r
            .provided
            .iter()
            .map(|d| bundle.dist(*d).key.clone())
            .collect(),
        frees_bytes: r.frees.bytes,
        frees_zipped_bytes: r.frees.zipped,
        note: r.note.clone(),
    })
}

fn roots(bundle: &Bundle) -> Vec<RootJson> {
    bundle
        .roots
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let t = bundle.tree.node(r.node).total;
            RootJson {
                path: r.path.to_string_lossy().into_owned(),
                kind: r.kind.as_str().to_string(),
                sites: r
                    .sites
                    .iter()
                    .map(|s| {
                        String::from_utf8_lossy(&bundle.tree.rel_path(r.node, *s)).into_owned()
                    })
                    .collect(),
                files: t.files,
                bytes: t.bytes,
                zipped_bytes: t.zipped,
                estimated_bytes: bundle.estimated_bytes.get(&i).copied().unwrap_or(0),
            }
        })
        .collect()
}

fn count_dirs(bundle: &Bundle) -> u64 {
    let roots = bundle.roots.len() as u64;
    let dirs = bundle
        .tree
        .subtree(bundle.top)
        .filter(|id| bundle.tree.node(*id).kind == NodeKind::Dir)
        .count() as u64;
    // Neither the virtual top nor the roots themselves are counted.
    dirs.saturating_sub(roots + 1)
}

/// `part` as a percentage of `whole` (0 when `whole` is 0).
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn dist_roots(d: &Distribution) -> Vec<usize> {
    let mut roots: Vec<usize> = d.installs.iter().map(|i| i.root).collect();
    roots.sort_unstable();
    roots.dedup();
    roots
}

/// Bytes each install (metadata dir) of each distribution owns, by walking each site's
/// files: a file belongs to the install whose root it sits in (wheels: whose wheel).
fn install_bytes(bundle: &Bundle) -> HashMap<NodeId, u64> {
    let mut containers: Vec<NodeId> = Vec::new();
    for r in &bundle.roots {
        if r.kind == RootKind::Wheels {
            containers.extend_from_slice(&r.sites);
        } else {
            containers.push(r.node);
        }
    }
    // One container at a time, sums in a row by distribution (hashing a (distribution,
    // container) key per file was most of this function's time); only the distributions a
    // container holds go into the map, so a folder of thousands of wheels costs a row, not
    // a row per wheel.
    let mut by_container: HashMap<(DistId, NodeId), u64> = HashMap::new();
    let mut row = vec![0u64; bundle.dists.len()];
    // Per distribution, the last container (counted from 1) it was listed for: a sum may
    // stay 0 (empty files), so it cannot tell on its own.
    let mut listed_for = vec![0usize; bundle.dists.len()];
    let mut touched: Vec<DistId> = Vec::new();
    for (i, &c) in containers.iter().enumerate() {
        for id in bundle.tree.descendants(c) {
            let n = bundle.tree.node(id);
            if let Some(owner) = n.owner() {
                if listed_for[owner.index()] != i + 1 {
                    listed_for[owner.index()] = i + 1;
                    touched.push(owner);
                }
                let cell = &mut row[owner.index()];
                *cell = cell.saturating_add(n.own.bytes);
            }
        }
        for owner in touched.drain(..) {
            by_container.insert((owner, c), std::mem::take(&mut row[owner.index()]));
        }
    }
    let mut out = HashMap::new();
    for d in &bundle.dists {
        for inst in &d.installs {
            let container = container_of(bundle, inst.meta_dir);
            let key = bundle.dist_by_key(&d.key).map(|id| (id, container));
            out.insert(
                inst.meta_dir,
                key.and_then(|k| by_container.get(&k).copied()).unwrap_or(0),
            );
        }
    }
    out
}

/// The wheel node (for wheel sets) or root node a node sits in.
fn container_of(bundle: &Bundle, id: NodeId) -> NodeId {
    let mut at = id;
    while let Some(p) = bundle.tree.parent(at) {
        let is_root = p == bundle.top;
        let in_wheels = bundle
            .roots
            .iter()
            .any(|r| r.node == p && r.kind == RootKind::Wheels);
        if is_root || in_wheels {
            return at;
        }
        at = p;
    }
    at
}

/// Every distribution installed more than once, with what keeping one copy saves.
pub fn duplicates(bundle: &Bundle) -> Vec<DuplicateJson> {
    if bundle.dists.iter().all(|d| d.installs.len() < 2) {
        return Vec::new();
    }
    let copies = install_bytes(bundle);
    let mut out: Vec<DuplicateJson> = bundle
        .dists
        .iter()
        .filter(|d| d.installs.len() > 1)
        .map(|d| {
            let sizes: Vec<u64> = d
                .installs
                .iter()
                .map(|i| copies.get(&i.meta_dir).copied().unwrap_or(0))
                .collect();
            let largest = sizes.iter().copied().max().unwrap_or(0);
            DuplicateJson {
                key: d.key.clone(),
                roots: d.installs.iter().map(|i| i.root).collect(),
                versions: d.installs.iter().map(|i| i.version.clone()).collect(),
                bytes: sizes
                    .iter()
                    .copied()
                    .fold(0, u64::saturating_add)
                    .saturating_sub(largest),
            }
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.key.cmp(&b.key)));
    out
}

/// Layers are roots whose packages sit under `python/` (what Lambda extracts to /opt).
fn shadowed(bundle: &Bundle) -> Vec<ShadowedJson> {
    let layers: Vec<usize> = (0..bundle.roots.len())
        .filter(|&i| bundle.tree.child(bundle.roots[i].node, b"python").is_some())
        .collect();
    if layers.len() < 2 {
        return Vec::new();
    }
    let mut seen: BTreeMap<Vec<u8>, Vec<usize>> = BTreeMap::new();
    for &i in &layers {
        let root = bundle.roots[i].node;
        for id in bundle.tree.descendants(root) {
            if !bundle.tree.node(id).is_dir() {
                seen.entry(bundle.tree.rel_path(root, id))
                    .or_default()
                    .push(i);
            }
        }
    }
    seen.into_iter()
        .filter(|(_, roots)| roots.len() > 1)
        .map(|(path, roots)| ShadowedJson {
            path: String::from_utf8_lossy(&path).into_owned(),
            roots,
        })
        .collect()
}
