//! The `heft.watch/1` wire format: one JSON object per line, one line per settled batch,
//! the last with `"final": true` and the totals of a full rescan. Typed so tests and
//! scripts can parse lines back.

use serde::{Deserialize, Serialize};

use crate::limits::Counted;

use super::summary::{LimitUpdate, Snapshot, changes, delta};

/// Schema tag of every line.
pub const SCHEMA: &str = "heft.watch/1";

/// One line.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WatchLine {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// When the line was written, RFC 3339 in UTC.
    pub at: String,
    /// Milliseconds since the watch started.
    pub elapsed_ms: u64,
    /// Whether the watched directory exists.
    pub present: bool,
    /// Totals now.
    pub totals: TotalsJson,
    /// Zipped sizes of new files are still being estimated: `totals.zipped_bytes` counts
    /// only those done, and limits on zipped bytes are judged on a later line.
    pub zipped_pending: bool,
    /// With `zipped_pending`: the zipped total extrapolated from the files measured so far
    /// (an estimate, never judged against a limit); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zipped_estimate: Option<u64>,
    /// Totals now minus totals on the previous line.
    pub delta: DeltaJson,
    /// Distributions that appeared, grew, shrank or disappeared since the previous line.
    pub changes: Vec<ChangeJson>,
    /// Every limit's state.
    pub limits: Vec<LimitJson>,
    /// Names of limits first exceeded on this line.
    pub crossed: Vec<String>,
    /// The same crossings with what tipped them over.
    pub crossings: Vec<CrossingJson>,
    /// Names of limits back under on this line.
    pub recovered: Vec<String>,
    /// Milliseconds from the newest filesystem event to settled totals, when events caused
    /// the line.
    pub latency_ms: Option<LatencyJson>,
    /// The last line, from a full rescan.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Paths that could not be read (special files, unreadable metadata ...): while any
    /// remain, no limit is "ok", as the bytes measured are only a lower bound.
    #[serde(default)]
    pub errors: usize,
}

/// Bundle totals.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TotalsJson {
    /// Files and links.
    pub files: u64,
    /// Apparent bytes.
    pub bytes: u64,
    /// Estimated bytes of `zip -r -6` of the directory.
    pub zipped_bytes: u64,
}

/// Signed change of the totals.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeltaJson {
    /// Files.
    pub files: i64,
    /// Apparent bytes.
    pub bytes: i64,
    /// Zipped bytes.
    pub zipped_bytes: i64,
}

/// One distribution's change; `null` means not installed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChangeJson {
    /// Normalised name.
    pub key: String,
    /// Name as METADATA spells it.
    pub name: String,
    /// Bytes before.
    pub before: Option<u64>,
    /// Bytes after.
    pub after: Option<u64>,
}

/// One limit's state.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LimitJson {
    /// Preset name or the `--limit` text.
    pub name: String,
    /// What it measures: `unzipped`, `zipped` or `request`.
    pub counted: Counted,
    /// The limit in bytes (must stay below).
    pub limit: u64,
    /// Bytes measured as the limit counts them.
    pub used: u64,
    /// Bytes that could still be added.
    pub headroom: u64,
    /// Whether `used` is below the limit.
    pub ok: bool,
}

/// A limit first exceeded.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CrossingJson {
    /// The limit's name.
    pub limit: String,
    /// Bytes over.
    pub by: u64,
    /// The distribution (or path) whose arrival crossed it.
    pub after: String,
}

/// Settling times.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LatencyJson {
    /// To files and bytes applied.
    pub bytes: u64,
    /// To zipped estimates applied (`null` on a line with `zipped_pending`).
    pub zipped: Option<u64>,
}

impl WatchLine {
    /// The line for moving from `before` to `after`; time fields are left for the caller.
    pub fn new(before: &Snapshot, after: &Snapshot, update: &LimitUpdate, present: bool) -> Self {
        let (b, a) = (&before.totals, &after.totals);
        let d = delta;
        WatchLine {
            schema: SCHEMA.to_string(),
            at: String::new(),
            elapsed_ms: 0,
            present,
            zipped_pending: false,
            zipped_estimate: None,
            totals: TotalsJson {
                files: a.files,
                bytes: a.bytes,
                zipped_bytes: a.zipped,
            },
            delta: DeltaJson {
                files: d(a.files, b.files),
                bytes: d(a.bytes, b.bytes),
                zipped_bytes: d(a.zipped, b.zipped),
            },
            changes: changes(before, after)
                .into_iter()
                .map(|c| ChangeJson {
                    key: c.key,
                    name: c.name,
                    before: c.before.map(|s| s.bytes),
                    after: c.after.map(|s| s.bytes),
                })
                .collect(),
            limits: update
                .verdicts
                .iter()
                .map(|v| LimitJson {
                    name: v.limit.name.clone(),
                    counted: v.limit.counted,
                    limit: v.limit.bytes,
                    used: v.used,
                    headroom: v.headroom,
                    ok: v.ok,
                })
                .collect(),
            crossed: update.crossed.iter().map(|c| c.limit.clone()).collect(),
            crossings: update
                .crossed
                .iter()
                .map(|c| CrossingJson {
                    limit: c.limit.clone(),
                    by: c.by,
                    after: c.after.clone(),
                })
                .collect(),
            recovered: update.recovered.clone(),
            latency_ms: None,
            errors: 0,
            is_final: false,
        }
    }
}
