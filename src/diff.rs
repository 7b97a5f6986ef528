//! Two builds compared (`heft.diff/1`): distributions added, removed, upgraded,
//! downgraded, grown or shrunk with exact byte and zipped deltas, the chain that brought
//! each new one, files that moved between distributions or roots, totals, unowned bytes
//! and every limit before and after. Identical distributions are left out.

pub mod budget;
mod moves;

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::bundle::{Bundle, Distribution};
use crate::insight::chains::depths;
use crate::limits::{Counted, Limit, verdict};
use crate::model::{DistId, Sizes};
use crate::python::version;

pub(crate) use moves::for_each_file;
pub use moves::{MovedJson, Place};

/// Schema tag of a diff.
pub const SCHEMA: &str = "heft.diff/1";

/// The whole diff, as `heft diff --json` prints it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Diff {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The inputs of each side (paths as given, or as saved in a scan).
    pub inputs: Pair<Vec<String>>,
    /// Files, bytes and zipped bytes of each side.
    pub totals: Pair<SideTotals>,
    /// After minus before.
    pub delta: Delta,
    /// Every distribution that differs, largest change first.
    pub distributions: Vec<DistChange>,
    /// Distributions identical in both (same version, files, bytes and zipped bytes).
    pub unchanged: usize,
    /// Distributions whose files and bytes are the same but whose zipped bytes differ a
    /// little (recompiled `.pyc` files carry new timestamps): not listed, summed here.
    #[serde(default)]
    pub zipped_only: ZippedOnly,
    /// Files at the same place in both builds that changed owner or root, grouped.
    pub moved: Vec<MovedJson>,
    /// Files no RECORD claims, each side.
    pub unowned: Pair<Counts>,
    /// Every limit before and after.
    pub limits: Vec<LimitChange>,
    /// Paths that could not be read on each side (their sizes are missing).
    #[serde(default)]
    pub errors: Pair<usize>,
}

/// A before and an after value.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pair<T> {
    /// The old build.
    pub before: T,
    /// The new build.
    pub after: T,
}

/// Totals of one side.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SideTotals {
    /// Files and links.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
    /// Zipped bytes.
    pub zipped_bytes: u64,
}

/// Distributions that differ in zipped bytes only.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ZippedOnly {
    /// How many.
    pub distributions: usize,
    /// Their zipped bytes after minus before, summed.
    pub delta_zipped_bytes: i64,
}

/// Signed differences, after minus before.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Delta {
    /// Files.
    pub files: i64,
    /// Apparent bytes.
    pub bytes: i64,
    /// Zipped bytes.
    pub zipped_bytes: i64,
}

/// Files and bytes.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    /// Files.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
}

/// How a distribution changed.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the new build.
    Added,
    /// Only in the old build.
    Removed,
    /// A higher version (PEP 440) in the new build.
    Upgraded,
    /// A lower version in the new build.
    Downgraded,
    /// Same version, more bytes (or more zipped bytes or files).
    Grown,
    /// Same version, fewer bytes.
    Shrunk,
}

impl Change {
    /// The lowercase word used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Upgraded => "upgraded",
            Change::Downgraded => "downgraded",
            Change::Grown => "grown",
            Change::Shrunk => "shrunk",
        }
    }
}

/// One distribution on one side.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DistSide {
    /// Version.
    pub version: String,
    /// Files owned.
    pub files: u64,
    /// Apparent bytes owned.
    pub bytes: u64,
    /// Zipped bytes owned.
    pub zipped_bytes: u64,
}

/// A distribution that differs between the builds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DistChange {
    /// Normalised name.
    pub key: String,
    /// Name as METADATA spells it (the new build's spelling when both have it).
    pub name: String,
    /// What happened.
    pub change: Change,
    /// In the old build, or null.
    pub before: Option<DistSide>,
    /// In the new build, or null.
    pub after: Option<DistSide>,
    /// Bytes after minus before.
    pub delta_bytes: i64,
    /// Zipped bytes after minus before.
    pub delta_zipped_bytes: i64,
    /// Files after minus before.
    pub delta_files: i64,
    /// The chain (keys, top level first) that brings it into the new build: set for added
    /// distributions, and for kept ones whose chain changed.
    pub via: Option<Vec<String>>,
    /// The chain in the old build: set for removed distributions and changed chains.
    #[serde(default)]
    pub via_before: Option<Vec<String>>,
}

/// One limit before and after.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LimitChange {
    /// Preset name or `--limit` text.
    pub name: String,
    /// What is measured.
    pub counted: Counted,
    /// The limit in bytes (a bundle must be smaller).
    pub limit: u64,
    /// The old build against it.
    pub before: LimitSide,
    /// The new build against it.
    pub after: LimitSide,
    /// Used after minus used before.
    pub delta: i64,
}

/// A build against one limit.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct LimitSide {
    /// Bytes measured as the limit counts them.
    pub used: u64,
    /// Within the limit.
    pub ok: bool,
    /// Bytes that could still be added.
    pub headroom: u64,
    /// Bytes to cut.
    pub overrun: u64,
    /// Used as a percentage of the limit.
    pub percent: f64,
}

impl DistChange {
    /// `1.18.0 -> 1.20.1`, or the one version a side has.
    pub fn versions(&self) -> String {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) if b.version != a.version => {
                format!("{} -> {}", b.version, a.version)
            }
            (_, Some(one)) | (Some(one), None) => one.version.clone(),
            (None, None) => String::new(),
        }
    }
}

impl Diff {
    /// Whether nothing differs: no distribution, move, total or unowned change.
    pub fn is_empty(&self) -> bool {
        self.distributions.is_empty()
            && self.moved.is_empty()
            && self.delta == Delta::default()
            && self.unowned.before == self.unowned.after
    }
}

/// Compares two loaded builds, checking both against `limits` (no reserve).
pub fn compare(before: &Bundle, after: &Bundle, limits: &[Limit]) -> Diff {
    let (tb, ta) = (before.totals(), after.totals());
    let (distributions, unchanged, zipped_only) = dist_changes(before, after);
    Diff {
        schema: SCHEMA.to_string(),
        inputs: Pair {
            before: inputs(before),
            after: inputs(after),
        },
        totals: Pair {
            before: side_totals(&tb),
            after: side_totals(&ta),
        },
        delta: Delta {
            files: signed(ta.files, tb.files),
            bytes: signed(ta.bytes, tb.bytes),
            zipped_bytes: signed(ta.zipped, tb.zipped),
        },
        distributions,
        unchanged,
        zipped_only,
        moved: moves::moved(before, after),
        unowned: Pair {
            before: counts(&before.unowned()),
            after: counts(&after.unowned()),
        },
        limits: limits.iter().map(|l| limit_change(l, &tb, &ta)).collect(),
        errors: Pair {
            before: before.errors.len(),
            after: after.errors.len(),
        },
    }
}

/// `a - b` as a signed number (saturating at the i64 range, which no bundle reaches).
pub fn signed(a: u64, b: u64) -> i64 {
    if a >= b {
        i64::try_from(a - b).unwrap_or(i64::MAX)
    } else {
        i64::try_from(b - a).map_or(i64::MIN, |d| -d)
    }
}

fn inputs(b: &Bundle) -> Vec<String> {
    b.roots
        .iter()
        .map(|r| r.path.to_string_lossy().into_owned())
        .collect()
}

fn side_totals(s: &Sizes) -> SideTotals {
    SideTotals {
        files: s.files,
        bytes: s.bytes,
        zipped_bytes: s.zipped,
    }
}

fn counts(s: &Sizes) -> Counts {
    Counts {
        files: s.files,
        bytes: s.bytes,
    }
}

fn limit_change(l: &Limit, before: &Sizes, after: &Sizes) -> LimitChange {
    let side = |s: &Sizes| {
        let v = verdict(l, s.bytes, s.zipped, 0);
        LimitSide {
            used: v.used,
            ok: v.ok,
            headroom: v.headroom,
            overrun: v.overrun,
            percent: v.percent,
        }
    };
    let (b, a) = (side(before), side(after));
    LimitChange {
        name: l.name.clone(),
        counted: l.counted,
        limit: l.bytes,
        before: b,
        after: a,
        delta: signed(a.used, b.used),
    }
}

fn dist_side(d: &Distribution) -> DistSide {
    DistSide {
        version: d.version.clone(),
        files: d.sizes.files,
        bytes: d.sizes.bytes,
        zipped_bytes: d.sizes.zipped,
    }
}

/// The changed distributions, largest change first, how many are identical, and those
/// that differ in zipped bytes only.
fn dist_changes(before: &Bundle, after: &Bundle) -> (Vec<DistChange>, usize, ZippedOnly) {
    let sides = Sides {
        before,
        after,
        chains_before: Chains::new(before),
        chains_after: Chains::new(after),
    };
    let index = |b: &Bundle| -> HashMap<String, DistId> {
        (0..b.dists.len())
            .map(|i| (b.dists[i].key.clone(), DistId(i as u32)))
            .collect()
    };
    let (ib, ia) = (index(before), index(after));
    let keys: BTreeSet<&String> = ib.keys().chain(ia.keys()).collect();
    let mut out = Vec::new();
    let mut unchanged = 0;
    let mut zipped_only = ZippedOnly::default();
    for key in keys {
        let (b, a) = (ib.get(key).copied(), ia.get(key).copied());
        let side_b = b.map(|id| dist_side(before.dist(id)));
        let side_a = a.map(|id| dist_side(after.dist(id)));
        match classify(side_b.as_ref(), side_a.as_ref()) {
            Outcome::Changed(change) => {
                out.push(sides.change(key, change, (b, side_b), (a, side_a)));
            }
            Outcome::Identical => unchanged += 1,
            Outcome::ZippedOnly(delta) => {
                zipped_only.distributions += 1;
                zipped_only.delta_zipped_bytes += delta;
            }
        }
    }
    out.sort_by_key(|c| {
        (
            Reverse(c.delta_bytes.unsigned_abs()),
            Reverse(c.delta_zipped_bytes.unsigned_abs()),
            c.key.clone(),
        )
    });
    (out, unchanged, zipped_only)
}

/// Both builds with their shortest chains.
struct Sides<'a> {
    before: &'a Bundle,
    after: &'a Bundle,
    chains_before: Chains,
    chains_after: Chains,
}

impl Sides<'_> {
    /// The listed change of `key`, given its id and sizes on each side.
    fn change(
        &self,
        key: &str,
        change: Change,
        (b, side_b): (Option<DistId>, Option<DistSide>),
        (a, side_a): (Option<DistId>, Option<DistSide>),
    ) -> DistChange {
        let via_b = b.and_then(|id| self.chains_before.chain(self.before, id));
        let via_a = a.and_then(|id| self.chains_after.chain(self.after, id));
        let (via, via_before) = match change {
            Change::Added => (via_a, None),
            Change::Removed => (None, via_b),
            _ if via_a != via_b => (via_a, via_b),
            _ => (None, None),
        };
        let name = a
            .map(|id| self.after.dist(id))
            .or(b.map(|id| self.before.dist(id)))
            .map_or_else(|| key.to_string(), |d| d.name.clone());
        let size = |s: &Option<DistSide>| {
            s.as_ref()
                .map_or((0, 0, 0), |s| (s.bytes, s.zipped_bytes, s.files))
        };
        let ((bb, bz, bf), (ab, az, af)) = (size(&side_b), size(&side_a));
        DistChange {
            key: key.to_string(),
            name,
            change,
            before: side_b,
            after: side_a,
            delta_bytes: signed(ab, bb),
            delta_zipped_bytes: signed(az, bz),
            delta_files: signed(af, bf),
            via,
            via_before,
        }
    }
}

/// How a distribution compares across the builds.
enum Outcome {
    /// Same version, files, bytes and zipped bytes.
    Identical,
    /// Same version, files and bytes; zipped bytes differ by this much.
    ZippedOnly(i64),
    /// A change worth listing.
    Changed(Change),
}

fn classify(before: Option<&DistSide>, after: Option<&DistSide>) -> Outcome {
    let (b, a) = match (before, after) {
        (None, None) => return Outcome::Identical,
        (None, Some(_)) => return Outcome::Changed(Change::Added),
        (Some(_), None) => return Outcome::Changed(Change::Removed),
        (Some(b), Some(a)) => (b, a),
    };
    match version::compare(&a.version, &b.version) {
        Ordering::Greater => return Outcome::Changed(Change::Upgraded),
        Ordering::Less => return Outcome::Changed(Change::Downgraded),
        // Versions that order equal but are spelt differently (`1.0` vs `1.0.0`, local
        // labels) count as the same version.
        Ordering::Equal => {}
    }
    match (a.bytes, a.files).cmp(&(b.bytes, b.files)) {
        Ordering::Greater => Outcome::Changed(Change::Grown),
        Ordering::Less => Outcome::Changed(Change::Shrunk),
        Ordering::Equal if a.zipped_bytes == b.zipped_bytes => Outcome::Identical,
        Ordering::Equal => Outcome::ZippedOnly(signed(a.zipped_bytes, b.zipped_bytes)),
    }
}

/// Shortest chains from the top level, computed once per build.
struct Chains {
    depths: crate::insight::Depths,
}

impl Chains {
    fn new(bundle: &Bundle) -> Chains {
        Chains {
            depths: depths(&bundle.graph),
        }
    }

    /// Keys from a top-level requirement to `id`; `None` when nothing reaches it.
    fn chain(&self, bundle: &Bundle, id: DistId) -> Option<Vec<String>> {
        let path = self.depths.path_to(&bundle.graph, id);
        (!path.is_empty()).then(|| path.iter().map(|d| bundle.dist(*d).key.clone()).collect())
    }
}

#[cfg(test)]
pub(crate) mod tests;
