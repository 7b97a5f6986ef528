//! What changed between two states of a watched bundle, and how each limit stands: the
//! distributions that appeared, grew, shrank or disappeared, and the limits crossed (naming
//! the arrival that crossed) or recovered.

use std::collections::BTreeMap;

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::limits::{Counted, Limit, Verdict, verdict};
use crate::model::{DistId, Sizes};
use crate::rules::{Rule, RuleError};

use super::live::Arrival;

/// Totals and per-distribution sizes at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Bundle totals.
    pub totals: Sizes,
    /// Normalised name -> (display name, sizes).
    pub dists: BTreeMap<String, (String, Sizes)>,
}

impl Snapshot {
    /// The state of `bundle` now.
    pub fn of(bundle: &Bundle) -> Self {
        Self {
            totals: bundle.totals(),
            dists: bundle
                .dists
                .iter()
                .map(|d| (d.key.clone(), (d.name.clone(), d.sizes)))
                .collect(),
        }
    }

    /// The state of `bundle` with `rules` applied: totals and each distribution's sizes
    /// are what the rules keep (as [`Snapshot::of`] when there are no rules).
    pub fn after(bundle: &Bundle, rules: &[Rule]) -> Result<Self, RuleError> {
        let mut snap = Self::of(bundle);
        if rules.is_empty() {
            return Ok(snap);
        }
        let ex = Exclusion::with_rules(bundle, rules.iter().cloned())?;
        snap.totals = ex.totals(bundle).after;
        for (i, d) in bundle.dists.iter().enumerate() {
            let kept = ex.dist_totals(bundle, DistId(i as u32)).after;
            snap.dists.insert(d.key.clone(), (d.name.clone(), kept));
        }
        Ok(snap)
    }
}

/// How one distribution changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Not there before.
    Appeared,
    /// More bytes than before.
    Grew,
    /// Fewer bytes than before.
    Shrank,
    /// Same bytes, another number of files.
    Changed,
    /// Gone.
    Disappeared,
}

/// One distribution's change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistChange {
    /// Normalised name.
    pub key: String,
    /// Name as METADATA spells it.
    pub name: String,
    /// Sizes before, `None` if it was not installed.
    pub before: Option<Sizes>,
    /// Sizes after, `None` if it is gone.
    pub after: Option<Sizes>,
}

impl DistChange {
    /// Which way it changed.
    pub fn kind(&self) -> ChangeKind {
        match (self.before, self.after) {
            (None, _) => ChangeKind::Appeared,
            (_, None) => ChangeKind::Disappeared,
            (Some(b), Some(a)) if a.bytes > b.bytes => ChangeKind::Grew,
            (Some(b), Some(a)) if a.bytes < b.bytes => ChangeKind::Shrank,
            _ => ChangeKind::Changed,
        }
    }

    /// Bytes after minus bytes before.
    pub fn delta(&self) -> i64 {
        let bytes = |s: Option<Sizes>| s.map_or(0, |s| s.bytes);
        delta(bytes(self.after), bytes(self.before))
    }
}

/// `after - before` as a signed count (saturating; sizes never come near 2^63).
pub fn delta(after: u64, before: u64) -> i64 {
    let d = i128::from(after) - i128::from(before);
    i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}

/// Every distribution whose presence, files or bytes differ, largest byte change first.
pub fn changes(before: &Snapshot, after: &Snapshot) -> Vec<DistChange> {
    let mut keys: Vec<&String> = before.dists.keys().chain(after.dists.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out: Vec<DistChange> = keys
        .into_iter()
        .filter_map(|key| {
            let b = before.dists.get(key);
            let a = after.dists.get(key);
            // Zipped sizes settle later than bytes: a change is in files or bytes.
            let seen = |x: Option<&(String, Sizes)>| x.map(|x| (x.1.files, x.1.bytes));
            if seen(b) == seen(a) {
                return None;
            }
            let name = a.or(b).map(|x| x.0.clone()).unwrap_or_default();
            Some(DistChange {
                key: key.clone(),
                name,
                before: b.map(|x| x.1),
                after: a.map(|x| x.1),
            })
        })
        .collect();
    out.sort_by(|x, y| {
        y.delta()
            .unsigned_abs()
            .cmp(&x.delta().unsigned_abs())
            .then_with(|| x.key.cmp(&y.key))
    });
    out
}

/// A limit first exceeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossing {
    /// The limit's name.
    pub limit: String,
    /// Bytes over it.
    pub by: u64,
    /// What tipped it over: a distribution's name, or the path that arrived.
    pub after: String,
}

/// How limits moved between two states.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LimitUpdate {
    /// Every limit's verdict after.
    pub verdicts: Vec<Verdict>,
    /// Limits exceeded now that were not before.
    pub crossed: Vec<Crossing>,
    /// Names of limits exceeded before and not now.
    pub recovered: Vec<String>,
}

/// Limits being watched and whether each is currently exceeded.
#[derive(Clone, Debug)]
pub struct LimitWatch {
    limits: Vec<Limit>,
    over: Vec<bool>,
    reserve: u64,
}

impl LimitWatch {
    /// Watches `limits`, starting from `totals` (no crossing is reported for the start).
    pub fn new(limits: Vec<Limit>, totals: &Sizes) -> Self {
        Self::with_reserve(limits, totals, 0)
    }

    /// Like [`LimitWatch::new`], with `reserve` unzipped bytes outside the tree counted
    /// against limits on unzipped contents (`--reserve`, `--attached`).
    pub fn with_reserve(limits: Vec<Limit>, totals: &Sizes, reserve: u64) -> Self {
        let over = limits
            .iter()
            .map(|l| !check(l, totals, reserve).ok)
            .collect();
        Self {
            limits,
            over,
            reserve,
        }
    }

    /// The limits watched.
    pub fn limits(&self) -> &[Limit] {
        &self.limits
    }

    /// Moves to `after`; a crossing names the first arrival (in order, from `before`) that
    /// took the running total over.
    pub fn update(&mut self, before: &Sizes, after: &Sizes, arrivals: &[Arrival]) -> LimitUpdate {
        self.update_where(before, after, arrivals, |_| true)
    }

    /// Like [`LimitWatch::update`] for the limits `which` selects; the others keep their
    /// state (their verdicts are still listed). While zipped sizes are being estimated, only
    /// limits on unzipped bytes can be judged.
    pub fn update_where(
        &mut self,
        before: &Sizes,
        after: &Sizes,
        arrivals: &[Arrival],
        which: impl Fn(&Limit) -> bool,
    ) -> LimitUpdate {
        let mut update = LimitUpdate::default();
        for (limit, over) in self.limits.iter().zip(self.over.iter_mut()) {
            let v = check(limit, after, self.reserve);
            if which(limit) {
                match (*over, v.ok) {
                    (false, false) => update.crossed.push(Crossing {
                        limit: limit.name.clone(),
                        by: v.overrun,
                        after: culprit(limit, before, arrivals, self.reserve),
                    }),
                    (true, true) => update.recovered.push(limit.name.clone()),
                    _ => {}
                }
                *over = !v.ok;
            }
            update.verdicts.push(v);
        }
        update
    }
}

impl LimitWatch {
    /// Takes the state of the limits `which` selects from `totals`, reporting nothing (once
    /// zipped sizes are first known, zipped limits start from there).
    pub fn reset_where(&mut self, totals: &Sizes, which: impl Fn(&Limit) -> bool) {
        for (limit, over) in self.limits.iter().zip(self.over.iter_mut()) {
            if which(limit) {
                *over = !check(limit, totals, self.reserve).ok;
            }
        }
    }
}

/// Whether a limit is judged on unzipped bytes (known as soon as a batch is applied).
pub fn is_unzipped(limit: &Limit) -> bool {
    limit.counted == Counted::Unzipped
}

fn check(limit: &Limit, totals: &Sizes, reserve: u64) -> Verdict {
    verdict(
        limit,
        totals.bytes,
        totals.zipped,
        reserve_for(limit, reserve),
    )
}

/// The reserve counts against limits on unzipped contents only.
fn reserve_for(limit: &Limit, reserve: u64) -> u64 {
    if is_unzipped(limit) { reserve } else { 0 }
}

/// The first arrival after which the running totals break `limit`.
fn culprit(limit: &Limit, before: &Sizes, arrivals: &[Arrival], reserve: u64) -> String {
    let clamp = |v: i128| u64::try_from(v.max(0)).unwrap_or(u64::MAX);
    let mut bytes = i128::from(before.bytes);
    let mut zipped = i128::from(before.zipped);
    for a in arrivals {
        bytes += i128::from(a.bytes);
        zipped += i128::from(a.zipped);
        if !verdict(
            limit,
            clamp(bytes),
            clamp(zipped),
            reserve_for(limit, reserve),
        )
        .ok
        {
            return label(a);
        }
    }
    arrivals.last().map_or_else(|| "(this batch)".into(), label)
}

/// A distribution's name, or the path that arrived when no distribution owns it.
fn label(a: &Arrival) -> String {
    match (&a.owner, a.path.as_str()) {
        (Some(owner), _) => owner.clone(),
        (None, "") => "(the root)".into(),
        (None, path) => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::preset;

    fn sizes(bytes: u64, zipped: u64) -> Sizes {
        Sizes {
            files: 1,
            bytes,
            disk: 0,
            zipped,
        }
    }

    fn arrival(owner: &str, bytes: i64, zipped: i64) -> Arrival {
        Arrival {
            path: owner.to_lowercase(),
            owner: Some(owner.into()),
            files: 1,
            bytes,
            zipped,
        }
    }

    #[test]
    fn the_crossing_names_the_arrival_that_took_the_total_over() {
        let lambda = preset("aws-lambda").unwrap().clone();
        let before = sizes(200_000_000, 0);
        let mut watch = LimitWatch::new(vec![lambda], &before);
        let arrivals = [
            arrival("numpy", 40_000_000, 0),
            arrival("onnxruntime", 30_000_000, 0),
            arrival("tiny", 1_000, 0),
        ];
        let after = sizes(270_001_000, 0);
        let update = watch.update(&before, &after, &arrivals);
        assert_eq!(update.crossed.len(), 1);
        assert_eq!(update.crossed[0].after, "onnxruntime");
        assert_eq!(update.crossed[0].by, 270_001_000 - 262_144_000 + 1);
        assert!(update.recovered.is_empty());
    }

    #[test]
    fn a_limit_already_exceeded_is_not_crossed_again_and_recovers_once() {
        let lambda = preset("aws-lambda").unwrap().clone();
        let over = sizes(300_000_000, 0);
        let under = sizes(100_000_000, 0);
        let mut watch = LimitWatch::new(vec![lambda], &over);
        assert!(watch.update(&over, &over, &[]).crossed.is_empty());
        let back = watch.update(&over, &under, &[arrival("x", -200_000_000, 0)]);
        assert_eq!(back.recovered, ["aws-lambda"]);
        assert!(watch.update(&under, &under, &[]).recovered.is_empty());
    }

    #[test]
    fn a_zip_limit_counts_the_zipped_running_total() {
        let zip = preset("aws-lambda-zip").unwrap().clone();
        let before = sizes(0, 0);
        let mut watch = LimitWatch::new(vec![zip], &before);
        let arrivals = [
            arrival("big", 200_000_000, 10),
            arrival("dense", 1, 52_428_800),
        ];
        let update = watch.update(&before, &sizes(200_000_001, 52_428_810), &arrivals);
        assert_eq!(update.crossed[0].after, "dense");
    }

    #[test]
    fn changes_list_what_appeared_grew_and_disappeared() {
        let mut before = Snapshot::default();
        before.dists.insert("a".into(), ("A".into(), sizes(10, 1)));
        before.dists.insert("b".into(), ("B".into(), sizes(10, 1)));
        before
            .dists
            .insert("same".into(), ("same".into(), sizes(5, 1)));
        let mut after = before.clone();
        after.dists.remove("b");
        after.dists.insert("a".into(), ("A".into(), sizes(30, 2)));
        after.dists.insert("c".into(), ("C".into(), sizes(1000, 9)));
        let found = changes(&before, &after);
        let kinds: Vec<(&str, ChangeKind)> =
            found.iter().map(|c| (c.key.as_str(), c.kind())).collect();
        assert_eq!(
            kinds,
            [
                ("c", ChangeKind::Appeared),
                ("a", ChangeKind::Grew),
                ("b", ChangeKind::Disappeared)
            ]
        );
    }
}
