//! The data a page embeds: totals, limits, the package table, chains and a size tree of
//! distribution then directory, with small items folded so a 12k-file layer stays small.

use std::collections::HashMap;

use serde::Serialize;

use crate::bundle::Bundle;
use crate::diff::{Diff, DistChange, LimitChange, SideTotals, for_each_file};
use crate::limits::Verdict;
use crate::report::{DistJson, Report};

/// A tree node smaller than the whole divided by this is folded into its parent's
/// "small items" tile: at most this many tiles per level, whatever the file count.
const FOLD_DIVISOR: u64 = 20_000;

/// Everything the page shows.
#[derive(Debug, Serialize)]
pub struct PageData {
    /// `report` or `diff`.
    pub kind: &'static str,
    /// The inputs, for the title.
    pub inputs: Vec<String>,
    /// heft's version.
    pub heft_version: &'static str,
    /// The (new) build's totals.
    pub totals: SideTotals,
    /// The old build's totals (diff only).
    pub before: Option<SideTotals>,
    /// Limits and how the build stands against them.
    pub limits: Vec<LimitData>,
    /// One row per distribution.
    pub dists: Vec<DistRow>,
    /// Chains: why each heavy (report) or new (diff) distribution is here.
    pub chains: Vec<ChainData>,
    /// Distribution, then directory, sizes.
    pub tree: TreeNode,
}

/// A limit gauge.
#[derive(Debug, Serialize)]
pub struct LimitData {
    /// Preset name or `--limit` text.
    pub name: String,
    /// What is measured.
    pub counted: String,
    /// The limit in bytes.
    pub limit: u64,
    /// Bytes measured.
    pub used: u64,
    /// Used as a percentage of the limit.
    pub percent: f64,
    /// Within the limit.
    pub ok: bool,
    /// Bytes to cut.
    pub overrun: u64,
    /// Bytes measured on the old build (diff only).
    pub before_used: Option<u64>,
}

/// A package table row.
#[derive(Debug, Serialize)]
pub struct DistRow {
    /// Name as spelt.
    pub name: String,
    /// Version (the new one in a diff; empty when removed).
    pub version: String,
    /// Files.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
    /// Zipped bytes.
    pub zipped: u64,
    /// Retained bytes (report only).
    pub retained: u64,
    /// Share of the bundle, percent.
    pub percent: f64,
    /// Who requires it, joined.
    pub required_by: String,
    /// The change (diff only).
    pub change: Option<String>,
    /// The old version (diff only).
    pub before_version: Option<String>,
    /// Bytes after minus before (diff only).
    pub delta: Option<i64>,
    /// Zipped bytes after minus before (diff only).
    pub delta_zipped: Option<i64>,
}

/// A chain of keys.
#[derive(Debug, Serialize)]
pub struct ChainData {
    /// Keys, top level first.
    pub path: Vec<String>,
    /// Bytes it stands for (retained, or the added bytes in a diff).
    pub bytes: i64,
}

/// A treemap node: short field names keep the embedded JSON small.
#[derive(Debug, Default, Serialize)]
pub struct TreeNode {
    /// Name.
    pub n: String,
    /// Apparent bytes.
    pub b: u64,
    /// Zipped bytes.
    pub z: u64,
    /// Files.
    pub f: u64,
    /// Bytes after minus before (diff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub d: Option<i64>,
    /// Folded small items: how many.
    #[serde(skip_serializing_if = "is_zero")]
    pub k: u64,
    /// Children, largest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub c: Vec<TreeNode>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A trie of paths with both sides' sizes.
#[derive(Default)]
struct Trie {
    b: u64,
    z: u64,
    f: u64,
    before: u64,
    kids: HashMap<Vec<u8>, Trie>,
}

impl Trie {
    fn add(&mut self, path: &[&[u8]], f: u64, b: u64, z: u64, before: u64) {
        let mut at = self;
        at.grow(f, b, z, before);
        for part in path {
            at = at.kids.entry(part.to_vec()).or_default();
            at.grow(f, b, z, before);
        }
    }

    fn grow(&mut self, f: u64, b: u64, z: u64, before: u64) {
        self.f += f;
        self.b += b;
        self.z += z;
        self.before += before;
    }

    /// The output node, folding children under `min` bytes into one tile.
    fn node(self, name: String, min: u64, diff: bool) -> TreeNode {
        let mut kids: Vec<(Vec<u8>, Trie)> =
            self.kids.into_iter().filter(|(_, t)| t.b > 0).collect();
        kids.sort_by(|a, b| b.1.b.cmp(&a.1.b).then_with(|| a.0.cmp(&b.0)));
        let mut c = Vec::new();
        let mut small = TreeNode::default();
        for (n, t) in kids {
            if t.b >= min {
                c.push(t.node(String::from_utf8_lossy(&n).into_owned(), min, diff));
            } else {
                small.b += t.b;
                small.z += t.z;
                small.f += t.f;
                small.k += 1;
                if diff {
                    *small.d.get_or_insert(0) += crate::diff::signed(t.b, t.before);
                }
            }
        }
        if small.k > 0 && !c.is_empty() {
            small.n = format!("({} small items)", small.k);
            c.push(small);
        }
        TreeNode {
            n: name,
            b: self.b,
            z: self.z,
            f: self.f,
            d: diff.then(|| crate::diff::signed(self.b, self.before)),
            k: 0,
            c,
        }
    }
}

/// Adds a build's files to per-owner tries (keyed by distribution key, "" for unowned)
/// and records each owner's name; `before` puts their bytes on the old side.
fn fill(
    tries: &mut HashMap<String, Trie>,
    names: &mut HashMap<String, String>,
    bundle: &Bundle,
    before: bool,
) {
    for_each_file(bundle, |_, path, id| {
        let n = bundle.tree.node(id);
        let key = n.owner().map_or("", |d| bundle.dist(d).key.as_str());
        if !names.contains_key(key) {
            let name = n.owner().map_or_else(
                || "(unowned files)".to_string(),
                |d| bundle.dist(d).name.clone(),
            );
            names.insert(key.to_string(), name);
        }
        let parts: Vec<&[u8]> = path.split(|c| *c == b'/').collect();
        let t = tries.entry(key.to_string()).or_default();
        if before {
            t.add(&parts, 0, 0, 0, n.own.bytes);
        } else {
            t.add(&parts, 1, n.own.bytes, n.own.zipped, 0);
        }
    });
}

/// The size tree of `after`, with per-node deltas against `before` when given.
pub fn tree(after: &Bundle, before: Option<&Bundle>) -> TreeNode {
    let mut tries: HashMap<String, Trie> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    fill(&mut tries, &mut names, after, false);
    if let Some(b) = before {
        fill(&mut tries, &mut names, b, true);
    }
    let mut top = Trie::default();
    for (key, t) in tries {
        top.grow(t.f, t.b, t.z, t.before);
        let name = names.remove(&key).unwrap_or(key);
        top.kids.insert(name.into_bytes(), t);
    }
    let min = (top.b / FOLD_DIVISOR).max(1);
    top.node("bundle".into(), min, before.is_some())
}

fn limit(v: &Verdict, before: Option<u64>) -> LimitData {
    LimitData {
        name: v.limit.name.clone(),
        counted: v.limit.counted.label().to_string(),
        limit: v.limit.bytes,
        used: v.used,
        percent: v.percent,
        ok: v.ok,
        overrun: v.overrun,
        before_used: before,
    }
}

/// The report page's data.
pub fn report(bundle: &Bundle, r: &Report, verdicts: &[Verdict]) -> PageData {
    PageData {
        kind: "report",
        inputs: r.roots.iter().map(|x| x.path.clone()).collect(),
        heft_version: env!("CARGO_PKG_VERSION"),
        totals: SideTotals {
            files: r.totals.files,
            bytes: r.totals.bytes,
            zipped_bytes: r.totals.zipped_bytes,
        },
        before: None,
        limits: verdicts.iter().map(|v| limit(v, None)).collect(),
        dists: r.distributions.iter().map(report_row).collect(),
        chains: r
            .chains
            .iter()
            .map(|c| ChainData {
                path: c.path.clone(),
                bytes: c.retained_bytes.cast_signed(),
            })
            .collect(),
        tree: tree(bundle, None),
    }
}

/// The diff page's data: the new build's tree with deltas against the old one.
pub fn diff(d: &Diff, before: &Bundle, after: &Bundle) -> PageData {
    PageData {
        kind: "diff",
        inputs: d.inputs.after.clone(),
        heft_version: env!("CARGO_PKG_VERSION"),
        totals: d.totals.after,
        before: Some(d.totals.before),
        limits: d.limits.iter().map(limit_change).collect(),
        dists: d
            .distributions
            .iter()
            .map(|c| change_row(c, d.totals.after.bytes))
            .collect(),
        chains: d
            .distributions
            .iter()
            .filter_map(|c| {
                c.via.as_ref().map(|v| ChainData {
                    path: v.clone(),
                    bytes: c.delta_bytes,
                })
            })
            .collect(),
        tree: tree(after, Some(before)),
    }
}

fn limit_change(l: &LimitChange) -> LimitData {
    LimitData {
        name: l.name.clone(),
        counted: l.counted.label().to_string(),
        limit: l.limit,
        used: l.after.used,
        percent: l.after.percent,
        ok: l.after.ok,
        overrun: l.after.overrun,
        before_used: Some(l.before.used),
    }
}

/// A changed distribution's table row; `total` is the new build's bytes.
fn change_row(c: &DistChange, total: u64) -> DistRow {
    let now = c.after.as_ref();
    DistRow {
        name: c.name.clone(),
        version: now.map(|a| a.version.clone()).unwrap_or_default(),
        files: now.map_or(0, |a| a.files),
        bytes: now.map_or(0, |a| a.bytes),
        zipped: now.map_or(0, |a| a.zipped_bytes),
        retained: 0,
        percent: crate::report::percent(now.map_or(0, |a| a.bytes), total),
        required_by: String::new(),
        change: Some(c.change.as_str().to_string()),
        before_version: c.before.as_ref().map(|b| b.version.clone()),
        delta: Some(c.delta_bytes),
        delta_zipped: Some(c.delta_zipped_bytes),
    }
}

/// A report's table row.
fn report_row(d: &DistJson) -> DistRow {
    DistRow {
        name: d.name.clone(),
        version: d.version.clone(),
        files: d.files,
        bytes: d.bytes,
        zipped: d.zipped_bytes,
        retained: d.retained_bytes,
        percent: d.percent,
        required_by: if d.required_by.is_empty() {
            "(top level)".to_string()
        } else {
            d.required_by.join(", ")
        },
        change: None,
        before_version: None,
        delta: None,
        delta_zipped: None,
    }
}
