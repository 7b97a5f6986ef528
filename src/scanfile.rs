//! Saved scans (`heft.scan/1`): a loaded bundle written to a compact JSON file and read
//! back without the files themselves, so a scan can be explored elsewhere (and a demo
//! bundle can ship inside the binary).
//!
//! The tree is stored column-wise (one array per field) to stay small; distributions keep
//! their Requires-Dist texts and the graph is rebuilt on load from those and the target.
//! Files ending in `.gz` are gzip-compressed; reading detects gzip by its magic bytes.
//! Names that are not UTF-8 are stored lossily.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};

use crate::bundle::{Bundle, Distribution, Root};
use crate::model::{NodeId, NodeKind};
use crate::regular_file::{self, FileError, SAVED_SCAN_CAP};

/// Schema tag of a saved scan.
pub const SCHEMA: &str = "heft.scan/1";

/// Marks "none" in the parent and owner columns.
const NONE: u32 = u32::MAX;

/// Errors reading or writing a saved scan.
#[derive(Debug, thiserror::Error)]
pub enum ScanFileError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The bytes are not a saved scan heft understands.
    #[error("{what}: not a {SCHEMA} saved scan: {reason}")]
    Invalid {
        /// The file (or "embedded demo").
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The file is not a regular file or is larger than a saved scan may be.
    #[error(transparent)]
    File(#[from] FileError),
}

/// The whole saved scan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScanFile {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The heft version that wrote it (absent in scans saved before it was recorded).
    #[serde(default)]
    pub heft_version: Option<String>,
    /// Python version, platform and machine of the target.
    pub target: [String; 3],
    /// Inputs in order.
    pub roots: Vec<RootRec>,
    /// Every node, column-wise; node 0 is the bundle's virtual top.
    pub nodes: Nodes,
    /// Installed distributions.
    pub dists: Vec<DistRec>,
    /// Graph roots with the extras they had, fed back as top-level requirements.
    pub top_level: Vec<(String, Vec<String>)>,
    /// Unreadable paths: root index, path, message.
    pub errors: Vec<(usize, String, String)>,
}

/// One input.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RootRec {
    /// Path as given.
    pub path: String,
    /// `site-packages`, `wheels` or `zip`.
    pub kind: String,
    /// Its node.
    pub node: u32,
    /// Package directory nodes.
    pub sites: Vec<u32>,
    /// Exact archive size of a zip root.
    pub archive_bytes: Option<u64>,
}

/// The tree, one array per field, parents before children.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Nodes {
    /// Parent index ([`u32::MAX`] for the top).
    pub parent: Vec<u32>,
    /// Name (a whole path for roots).
    pub name: Vec<String>,
    /// One letter per node: `d`ir, `f`ile, `l`ink, `o`ther.
    pub kind: String,
    /// Owning distribution index or [`u32::MAX`].
    pub owner: Vec<u32>,
    /// Own apparent bytes.
    pub bytes: Vec<u64>,
    /// Own disk bytes.
    pub disk: Vec<u64>,
    /// Own zipped bytes.
    pub zipped: Vec<u64>,
}

/// One distribution.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DistRec {
    /// Name as METADATA spells it.
    pub name: String,
    /// Version.
    pub version: String,
    /// Summary line.
    pub summary: Option<String>,
    /// Installs: root index, metadata dir node, version.
    pub installs: Vec<(usize, u32, String)>,
    /// Requires-Dist texts (parsed and unparsable alike).
    pub requires: Vec<String>,
    /// Ownership from egg-info lists.
    pub approximate: bool,
    /// RECORD rows pointing at nothing.
    pub missing_files: u64,
    /// RECORD rows that did not parse.
    pub bad_record_rows: u64,
}

/// Captures a bundle (detached nodes are left out and the rest renumbered).
pub fn capture(bundle: &Bundle) -> ScanFile {
    let tree = &bundle.tree;
    let mut order: Vec<NodeId> = tree.descendants(bundle.top).collect();
    order.sort_unstable();
    let mut new_id = vec![NONE; tree.len()];
    for (i, id) in order.iter().enumerate() {
        new_id[id.index()] = i as u32;
    }
    let map = |id: NodeId| new_id[id.index()];
    let mut nodes = Nodes::default();
    for &id in &order {
        let n = tree.node(id);
        nodes.parent.push(tree.parent(id).map_or(NONE, map));
        nodes.name.push(tree.display_name(id).into_owned());
        nodes.kind.push(kind_letter(n.kind));
        nodes.owner.push(n.owner().map_or(NONE, |d| d.0));
        nodes.bytes.push(n.own.bytes);
        nodes.disk.push(n.own.disk);
        nodes.zipped.push(n.own.zipped);
    }
    ScanFile {
        schema: SCHEMA.into(),
        heft_version: Some(env!("CARGO_PKG_VERSION").into()),
        target: [
            bundle.target.python.clone(),
            bundle.target.platform.clone(),
            bundle.target.machine.clone(),
        ],
        roots: bundle.roots.iter().map(|r| root_rec(r, map)).collect(),
        nodes,
        dists: bundle.dists.iter().map(|d| dist_rec(d, map)).collect(),
        top_level: top_level(bundle),
        errors: bundle
            .errors
            .iter()
            .map(|(r, e)| (*r, e.path.to_string_lossy().into_owned(), e.message.clone()))
            .collect(),
    }
}

fn root_rec(r: &Root, map: impl Fn(NodeId) -> u32) -> RootRec {
    RootRec {
        path: r.path.to_string_lossy().into_owned(),
        kind: r.kind.as_str().into(),
        node: map(r.node),
        sites: r.sites.iter().map(|s| map(*s)).collect(),
        archive_bytes: r.archive_bytes,
    }
}

fn dist_rec(d: &Distribution, map: impl Fn(NodeId) -> u32) -> DistRec {
    let mut requires: Vec<String> = d.requires.iter().map(|r| r.text.clone()).collect();
    requires.extend(d.bad_requires.iter().cloned());
    DistRec {
        name: d.name.clone(),
        version: d.version.clone(),
        summary: d.summary.clone(),
        installs: d
            .installs
            .iter()
            .map(|i| (i.root, map(i.meta_dir), i.version.clone()))
            .collect(),
        requires,
        approximate: d.approximate,
        missing_files: d.missing_files,
        bad_record_rows: d.bad_record_rows,
    }
}

/// The graph's roots with their active extras: rebuilding with these as top-level
/// requirements gives the same edges, since extras only ever grow to the same fixed point.
fn top_level(bundle: &Bundle) -> Vec<(String, Vec<String>)> {
    let g = &bundle.graph;
    g.roots
        .iter()
        .map(|r| {
            let extras = g
                .extras
                .get(r.index())
                .map(|e| e.iter().cloned().collect())
                .unwrap_or_default();
            (bundle.dist(*r).key.clone(), extras)
        })
        .collect()
}

fn kind_letter(kind: NodeKind) -> char {
    match kind {
        NodeKind::Dir => 'd',
        NodeKind::File => 'f',
        NodeKind::Symlink => 'l',
        NodeKind::Other => 'o',
    }
}

fn letter_kind(c: char) -> NodeKind {
    match c {
        'd' => NodeKind::Dir,
        'f' => NodeKind::File,
        'l' => NodeKind::Symlink,
        _ => NodeKind::Other,
    }
}

mod restore;

pub use restore::restore;

/// Writes a bundle to `path` (gzip-compressed when the name ends in `.gz`), atomically.
pub fn save(bundle: &Bundle, path: &Path) -> Result<(), ScanFileError> {
    let io = |source| ScanFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let json = serde_json::to_vec(&capture(bundle)).map_err(|e| io(e.into()))?;
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&json).map_err(io)?;
        enc.finish().map_err(io)?
    } else {
        json
    };
    let tmp = path.with_extension("tmp-heft");
    std::fs::write(&tmp, &bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Reads a saved scan from a file (a regular file of at most [`SAVED_SCAN_CAP`] bytes).
pub fn open(path: &Path) -> Result<Bundle, ScanFileError> {
    let bytes = regular_file::read(path, SAVED_SCAN_CAP)?;
    parse(&bytes, &path.display().to_string())
}

/// Reads a saved scan from bytes (plain or gzipped JSON); `what` names them in errors.
pub fn parse(bytes: &[u8], what: &str) -> Result<Bundle, ScanFileError> {
    let invalid = |reason: String| ScanFileError::Invalid {
        what: what.into(),
        reason,
    };
    let json = if bytes.starts_with(&[0x1f, 0x8b]) {
        let hint = bytes.len() as u64 * 8;
        regular_file::read_capped(GzDecoder::new(bytes), SAVED_SCAN_CAP, hint, Path::new(what))
            .map_err(|e| match e {
                FileError::TooLarge { .. } => {
                    invalid(format!("decompresses to more than {SAVED_SCAN_CAP} bytes"))
                }
                other => invalid(other.reason()),
            })?
    } else {
        bytes.to_vec()
    };
    let header: Header = serde_json::from_slice(&json).map_err(|e| invalid(e.to_string()))?;
    if header.schema != SCHEMA {
        return Err(invalid(format!(
            "schema is {:?}, {}; this heft {} reads {SCHEMA} only: rescan with `heft report PATH --save FILE`",
            header.schema,
            saved_by(header.heft_version.as_deref()),
            env!("CARGO_PKG_VERSION")
        )));
    }
    let file: ScanFile = serde_json::from_slice(&json).map_err(|e| {
        invalid(format!(
            "{e} ({}; this is heft {})",
            saved_by(header.heft_version.as_deref()),
            env!("CARGO_PKG_VERSION")
        ))
    })?;
    restore(&file).map_err(invalid)
}

/// The fields read before the rest, so a scan from another heft is named as such.
#[derive(Deserialize)]
struct Header {
    schema: String,
    #[serde(default)]
    heft_version: Option<String>,
}

/// "saved by heft 0.1.0", or what is known when the version was not recorded.
fn saved_by(version: Option<&str>) -> String {
    match version {
        Some(v) => format!("saved by heft {v}"),
        None => "saved by a heft that did not record its version".to_string(),
    }
}

/// Whether a path holds a saved scan: by content when it can be read (a saved scan named
/// `.zip` is still one, a zip named `.heftscan` is not), else by its name.
pub fn is_scan_file(path: &Path) -> bool {
    if let Some(is_scan) = sniff(path) {
        return is_scan;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase());
    name.is_some_and(|n| n.ends_with(".heftscan") || n.ends_with(".heftscan.gz"))
}

/// Whether the regular file at `path` holds a saved scan, judged by its first bytes (plain
/// or gzipped JSON opening with the `heft.scan/` schema tag); `None` when it cannot be read.
fn sniff(path: &Path) -> Option<bool> {
    // Only regular files are opened (checked after a non-blocking open, so a FIFO swapped in
    // meanwhile is refused rather than waited on).
    let file = match crate::regular_file::open(path) {
        Ok(file) => file,
        Err(crate::regular_file::FileError::NotRegular { .. }) => return Some(false),
        Err(_) => return None,
    };
    let mut head = Vec::with_capacity(SNIFF);
    file.take(SNIFF as u64).read_to_end(&mut head).ok()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = Vec::with_capacity(SNIFF);
        // A truncated or foreign gzip stream simply yields fewer bytes.
        let _ = GzDecoder::new(head.as_slice())
            .take(SNIFF as u64)
            .read_to_end(&mut inflated);
        head = inflated;
    }
    Some(opens_with_schema(&head))
}

/// How many bytes [`sniff`] looks at.
const SNIFF: usize = 256;

/// Whether JSON text opens with `{"schema": "heft.scan/`, whitespace allowed.
fn opens_with_schema(head: &[u8]) -> bool {
    let compact: Vec<u8> = head
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    compact.starts_with(b"{\"schema\":\"heft.scan/")
}

#[cfg(test)]
mod tests;
