//! The size model: an arena tree of every scanned path with rolled-up sizes.
//!
//! Nodes live in one `Vec` and point at each other with `NodeId` indices, so a
//! million-node tree costs about a hundred bytes a node and no per-node maps.
//! Names are raw bytes (non-UTF-8 names survive) stored in one shared buffer.

use crate::chunked::Chunked;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use thin_vec::ThinVec;

/// Index of a node in a [`Tree`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as a `usize`, for slices that run parallel to the arena.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a distribution in a bundle's distribution list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DistId(pub u32);

impl DistId {
    /// The index as a `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a node is on disk (or in an archive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A directory; its own apparent size counts 0, as in a zip.
    Dir,
    /// A regular file.
    File,
    /// A symbolic link, never followed; its size is the link's own.
    Symlink,
    /// A socket, fifo or device: counted, never owned.
    Other,
}

/// Sizes rolled up over a subtree (or owned by a distribution).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    /// Files and symlinks (not directories).
    pub files: u64,
    /// Apparent bytes: what Lambda and a zip count.
    pub bytes: u64,
    /// Disk usage in bytes (blocks * 512, hard links once, directories included).
    pub disk: u64,
    /// Zipped bytes: exact for archives, estimated (deflate -6) for directories.
    pub zipped: u64,
}

impl Sizes {
    /// Adds `other` field by field, saturating: sizes from a saved scan or an archive's
    /// central directory are untrusted and may sum past `u64::MAX`.
    pub fn add(&mut self, other: &Sizes) {
        self.files = self.files.saturating_add(other.files);
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.disk = self.disk.saturating_add(other.disk);
        self.zipped = self.zipped.saturating_add(other.zipped);
    }

    /// Subtracts `other` field by field, saturating at zero.
    pub fn sub(&mut self, other: &Sizes) {
        self.files = self.files.saturating_sub(other.files);
        self.bytes = self.bytes.saturating_sub(other.bytes);
        self.disk = self.disk.saturating_sub(other.disk);
        self.zipped = self.zipped.saturating_sub(other.zipped);
    }
}

/// One path in the tree, as [`Tree::node`] hands it out: a copy assembled from the compact
/// storage, so reading `own` and `total` stays plain field access.
#[derive(Clone, Copy, Debug)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// This node's own sizes (for a directory: zero bytes, its own disk blocks).
    pub own: Sizes,
    /// Sizes of the whole subtree, this node included.
    pub total: Sizes,
    owner: u32,
    detached: bool,
}

/// How a node is stored: 40 bytes (a test holds it there), because a tree holds one per path
/// and the scan's memory budget is counted in bytes a file. The zipped total, the one size
/// that changes once a tree is complete (as estimates arrive), lives in [`Tree::zipped`].
///
/// Only directories have children, so for every other node its own sizes are its total and
/// one copy is kept. A directory's own sizes (its disk blocks, the zipped cost of its entry)
/// and its file count live in [`Tree::dirs`], a side table with one row per directory (about
/// one path in twelve in a site-packages tree). A file's file count is 1, so no node stores
/// one: `files` would cost 8 bytes a node to say what `kind` says.
#[derive(Clone, Debug)]
struct Stored {
    name_start: u32,
    name_len: u16,
    kind: NodeKind,
    parent: u32,
    // Directories are never owned, so one field serves both: for a file (or link) the owning
    // distribution's index (NO_OWNER for none), for a directory its row in `Tree::dirs`.
    link: u32,
    // A thin vector (one pointer, no allocation when empty): most nodes are files.
    children: ThinVec<NodeId>,
    // The subtree's total bytes and disk; the file count is in `kind` or `Tree::dirs`.
    bytes: u64,
    disk: u64,
}

/// A directory's row in [`Tree::dirs`].
#[derive(Clone, Copy, Debug, Default)]
struct DirSizes {
    own: Sizes,
    /// Files in the whole subtree.
    files: u64,
}

impl Stored {
    fn is_detached(&self) -> bool {
        self.name_len == DETACHED
    }

    /// Its name in the tree's name buffer (empty once detached).
    fn name_in<'a>(&self, names: &'a [u8]) -> &'a [u8] {
        if self.is_detached() {
            return &[];
        }
        &names[self.name_start as usize..(self.name_start + u32::from(self.name_len)) as usize]
    }

    /// A directory's own sizes, from its row in [`Tree::dirs`].
    fn dir_own(&self, dirs: &[DirSizes]) -> Sizes {
        dirs.get(self.link as usize)
            .map_or_else(Sizes::default, |d| d.own)
    }

    fn total(&self, dirs: &[DirSizes], zipped: u64) -> Sizes {
        let files = if self.kind == NodeKind::Dir {
            dirs.get(self.link as usize).map_or(0, |d| d.files)
        } else {
            1
        };
        Sizes {
            files,
            bytes: self.bytes,
            disk: self.disk,
            zipped,
        }
    }

    /// Overwrites the stored total but its zipped bytes (a directory's file count goes to
    /// its row).
    fn set_total(&mut self, dirs: &mut [DirSizes], total: &Sizes) {
        self.bytes = total.bytes;
        self.disk = total.disk;
        if self.kind == NodeKind::Dir
            && let Some(d) = dirs.get_mut(self.link as usize)
        {
            d.files = total.files;
        }
    }
}

const NO_PARENT: u32 = u32::MAX;
const NO_OWNER: u32 = u32::MAX;
/// `name_len` of a detached node.
const DETACHED: u16 = u16::MAX;

/// The arena of nodes.
///
/// A clone shares the nodes and names (copied on the next change to either): a complete tree
/// only changes its zipped sizes as estimates arrive, and those are kept apart, so a worker
/// can read a copy of a 200k-node tree (the import analysis) for the cost of its zipped
/// column and directory rows.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    nodes: Arc<Chunked<Stored>>,
    names: Arc<Vec<u8>>,
    /// Per node: the subtree's zipped bytes.
    zipped: Chunked<u64>,
    dirs: Vec<DirSizes>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of nodes ever added (detached ones included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Number of directories ever added.
    pub fn dir_count(&self) -> usize {
        self.dirs.len()
    }

    /// Whether the tree has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Adds a parentless node (the bundle's top, or a root); `name` may be a whole path.
    pub fn add_root(&mut self, name: &[u8]) -> NodeId {
        self.push(NO_PARENT, name, NodeKind::Dir, Sizes::default())
    }

    /// Adds `name` under `parent` (a directory) with its own sizes; totals are fixed by
    /// [`Tree::roll_up`]. A file's own `files` is 1 whatever `own` says: a file is one file.
    pub fn add_child(&mut self, parent: NodeId, name: &[u8], kind: NodeKind, own: Sizes) -> NodeId {
        debug_assert!(
            self.nodes[parent.index()].kind == NodeKind::Dir,
            "only directories have children"
        );
        let id = self.push(parent.0, name, kind, own);
        self.nodes_mut()[parent.index()].children.push(id);
        id
    }

    /// The nodes, to change (a copy first if a clone of the tree still shares them).
    fn nodes_mut(&mut self) -> &mut Chunked<Stored> {
        Arc::make_mut(&mut self.nodes)
    }

    fn push(&mut self, parent: u32, name: &[u8], kind: NodeKind, own: Sizes) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX - 1));
        let name_start = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        Arc::make_mut(&mut self.names).extend_from_slice(name);
        let link = if kind == NodeKind::Dir {
            self.dirs.push(DirSizes {
                own,
                files: own.files,
            });
            u32::try_from(self.dirs.len() - 1).unwrap_or(u32::MAX)
        } else {
            NO_OWNER
        };
        self.zipped.push(own.zipped);
        self.nodes_mut().push(Stored {
            name_start,
            // A path component never nears 64 KiB; a longer (hostile) archive name is cut.
            name_len: u16::try_from(name.len()).unwrap_or(DETACHED - 1),
            parent,
            kind,
            link,
            children: ThinVec::new(),
            bytes: own.bytes,
            disk: own.disk,
        });
        id
    }

    /// The node behind `id` (a copy: change it through the `Tree`'s setters).
    pub fn node(&self, id: NodeId) -> Node {
        let n = &self.nodes[id.index()];
        let total = n.total(&self.dirs, self.zipped[id.index()]);
        let (own, owner) = if n.kind == NodeKind::Dir {
            (n.dir_own(&self.dirs), NO_OWNER)
        } else {
            (total, n.link)
        };
        Node {
            kind: n.kind,
            own,
            total,
            owner,
            detached: n.is_detached(),
        }
    }

    /// Gives a file (or link) to a distribution, or to none; directories are never owned.
    pub fn set_owner(&mut self, id: NodeId, owner: Option<DistId>) {
        let n = &mut self.nodes_mut()[id.index()];
        if n.kind != NodeKind::Dir {
            n.link = owner.map_or(NO_OWNER, |d| d.0);
        }
    }
    /// The raw bytes of a node's name (empty once detached: detaching forgets it).
    pub fn name(&self, id: NodeId) -> &[u8] {
        self.nodes[id.index()].name_in(&self.names)
    }

    /// A node's name for display (lossy for non-UTF-8 names).
    pub fn display_name(&self, id: NodeId) -> Cow<'_, str> {
        String::from_utf8_lossy(self.name(id))
    }

    /// The parent of a node, if it has one.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let p = self.nodes[id.index()].parent;
        (p != NO_PARENT).then_some(NodeId(p))
    }

    /// The children of a node (sorted by name once [`Tree::sort_children`] ran).
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        &self.nodes[id.index()].children
    }

    /// Sorts every node's children by name so lookups can binary-search.
    pub fn sort_children(&mut self) {
        // Each child's name is looked up once, not at every comparison: the lookups (a node
        // and a name, far apart) were most of the sort's time.
        let mut keyed: Vec<(&[u8], NodeId)> = Vec::new();
        let (names, nodes) = (self.names.as_slice(), Arc::make_mut(&mut self.nodes));
        for i in 0..nodes.len() {
            if nodes[i].children.len() < 2 {
                continue;
            }
            // Taken out for the sort so the other nodes' names can be read meanwhile.
            let mut children = std::mem::take(&mut nodes[i].children);
            keyed.clear();
            keyed.extend(
                children
                    .iter()
                    .map(|c| (nodes[c.index()].name_in(names), *c)),
            );
            // Ids break ties (an archive may list a name twice): children were pushed in id
            // order, so this is the stable order, and the unstable sort moves less.
            keyed.sort_unstable();
            for (slot, (_, id)) in children.iter_mut().zip(&keyed) {
                *slot = *id;
            }
            // Lists grew by doubling; a complete tree gives the spare slots back.
            children.shrink_to_fit();
            nodes[i].children = children;
        }
        // The tree is complete: give back what doubling left unused at the end of each buffer.
        self.nodes_mut().shrink_last();
        self.zipped.shrink_last();
        Arc::make_mut(&mut self.names).shrink_to_fit();
        self.dirs.shrink_to_fit();
    }

    /// The child of `parent` called `name` (children must be sorted).
    pub fn child(&self, parent: NodeId, name: &[u8]) -> Option<NodeId> {
        let children = self.children(parent);
        children
            .binary_search_by(|c| self.name(*c).cmp(name))
            .ok()
            .map(|i| children[i])
    }

    /// Follows a `/`-separated relative path from `from` (`.` and empty parts skipped, `..` goes up).
    pub fn resolve(&self, from: NodeId, rel: &[u8]) -> Option<NodeId> {
        let mut at = from;
        for part in rel.split(|b| *b == b'/') {
            match part {
                b"" | b"." => {}
                b".." => at = self.parent(at)?,
                name => at = self.child(at, name)?,
            }
        }
        Some(at)
    }

    /// Whether `ancestor` is `id` or one of its ancestors.
    pub fn is_within(&self, id: NodeId, ancestor: NodeId) -> bool {
        let mut at = Some(id);
        while let Some(n) = at {
            if n == ancestor {
                return true;
            }
            at = self.parent(n);
        }
        false
    }

    /// The `/`-joined path of `id` relative to `base` (empty when equal), as raw bytes.
    pub fn rel_path(&self, base: NodeId, id: NodeId) -> Vec<u8> {
        let mut parts = Vec::new();
        let mut at = id;
        while at != base {
            parts.push(self.name(at));
            match self.parent(at) {
                Some(p) => at = p,
                None => break,
            }
        }
        let mut out = Vec::new();
        for (i, part) in parts.iter().rev().enumerate() {
            if i > 0 {
                out.push(b'/');
            }
            out.extend_from_slice(part);
        }
        out
    }

    /// The filesystem path of a node: its parentless ancestor's name (a path) joined with the rest.
    pub fn path(&self, id: NodeId) -> PathBuf {
        let mut top = id;
        while let Some(p) = self.parent(top) {
            top = p;
        }
        let mut path = bytes_to_path(self.name(top));
        if top != id {
            path.push(bytes_to_path(&self.rel_path(top, id)));
        }
        path
    }

    /// Every node of the subtree under `id`, in index order (`id` first, each parent before
    /// its children): the same set as [`Tree::descendants`], for sums that need no order.
    ///
    /// Why: a depth-first walk follows child lists all over memory and pushes every id on a
    /// stack; a pass over the stored nodes in order reads them once, front to back. The
    /// whole tree was walked depth first five times in a one-shot report (a tenth of its
    /// serial time at 200k files). Children always have larger indices than their parents,
    /// so one forward pass with a bit per node decides membership.
    pub fn subtree(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let start = id.index();
        // A bit per node from `start` on: whether it is in the subtree.
        let mut inside = vec![0u64; self.nodes.len().saturating_sub(start).div_ceil(64)];
        (start..self.nodes.len()).filter_map(move |i| {
            let n = &self.nodes[i];
            let p = (n.parent as usize).wrapping_sub(start);
            let member = i == start
                || (!n.is_detached()
                    && n.parent != NO_PARENT
                    && (n.parent as usize) >= start
                    && inside[p / 64] & (1 << (p % 64)) != 0);
            if member {
                inside[(i - start) / 64] |= 1 << ((i - start) % 64);
            }
            member.then_some(NodeId(i as u32))
        })
    }

    /// Every node of the subtree under `id`, `id` first, depth first.
    pub fn descendants(&self, id: NodeId) -> Descendants<'_> {
        Descendants {
            tree: self,
            stack: vec![id],
        }
    }

    /// Recomputes every total from own sizes, children before parents.
    pub fn roll_up(&mut self) {
        self.reset_dir_totals(0..self.nodes.len());
        // Children always have larger indices than their parents.
        for i in (0..self.nodes.len()).rev() {
            let p = self.nodes[i].parent;
            if p != NO_PARENT && !self.nodes[i].is_detached() {
                self.add_to_total(NodeId(p), &self.total(NodeId(i as u32)));
            }
        }
    }

    /// Sets each directory's total back to its own sizes (a file's total is its own already).
    fn reset_dir_totals(&mut self, ids: impl Iterator<Item = usize>) {
        for i in ids {
            let n = &self.nodes[i];
            if n.kind == NodeKind::Dir {
                let own = n.dir_own(&self.dirs);
                self.set_total(NodeId(i as u32), &own);
            }
        }
    }

    fn total(&self, id: NodeId) -> Sizes {
        self.nodes[id.index()].total(&self.dirs, self.zipped[id.index()])
    }

    /// Overwrites a node's stored total.
    fn set_total(&mut self, id: NodeId, total: &Sizes) {
        let Tree {
            nodes,
            zipped,
            dirs,
            ..
        } = self;
        Arc::make_mut(nodes)[id.index()].set_total(dirs, total);
        zipped[id.index()] = total.zipped;
    }

    fn add_to_total(&mut self, id: NodeId, add: &Sizes) {
        let mut t = self.total(id);
        t.add(add);
        self.set_total(id, &t);
    }

    /// Sets a node's own zipped bytes and moves every ancestor's total by the difference.
    pub fn set_own_zipped(&mut self, id: NodeId, zipped: u64) {
        let before = self.node(id).own.zipped;
        if before == zipped {
            return;
        }
        if let Some(d) = self.dir_row(id) {
            d.own.zipped = zipped;
        }
        // For a file this also sets its own bytes: they are its total.
        let mut at = Some(id);
        while let Some(a) = at {
            let t = &mut self.zipped[a.index()];
            *t = (*t - before.min(*t)).saturating_add(zipped);
            at = self.parent(a);
        }
    }

    /// A directory's row in the side table (`None` for a file).
    fn dir_row(&mut self, id: NodeId) -> Option<&mut DirSizes> {
        let n = &self.nodes[id.index()];
        if n.kind == NodeKind::Dir {
            self.dirs.get_mut(n.link as usize)
        } else {
            None
        }
    }

    /// Unlinks a subtree from its parent and subtracts its totals from every ancestor.
    pub fn detach(&mut self, id: NodeId) {
        let Some(parent) = self.parent(id) else {
            return;
        };
        let total = self.total(id);
        self.nodes_mut()[parent.index()]
            .children
            .retain(|c| *c != id);
        let mut at = Some(parent);
        while let Some(a) = at {
            let mut t = self.total(a);
            t.sub(&total);
            self.set_total(a, &t);
            at = self.parent(a);
        }
        self.nodes_mut()[id.index()].name_len = DETACHED;
    }

    /// Sorts one node's children by name (after adding children to a sorted tree).
    pub fn sort_children_of(&mut self, id: NodeId) {
        let mut children = std::mem::take(&mut self.nodes_mut()[id.index()].children);
        children.sort_by(|a, b| self.name(*a).cmp(self.name(*b)));
        self.nodes_mut()[id.index()].children = children;
    }

    /// Rolls up a subtree just added under a rolled-up tree and adds its total to every
    /// ancestor: the inverse of [`Tree::detach`]'s subtraction.
    pub fn roll_up_subtree(&mut self, id: NodeId) {
        let order: Vec<NodeId> = self.descendants(id).collect();
        self.reset_dir_totals(order.iter().map(|n| n.index()));
        // Depth first puts every parent before its children: reversed, children come first.
        for &n in order.iter().rev().filter(|n| **n != id) {
            let parent = NodeId(self.nodes[n.index()].parent);
            self.add_to_total(parent, &self.total(n));
        }
        let total = self.total(id);
        let mut at = self.parent(id);
        while let Some(a) = at {
            self.add_to_total(a, &total);
            at = self.parent(a);
        }
    }

    /// Replaces a node's own sizes and moves the difference into its and its ancestors' totals.
    pub fn set_own(&mut self, id: NodeId, own: Sizes) {
        let old = self.node(id).own;
        if let Some(d) = self.dir_row(id) {
            d.own = own;
        }
        // A file's total is its own sizes, so the first step below replaces them.
        let mut at = Some(id);
        while let Some(a) = at {
            let mut total = self.total(a);
            total.sub(&old);
            total.add(&own);
            self.set_total(a, &total);
            at = self.parent(a);
        }
    }

    /// Sets a node's own disk bytes (a hard link seen before counts none), moving its ancestors.
    pub fn set_own_disk(&mut self, id: NodeId, disk: u64) {
        let mut own = self.node(id).own;
        own.disk = disk;
        self.set_own(id, own);
    }

    /// Whether a node is still reachable from its parentless ancestor (no detached ancestor).
    pub fn is_live(&self, id: NodeId) -> bool {
        let mut at = Some(id);
        while let Some(a) = at {
            if self.nodes[a.index()].is_detached() {
                return false;
            }
            at = self.parent(a);
        }
        true
    }
}

impl Node {
    /// Whether [`Tree::detach`] cut this node off.
    pub fn is_detached(&self) -> bool {
        self.detached
    }

    /// The distribution that owns this file (from RECORD), if any.
    pub fn owner(&self) -> Option<DistId> {
        (self.owner != NO_OWNER).then_some(DistId(self.owner))
    }

    /// Whether the node is a directory.
    pub fn is_dir(&self) -> bool {
        self.kind == NodeKind::Dir
    }
}

/// Depth-first iterator over a subtree.
pub struct Descendants<'a> {
    tree: &'a Tree,
    stack: Vec<NodeId>,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.stack.pop()?;
        self.stack.extend(self.tree.children(id).iter().rev());
        Some(id)
    }
}

/// Turns stored name bytes back into a path without loss on Unix.
pub fn bytes_to_path(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// The raw bytes of an OS string (lossless on Unix).
pub fn os_bytes(s: &std::ffi::OsStr) -> Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(s.as_bytes())
    }
    #[cfg(not(unix))]
    {
        Cow::Owned(s.to_string_lossy().into_owned().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: u64) -> Sizes {
        Sizes {
            files: 1,
            bytes,
            disk: 4096,
            zipped: 0,
        }
    }

    #[test]
    fn a_stored_node_stays_at_40_bytes() {
        // The scan's memory budget (150 bytes a file, names and lists included) rests on this.
        assert_eq!(std::mem::size_of::<Stored>(), 40);
    }

    #[test]
    fn a_clone_shares_the_nodes_and_keeps_its_own_zipped_sizes() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        let x = t.add_child(a, b"x.py", NodeKind::File, file(10));
        t.roll_up();
        let copy = t.clone();
        assert!(
            Arc::ptr_eq(&t.nodes, &copy.nodes),
            "a clone shares the nodes"
        );
        assert!(
            Arc::ptr_eq(&t.names, &copy.names),
            "a clone shares the names"
        );
        t.set_own_zipped(x, 7);
        assert!(
            Arc::ptr_eq(&t.nodes, &copy.nodes),
            "zipped sizes change without copying the nodes"
        );
        assert_eq!(t.node(root).total.zipped, 7);
        assert_eq!(copy.node(root).total.zipped, 0);
        assert_eq!(copy.node(x).own.zipped, 0);
        // A change to the structure copies first: the clone keeps what it had.
        t.add_child(a, b"y.py", NodeKind::File, file(5));
        t.set_own_disk(x, 0);
        assert!(!Arc::ptr_eq(&t.nodes, &copy.nodes));
        assert_eq!(copy.children(a), &[x]);
        assert_eq!(copy.node(root).total.disk, 4096);
        assert_eq!(t.node(root).total.disk, 0);
    }

    #[test]
    fn owners_round_trip_through_the_compact_field() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let x = t.add_child(root, b"x.py", NodeKind::File, file(1));
        assert_eq!(t.node(x).owner(), None);
        t.set_owner(x, Some(DistId(7)));
        assert_eq!(t.node(x).owner(), Some(DistId(7)));
        t.set_owner(x, None);
        assert_eq!(t.node(x).owner(), None);
    }

    #[test]
    fn roll_up_sums_children_into_every_ancestor() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        t.add_child(a, b"x.py", NodeKind::File, file(10));
        t.add_child(root, b"y.py", NodeKind::File, file(5));
        t.roll_up();
        assert_eq!(t.node(root).total.bytes, 15);
        assert_eq!(t.node(root).total.files, 2);
        assert_eq!(t.node(a).total.bytes, 10);
    }

    #[test]
    fn resolve_walks_names_and_dotdot() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        let x = t.add_child(a, b"x.py", NodeKind::File, file(1));
        t.sort_children();
        assert_eq!(t.resolve(root, b"a/x.py"), Some(x));
        assert_eq!(t.resolve(a, b"../a/./x.py"), Some(x));
        assert_eq!(t.resolve(root, b"a/nope"), None);
        assert_eq!(t.rel_path(root, x), b"a/x.py");
        assert_eq!(t.path(x), PathBuf::from("/r/a/x.py"));
    }

    #[test]
    fn a_detached_node_has_an_empty_name_and_its_children_keep_theirs() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let cache = t.add_child(root, b"__pycache__", NodeKind::Dir, Sizes::default());
        let pyc = t.add_child(cache, b"x.cpython-312.pyc", NodeKind::File, file(10));
        t.detach(cache);
        assert_eq!(t.name(cache), b"");
        assert_eq!(t.name(pyc), b"x.cpython-312.pyc");
    }

    #[test]
    fn detaching_a_subtree_subtracts_it_from_ancestors() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        t.add_child(a, b"x.py", NodeKind::File, file(10));
        t.add_child(root, b"y.py", NodeKind::File, file(5));
        t.roll_up();
        t.detach(a);
        assert_eq!(t.node(root).total.bytes, 5);
        assert_eq!(t.children(root).len(), 1);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn the_index_order_subtree_holds_the_same_nodes_as_the_depth_first_walk(
            parents in proptest::collection::vec(0usize..1000, 1..60),
            detached in proptest::collection::vec(0usize..1000, 0..4),
            from in 0usize..1000,
        ) {
            let mut t = Tree::new();
            let root = t.add_root(b"/r");
            let mut ids = vec![root];
            for (i, p) in parents.iter().enumerate() {
                let parent = ids[p % ids.len()];
                let name = format!("n{i}");
                ids.push(t.add_child(parent, name.as_bytes(), NodeKind::Dir, Sizes::default()));
            }
            for d in detached {
                t.detach(ids[d % ids.len()]);
            }
            let from = ids[from % ids.len()];
            let mut walked: Vec<NodeId> = t.descendants(from).collect();
            walked.sort_by_key(|n| n.0);
            let linear: Vec<NodeId> = t.subtree(from).collect();
            proptest::prop_assert_eq!(walked, linear);
        }
    }

    #[test]
    fn a_subtree_added_later_rolls_up_into_its_ancestors() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        t.add_child(a, b"x.py", NodeKind::File, file(10));
        t.roll_up();
        let b = t.add_child(a, b"b", NodeKind::Dir, Sizes::default());
        t.add_child(b, b"y.py", NodeKind::File, file(7));
        let c = t.add_child(b, b"c", NodeKind::Dir, Sizes::default());
        t.add_child(c, b"z.py", NodeKind::File, file(3));
        t.roll_up_subtree(b);
        let incremental: Vec<Sizes> = (0..t.len())
            .map(|i| t.node(NodeId(i as u32)).total)
            .collect();
        t.roll_up();
        let full: Vec<Sizes> = (0..t.len())
            .map(|i| t.node(NodeId(i as u32)).total)
            .collect();
        assert_eq!(incremental, full);
        assert_eq!(t.node(root).total.bytes, 20);
    }

    #[test]
    fn set_own_moves_the_difference_into_every_ancestor() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        let x = t.add_child(a, b"x.py", NodeKind::File, file(10));
        t.roll_up();
        let mut own = t.node(x).own;
        own.zipped = 4;
        own.bytes = 8;
        t.set_own(x, own);
        assert_eq!(t.node(root).total.zipped, 4);
        assert_eq!(t.node(a).total.bytes, 8);
    }

    #[test]
    fn nodes_under_a_detached_subtree_are_not_live() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        let x = t.add_child(a, b"x.py", NodeKind::File, file(10));
        let b = t.add_child(root, b"b", NodeKind::Dir, Sizes::default());
        t.add_child(root, b"c", NodeKind::Dir, Sizes::default());
        t.roll_up();
        t.detach(a);
        assert!(!t.is_live(x));
        assert!(t.is_live(b));
        t.sort_children_of(root);
        assert_eq!(
            t.child(root, b"c").map(|c| t.name(c).to_vec()),
            Some(b"c".to_vec())
        );
    }

    #[test]
    fn a_directory_keeps_its_own_sizes_apart_from_its_total() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let dir_own = Sizes {
            disk: 4096,
            zipped: 46,
            ..Sizes::default()
        };
        let a = t.add_child(root, b"a", NodeKind::Dir, dir_own);
        let x = t.add_child(a, b"x.py", NodeKind::File, file(10));
        t.roll_up();
        assert_eq!(t.node(a).own, dir_own);
        assert_eq!(
            t.node(a).total,
            Sizes {
                files: 1,
                bytes: 10,
                disk: 8192,
                zipped: 46
            }
        );
        assert_eq!(t.node(x).own, t.node(x).total);
        t.set_own_zipped(a, 50);
        t.set_own_zipped(x, 7);
        assert_eq!(t.node(a).own.zipped, 50);
        assert_eq!(t.node(a).total.zipped, 57);
        assert_eq!(t.node(root).total.zipped, 57);
        // A second roll-up starts again from the own sizes and lands on the same totals.
        let before: Vec<Node> = [root, a, x].map(|n| t.node(n)).to_vec();
        t.roll_up();
        let after: Vec<Node> = [root, a, x].map(|n| t.node(n)).to_vec();
        assert_eq!(format!("{before:?}"), format!("{after:?}"));
    }

    #[test]
    fn a_file_counts_as_one_file_and_a_directory_counts_none_of_its_own() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        let link = t.add_child(a, b"l", NodeKind::Symlink, file(3));
        t.add_child(a, b"b", NodeKind::Dir, Sizes::default());
        t.roll_up();
        assert_eq!(t.node(link).total.files, 1);
        assert_eq!(t.node(a).own.files, 0);
        assert_eq!(t.node(a).total.files, 1);
        assert_eq!(t.node(root).total.files, 1);
    }

    #[test]
    fn directories_are_never_owned() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        let b = t.add_child(root, b"b", NodeKind::Dir, Sizes::default());
        t.set_owner(a, Some(DistId(3)));
        assert_eq!(t.node(a).owner(), None);
        // The owner field of a directory is its side-table row: setting one must not move it.
        t.set_own_zipped(b, 9);
        assert_eq!(t.node(a).own.zipped, 0);
        assert_eq!(t.node(b).own.zipped, 9);
    }

    #[test]
    fn a_hard_link_seen_before_gives_back_its_disk_bytes() {
        let mut t = Tree::new();
        let root = t.add_root(b"/r");
        let a = t.add_child(root, b"a", NodeKind::Dir, Sizes::default());
        let x = t.add_child(a, b"x", NodeKind::File, file(10));
        t.roll_up();
        t.set_own_disk(x, 0);
        assert_eq!(t.node(x).own.disk, 0);
        assert_eq!(t.node(root).total.disk, 0);
        t.roll_up();
        assert_eq!(t.node(root).total.disk, 0);
    }
}
