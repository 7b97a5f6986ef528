//! The resolved import graph, kept between runs under `$XDG_CACHE_HOME/heft/imports/graphs/`
//! so a second analysis of an unchanged bundle neither reads nor resolves any import.
//!
//! A stored graph is used only when its [`Inputs`] digest matches: every node of the tree
//! (index, parent, name, kind), every file's identity and size where its bytes can be read
//! (device, inode, mtime), the roots and their sites, the target, the entry names, the
//! scanner's and this format's versions. Any difference is a miss and the graph is built anew.
//! One file per set of roots, target and entries (a changed tree overwrites it); nodes are
//! named by their place in path order, as node ids vary between loads. Decoding is
//! bounds-checked and every index is checked against the tree.

use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

use super::cache::{Encoder, KINDS, Reader, Writer};
use super::entries::Resolved;
use super::finder::{Finder, ModId, ModKind, Modules};
use super::graph::{Edge, Graph, Missing};
use crate::bundle::{Bundle, RootKind};
use crate::model::NodeId;
use crate::zipsize::prune_root_files;

/// First bytes of a graph file. Bump the version with any change to resolution.
const MAGIC: &[u8] = b"heft import graph v1\n";
/// Largest graph file read or written.
const MAX_FILE: usize = 256 << 20;
/// Most graph files kept; the least recently written go first.
const MAX_FILES: usize = 16;
/// Where `u32` ids store "none".
const NONE: u32 = u32::MAX;

/// A 128-bit digest of everything a bundle's import graph is computed from, and where each
/// node stands in path order (children are sorted by name): node ids follow the order the
/// parallel walk met the files, so a stored graph names nodes by place instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    digest: [u64; 2],
    /// By node index: its place (`NONE`: not under a root).
    place_of: Vec<u32>,
    /// By place: the node.
    node_at: Vec<NodeId>,
}

impl Inputs {
    /// The digest for `bundle` analysed from entry names `names`; `None` when some file
    /// whose bytes may be read has no identity (nodes added after the load, no inodes).
    pub fn of(bundle: &Bundle, names: &[String]) -> Option<Inputs> {
        let mut d = Digest::new();
        d.bytes(MAGIC);
        d.bytes(super::cache::MAGIC);
        d.bytes(env!("CARGO_PKG_VERSION").as_bytes());
        let t = &bundle.target;
        for s in [&t.python, &t.platform, &t.machine]
            .into_iter()
            .chain(names)
        {
            d.bytes(s.as_bytes());
        }
        d.u64(names.len() as u64);
        let tree = &bundle.tree;
        let mut place_of = vec![NONE; tree.len()];
        let mut node_at = Vec::with_capacity(tree.len());
        for (i, root) in bundle.roots.iter().enumerate() {
            let on_disk = root.kind == RootKind::SitePackages;
            let dev = bundle.stamps.dev(i);
            if on_disk && dev.is_none() {
                return None;
            }
            d.u64(root.kind as u64);
            d.u64(root.archive_bytes.unwrap_or(u64::MAX));
            d.u64(dev.unwrap_or(0));
            for id in tree.descendants(root.node) {
                let place = u32::try_from(node_at.len()).ok()?;
                place_of[id.index()] = place;
                node_at.push(id);
                let n = tree.node(id);
                d.u64(
                    tree.parent(id)
                        .map_or(u64::MAX, |p| u64::from(place_of[p.index()])),
                );
                d.bytes(tree.name(id));
                if n.is_dir() {
                    d.u64(u64::MAX);
                    continue;
                }
                let stamp = bundle.stamps.get(id);
                if on_disk && !stamp.is_known() {
                    return None;
                }
                d.u64(n.own.bytes);
                d.u64(stamp.ino);
                d.u64(stamp.mtime_ns.cast_unsigned());
            }
        }
        let mut inputs = Inputs {
            digest: [0; 2],
            place_of,
            node_at,
        };
        for root in &bundle.roots {
            d.u64(u64::from(inputs.place(root.node)));
            d.ids(root.sites.iter().map(|s| inputs.place(*s)));
        }
        inputs.digest = d.finish();
        Some(inputs)
    }

    fn place(&self, id: NodeId) -> u32 {
        self.place_of.get(id.index()).copied().unwrap_or(NONE)
    }
}

/// Two `SipHash` states (one salted) fed through a buffer: few calls for many small fields.
struct Digest {
    a: DefaultHasher,
    b: DefaultHasher,
    buf: Vec<u8>,
}

impl Digest {
    fn new() -> Self {
        let mut b = DefaultHasher::new();
        b.write(b"heft: the second half of the import inputs digest");
        Self {
            a: DefaultHasher::new(),
            b,
            buf: Vec::with_capacity(1 << 16),
        }
    }

    fn flush(&mut self) {
        self.a.write(&self.buf);
        self.b.write(&self.buf);
        self.buf.clear();
    }

    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
        if self.buf.len() >= 1 << 16 {
            self.flush();
        }
    }

    /// Length-prefixed, so `ab`,`c` and `a`,`bc` differ.
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 1 << 16 {
            self.flush();
        }
    }

    fn ids(&mut self, ids: impl Iterator<Item = u32>) {
        let mut n = 0;
        for id in ids {
            self.u64(u64::from(id));
            n += 1;
        }
        self.u64(n);
    }

    fn finish(mut self) -> [u64; 2] {
        self.flush();
        [self.a.finish(), self.b.finish()]
    }
}

/// The graph file for `bundle`'s roots, target and entry names, under `dir`; `None` when a
/// root's path cannot be made canonical.
fn file_for(dir: &Path, bundle: &Bundle, names: &[String]) -> Option<std::path::PathBuf> {
    let mut key = Vec::new();
    for root in &bundle.roots {
        let path = fs::canonicalize(&root.path).ok()?;
        key.extend_from_slice(&crate::model::os_bytes(path.as_os_str()));
        key.push(0);
    }
    let t = &bundle.target;
    for s in [&t.python, &t.platform, &t.machine]
        .into_iter()
        .chain(names)
    {
        key.extend_from_slice(s.as_bytes());
        key.push(0);
    }
    let hash = key.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    Some(dir.join("graphs").join(format!("{hash:016x}.bin")))
}

/// The stored graph of `bundle` for `names` and the entries it was walked from, if the
/// stored digest is `inputs`.
pub fn load(
    dir: &Path,
    bundle: &Bundle,
    names: &[String],
    inputs: &Inputs,
) -> Option<(Graph, Resolved)> {
    let path = file_for(dir, bundle, names)?;
    let bytes = crate::regular_file::read(&path, MAX_FILE as u64).ok()?;
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    if [r.u64()?, r.u64()?] != inputs.digest {
        return None;
    }
    decode(&mut r, bundle, inputs)
}

/// Stores `graph` (walked from `resolved`) as the graph of `bundle` for `names`. Errors are
/// returned; callers may ignore them (the cache only saves time).
pub fn save(
    dir: &Path,
    bundle: &Bundle,
    names: &[String],
    inputs: &Inputs,
    graph: &Graph,
    resolved: &Resolved,
) -> std::io::Result<()> {
    let Some(path) = file_for(dir, bundle, names) else {
        return Ok(());
    };
    let graphs = dir.join("graphs");
    fs::create_dir_all(&graphs)?;
    let mut out = Encoder::create(&path, MAX_FILE)?;
    out.0.extend_from_slice(MAGIC);
    for v in inputs.digest {
        out.0.extend_from_slice(&v.to_le_bytes());
    }
    encode(&mut out, inputs, graph, resolved)?;
    out.commit()?;
    prune_root_files(&graphs, MAX_FILES);
    Ok(())
}

fn kind_code(k: super::EdgeKind) -> u8 {
    KINDS
        .iter()
        .position(|x| *x == k)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(0)
}

const MOD_KINDS: [ModKind; 5] = [
    ModKind::Package,
    ModKind::Source,
    ModKind::Sourceless,
    ModKind::Extension,
    ModKind::Namespace,
];

/// Writes `g`, naming nodes by place.
fn encode(w: &mut Encoder, inputs: &Inputs, g: &Graph, resolved: &Resolved) -> std::io::Result<()> {
    let p = |id: NodeId| inputs.place(id);
    w.u32(g.scanned);
    w.u32(g.finder.modules.len());
    for m in g.finder.modules.iter() {
        w.flush()?;
        w.str(m.name);
        let kind = MOD_KINDS.iter().position(|k| *k == m.kind).unwrap_or(0);
        w.0.push(u8::try_from(kind).unwrap_or(0));
        w.id(m.file.map(p));
        w.ids(m.dirs.iter().map(|d| p(*d)));
    }
    w.u32(g.edges.len());
    for e in &g.edges {
        w.flush()?;
        w.id(Some(p(e.file)));
        w.id(e.from.map(|m| m.0));
        w.id(Some(e.to.0));
        w.0.push(kind_code(e.kind));
        w.u32(e.line as usize);
    }
    // Files in node order (the maps' own order varies): the ids alone are sorted, 4 bytes
    // a file rather than 16 for a pair of references.
    let mut files: Vec<NodeId> = g.file_edges.keys().copied().collect();
    files.sort_unstable();
    w.u32(files.len());
    for f in &files {
        w.flush()?;
        let r = &g.file_edges[f];
        w.id(Some(p(*f)));
        w.u32(r.start);
        w.u32(r.end);
    }
    files.clear();
    files.extend(g.file_module.keys());
    files.sort_unstable();
    w.u32(files.len());
    for f in &files {
        w.flush()?;
        w.id(Some(p(*f)));
        w.id(Some(g.file_module[f].0));
    }
    drop(files);
    w.u32(g.missing.len());
    for m in &g.missing {
        w.flush()?;
        w.str(&m.module);
        w.id(Some(p(m.file)));
        w.u32(m.line as usize);
        w.0.push(kind_code(m.kind));
    }
    w.u32(g.unparsed.len());
    for (f, why) in &g.unparsed {
        w.flush()?;
        w.id(Some(p(*f)));
        w.str(why);
    }
    w.ids(resolved.modules.iter().map(|m| m.0));
    w.ids(resolved.files.iter().map(|f| p(*f)));
    w.strings(&resolved.unresolved);
    Ok(())
}

impl Writer {
    fn id(&mut self, id: Option<u32>) {
        self.0.extend_from_slice(&id.unwrap_or(NONE).to_le_bytes());
    }

    fn ids(&mut self, ids: impl ExactSizeIterator<Item = u32>) {
        self.u32(ids.len());
        for id in ids {
            self.id(Some(id));
        }
    }
}

/// Reads ids (nodes by place) and checks them against what they index.
struct Ids<'r, 'a> {
    r: &'r mut Reader<'a>,
    nodes: &'r [NodeId],
    modules: usize,
}

impl Ids<'_, '_> {
    fn node(&mut self) -> Option<NodeId> {
        self.nodes.get(self.r.u32()? as usize).copied()
    }

    fn module(&mut self) -> Option<ModId> {
        let v = self.r.u32()?;
        ((v as usize) < self.modules).then_some(ModId(v))
    }

    // Outer `None`: damaged input; inner `None`: the id stored as "none".
    #[allow(clippy::option_option)]
    fn optional<T>(&mut self, read: fn(&mut Self) -> Option<T>) -> Option<Option<T>> {
        let mut peek = Reader(self.r.0);
        if peek.u32()? == NONE {
            self.r.0 = peek.0;
            return Some(None);
        }
        read(self).map(Some)
    }

    fn kind(&mut self) -> Option<super::EdgeKind> {
        KINDS.get(self.r.u8()? as usize).copied()
    }

    fn list<T>(&mut self, min: usize, read: fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.r.count(min)?;
        (0..n).map(|_| read(self)).collect()
    }
}

fn decode(r: &mut Reader, bundle: &Bundle, inputs: &Inputs) -> Option<(Graph, Resolved)> {
    let scanned = r.u32()? as usize;
    let mut ids = Ids {
        r,
        nodes: &inputs.node_at,
        modules: 0,
    };
    let mut modules = Modules::default();
    for _ in 0..ids.r.count(10)? {
        let name = ids.r.str()?;
        let kind = *MOD_KINDS.get(ids.r.u8()? as usize)?;
        let file = ids.optional(Ids::node)?;
        let dirs = ids.list(4, Ids::node)?;
        modules.push(&name, kind, file, &dirs)?;
    }
    ids.modules = modules.len();
    let edges = ids.list(17, |ids| {
        Some(Edge {
            file: ids.node()?,
            from: ids.optional(Ids::module)?,
            to: ids.module()?,
            kind: ids.kind()?,
            line: ids.r.u32()?,
        })
    })?;
    let file_edges = ids
        .list(12, |ids| {
            let file = ids.node()?;
            Some((file, ids.r.u32()? as usize..ids.r.u32()? as usize))
        })?
        .into_iter()
        .map(|(f, r)| (r.start <= r.end && r.end <= edges.len()).then_some((f, r)))
        .collect::<Option<_>>()?;
    let file_module = ids
        .list(8, |ids| Some((ids.node()?, ids.module()?)))?
        .into_iter()
        .collect();
    let missing = ids.list(13, |ids| {
        Some(Missing {
            module: ids.r.str()?,
            file: ids.node()?,
            line: ids.r.u32()?,
            kind: ids.kind()?,
        })
    })?;
    let unparsed = ids.list(8, |ids| Some((ids.node()?, ids.r.str()?)))?;
    let resolved = Resolved {
        modules: ids.list(4, Ids::module)?,
        files: ids.list(4, Ids::node)?,
        unresolved: ids.r.strings()?,
    };
    if !ids.r.0.is_empty() {
        return None;
    }
    let graph = Graph {
        finder: Finder::with_modules(bundle, modules)?,
        edges,
        file_edges,
        file_module,
        missing,
        unparsed,
        scanned,
    };
    Some((graph, resolved))
}

#[cfg(test)]
#[path = "graphcache_tests.rs"]
mod tests;
