//! The consumer's side of a watch: a [`Bundle`] kept in sync by merging batches.
//!
//! A partial batch detaches each dirty path's old subtree (its totals leave every ancestor)
//! and grafts the re-walked one (its totals join them), so totals stay exact without a full
//! roll-up. Ownership is then re-run over the whole bundle: RECORD and METADATA come from a
//! cache checked by stat, so only files that changed are read again (about 10 ms for a
//! 12,000-file layer, see benches/watch.sh).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::bundle::{Builder, Bundle, RootKind, detect_sites};
use crate::deps::DepGraph;
use crate::load::LoadOptions;
use crate::model::{DistId, NodeId, NodeKind, Sizes, Tree, bytes_to_path};
use crate::ownership::{attribute, total_sizes};
use crate::scan::{BASE, ScanError, Shard};
use crate::zipsize::END_OF_CENTRAL_DIRECTORY;

use super::meta_cache::CachedSource;
use super::summary::delta;
use super::{Batch, BatchKind, ZipSizes};

/// One dirty subtree of an applied batch, in arrival order: what it added or took away.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Arrival {
    /// Its path relative to the root (`""` for the root's own part of a full rescan).
    pub path: String,
    /// Name of the distribution owning most of its bytes (after, or before when removed).
    pub owner: Option<String>,
    /// Files added (negative: removed).
    pub files: i64,
    /// Apparent bytes added.
    pub bytes: i64,
    /// Zipped bytes added; the new entries' part comes later, in [`ZipApplied::zipped`].
    pub zipped: i64,
}

/// What [`LiveBundle::apply`] did.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The batch's number.
    pub seq: u64,
    /// Full (every earlier `NodeId` is invalid), partial or root missing.
    pub kind: BatchKind,
    /// Per dirty subtree, in the order things arrived; deltas add up to the change in totals.
    pub arrivals: Vec<Arrival>,
    /// Roots of the grafted subtrees: a rules engine re-evaluates these (and nothing else).
    pub touched: Vec<NodeId>,
    /// A subtree's parent was not in the tree (an event was lost): ask for a full rescan.
    pub needs_rescan: bool,
}

/// What [`LiveBundle::apply_zipped`] did.
#[derive(Clone, Debug, Default)]
pub struct ZipApplied {
    /// The batch the sizes belonged to.
    pub seq: u64,
    /// Zipped bytes added per arrival of that batch (same indices as [`Applied::arrivals`]).
    pub zipped: Vec<i64>,
}

struct PendingZip {
    nodes: Vec<Vec<NodeId>>,
    arrivals: HashMap<NodeId, usize>,
    count: usize,
}

/// A bundle of one directory root, kept in sync with watch batches.
pub struct LiveBundle {
    bundle: Bundle,
    opts: LoadOptions,
    source: CachedSource,
    scan_errors: Vec<ScanError>,
    pending: HashMap<u64, PendingZip>,
    links: HashSet<(u64, u64)>,
    dead: usize,
    missing: bool,
}

impl LiveBundle {
    /// An empty bundle for the directory `root` (as [`super::Watch::root`] gives it).
    pub fn new(root: PathBuf, opts: LoadOptions) -> Self {
        let bundle = empty_bundle(root, &opts, 0);
        Self {
            bundle,
            opts,
            source: CachedSource::default(),
            scan_errors: Vec::new(),
            pending: HashMap::new(),
            links: HashSet::new(),
            dead: 0,
            missing: true,
        }
    }

    /// The bundle as of the last batch.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// Whether the root is currently missing (deleted, or not created yet).
    pub fn is_missing(&self) -> bool {
        self.missing
    }

    /// Entries whose zipped size has not arrived yet (the TUI shows "estimating").
    pub fn zip_pending(&self) -> usize {
        self.pending
            .values()
            .map(|p| p.nodes.iter().map(Vec::len).sum::<usize>())
            .sum()
    }

    /// The zipped total once every pending entry is compressed, extrapolated at the ratio
    /// of zipped to apparent bytes of everything measured so far (an estimate; the exact
    /// figure follows). `None` when nothing is pending or nothing is measured yet.
    pub fn zipped_estimate(&self) -> Option<u64> {
        let pending: u64 = self
            .pending
            .values()
            .flat_map(|p| p.nodes.iter().flatten())
            .map(|n| self.bundle.tree.node(*n).own.bytes)
            .sum();
        let total = self.bundle.totals();
        let done = total.bytes.saturating_sub(pending);
        if self.zip_pending() == 0 || done == 0 {
            return None;
        }
        let rest = u128::from(pending) * u128::from(total.zipped) / u128::from(done);
        Some(
            total
                .zipped
                .saturating_add(u64::try_from(rest).unwrap_or(u64::MAX)),
        )
    }

    /// Whether detached nodes outnumber live ones enough that a full rescan should compact.
    pub fn wants_compaction(&self) -> bool {
        let live = self.bundle.tree.len().saturating_sub(self.dead);
        self.dead > 100_000 && self.dead > 2 * live
    }

    /// Merges a batch: structure, sizes, ownership and the dependency graph.
    pub fn apply(&mut self, batch: Batch) -> Applied {
        let applied = match batch.kind {
            BatchKind::Full => self.apply_full(batch),
            BatchKind::Partial => self.apply_partial(batch),
            BatchKind::Missing => self.apply_missing(batch.seq),
        };
        self.reattribute();
        let mut applied = applied;
        let nodes = self.arrival_nodes(&applied);
        for (arrival, node) in applied.arrivals.iter_mut().zip(nodes) {
            if let Some(owner) = node.and_then(|n| majority_owner(&self.bundle, n)) {
                arrival.owner = Some(owner);
            }
        }
        applied
    }

    fn arrival_nodes(&self, applied: &Applied) -> Vec<Option<NodeId>> {
        let Some(p) = self.pending.get(&applied.seq) else {
            return vec![None; applied.arrivals.len()];
        };
        let mut nodes = vec![None; p.count];
        for (node, index) in &p.arrivals {
            nodes[*index] = Some(*node);
        }
        nodes
    }

    fn apply_full(&mut self, batch: Batch) -> Applied {
        let old = self.bundle.totals();
        let path = self.bundle.roots[0].path.clone();
        let mut fresh = empty_bundle(path, &self.opts, batch.root_disk);
        let root = fresh.roots[0].node;
        self.links.clear();
        let mut nodes = Vec::with_capacity(batch.subtrees.len());
        let mut needs_rescan = false;
        for subtree in &batch.subtrees {
            let base = fresh.tree.resolve(root, &subtree.shard.base);
            needs_rescan |= base.is_none();
            let ids = base.map_or_else(Vec::new, |b| {
                graft(&mut fresh.tree, b, &subtree.shard, &mut self.links)
            });
            nodes.push(ids);
        }
        fresh.tree.set_own_zipped(root, END_OF_CENTRAL_DIRECTORY);
        fresh.tree.roll_up();
        let children = fresh.tree.children(root).to_vec();
        let mut own_part = sizes_delta(&fresh.tree.node(root).own, &old);
        own_part.path = String::new();
        let mut arrivals = vec![own_part];
        let mut roots = HashMap::new();
        for child in &children {
            roots.insert(*child, arrivals.len());
            let mut arrival = sizes_delta(&fresh.tree.node(*child).total, &Sizes::default());
            arrival.path = fresh.tree.display_name(*child).into_owned();
            arrivals.push(arrival);
        }
        self.bundle = fresh;
        self.dead = 0;
        self.missing = false;
        self.scan_errors = batch.errors;
        self.pending.clear();
        self.pending.insert(
            batch.seq,
            PendingZip {
                nodes,
                arrivals: roots,
                count: arrivals.len(),
            },
        );
        Applied {
            seq: batch.seq,
            kind: BatchKind::Full,
            arrivals,
            touched: children,
            needs_rescan,
        }
    }

    fn apply_partial(&mut self, batch: Batch) -> Applied {
        let root_path = self.bundle.roots[0].path.clone();
        let mut applied = Applied {
            seq: batch.seq,
            kind: BatchKind::Partial,
            arrivals: Vec::with_capacity(batch.subtrees.len()),
            touched: Vec::new(),
            needs_rescan: false,
        };
        let mut pending = PendingZip {
            nodes: Vec::with_capacity(batch.subtrees.len()),
            arrivals: HashMap::new(),
            count: batch.subtrees.len(),
        };
        for subtree in &batch.subtrees {
            let (arrival, ids) = self.replace(&subtree.path, &subtree.shard);
            applied.needs_rescan |= ids.is_empty() && !subtree.shard.entries.is_empty();
            if let Some(&top) = ids.first() {
                pending.arrivals.insert(top, applied.arrivals.len());
                applied.touched.push(top);
            }
            let dirty = root_path.join(bytes_to_path(&subtree.path));
            self.scan_errors.retain(|e| !e.path.starts_with(&dirty));
            applied.arrivals.push(arrival);
            pending.nodes.push(ids);
        }
        self.scan_errors.extend(batch.errors);
        self.pending.insert(batch.seq, pending);
        applied
    }

    /// Swaps the subtree at `path` for a freshly walked shard (empty: it is gone).
    fn replace(&mut self, path: &[u8], shard: &Shard) -> (Arrival, Vec<NodeId>) {
        let root = self.bundle.roots[0].node;
        let old = self.bundle.tree.resolve(root, path).filter(|n| *n != root);
        let mut removed = Sizes::default();
        let mut owner = None;
        if let Some(node) = old {
            removed = self.bundle.tree.node(node).total;
            owner = majority_owner(&self.bundle, node);
            self.dead += self.bundle.tree.descendants(node).count();
            self.bundle.tree.detach(node);
        }
        let parent = self.bundle.tree.resolve(root, &shard.base);
        let ids = match parent {
            Some(p) if !shard.entries.is_empty() => {
                let ids = graft(&mut self.bundle.tree, p, shard, &mut self.links);
                self.bundle.tree.roll_up_subtree(ids[0]);
                ids
            }
            _ => Vec::new(),
        };
        let added = ids
            .first()
            .map_or_else(Sizes::default, |n| self.bundle.tree.node(*n).total);
        let mut arrival = sizes_delta(&added, &removed);
        arrival.path = String::from_utf8_lossy(path).into_owned();
        arrival.owner = owner;
        (arrival, ids)
    }

    fn apply_missing(&mut self, seq: u64) -> Applied {
        let root = self.bundle.roots[0].node;
        let old = self.bundle.totals();
        for child in self.bundle.tree.children(root).to_vec() {
            self.bundle.tree.detach(child);
        }
        self.bundle.tree.set_own(root, Sizes::default());
        self.dead = self.bundle.tree.len();
        self.missing = true;
        self.scan_errors.clear();
        self.pending.clear();
        Applied {
            seq,
            kind: BatchKind::Missing,
            arrivals: vec![sizes_delta(&Sizes::default(), &old)],
            touched: Vec::new(),
            needs_rescan: false,
        }
    }

    /// Merges the zipped sizes of a batch's entries (ignored for entries replaced since).
    pub fn apply_zipped(&mut self, sizes: ZipSizes) -> ZipApplied {
        let Some(pending) = self.pending.remove(&sizes.seq) else {
            return ZipApplied {
                seq: sizes.seq,
                zipped: Vec::new(),
            };
        };
        let mut zipped = vec![0i64; pending.count];
        let tree = &mut self.bundle.tree;
        for (s, e, bytes) in sizes.sizes {
            let Some(&node) = pending
                .nodes
                .get(s as usize)
                .and_then(|v| v.get(e as usize))
            else {
                continue;
            };
            if !tree.is_live(node) {
                continue;
            }
            let before = tree.node(node).own.zipped;
            tree.set_own_zipped(node, bytes);
            if let Some(index) = arrival_of(tree, node, &pending.arrivals) {
                zipped[index] += delta(bytes, before);
            }
        }
        total_sizes(&mut self.bundle);
        ZipApplied {
            seq: sizes.seq,
            zipped,
        }
    }

    /// Re-runs ownership and the graph over the whole bundle (rules stay the caller's:
    /// they re-evaluate [`Applied::touched`]).
    fn reattribute(&mut self) {
        let b = &mut self.bundle;
        let ids: Vec<NodeId> = b.tree.descendants(b.top).collect();
        for id in ids {
            b.tree.set_owner(id, None);
        }
        b.dists.clear();
        b.errors = self.scan_errors.iter().map(|e| (0, e.clone())).collect();
        b.roots[0].sites = detect_sites(&b.tree, b.roots[0].node, &b.target);
        attribute(b, &self.source);
        self.source.sweep();
        b.graph = DepGraph::build(&b.dists, &b.target.env(), self.opts.top_level.as_deref());
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.bundle.roots[0].path
    }
}

/// A bundle with one empty directory root.
fn empty_bundle(root: PathBuf, opts: &LoadOptions, root_disk: u64) -> Bundle {
    let mut builder = Builder::new(opts.target.clone());
    builder.add_root(root, RootKind::SitePackages, root_disk);
    builder.finish_tree().0
}

/// Adds a shard's entries under `parent`, children sorted; returns their ids, in order.
fn graft(
    tree: &mut Tree,
    parent: NodeId,
    shard: &Shard,
    links: &mut HashSet<(u64, u64)>,
) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = Vec::with_capacity(shard.entries.len());
    for entry in &shard.entries {
        let at = if entry.parent == BASE {
            parent
        } else {
            ids[entry.parent as usize]
        };
        let own = Sizes {
            files: u64::from(entry.kind != NodeKind::Dir),
            bytes: entry.size,
            disk: entry.disk,
            zipped: entry.zipped,
        };
        ids.push(tree.add_child(at, shard.name(entry), entry.kind, own));
    }
    for &(entry, dev, ino) in &shard.hard_links {
        if !links.insert((dev, ino)) {
            tree.set_own_disk(ids[entry as usize], 0);
        }
    }
    for (id, entry) in ids.iter().zip(&shard.entries) {
        if entry.kind == NodeKind::Dir {
            tree.sort_children_of(*id);
        }
    }
    tree.sort_children_of(parent);
    ids
}

/// `added - removed`, field by field, as an arrival without path or owner.
fn sizes_delta(added: &Sizes, removed: &Sizes) -> Arrival {
    let d = delta;
    Arrival {
        path: String::new(),
        owner: None,
        files: d(added.files, removed.files),
        bytes: d(added.bytes, removed.bytes),
        zipped: d(added.zipped, removed.zipped),
    }
}

/// The arrival whose subtree holds `node`.
fn arrival_of(tree: &Tree, node: NodeId, roots: &HashMap<NodeId, usize>) -> Option<usize> {
    let mut at = Some(node);
    while let Some(n) = at {
        if let Some(index) = roots.get(&n) {
            return Some(*index);
        }
        at = tree.parent(n);
    }
    None
}

/// Name of the distribution owning most bytes under `node`.
fn majority_owner(bundle: &Bundle, node: NodeId) -> Option<String> {
    let mut bytes: HashMap<DistId, u64> = HashMap::new();
    for id in bundle.tree.descendants(node) {
        let n = bundle.tree.node(id);
        if let Some(owner) = n.owner() {
            *bytes.entry(owner).or_default() += n.own.bytes.max(1);
        }
    }
    let (id, _) = bytes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    bundle.dists.get(id.index()).map(|d| d.name.clone())
}

#[cfg(test)]
mod tests;
