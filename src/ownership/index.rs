//! A hash index of every directory under a bundle's package directories, so a RECORD row's
//! directory is found with one hash of its path, and the row's file by name among that
//! directory's children.
//!
//! Why: resolving rows component by component (`Tree::child` binary searches, each a string
//! compare) was a fifth of a 200k-file report, and hashing every file's whole path then read
//! a table slot per row somewhere in a table of every path (cache misses). Rows come grouped
//! by directory, so [`PathIndex::get_near`] finds a directory once and looks each name up
//! among its children, which sit side by side. The index keeps 32 bits of each 64-bit hash,
//! not paths (9 bytes a directory instead of 17, few colliding pairs), and a hit is confirmed
//! by comparing the node's names with the path's components, so a hash collision can never
//! attribute a file to the wrong distribution: colliding paths are marked and resolved the
//! slow, exact way.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::{NodeId, Tree};

/// Marks a hash shared by two paths: such rows take the exact slow path.
const AMBIGUOUS: NodeId = NodeId(u32::MAX);

/// What the index knows about a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The path names this node.
    Found(NodeId),
    /// No path under the site has this name.
    Absent,
    /// The index cannot tell (`.`/`..`/empty parts, or a hash collision): resolve it by walking.
    Unknown,
}

/// Paths under package directories, keyed by a hash of (site, relative path).
#[derive(Debug, Default)]
pub struct PathIndex {
    map: HashMap<u32, NodeId, BuildHasherDefault<PassThrough>>,
}

impl PathIndex {
    /// Indexes every directory below each of `sites` (nested sites index theirs once each).
    pub fn build(tree: &Tree, sites: &[NodeId]) -> Self {
        // Sized once for every directory (an upper bound): growing by doubling would hold the
        // old and the new table at once.
        let mut index = Self {
            map: HashMap::with_capacity_and_hasher(tree.dir_count(), BuildHasherDefault::default()),
        };
        let mut stack: Vec<(NodeId, u64)> = Vec::new();
        for &site in sites {
            stack.push((site, seed(site)));
            while let Some((dir, hash)) = stack.pop() {
                for &child in tree.children(dir) {
                    if tree.node(child).is_dir() {
                        let h = step(hash, tree.name(child));
                        index.insert(h, child);
                        stack.push((child, h));
                    }
                }
            }
        }
        index
    }

    fn insert(&mut self, hash: u64, node: NodeId) {
        self.map
            .entry(key(hash))
            .and_modify(|n| *n = AMBIGUOUS)
            .or_insert(node);
    }

    /// The directory at `rel` (`/`-separated) under `site`.
    fn locate(&self, tree: &Tree, site: NodeId, rel: &[u8]) -> Lookup {
        let mut hash = seed(site);
        for part in rel.split(|b| *b == b'/') {
            if matches!(part, b"" | b"." | b"..") {
                return Lookup::Unknown;
            }
            hash = step(hash, part);
        }
        // A node at another path with the same hash means no directory is at this path: had
        // one existed, it would have been indexed under this hash too (and marked ambiguous).
        match self.map.get(&key(hash)) {
            Some(&AMBIGUOUS) => Lookup::Unknown,
            Some(&node) if is_at(tree, site, node, rel) => Lookup::Found(node),
            _ => Lookup::Absent,
        }
    }

    /// The node at `rel` (`/`-separated) under `site`, for rows read in order: RECORD lists a
    /// directory's files together, so the directory found for the last row is kept in
    /// `cursor`, and a row in the same directory only looks its name up among that
    /// directory's children.
    ///
    /// Why: a hashed lookup of every row's whole path, checked part by part, read a table
    /// slot, then a node and a name per level, all scattered over memory; those cache misses
    /// were most of the time spent resolving RECORD rows.
    pub fn get_near(&self, tree: &Tree, site: NodeId, rel: &[u8], cursor: &mut Cursor) -> Lookup {
        let (dir, name) = match rel.iter().rposition(|b| *b == b'/') {
            Some(slash) => (&rel[..slash], &rel[slash + 1..]),
            None => (&rel[..0], rel),
        };
        if matches!(name, b"" | b"." | b"..") {
            return Lookup::Unknown;
        }
        if cursor.site != Some(site) || cursor.dir != dir {
            let node = if dir.is_empty() {
                site
            } else {
                match self.locate(tree, site, dir) {
                    Lookup::Found(node) => node,
                    // No directory at that path: nothing in it either.
                    Lookup::Absent => return Lookup::Absent,
                    Lookup::Unknown => return Lookup::Unknown,
                }
            };
            cursor.site = Some(site);
            cursor.dir.clear();
            cursor.dir.extend_from_slice(dir);
            cursor.node = node;
        }
        // The name among the directory's sorted children: they were stored side by side, so
        // after the directory's first row they are in the cache, where a hashed lookup of
        // the whole path would land somewhere new in a table of every path.
        match tree.child(cursor.node, name) {
            Some(node) => Lookup::Found(node),
            None => Lookup::Absent,
        }
    }
}

/// The directory [`PathIndex::get_near`] found last (start with `Cursor::default()`).
#[derive(Debug, Default)]
pub struct Cursor {
    site: Option<NodeId>,
    dir: Vec<u8>,
    node: NodeId,
}

/// Whether `node` sits at `rel` below `site`: its names, read upwards, are the parts of
/// `rel` read backwards, and then comes `site`.
fn is_at(tree: &Tree, site: NodeId, node: NodeId, rel: &[u8]) -> bool {
    let mut at = node;
    for part in rel.rsplit(|b| *b == b'/') {
        if tree.name(at) != part {
            return false;
        }
        match tree.parent(at) {
            Some(p) => at = p,
            None => return false,
        }
    }
    at == site
}

/// The map's key: the hash's high half (the multiply leaves the low bits the weakest).
fn key(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// The hash of the empty path under `site`.
fn seed(site: NodeId) -> u64 {
    mix(0x9e37_79b9_7f4a_7c15, u64::from(site.0))
}

/// The hash of `parent/name` from the hash of `parent`: eight bytes at a time, then the
/// length, so `a/bc` and `ab/c` differ.
fn step(mut hash: u64, name: &[u8]) -> u64 {
    let mut chunks = name.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = mix(hash, u64::from_le_bytes(tail));
    mix(hash, name.len() as u64)
}

/// One round of a multiply-rotate mix (the Fx hash's step with a final avalanche-free
/// multiply; quality only matters for spreading keys, collisions are verified anyway).
fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The keys are already hashes: the map uses them as they are.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = mix(self.0, u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    /// A 32-bit key is spread over all 64 bits: the table picks buckets with the low bits
    /// and tags them with the top seven.
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeKind, Sizes};

    fn get(index: &PathIndex, t: &Tree, site: NodeId, rel: &[u8]) -> Lookup {
        index.get_near(t, site, rel, &mut Cursor::default())
    }

    fn tree() -> (Tree, NodeId, NodeId, NodeId) {
        let mut t = Tree::new();
        let site = t.add_root(b"/site");
        let pkg = t.add_child(site, b"pkg", NodeKind::Dir, Sizes::default());
        let sub = t.add_child(pkg, b"sub", NodeKind::Dir, Sizes::default());
        let file = t.add_child(sub, b"mod.py", NodeKind::File, Sizes::default());
        t.sort_children();
        (t, site, pkg, file)
    }

    #[test]
    fn a_whole_path_finds_its_node_and_a_missing_one_is_absent() {
        let (t, site, pkg, file) = tree();
        let index = PathIndex::build(&t, &[site]);
        assert_eq!(
            get(&index, &t, site, b"pkg/sub/mod.py"),
            Lookup::Found(file)
        );
        assert_eq!(get(&index, &t, site, b"pkg"), Lookup::Found(pkg));
        assert_eq!(get(&index, &t, site, b"pkg/sub/other.py"), Lookup::Absent);
        assert_eq!(get(&index, &t, site, b"pkgsub/mod.py"), Lookup::Absent);
    }

    #[test]
    fn dot_parts_and_empty_parts_are_left_to_the_walk() {
        let (t, site, _, _) = tree();
        let index = PathIndex::build(&t, &[site]);
        for rel in [&b"./pkg"[..], b"../bin/x", b"pkg//sub", b"pkg/", b""] {
            assert_eq!(get(&index, &t, site, rel), Lookup::Unknown);
        }
    }

    #[test]
    fn a_path_under_another_site_is_not_found_under_this_one() {
        let (mut t, site, _, _) = tree();
        let other = t.add_root(b"/other");
        let index = PathIndex::build(&t, &[site, other]);
        assert_eq!(get(&index, &t, other, b"pkg/sub/mod.py"), Lookup::Absent);
    }

    #[test]
    fn colliding_hashes_are_resolved_the_exact_way() {
        let (t, site, _, file) = tree();
        let mut index = PathIndex::build(&t, &[site]);
        // The directory's path collides: the row is left to the walk.
        let dir_hash = step(step(seed(site), b"pkg"), b"sub");
        index.insert(dir_hash, NodeId(0));
        assert_eq!(get(&index, &t, site, b"pkg/sub/mod.py"), Lookup::Unknown);
        assert_eq!(index.map.get(&key(dir_hash)), Some(&AMBIGUOUS));
        // A file's own path is never hashed: its name is looked up in its directory.
        let mut index = PathIndex::build(&t, &[site]);
        index.insert(step(dir_hash, b"mod.py"), NodeId(0));
        assert_eq!(
            get(&index, &t, site, b"pkg/sub/mod.py"),
            Lookup::Found(file)
        );
        assert_ne!(file, AMBIGUOUS);
    }

    #[test]
    fn a_node_found_by_hash_must_really_sit_at_the_path() {
        let (t, site, pkg, _) = tree();
        let mut index = PathIndex::default();
        // A forged entry: the hash of a path that does not exist points at `pkg`.
        index.insert(step(seed(site), b"nothere"), pkg);
        assert_eq!(get(&index, &t, site, b"nothere"), Lookup::Absent);
    }

    #[test]
    fn rows_in_one_directory_reuse_it_and_rows_elsewhere_do_not() {
        let (mut t, site, pkg, file) = tree();
        let sub = t.parent(file).unwrap();
        let other = t.add_child(sub, b"other.py", NodeKind::File, Sizes::default());
        let top = t.add_child(pkg, b"top.py", NodeKind::File, Sizes::default());
        let second = t.add_root(b"/second");
        let twin = t.add_child(second, b"pkg", NodeKind::Dir, Sizes::default());
        t.sort_children();
        let index = PathIndex::build(&t, &[site, second]);
        let mut cursor = Cursor::default();
        let mut at = |site, rel: &[u8]| index.get_near(&t, site, rel, &mut cursor);
        assert_eq!(at(site, b"pkg/sub/mod.py"), Lookup::Found(file));
        assert_eq!(at(site, b"pkg/sub/other.py"), Lookup::Found(other));
        assert_eq!(at(site, b"pkg/sub/gone.py"), Lookup::Absent);
        assert_eq!(at(site, b"pkg/top.py"), Lookup::Found(top));
        // The same directory path under another site is another directory.
        assert_eq!(at(second, b"pkg"), Lookup::Found(twin));
        assert_eq!(at(second, b"pkg/sub/mod.py"), Lookup::Absent);
        assert_eq!(at(site, b"pkg/sub/mod.py"), Lookup::Found(file));
        assert_eq!(at(site, b"nodir/sub/mod.py"), Lookup::Absent);
        assert_eq!(at(site, b"pkg/sub/.."), Lookup::Unknown);
    }

    #[test]
    fn a_name_found_by_hash_in_the_kept_directory_must_sit_in_it() {
        let (t, site, pkg, _) = tree();
        let mut index = PathIndex::build(&t, &[site]);
        let sub_hash = step(step(seed(site), b"pkg"), b"sub");
        // A forged entry: `pkg/sub/fake.py` does not exist, its hash points at `pkg`.
        index.map.remove(&key(step(sub_hash, b"fake.py")));
        index.insert(step(sub_hash, b"fake.py"), pkg);
        let mut cursor = Cursor::default();
        assert!(matches!(
            index.get_near(&t, site, b"pkg/sub/mod.py", &mut cursor),
            Lookup::Found(_)
        ));
        assert_eq!(
            index.get_near(&t, site, b"pkg/sub/fake.py", &mut cursor),
            Lookup::Absent
        );
    }
}
