//! Distributions installed in more than one artifact of a function: the bytes paid twice
//! and the copy Python imports (Lambda's `sys.path`: `/var/task`, then `/opt/python`, then
//! `/opt/python/lib/python3.X/site-packages`; layers extract in order, later ones overwrite).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::gate::{Artifact, ArtifactKind};
use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::model::DistId;

/// A distribution installed in more than one artifact of a function.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DuplicateJson {
    /// As METADATA spells it.
    pub name: String,
    /// Version of each copy, in artifact order.
    pub versions: Vec<String>,
    /// Artifacts holding a copy, in Lambda's order.
    pub artifacts: Vec<String>,
    /// The copy Python imports: code in /var/task first, then /opt/python, and among
    /// layers extracting to the same place the later one.
    pub wins: String,
    /// Unzipped bytes of the copies that never load (paid twice).
    pub wasted_bytes: u64,
}

/// Unzipped bytes each distribution owns in each root, excluded files left out.
fn owned_per_root(bundle: &Bundle, ex: &Exclusion) -> HashMap<(DistId, usize), u64> {
    let mut out = HashMap::new();
    for (r, root) in bundle.roots.iter().enumerate() {
        for id in bundle.tree.descendants(root.node) {
            let n = bundle.tree.node(id);
            if n.is_dir() || ex.is_excluded(id) {
                continue;
            }
            if let Some(d) = n.owner() {
                *out.entry((d, r)).or_insert(0) += n.own.bytes;
            }
        }
    }
    out
}

/// One copy of a distribution: artifact index, whether it lands in `/opt/python` (which
/// comes before `/opt/python/lib/python3.X/site-packages` on `sys.path`), bytes, version.
struct Copy {
    artifact: usize,
    rank: u8,
    bytes: u64,
    version: String,
}

/// The copy Python imports: code first; among layers the earlier `sys.path` directory, and
/// within one directory the later layer (it overwrites on extraction).
fn winner(copies: &[Copy], artifacts: &[Artifact]) -> usize {
    let key = |c: &Copy| {
        let is_code = artifacts[c.artifact].kind == ArtifactKind::Code;
        (!is_code, c.rank, std::cmp::Reverse(c.artifact))
    };
    copies
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| key(c))
        .map_or(0, |(i, _)| i)
}

/// Distributions installed in more than one artifact (a managed layer counts by its list).
pub fn duplicates(
    bundle: &Bundle,
    ex: &Exclusion,
    artifacts: &[Artifact],
    python: &str,
) -> Vec<DuplicateJson> {
    let owned = owned_per_root(bundle, ex);
    let root_artifact: HashMap<usize, usize> = artifacts
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((a.root?, i)))
        .collect();
    let managed: Vec<(usize, Vec<String>)> = artifacts
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((i, a.managed?.dist_keys(python))))
        .collect();
    let mut out = Vec::new();
    for (d, dist) in bundle.dists.iter().enumerate() {
        let id = DistId(d as u32);
        let mut copies: Vec<Copy> = dist
            .installs
            .iter()
            .filter_map(|inst| {
                let artifact = *root_artifact.get(&inst.root)?;
                let parent = bundle.tree.parent(inst.meta_dir)?;
                Some(Copy {
                    artifact,
                    rank: u8::from(bundle.tree.name(parent) != b"python"),
                    bytes: owned.get(&(id, inst.root)).copied().unwrap_or(0),
                    version: inst.version.clone(),
                })
            })
            .collect();
        for (i, keys) in &managed {
            if keys.contains(&dist.key) {
                copies.push(Copy {
                    artifact: *i,
                    rank: 0,
                    bytes: 0,
                    version: "?".into(),
                });
            }
        }
        copies.sort_by_key(|c| c.artifact);
        copies.dedup_by_key(|c| c.artifact);
        if copies.len() < 2 {
            continue;
        }
        let win = winner(&copies, artifacts);
        out.push(DuplicateJson {
            name: dist.name.clone(),
            versions: copies.iter().map(|c| c.version.clone()).collect(),
            artifacts: copies
                .iter()
                .map(|c| artifacts[c.artifact].name.clone())
                .collect(),
            wins: artifacts[copies[win].artifact].name.clone(),
            wasted_bytes: copies
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != win)
                .map(|(_, c)| c.bytes)
                .sum(),
        });
    }
    out.sort_by_key(|d| std::cmp::Reverse(d.wasted_bytes));
    out
}
