//! Candidate rules for closing an overrun: presets not in use yet and the largest
//! distributions (with the dependencies only they need), ranked by what each would save
//! on top of the current exclusions.

use super::Exclusion;
use crate::bundle::Bundle;
use crate::limits::{Counted, request_bytes};
use crate::model::{DistId, NodeId, Sizes};
use crate::rules::preset::presets;
use crate::rules::{Rule, RuleKind, Safety, exclusive_set};

/// How many distributions get an exact saving computed.
const DIST_CANDIDATES: usize = 8;

/// A rule group that could be added.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// `preset tests-dirs` or `dist kubernetes + deps only it needs`.
    pub label: String,
    /// The rules to add, in order.
    pub rules: Vec<Rule>,
    /// The least safe of its rules.
    pub safety: Safety,
    /// What it would remove on top of the current exclusions.
    pub saving: Sizes,
}

impl Candidate {
    /// The saving as `counted` measures it (a request: the base64 growth of the zip).
    pub fn saving_on(&self, counted: Counted) -> u64 {
        measure(&self.saving, counted)
    }
}

fn measure(s: &Sizes, counted: Counted) -> u64 {
    match counted {
        Counted::Unzipped => s.bytes,
        Counted::Zipped => s.zipped,
        Counted::Request => request_bytes(s.zipped).saturating_sub(request_bytes(0)),
    }
}

impl Exclusion {
    /// Presets not in the list yet and the largest kept distributions, each with what it
    /// would save, largest first on `counted`; nothing that saves nothing.
    pub fn candidates(&self, bundle: &Bundle, counted: Counted) -> Vec<Candidate> {
        let mut out = Vec::new();
        for preset in presets() {
            let in_use = self
                .rules()
                .any(|r| r.preset.as_deref() == Some(&preset.name));
            if in_use {
                continue;
            }
            let rules = preset.expand(&bundle.target);
            out.push(Candidate {
                label: format!("preset {}", preset.name),
                saving: self.marginal(bundle, &rules),
                safety: preset.safety,
                rules,
            });
        }
        for dist in self.largest_dists(bundle, counted) {
            let rule = Rule::dist(&bundle.dist(dist).name, true);
            let gone = exclusive_set(bundle, dist);
            let mut needers: Vec<&str> = bundle
                .graph
                .required_by(dist)
                .filter(|d| !gone.contains(d) && !self.is_dist_excluded(bundle, *d))
                .map(|d| bundle.dist(d).name.as_str())
                .collect();
            needers.sort_unstable();
            needers.dedup();
            let label = if needers.is_empty() {
                rule.label()
            } else {
                format!("{} (required by {})", rule.label(), needers.join(", "))
            };
            out.push(Candidate {
                label,
                saving: self.marginal(bundle, std::slice::from_ref(&rule)),
                safety: rule.safety,
                rules: vec![rule],
            });
        }
        out.retain(|c| c.saving.files > 0 || c.saving.bytes > 0);
        out.sort_by(|a, b| {
            b.saving_on(counted)
                .cmp(&a.saving_on(counted))
                .then_with(|| a.label.cmp(&b.label))
        });
        out
    }

    /// Kept distributions whose exclusive set holds the most kept bytes; top-level
    /// requirements are what the bundle is for, so they are never proposed.
    fn largest_dists(&self, bundle: &Bundle, counted: Counted) -> Vec<DistId> {
        let mut estimates: Vec<(u64, DistId)> = (0..bundle.dists.len())
            .map(|i| DistId(i as u32))
            .filter(|d| !bundle.graph.is_root(*d) && !self.is_dist_excluded(bundle, *d))
            .map(|d| {
                let kept: u64 = exclusive_set(bundle, d)
                    .iter()
                    .map(|x| measure(&self.dist_totals(bundle, *x).after, counted))
                    .fold(0, u64::saturating_add);
                (kept, d)
            })
            .collect();
        estimates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        estimates
            .into_iter()
            .take(DIST_CANDIDATES)
            .map(|(_, d)| d)
            .collect()
    }

    /// What `rules`, evaluated on their own in order, would remove that is still kept:
    /// files' sizes (directory entries aside) and, for `strip-so`, strip savings.
    pub fn marginal(&self, bundle: &Bundle, rules: &[Rule]) -> Sizes {
        MARKS.with(|marks| self.marginal_with(bundle, rules, &mut marks.borrow_mut()))
    }

    fn marginal_with(&self, bundle: &Bundle, rules: &[Rule], marks: &mut Marks) -> Sizes {
        let stamp = marks.next(bundle.tree.len());
        let tops = self.mark_hits(bundle, rules, marks, stamp);
        let mut saving = Sizes::default();
        let mut stack: Vec<(NodeId, u32)> = Vec::new();
        for top in tops {
            stack.push((top, marks.rule[top.index()]));
            while let Some((id, inherited)) = stack.pop() {
                // The rule earliest in the list decides (`rule` holds position << 1).
                let decides = if marks.mark[id.index()] == stamp {
                    inherited.min(marks.rule[id.index()])
                } else {
                    inherited
                };
                let node = bundle.tree.node(id);
                if decides & 1 == 1 && !node.is_dir() && !self.is_excluded(id) {
                    let mut s = node.own;
                    // A file's own excluded (stripped) sizes are its whole `gone`.
                    s.sub(&self.state[id.index()].gone);
                    saving.add(&s);
                }
                stack.extend(bundle.tree.children(id).iter().map(|c| (*c, decides)));
            }
        }
        if rules.iter().any(|r| r.kind == RuleKind::StripSo) && self.strip_rule == super::NO_RULE {
            for id in self.strip.files() {
                if !self.is_excluded(id) {
                    let s = self.strip.get(id).unwrap_or(0);
                    saving.add(&super::eval::stripped(&bundle.tree.node(id).own, s));
                }
            }
        }
        saving
    }

    /// Marks every node `rules` name with its first rule (`stamp`); returns the topmost.
    fn mark_hits(
        &self,
        bundle: &Bundle,
        rules: &[Rule],
        marks: &mut Marks,
        stamp: u32,
    ) -> Vec<NodeId> {
        let mut tops: Vec<NodeId> = Vec::new();
        let mut naming = 0;
        for (i, rule) in rules.iter().enumerate() {
            if rule.kind == RuleKind::StripSo {
                continue;
            }
            let hits = self.cache.get(rule).map_or_else(
                || {
                    crate::rules::hits::rule_hits(bundle, &self.owners, &self.strip, rule)
                        .unwrap_or_default()
                },
                |h| h.to_vec(),
            );
            naming += usize::from(!hits.is_empty());
            let decides = (i as u32) << 1 | u32::from(rule.kind != RuleKind::Keep);
            for h in hits {
                if marks.mark[h.index()] != stamp {
                    marks.mark[h.index()] = stamp;
                    marks.rule[h.index()] = decides;
                    tops.push(h);
                }
            }
        }
        // One rule's hits never nest; only several rules' hits need the climb.
        if naming > 1 {
            tops.retain(|t| !marks.has_marked_ancestor(&bundle.tree, *t, stamp));
        }
        tops
    }
}

/// Scratch marks for [`Exclusion::marginal`], kept per thread so pricing every preset
/// after each change costs array reads instead of hashing every node visited.
#[derive(Default)]
struct Marks {
    stamp: u32,
    /// Per node: the stamp of the call that marked it a hit.
    mark: Vec<u32>,
    /// Per node marked: the position of its first rule << 1, | 1 when that rule excludes.
    rule: Vec<u32>,
    /// Per node: the stamp of the call that found no hit on it or above it.
    clear: Vec<u32>,
    /// Scratch path for [`Marks::has_marked_ancestor`].
    path: Vec<NodeId>,
}

impl Marks {
    /// A stamp no node carries yet, with room for `n` nodes.
    fn next(&mut self, n: usize) -> u32 {
        if self.mark.len() < n {
            self.mark.resize(n, 0);
            self.rule.resize(n, 0);
            self.clear.resize(n, 0);
        }
        if self.stamp == u32::MAX {
            self.mark.fill(0);
            self.clear.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        self.stamp
    }

    /// Whether a hit marked with `stamp` lies above `id`; ancestors found clear are
    /// remembered, so hits sharing ancestors climb each one once.
    fn has_marked_ancestor(&mut self, tree: &crate::model::Tree, id: NodeId, stamp: u32) -> bool {
        self.path.clear();
        let mut at = tree.parent(id);
        while let Some(a) = at {
            if self.mark[a.index()] == stamp {
                return true;
            }
            if self.clear[a.index()] == stamp {
                break;
            }
            self.path.push(a);
            at = tree.parent(a);
        }
        for a in &self.path {
            self.clear[a.index()] = stamp;
        }
        false
    }
}

thread_local! {
    static MARKS: std::cell::RefCell<Marks> = std::cell::RefCell::default();
}
