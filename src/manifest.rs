//! The prune manifest (`heft.manifest/1`): a decision saved as JSON, with the rules, the
//! resolved excluded paths per root, predicted totals and fingerprints of the scanned tree,
//! plus the export formats ([`export`]) and the safe on-disk pruner ([`apply`]).
//!
//! Excluded paths are collapsed to the highest excluded directory. `totals.after` is what
//! deleting them leaves (what `heft prune` achieves, to the byte); `totals.after_strip`
//! also takes off the estimated `strip-so` saving when that rule is on.

pub mod apply;
pub mod export;
mod fingerprint;

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::limits::{Counted, Limit, Verdict};
use crate::model::{NodeId, Sizes};
use crate::report::TargetJson;
use crate::rules::Rule;

pub use fingerprint::{Marker, fingerprint, markers, now_rfc3339, rfc3339};

/// Schema tag of the manifest.
pub const SCHEMA: &str = "heft.manifest/1";

/// The whole manifest.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Version of heft that wrote it.
    pub heft_version: String,
    /// When, as RFC 3339 UTC.
    pub created: String,
    /// Marker environment used.
    pub target: TargetJson,
    /// The scanned inputs, in order.
    pub roots: Vec<ManifestRoot>,
    /// Limits checked, with their verdicts after the exclusions.
    pub limits: Vec<LimitJson>,
    /// The enabled rules, in order.
    pub rules: Vec<Rule>,
    /// Paths to delete, collapsed to the highest excluded directory.
    pub excluded: Vec<ExcludedPath>,
    /// Totals before and after.
    pub totals: TotalsPair,
    /// What the exclusions would break, for people.
    pub warnings: Vec<String>,
}

/// One scanned input.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestRoot {
    /// The path as given.
    pub path: String,
    /// `site-packages`, `wheels` or `zip`.
    pub kind: String,
    /// Package directories, relative to the root ("" is the root itself).
    pub sites: Vec<String>,
    /// Files and links.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
    /// Fingerprint of the tree as scanned ([`fingerprint`]).
    pub fingerprint: String,
    /// Fingerprint of the tree once the excluded paths are gone.
    pub fingerprint_after: String,
    /// Kept files whose presence and size identify the root (checked by the `sh` export).
    pub markers: Vec<Marker>,
}

/// A limit with its verdict after exclusions.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LimitJson {
    /// Preset name or the `--limit` text.
    pub name: String,
    /// Must be smaller than this.
    pub bytes: u64,
    /// What is measured.
    pub counted: Counted,
    /// Bytes measured after exclusions, reserve included.
    pub used: u64,
    /// Bytes set aside for what was not scanned.
    pub reserve: u64,
    /// Whether `used` is under the limit.
    pub ok: bool,
    /// Bytes that could still be added.
    pub headroom: u64,
    /// Bytes still to cut.
    pub overrun: u64,
}

impl LimitJson {
    /// The JSON form of a verdict.
    pub fn new(v: &Verdict) -> LimitJson {
        LimitJson {
            name: v.limit.name.clone(),
            bytes: v.limit.bytes,
            counted: v.limit.counted,
            used: v.used,
            reserve: v.reserve,
            ok: v.ok,
            headroom: v.headroom,
            overrun: v.overrun,
        }
    }

    /// The limit itself, for re-checking.
    pub fn limit(&self) -> Limit {
        crate::limits::preset(&self.name)
            .filter(|p| p.bytes == self.bytes && p.counted == self.counted)
            .cloned()
            .unwrap_or_else(|| Limit {
                name: self.name.clone(),
                bytes: self.bytes,
                counted: self.counted,
                description: format!("limit from a manifest: {} bytes", self.bytes),
                source: "manifest".into(),
            })
    }
}

/// One path to delete.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExcludedPath {
    /// Root index.
    pub root: usize,
    /// `/`-separated path relative to the root (lossy when the name is not UTF-8).
    pub path: String,
    /// The exact path bytes in hex, present only when `path` is not valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_hex: Option<String>,
    /// A directory (deleted with everything under it).
    pub dir: bool,
    /// Files and links under it (1 for a file).
    pub files: u64,
    /// Apparent bytes under it.
    pub bytes: u64,
    /// Index into `rules` of the rule excluding it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<usize>,
}

impl ExcludedPath {
    /// The exact path bytes.
    pub fn raw_path(&self) -> Vec<u8> {
        self.path_hex
            .as_deref()
            .and_then(fingerprint::from_hex)
            .unwrap_or_else(|| self.path.as_bytes().to_vec())
    }
}

/// Sizes as the manifest counts them.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SizeTotals {
    /// Files and links.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
    /// Zipped bytes (estimated for directories).
    pub zipped_bytes: u64,
}

impl From<Sizes> for SizeTotals {
    fn from(s: Sizes) -> Self {
        SizeTotals {
            files: s.files,
            bytes: s.bytes,
            zipped_bytes: s.zipped,
        }
    }
}

/// Before and after.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TotalsPair {
    /// As scanned.
    pub before: SizeTotals,
    /// After deleting the excluded paths.
    pub after: SizeTotals,
    /// After deleting and stripping, when a `strip-so` rule saves anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_strip: Option<SizeTotals>,
}

/// A manifest that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ManifestError {
    /// Not JSON, or not this shape.
    #[error("not a heft manifest: {0}")]
    Parse(String),
    /// Another schema.
    #[error("manifest schema is `{0}`; this heft reads {SCHEMA}")]
    Schema(String),
    /// A different number of inputs.
    #[error("the manifest has {manifest} root(s) but {given} path(s) were given")]
    RootCount {
        /// Roots in the manifest.
        manifest: usize,
        /// Paths given.
        given: usize,
    },
    /// A root's files differ from the scanned tree's.
    #[error(
        "{path} does not match the manifest (fingerprint {found}, expected {expected}): it is not the tree the manifest was made from"
    )]
    Mismatch {
        /// The root's path as given now.
        path: String,
        /// Fingerprint of the tree now.
        found: String,
        /// Fingerprint in the manifest.
        expected: String,
    },
}

/// Whether a tree is the one a manifest was made from, before or after pruning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeView {
    /// As scanned when the manifest was made.
    Unpruned,
    /// With the excluded paths already gone.
    Pruned,
}

impl Manifest {
    /// The manifest of `ex` over `bundle`, with `verdicts` already computed after it.
    pub fn new(bundle: &Bundle, ex: &Exclusion, verdicts: &[Verdict], created: String) -> Manifest {
        let mut excluded = Vec::new();
        let mut roots = Vec::new();
        let mut deleted = Sizes::default();
        for (i, root) in bundle.roots.iter().enumerate() {
            collapse(bundle, ex, i, &mut excluded);
            let tree = &bundle.tree;
            roots.push(ManifestRoot {
                path: root.path.to_string_lossy().into_owned(),
                kind: root.kind.as_str().to_string(),
                sites: root
                    .sites
                    .iter()
                    .map(|s| String::from_utf8_lossy(&tree.rel_path(root.node, *s)).into_owned())
                    .collect(),
                files: tree.node(root.node).total.files,
                bytes: tree.node(root.node).total.bytes,
                fingerprint: fingerprint(bundle, i, |_| false),
                fingerprint_after: fingerprint(bundle, i, |n| ex.is_excluded(n)),
                markers: markers(bundle, i, |n| ex.is_excluded(n)),
            });
        }
        for e in &excluded {
            deleted.add(&e.1);
        }
        let totals = ex.totals(bundle);
        let mut after = totals.before;
        after.sub(&deleted);
        let enabled: Vec<usize> = (0..ex.len()).filter(|i| ex.is_enabled(*i)).collect();
        Manifest {
            schema: SCHEMA.to_string(),
            heft_version: env!("CARGO_PKG_VERSION").to_string(),
            created,
            target: TargetJson {
                python: bundle.target.python.clone(),
                platform: bundle.target.platform.clone(),
                machine: bundle.target.machine.clone(),
            },
            roots,
            limits: verdicts.iter().map(LimitJson::new).collect(),
            rules: enabled.iter().map(|i| ex.rule(*i).clone()).collect(),
            excluded: excluded
                .into_iter()
                .map(|(mut e, _)| {
                    e.rule = e.rule.and_then(|r| enabled.iter().position(|i| *i == r));
                    e
                })
                .collect(),
            totals: TotalsPair {
                before: totals.before.into(),
                after: after.into(),
                after_strip: (totals.after != after).then(|| totals.after.into()),
            },
            warnings: ex
                .warnings(bundle)
                .iter()
                .map(|w| w.message(bundle, ex))
                .collect(),
        }
    }

    /// Parses and checks the schema.
    pub fn from_json(text: &str) -> Result<Manifest, ManifestError> {
        #[derive(Deserialize)]
        struct Probe {
            schema: String,
        }
        let probe: Probe =
            serde_json::from_str(text).map_err(|e| ManifestError::Parse(e.to_string()))?;
        if probe.schema != SCHEMA {
            return Err(ManifestError::Schema(probe.schema));
        }
        serde_json::from_str(text).map_err(|e| ManifestError::Parse(e.to_string()))
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Whether `bundle` holds the trees this manifest was made from (or those trees pruned).
    pub fn match_tree(&self, bundle: &Bundle) -> Result<TreeView, ManifestError> {
        if self.roots.len() != bundle.roots.len() {
            return Err(ManifestError::RootCount {
                manifest: self.roots.len(),
                given: bundle.roots.len(),
            });
        }
        let mut state = TreeView::Pruned;
        for (i, root) in self.roots.iter().enumerate() {
            let found = fingerprint(bundle, i, |_| false);
            if found == root.fingerprint {
                state = TreeView::Unpruned;
            } else if found != root.fingerprint_after {
                return Err(ManifestError::Mismatch {
                    path: bundle.roots[i].path.to_string_lossy().into_owned(),
                    found,
                    expected: root.fingerprint.clone(),
                });
            }
        }
        Ok(state)
    }
}

/// Appends root `root`'s highest excluded nodes, each with its subtree's sizes.
fn collapse(bundle: &Bundle, ex: &Exclusion, root: usize, out: &mut Vec<(ExcludedPath, Sizes)>) {
    let tree = &bundle.tree;
    let base = bundle.roots[root].node;
    let mut stack: Vec<NodeId> = tree.children(base).iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        let node = tree.node(id);
        if ex.is_excluded(id) {
            let raw = tree.rel_path(base, id);
            let (path, path_hex) = match String::from_utf8(raw) {
                Ok(s) => (s, None),
                Err(e) => {
                    let bytes = e.into_bytes();
                    let hex = fingerprint::to_hex(&bytes);
                    (String::from_utf8_lossy(&bytes).into_owned(), Some(hex))
                }
            };
            let entry = ExcludedPath {
                root,
                path,
                path_hex,
                dir: node.is_dir(),
                files: node.total.files,
                bytes: node.total.bytes,
                rule: ex.excluded_by(id),
            };
            out.push((entry, node.total));
        } else if node.is_dir() {
            stack.extend(tree.children(id).iter().rev());
        }
    }
}

#[cfg(test)]
mod tests;
