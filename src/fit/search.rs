//! The exact search over sets of cuts, for one bundle or jointly for several members (a
//! project's functions): a set is evaluated on every member and fits only when all hold.

use std::ops::Range;

use super::{Bound, BoundResult, Chosen, Cut, Plan};
use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::model::Sizes;
use crate::rules::{Rule, RuleError, Safety};

/// One bundle the plan must bring within its bounds: a bundle alone, or one function.
pub struct Member<'a> {
    /// The function's name (empty for a bundle alone).
    pub name: String,
    /// Its code and layers as roots.
    pub bundle: &'a Bundle,
    /// Rules already decided (strip savings set); the plan adds to them.
    pub base: Exclusion,
    /// This member's rules for each cut, in cut order (empty where the cut names nothing).
    pub rules: Vec<Vec<Rule>>,
    /// What must hold after the plan.
    pub bounds: Vec<Bound>,
}

/// A member under search: its evaluation holds every cut's rules, enabled when chosen.
struct State<'a> {
    name: String,
    bundle: &'a Bundle,
    ex: Exclusion,
    ranges: Vec<Range<usize>>,
    bounds: Vec<Bound>,
    before: Vec<u64>,
}

/// The search state: every member's base rules, then its rules of every cut.
pub struct Planner<'a> {
    members: Vec<State<'a>>,
    cuts: Vec<Cut>,
    on: Vec<bool>,
}

impl<'a> Planner<'a> {
    /// A planner over one bundle: `base` (rules already decided, strip savings set) plus `cuts`.
    pub fn new(
        bundle: &'a Bundle,
        base: Exclusion,
        cuts: Vec<Cut>,
        bounds: Vec<Bound>,
    ) -> Result<Planner<'a>, RuleError> {
        let rules = cuts.iter().map(|c| c.rules.clone()).collect();
        let member = Member {
            name: String::new(),
            bundle,
            base,
            rules,
            bounds,
        };
        Planner::joint(vec![member], cuts)
    }

    /// A planner choosing one set of `cuts` for every member at once.
    pub fn joint(members: Vec<Member<'a>>, cuts: Vec<Cut>) -> Result<Planner<'a>, RuleError> {
        let mut states = Vec::with_capacity(members.len());
        for m in members {
            let before = m.bounds.iter().map(|b| b.used(m.bundle, &m.base)).collect();
            let mut ex = m.base;
            let mut ranges = Vec::with_capacity(cuts.len());
            for rules in m
                .rules
                .iter()
                .chain(std::iter::repeat(&Vec::new()))
                .take(cuts.len())
            {
                let start = ex.len();
                for rule in rules {
                    let i = ex.push(m.bundle, rule.clone())?;
                    ex.set_enabled(m.bundle, i, false);
                }
                ranges.push(start..ex.len());
            }
            states.push(State {
                name: m.name,
                bundle: m.bundle,
                ex,
                ranges,
                bounds: m.bounds,
                before,
            });
        }
        let on = vec![false; cuts.len()];
        Ok(Planner {
            members: states,
            cuts,
            on,
        })
    }

    /// The candidate cuts.
    pub fn cuts(&self) -> &[Cut] {
        &self.cuts
    }

    /// How many members there are.
    pub fn members(&self) -> usize {
        self.members.len()
    }

    /// A member's name.
    pub fn name(&self, member: usize) -> &str {
        &self.members[member].name
    }

    /// The first member's evaluation with the last applied set enabled.
    pub fn exclusion(&self) -> &Exclusion {
        self.member_exclusion(0)
    }

    /// A member's evaluation with the last applied set enabled.
    pub fn member_exclusion(&self, member: usize) -> &Exclusion {
        &self.members[member].ex
    }

    /// The rules `plan` adds to a member, in cut order: what applying the plan means there.
    pub fn plan_rules(&self, plan: &Plan, member: usize) -> Vec<Rule> {
        let m = &self.members[member];
        plan.chosen
            .iter()
            .flat_map(|c| m.ranges[c.cut].clone())
            .map(|r| m.ex.rule(r).clone())
            .collect()
    }

    /// Enables exactly the cuts in `set`.
    pub fn apply(&mut self, set: &[usize]) {
        for i in 0..self.cuts.len() {
            let want = set.contains(&i);
            if self.on[i] != want {
                for m in &mut self.members {
                    for r in m.ranges[i].clone() {
                        m.ex.set_enabled(m.bundle, r, want);
                    }
                }
                self.on[i] = want;
            }
        }
    }

    /// Every member's bounds with the current set applied.
    fn results(&self) -> Vec<BoundResult> {
        let mut out = Vec::new();
        for (member, m) in self.members.iter().enumerate() {
            for (b, before) in m.bounds.iter().zip(&m.before) {
                out.push(BoundResult {
                    member,
                    bound: b.clone(),
                    before: *before,
                    after: b.used(m.bundle, &m.ex),
                });
            }
        }
        out
    }

    /// The plan of the current set.
    fn plan_of(&self, set: &[usize]) -> Plan {
        let bounds = self.results();
        let chosen = set
            .iter()
            .map(|&cut| {
                let by_member: Vec<Sizes> = self
                    .members
                    .iter()
                    .map(|m| {
                        let mut frees = Sizes::default();
                        for r in m.ranges[cut].clone() {
                            frees.add(&m.ex.saving(r));
                        }
                        frees
                    })
                    .collect();
                let mut frees = Sizes::default();
                for s in &by_member {
                    frees.add(s);
                }
                Chosen {
                    cut,
                    frees,
                    by_member,
                }
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

/// Keeps, in every member's rules for `cut`, a rule on a root that other members also have
/// (a shared layer, same path) only when each of them cuts it too (the same path or one
/// above it): a path one function never imports may be what another one does.
pub fn agree_on_shared(members: &mut [Member], cut: usize) {
    let keep: Vec<Vec<bool>> = members
        .iter()
        .map(|m| {
            m.rules[cut]
                .iter()
                .map(|r| is_agreed(members, m, cut, r))
                .collect()
        })
        .collect();
    for (m, keep) in members.iter_mut().zip(keep) {
        let mut flags = keep.into_iter();
        m.rules[cut].retain(|_| flags.next().unwrap_or(false));
    }
}

/// Whether every other member holding `rule`'s root cuts the same path or one above it.
fn is_agreed(members: &[Member], owner: &Member, cut: usize, rule: &Rule) -> bool {
    let Some(root) = rule.root.and_then(|i| owner.bundle.roots.get(i)) else {
        return true;
    };
    members
        .iter()
        .filter(|m| !std::ptr::eq(*m, owner))
        .all(|m| {
            let Some(j) = m.bundle.roots.iter().position(|r| r.path == root.path) else {
                return true;
            };
            m.rules[cut].iter().any(|q| {
                let above = q.value.trim_end_matches('/');
                q.root == Some(j)
                    && q.kind == rule.kind
                    && (rule.value.trim_end_matches('/') == above
                        || rule.value.starts_with(&format!("{above}/")))
            })
        })
}

/// Advances `idx` (strictly increasing, below `n`) to the next combination; false at the end.
pub(super) fn next_combination(idx: &mut [usize], n: usize) -> bool {
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
