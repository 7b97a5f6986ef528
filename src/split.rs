//! The layer splitter: partitions a bundle's distributions into at most N layers whose zips
//! each stay under an upload limit, never splitting a distribution.
//!
//! Groups come from the dominator tree of the dependency graph: a distribution with what only
//! it requires (its dominator subtree) stays together where it fits in one layer; a group too
//! big for any layer splits into its head and its sub-groups. Groups are packed first-fit,
//! largest first, so the big, rarely changing dependencies land together in the first layers.
//!
//! A layer's zip is estimated from the distributions' zipped bytes (deflate -6 per file, as
//! `zip -r -6` writes it) plus what a rebuilt layer adds: the `python/` prefix on every name
//! and one entry per directory. Files no distribution owns cannot be reinstalled by pip and
//! are reported, not placed.

mod pack;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::insight::retained::{digraph, dominators, subtree};
use crate::limits::request_bytes;
use crate::model::{DistId, NodeId, Sizes};
use crate::zipsize::{END_OF_CENTRAL_DIRECTORY, entry_overhead};

/// How a layer will be uploaded, which sets its zip's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Upload {
    /// `aws lambda publish-layer-version --zip-file`: the zip under 52,428,800 bytes.
    Direct,
    /// The `PublishLayerVersion` request with the zip in base64 under 70,167,211 bytes.
    Request,
    /// From S3: no zip limit of its own, only the 262,144,000 unzipped total.
    S3,
}

impl Upload {
    /// Whether a zip of `zipped` bytes can be uploaded this way.
    pub fn allows(self, zipped: u64) -> bool {
        match self {
            Upload::Direct => zipped < 52_428_800,
            Upload::Request => request_bytes(zipped) < 70_167_211,
            Upload::S3 => true,
        }
    }

    /// The largest zip it allows, for messages.
    pub fn max_zip(self) -> u64 {
        match self {
            Upload::Direct => 52_428_799,
            // request_bytes(z) < 70_167_211 <=> 4 * ceil(z / 3) < 70_167_211 - 2048.
            Upload::Request => (70_167_210 - crate::limits::REQUEST_ENVELOPE_BYTES) / 4 * 3,
            Upload::S3 => u64::MAX,
        }
    }
}

/// What to split for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitOptions {
    /// At most this many layers.
    pub layers: usize,
    /// How each is uploaded.
    pub upload: Upload,
    /// Unzipped bytes of the function code (and layers kept as they are).
    pub reserve: u64,
    /// Bytes kept free below each layer's zip limit for estimate error (per mille).
    pub margin_per_mille: u64,
}

/// One distribution as the splitter sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// As METADATA spells it.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Unzipped bytes.
    pub bytes: u64,
    /// Estimated bytes in a rebuilt layer's zip.
    pub zipped: u64,
}

/// One proposed layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    /// Its distributions, largest first.
    pub items: Vec<Item>,
    /// Unzipped bytes.
    pub bytes: u64,
    /// Estimated zip bytes (end record included).
    pub zipped: u64,
}

/// A split that fits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// The layers, largest first.
    pub layers: Vec<Layer>,
    /// The zip limit each layer was packed under (after the margin).
    pub zip_budget: u64,
    /// Unzipped bytes of every layer plus the reserve.
    pub total_unzipped: u64,
    /// Files no distribution owns: left out (pip will not reinstall them).
    pub unowned_files: u64,
    /// Their unzipped bytes.
    pub unowned_bytes: u64,
}

/// Why no split fits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// One distribution's zip alone is over a layer's limit.
    #[error(
        "{name} {version} alone zips to about {zipped} bytes, over the {budget}-byte budget of one layer"
    )]
    TooBig {
        /// The distribution.
        name: String,
        /// Its version.
        version: String,
        /// Its estimated zip bytes.
        zipped: u64,
        /// The per-layer zip budget.
        budget: u64,
    },
    /// Everything together is over the unzipped limit, however it is split.
    #[error(
        "{total} bytes unzipped (reserve included) is over Lambda's 262144000 for code and all layers; no split helps"
    )]
    Unzipped {
        /// Unzipped bytes of every distribution plus the reserve.
        total: u64,
    },
    /// The distributions need more layers than allowed.
    #[error("they need more than {layers} layer(s) under the {budget}-byte budget")]
    TooFew {
        /// Layers allowed.
        layers: usize,
        /// The per-layer zip budget.
        budget: u64,
    },
    /// More layers than Lambda allows.
    #[error("at most 5 layers per function")]
    TooMany,
}

/// Lambda's unzipped limit for code and all layers.
const UNZIPPED: u64 = 262_144_000;

/// `python/` before every name when a site's packages are rebuilt into a layer.
const PREFIX: u64 = "python/".len() as u64;

/// Each distribution's unzipped bytes and estimated zipped bytes in a rebuilt layer.
pub fn items(bundle: &Bundle) -> Vec<Item> {
    let mut dirs: Vec<HashSet<NodeId>> = vec![HashSet::new(); bundle.dists.len()];
    let mut extra = vec![0u64; bundle.dists.len()];
    for root in &bundle.roots {
        // A site at the root gains `python/`; under `python/` its names are already long.
        let prefix = if root.sites.contains(&root.node) {
            PREFIX
        } else {
            0
        };
        for id in bundle.tree.descendants(root.node) {
            let n = bundle.tree.node(id);
            let Some(owner) = n.owner() else { continue };
            if n.is_dir() {
                continue;
            }
            extra[owner.index()] += 2 * prefix;
            // Every directory above the file up to the site gets an entry of its own.
            let mut at = bundle.tree.parent(id);
            while let Some(dir) = at {
                let is_site = dir == root.node || root.sites.contains(&dir);
                if is_site || !dirs[owner.index()].insert(dir) {
                    break;
                }
                let len = bundle.tree.rel_path(root.node, dir).len() + prefix as usize;
                extra[owner.index()] += entry_overhead(len, true);
                at = bundle.tree.parent(dir);
            }
        }
    }
    bundle
        .dists
        .iter()
        .zip(extra)
        .map(|(d, extra)| Item {
            name: d.name.clone(),
            version: d.version.clone(),
            bytes: d.sizes.bytes,
            zipped: d.sizes.zipped + extra,
        })
        .collect()
}

/// Groups of distributions, each a dominator subtree (head first), as [`pack`] takes them.
fn dominator_groups(bundle: &Bundle) -> (Vec<Vec<DistId>>, Vec<Vec<DistId>>) {
    let g = digraph(&bundle.graph);
    let dom = dominators(&bundle.graph, &g);
    let mut top = Vec::new();
    for i in 0..bundle.dists.len() {
        let d = DistId(i as u32);
        let is_top = dom.reachable.get(i).is_none_or(|r| !r) || dom.idom[i].is_none();
        if is_top {
            top.push(subtree(&dom, d));
        }
    }
    (top, dom.children.iter().map(Clone::clone).collect())
}

/// Splits `bundle` into layers under `opts`.
pub fn split(bundle: &Bundle, opts: &SplitOptions) -> Result<Split, SplitError> {
    if opts.layers == 0 || opts.layers > 5 {
        return Err(SplitError::TooMany);
    }
    let items = items(bundle);
    let total: u64 = items.iter().map(|i| i.bytes).sum::<u64>() + opts.reserve;
    if total >= UNZIPPED {
        return Err(SplitError::Unzipped { total });
    }
    let max = opts.upload.max_zip();
    let budget = if max == u64::MAX {
        u64::MAX
    } else {
        max - max * opts.margin_per_mille / 1000 - END_OF_CENTRAL_DIRECTORY
    };
    if let Some(big) = items
        .iter()
        .filter(|i| i.zipped > budget)
        .max_by_key(|i| i.zipped)
    {
        return Err(SplitError::TooBig {
            name: big.name.clone(),
            version: big.version.clone(),
            zipped: big.zipped,
            budget,
        });
    }
    let (groups, children) = dominator_groups(bundle);
    let bins =
        pack::pack(&items, groups, &children, budget, opts.layers).ok_or(SplitError::TooFew {
            layers: opts.layers,
            budget,
        })?;
    let layers = bins
        .into_iter()
        .map(|bin| {
            let mut members: Vec<Item> = bin.iter().map(|d| items[d.index()].clone()).collect();
            members.sort_by(|a, b| b.zipped.cmp(&a.zipped).then(a.name.cmp(&b.name)));
            Layer {
                bytes: members.iter().map(|i| i.bytes).sum(),
                zipped: members.iter().map(|i| i.zipped).sum::<u64>() + END_OF_CENTRAL_DIRECTORY,
                items: members,
            }
        })
        .collect();
    let unowned: Sizes = bundle.unowned();
    Ok(Split {
        layers,
        zip_budget: budget,
        total_unzipped: total,
        unowned_files: unowned.files,
        unowned_bytes: unowned.bytes,
    })
}

impl Layer {
    /// The requirements file: `name==version` a line, installable with `pip install --no-deps -r`.
    pub fn requirements(&self) -> String {
        let mut lines: Vec<String> = self
            .items
            .iter()
            .map(|i| format!("{}=={}\n", i.name, i.version))
            .collect();
        lines.sort_by_key(|l| l.to_lowercase());
        lines.concat()
    }
}
