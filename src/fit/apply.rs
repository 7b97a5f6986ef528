//! One bundle's plan from the rules it already has, and the plan as rules to add: what the
//! headless `fit` and the explorer's fit action share.

use super::{Bound, Cut, Plan, Planner, import_cuts, preset_cuts};
use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::limits::{Limit, human};
use crate::rules::{Rule, RuleError};

/// Every limit over the whole bundle, with `reserve` on the unzipped ones.
pub fn bounds_of(limits: &[Limit], reserve: u64) -> Vec<Bound> {
    limits.iter().map(|l| Bound::whole(l, reserve)).collect()
}

/// The candidates after `base`'s rules: the presets it lacks, then the import graph's cuts
/// when `base` was evaluated with one.
pub fn candidate_cuts(bundle: &Bundle, base: &Exclusion) -> Vec<Cut> {
    let mut cuts = preset_cuts(bundle, base);
    cuts.extend(import_cuts(bundle, base));
    cuts
}

/// A planner over `bundle` after `base`'s rules (strip savings set) with [`candidate_cuts`].
pub fn planner_for(
    bundle: &Bundle,
    base: Exclusion,
    bounds: Vec<Bound>,
) -> Result<Planner<'_>, RuleError> {
    let cuts = candidate_cuts(bundle, &base);
    Planner::new(bundle, base, cuts, bounds)
}

/// A bundle's plan and the rules that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fitted {
    /// The plan (or the floor).
    pub plan: Plan,
    /// The candidates the plan's choices index.
    pub cuts: Vec<Cut>,
    /// The rules to add to `base` for the plan, in cut order; empty when nothing fits.
    pub rules: Vec<Rule>,
}

impl Fitted {
    /// One line for a status bar: what the plan adds, or the floor and how far over it is.
    pub fn summary(&self) -> String {
        let plan = &self.plan;
        if !plan.fits {
            let worst = plan
                .bounds
                .iter()
                .filter(|b| !b.ok())
                .max_by_key(|b| b.over());
            return match worst {
                Some(b) => format!(
                    "nothing fits: floor {} on {}, over by {}",
                    human(b.after),
                    b.bound.name,
                    human(b.over())
                ),
                None => "nothing fits".to_string(),
            };
        }
        if plan.chosen.is_empty() {
            return "fit: already within every limit, no cut needed".to_string();
        }
        let labels: Vec<&str> = plan
            .chosen
            .iter()
            .map(|c| self.cuts[c.cut].label.as_str())
            .collect();
        let freed: u64 = plan.chosen.iter().map(|c| c.frees.bytes).sum();
        format!(
            "fit: added {} ({} rule(s), at worst {}), frees {}",
            labels.join(", "),
            self.rules.len(),
            plan.safety(&self.cuts).as_str(),
            human(freed)
        )
    }
}

/// Plans `bundle` after `base`'s rules against `limits`: the least risky cuts that bring every
/// limit within bounds, as rules to add to `base` (none when nothing fits).
pub fn fit_rules(
    bundle: &Bundle,
    base: &Exclusion,
    limits: &[Limit],
    reserve: u64,
    allow_breaks: bool,
) -> Result<Fitted, RuleError> {
    let mut planner = planner_for(bundle, base.clone(), bounds_of(limits, reserve))?;
    let plan = planner.plan(allow_breaks);
    let rules = if plan.fits {
        planner.plan_rules(&plan, 0)
    } else {
        Vec::new()
    };
    Ok(Fitted {
        plan,
        cuts: planner.cuts().to_vec(),
        rules,
    })
}
