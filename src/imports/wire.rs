//! The `heft.imports/1` JSON: entries, every file's class, per-distribution bytes per
//! class, the resolved edges, missing imports and unreadable sources.

use serde::{Deserialize, Serialize};

use super::lazy::LazyPathJson;
use super::{Imports, ReachSizes};
use crate::bundle::Bundle;
use crate::model::NodeId;
use crate::report::TargetJson;

/// Schema name of the document.
pub const SCHEMA: &str = "heft.imports/1";

/// The whole document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImportsJson {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The runtime the finder resolved for.
    pub target: TargetJson,
    /// Entry modules or files.
    pub entries: Vec<String>,
    /// Whether the entries are the default ones (import names of top-level distributions).
    pub default_entries: bool,
    /// Entries found nowhere in the bundle.
    pub unresolved_entries: Vec<String>,
    /// Bytes per class over the whole bundle.
    pub totals: ReachBytes,
    /// Every file, with its class.
    pub files: Vec<FileJson>,
    /// Bytes per class for each distribution.
    pub distributions: Vec<DistReachJson>,
    /// Every resolved import between modules of the bundle.
    pub edges: Vec<EdgeJson>,
    /// Imports that resolve neither in the bundle nor in the standard library.
    pub missing: Vec<MissingJson>,
    /// Sources that could not be read for imports.
    pub unparsed: Vec<UnparsedJson>,
    /// Top-level subtrees only lazily reached, with the import that makes each lazy.
    #[serde(default)]
    pub lazy_paths: Vec<LazyPathJson>,
}

/// Bytes (and zipped bytes) per class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachBytes {
    /// Reached through module-scope imports.
    pub reached_bytes: u64,
    /// Reached only through deferred, guarded or dynamic imports.
    pub lazy_bytes: u64,
    /// Data of reached packages and metadata of used distributions.
    pub data_bytes: u64,
    /// Nothing reaches it.
    pub unreached_bytes: u64,
    /// Sources heft could not read (kept).
    pub unparsed_bytes: u64,
    /// Zipped `reached_bytes`.
    pub reached_zipped_bytes: u64,
    /// Zipped `lazy_bytes`.
    pub lazy_zipped_bytes: u64,
    /// Zipped `data_bytes`.
    pub data_zipped_bytes: u64,
    /// Zipped `unreached_bytes`.
    pub unreached_zipped_bytes: u64,
}

impl From<&ReachSizes> for ReachBytes {
    fn from(s: &ReachSizes) -> Self {
        ReachBytes {
            reached_bytes: s.reached.bytes,
            lazy_bytes: s.lazy.bytes,
            data_bytes: s.data.bytes,
            unreached_bytes: s.unreached.bytes,
            unparsed_bytes: s.unparsed.bytes,
            reached_zipped_bytes: s.reached.zipped,
            lazy_zipped_bytes: s.lazy.zipped,
            data_zipped_bytes: s.data.zipped,
            unreached_zipped_bytes: s.unreached.zipped,
        }
    }
}

/// One file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileJson {
    /// Root index.
    pub root: usize,
    /// Path relative to its root, as in `heft.manifest/1`.
    pub path: String,
    /// `reached`, `lazy`, `data`, `unreached` or `unparsed`.
    pub reach: String,
}

/// One distribution's bytes per class.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DistReachJson {
    /// PEP 503 normalised name.
    pub key: String,
    /// Bytes per class.
    #[serde(flatten)]
    pub bytes: ReachBytes,
}

/// One import between modules of the bundle.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EdgeJson {
    /// The importing module (its root-relative path when it is no module).
    pub from: String,
    /// The imported module.
    pub to: String,
    /// `top`, `deferred`, `guarded`, `type-only` or `dynamic`.
    pub kind: String,
    /// The importing file, relative to its root.
    pub file: String,
    /// Line of the import.
    pub line: u32,
}

/// An import found nowhere.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MissingJson {
    /// The absolute dotted name.
    pub module: String,
    /// The importing file, relative to its root.
    pub imported_by: String,
    /// Line of the import.
    pub line: u32,
    /// When the import runs.
    pub kind: String,
}

/// A source that could not be read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UnparsedJson {
    /// Path relative to its root.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// A node's path relative to its root, and the root's index.
pub fn root_path(bundle: &Bundle, id: NodeId) -> (usize, String) {
    let root = bundle.root_of(id).unwrap_or(0);
    let base = bundle.roots.get(root).map_or(bundle.top, |r| r.node);
    (
        root,
        String::from_utf8_lossy(&bundle.tree.rel_path(base, id)).into_owned(),
    )
}

impl ImportsJson {
    /// The document for `imports` over `bundle`.
    pub fn new(bundle: &Bundle, imports: &Imports) -> ImportsJson {
        let tree = &bundle.tree;
        let path = |id: NodeId| root_path(bundle, id).1;
        let (per, all) = imports.sizes(bundle);
        let files = tree
            .descendants(bundle.top)
            .filter(|id| !tree.node(*id).is_dir())
            .map(|id| {
                let (root, path) = root_path(bundle, id);
                FileJson {
                    root,
                    path,
                    reach: imports.of(id).as_str().to_string(),
                }
            })
            .collect();
        let mut distributions: Vec<DistReachJson> = bundle
            .dists
            .iter()
            .zip(&per)
            .map(|(d, s)| DistReachJson {
                key: d.key.clone(),
                bytes: s.into(),
            })
            .collect();
        distributions.sort_by(|a, b| a.key.cmp(&b.key));
        let finder = &imports.graph.finder;
        let edges = imports
            .graph
            .edges
            .iter()
            .map(|e| EdgeJson {
                from: e
                    .from
                    .map_or_else(|| path(e.file), |m| finder.module(m).name.to_string()),
                to: finder.module(e.to).name.to_string(),
                kind: e.kind.as_str().to_string(),
                file: path(e.file),
                line: e.line,
            })
            .collect();
        ImportsJson {
            schema: SCHEMA.to_string(),
            target: TargetJson {
                python: bundle.target.python.clone(),
                platform: bundle.target.platform.clone(),
                machine: bundle.target.machine.clone(),
            },
            entries: imports.entries.clone(),
            default_entries: imports.default_entries,
            unresolved_entries: imports.unresolved.clone(),
            totals: (&all).into(),
            files,
            distributions,
            edges,
            missing: imports
                .graph
                .missing
                .iter()
                .map(|m| MissingJson {
                    module: m.module.clone(),
                    imported_by: path(m.file),
                    line: m.line,
                    kind: m.kind.as_str().to_string(),
                })
                .collect(),
            unparsed: imports
                .graph
                .unparsed
                .iter()
                .map(|(id, reason)| UnparsedJson {
                    path: path(*id),
                    reason: reason.clone(),
                })
                .collect(),
            lazy_paths: imports.lazy_paths(bundle),
        }
    }
}
