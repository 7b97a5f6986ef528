//! The fit planner: the least risky set of cuts that brings every limit within bounds.
//!
//! Candidates are [`Cut`]s (a preset, or any other group of rules with a safety level; the
//! `unreached` presets from the import graph are just more cuts, see [`import_cuts`]). The order is: the least safe
//! cut used (`safe` < `caution` < `breaks`, the last only when allowed), then the fewest
//! cuts, then the fewest bytes cut beyond need, then the earliest cuts in candidate order.
//! The search is exact: for each tier it tries every set of `k` cuts for `k = 0, 1, ...`
//! and stops at the first size where some set fits, toggling rules incrementally on one
//! [`Exclusion`] per [`Member`].
//!
//! A project is planned jointly: every function is a member, a cut is chosen for all of
//! them at once (a rule that excludes in a layer shared by several functions changes each
//! of them), and a plan fits only when every function's bounds hold.

mod apply;
mod floor;
mod search;
#[cfg(test)]
mod tests;

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::imports::cut::{UNREACHED, UNREACHED_LAZY};
use crate::limits::{Counted, Limit, request_bytes};
use crate::model::Sizes;
use crate::rules::preset::presets;
use crate::rules::{Rule, Safety};

pub use apply::{Fitted, bounds_of, candidate_cuts, fit_rules, planner_for};
pub use floor::{Needed, needed_dists};
pub use search::{Member, Planner, agree_on_shared};

/// A limit the plan must bring within bounds, measured on the whole bundle or one root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// `aws-lambda`, `aws-lambda-zip`, ...
    pub name: String,
    /// What is measured.
    pub counted: Counted,
    /// The root measured (an artifact), or the whole bundle.
    pub root: Option<usize>,
    /// Bytes measured must be smaller than this.
    pub limit: u64,
    /// Unzipped bytes not in the bundle that count too.
    pub reserve: u64,
}

impl Bound {
    /// The bound of `limit` over the whole bundle, with `reserve` on unzipped limits.
    pub fn whole(limit: &Limit, reserve: u64) -> Bound {
        Bound {
            name: limit.name.clone(),
            counted: limit.counted,
            root: None,
            limit: limit.bytes,
            reserve: if limit.counted == Counted::Unzipped {
                reserve
            } else {
                0
            },
        }
    }

    /// What it measures after `ex`.
    pub fn used(&self, bundle: &Bundle, ex: &Exclusion) -> u64 {
        let after = match self.root {
            Some(r) => ex.root_totals(bundle, r).after,
            None => ex.totals(bundle).after,
        };
        let measured = match self.counted {
            Counted::Unzipped => after.bytes,
            Counted::Zipped => after.zipped,
            Counted::Request => request_bytes(after.zipped),
        };
        measured.saturating_add(self.reserve)
    }
}

/// A candidate group of rules the planner may add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    /// `preset tests-dirs`.
    pub label: String,
    /// Its rules, in order.
    pub rules: Vec<Rule>,
    /// How safe it is.
    pub safety: Safety,
}

/// Every preset not already among `base`'s rules, as cuts, in the asset's order.
pub fn preset_cuts(bundle: &Bundle, base: &Exclusion) -> Vec<Cut> {
    presets()
        .iter()
        .filter(|p| !base.rules().any(|r| r.preset.as_deref() == Some(&p.name)))
        .map(|p| Cut {
            label: format!("preset {}", p.name),
            rules: p.expand(&bundle.target),
            safety: p.safety,
        })
        .collect()
}

/// The cuts from the import graph `base` was evaluated with (none without one): the
/// `unreached` preset, then `unreached-lazy` when it cuts more; each as safe as its rules
/// say, and neither when `base` already has it.
pub fn import_cuts(bundle: &Bundle, base: &Exclusion) -> Vec<Cut> {
    let Some(imports) = base.imports() else {
        return Vec::new();
    };
    let mut cuts: Vec<Cut> = Vec::new();
    for name in [UNREACHED, UNREACHED_LAZY] {
        if base.rules().any(|r| r.preset.as_deref() == Some(name)) {
            continue;
        }
        let rules = imports.preset_rules(bundle, name);
        let paths = |rules: &[Rule]| -> Vec<(Option<usize>, String)> {
            rules.iter().map(|r| (r.root, r.value.clone())).collect()
        };
        if rules.is_empty() || cuts.iter().any(|c| paths(&c.rules) == paths(&rules)) {
            continue;
        }
        let mut safety = rules
            .iter()
            .map(|r| r.safety)
            .max()
            .unwrap_or(Safety::Caution);
        if name == UNREACHED_LAZY {
            // Lazily reached code runs when the handler calls into it (chromadb's default
            // embedding function imports onnxruntime on first use): the planner only offers
            // cutting it where cuts that break are allowed.
            safety = safety.max(Safety::Breaks);
        }
        cuts.push(Cut {
            label: format!("preset {name}"),
            rules,
            safety,
        });
    }
    cuts
}

/// One bound after the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundResult {
    /// The member (function) it belongs to.
    pub member: usize,
    /// The bound.
    pub bound: Bound,
    /// Measured before any cut.
    pub before: u64,
    /// Measured after the plan's cuts.
    pub after: u64,
}

impl BoundResult {
    /// Whether it holds after the plan.
    pub fn ok(&self) -> bool {
        self.after < self.bound.limit
    }

    /// Bytes still to cut after the plan (0 when it holds).
    pub fn over(&self) -> u64 {
        (self.after + 1).saturating_sub(self.bound.limit)
    }

    /// Bytes the plan cut on this measure beyond what the bound needed.
    pub fn beyond_need(&self) -> u64 {
        let need = (self.before + 1).saturating_sub(self.bound.limit);
        self.before.saturating_sub(self.after).saturating_sub(need)
    }
}

/// A chosen cut with what it frees, credited rule by rule (first rule to name a file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    /// Index into the planner's cuts.
    pub cut: usize,
    /// What it frees in the plan, summed over the members (a shared layer's bytes count
    /// once for each function that uses it).
    pub frees: Sizes,
    /// What it frees in each member, in member order.
    pub by_member: Vec<Sizes>,
}

impl Chosen {
    /// The members it frees something in: the functions the cut affects.
    pub fn affects(&self) -> impl Iterator<Item = usize> + '_ {
        self.by_member
            .iter()
            .enumerate()
            .filter(|(_, s)| **s != Sizes::default())
            .map(|(i, _)| i)
    }
}

/// The planner's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Whether every bound holds after the cuts.
    pub fits: bool,
    /// The cuts, in candidate order (when it does not fit: every allowed cut, the floor).
    pub chosen: Vec<Chosen>,
    /// Every bound before and after.
    pub bounds: Vec<BoundResult>,
}

impl Plan {
    /// The least safe cut used (`safe` for an empty plan).
    pub fn safety(&self, cuts: &[Cut]) -> Safety {
        self.chosen
            .iter()
            .map(|c| cuts[c.cut].safety)
            .max()
            .unwrap_or(Safety::Safe)
    }

    /// Bytes cut beyond need, summed over the bounds.
    pub fn beyond_need(&self) -> u64 {
        self.bounds.iter().map(BoundResult::beyond_need).sum()
    }
}
