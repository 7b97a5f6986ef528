//! The fit planner: the least risky set of cuts that brings every limit within bounds.
//!
//! Candidates are [`Cut`]s (a preset, or any other group of rules with a safety level; an
//! `unreached` tier from the import graph is just more cuts). The order is: the least safe
//! cut used (`safe` < `caution` < `breaks`, the last only when allowed), then the fewest
//! cuts, then the fewest bytes cut beyond need, then the earliest cuts in candidate order.
//! The search is exact: for each tier it tries every set of `k` cuts for `k = 0, 1, ...`
//! and stops at the first size where some set fits, toggling rules incrementally on one
//! [`Exclusion`].

mod floor;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::limits::{Counted, Limit, request_bytes};
use crate::model::Sizes;
use crate::rules::preset::presets;
use crate::rules::{Rule, RuleError, Safety};

pub use floor::{Needed, needed_dists};

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

/// One bound after the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundResult {
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
    /// What it frees in the plan.
    pub frees: Sizes,
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

/// The search state: base rules, then every cut's rules (disabled until chosen).
pub struct Planner<'a> {
    bundle: &'a Bundle,
    ex: Exclusion,
    cuts: Vec<Cut>,
    ranges: Vec<Range<usize>>,
    on: Vec<bool>,
    bounds: Vec<Bound>,
    before: Vec<u64>,
}

impl<'a> Planner<'a> {
    /// A planner over `base` (rules already decided, strip savings set) adding `cuts`.
    pub fn new(
        bundle: &'a Bundle,
        mut ex: Exclusion,
        cuts: Vec<Cut>,
        bounds: Vec<Bound>,
    ) -> Result<Planner<'a>, RuleError> {
        let before = bounds.iter().map(|b| b.used(bundle, &ex)).collect();
        let mut ranges = Vec::new();
        for cut in &cuts {
            let start = ex.len();
            for rule in &cut.rules {
                let i = ex.push(bundle, rule.clone())?;
                ex.set_enabled(bundle, i, false);
            }
            ranges.push(start..ex.len());
        }
        let on = vec![false; cuts.len()];
        Ok(Planner {
            bundle,
            ex,
            cuts,
            ranges,
            on,
            bounds,
            before,
        })
    }

    /// The candidate cuts.
    pub fn cuts(&self) -> &[Cut] {
        &self.cuts
    }

    /// The evaluation with the last applied set enabled.
    pub fn exclusion(&self) -> &Exclusion {
        &self.ex
    }

    /// Enables exactly the cuts in `set`.
    pub fn apply(&mut self, set: &[usize]) {
        for i in 0..self.cuts.len() {
            let want = set.contains(&i);
            if self.on[i] != want {
                for r in self.ranges[i].clone() {
                    self.ex.set_enabled(self.bundle, r, want);
                }
                self.on[i] = want;
            }
        }
    }

    /// Every bound with the current set applied.
    fn results(&self) -> Vec<BoundResult> {
        self.bounds
            .iter()
            .zip(&self.before)
            .map(|(b, before)| BoundResult {
                bound: b.clone(),
                before: *before,
                after: b.used(self.bundle, &self.ex),
            })
            .collect()
    }

    /// The plan of the current set.
    fn plan_of(&self, set: &[usize]) -> Plan {
        let bounds = self.results();
        let chosen = set
            .iter()
            .map(|&cut| {
                let mut frees = Sizes::default();
                for r in self.ranges[cut].clone() {
                    frees.add(&self.ex.saving(r));
                }
                Chosen { cut, frees }
            })
            .collect();
        Plan {
            fits: bounds.iter().all(BoundResult::ok),
            chosen,
            bounds,
        }
    }

    /// Evaluates `set` as a plan.
    pub fn evaluate(&mut self, set: &[usize]) -> Plan {
        self.apply(set);
        self.plan_of(set)
    }

    /// The least risky plan that fits, or (`fits == false`) every allowed cut: the floor.
    /// Leaves the plan's cuts applied, so [`Planner::exclusion`] is the plan.
    pub fn plan(&mut self, allow_breaks: bool) -> Plan {
        let tiers: &[Safety] = if allow_breaks {
            &[Safety::Safe, Safety::Caution, Safety::Breaks]
        } else {
            &[Safety::Safe, Safety::Caution]
        };
        let mut pool = Vec::new();
        for &tier in tiers {
            pool = (0..self.cuts.len())
                .filter(|i| self.cuts[*i].safety <= tier)
                .collect();
            if !self.evaluate(&pool).fits {
                continue;
            }
            for k in 0..=pool.len() {
                if let Some(best) = self.best_of_size(&pool, k) {
                    let set: Vec<usize> = best.chosen.iter().map(|c| c.cut).collect();
                    self.apply(&set);
                    return best;
                }
            }
        }
        self.evaluate(&pool)
    }

    /// The best fitting plan of exactly `k` cuts from `pool`, if any.
    fn best_of_size(&mut self, pool: &[usize], k: usize) -> Option<Plan> {
        let mut best: Option<(Safety, u64, Plan)> = None;
        let mut idx: Vec<usize> = (0..k).collect();
        loop {
            let set: Vec<usize> = idx.iter().map(|i| pool[*i]).collect();
            let plan = self.evaluate(&set);
            if plan.fits {
                let key = (plan.safety(&self.cuts), plan.beyond_need());
                if best.as_ref().is_none_or(|(s, b, _)| key < (*s, *b)) {
                    best = Some((key.0, key.1, plan));
                }
            }
            if !next_combination(&mut idx, pool.len()) {
                break;
            }
        }
        best.map(|(_, _, p)| p)
    }
}

/// Advances `idx` (strictly increasing, below `n`) to the next combination; false at the end.
fn next_combination(idx: &mut [usize], n: usize) -> bool {
    let k = idx.len();
    let Some(i) = (0..k).rev().find(|&i| idx[i] < n - k + i) else {
        return false;
    };
    idx[i] += 1;
    for j in i + 1..k {
        idx[j] = idx[j - 1] + 1;
    }
    true
}
