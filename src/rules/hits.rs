//! Which nodes a rule names directly (its topmost matches), given a bundle.

use super::glob::Pattern;
use super::strip::StripSavings;
use super::{Rule, RuleError, RuleKind};
use crate::bundle::Bundle;
use crate::model::{DistId, NodeId};
use crate::python::name::normalize;

/// No distribution owns anything in the subtree.
const UNOWNED: u32 = u32::MAX;
/// Several distributions own files in the subtree (or it holds package directories).
const MIXED: u32 = u32::MAX - 1;

/// The single distribution owning each subtree, if there is one: the owner of a file, or
/// for an unowned `__pycache__/NAME.*.pyc` the owner of the `NAME.py` beside it; a
/// directory belongs to a distribution when every owned file under it does. Roots, sites
/// and their ancestors never belong to one.
#[derive(Clone, Debug, Default)]
pub struct Owners {
    of: Vec<u32>,
}

impl Owners {
    /// Computes subtree owners for every node (one pass, children before parents).
    pub fn new(bundle: &Bundle) -> Owners {
        let tree = &bundle.tree;
        let mut of = vec![UNOWNED; tree.len()];
        for i in (0..tree.len()).rev() {
            let id = NodeId(i as u32);
            let node = tree.node(id);
            if node.is_detached() {
                continue;
            }
            if !node.is_dir() {
                of[i] = file_owner(bundle, id).map_or(UNOWNED, |d| d.0);
            }
            if let Some(p) = tree.parent(id) {
                of[p.index()] = merge(of[p.index()], of[i]);
            }
        }
        let mut fixed: Vec<NodeId> = vec![bundle.top];
        for root in &bundle.roots {
            fixed.push(root.node);
            fixed.extend(root.sites.iter().copied());
        }
        for id in fixed {
            let mut at = Some(id);
            while let Some(a) = at {
                of[a.index()] = MIXED;
                at = tree.parent(a);
            }
        }
        Owners { of }
    }

    /// The distribution owning everything owned under `id`, if exactly one does.
    pub fn owner(&self, id: NodeId) -> Option<DistId> {
        match self.of.get(id.index()) {
            Some(&d) if d < MIXED => Some(DistId(d)),
            _ => None,
        }
    }

    /// Topmost nodes belonging to a distribution in `set` (indexed by distribution).
    fn dist_hits(&self, bundle: &Bundle, set: &[bool]) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack = vec![bundle.top];
        while let Some(id) = stack.pop() {
            match self.of.get(id.index()).copied().unwrap_or(UNOWNED) {
                MIXED => stack.extend(bundle.tree.children(id).iter().rev()),
                UNOWNED => {}
                d if set.get(d as usize).copied().unwrap_or(false) => out.push(id),
                _ => {}
            }
        }
        out
    }
}

fn merge(a: u32, b: u32) -> u32 {
    match (a, b) {
        (UNOWNED, x) | (x, UNOWNED) => x,
        (x, y) if x == y => x,
        _ => MIXED,
    }
}

/// The RECORD owner of a file, or for an unowned `__pycache__/NAME.*.pyc` the owner of
/// `NAME.py` next to the `__pycache__` directory.
fn file_owner(bundle: &Bundle, id: NodeId) -> Option<DistId> {
    let tree = &bundle.tree;
    if let Some(owner) = tree.node(id).owner() {
        return Some(owner);
    }
    let cache = tree.parent(id)?;
    if tree.name(cache) != b"__pycache__" {
        return None;
    }
    let name = tree.name(id);
    let stem = name.split(|b| *b == b'.').next()?;
    let mut source = stem.to_vec();
    source.extend_from_slice(b".py");
    let source = tree.child(tree.parent(cache)?, &source)?;
    tree.node(source).owner()
}

/// `dist` plus every distribution no longer reachable from the graph's roots without it.
pub fn exclusive_set(bundle: &Bundle, dist: DistId) -> Vec<DistId> {
    let graph = &bundle.graph;
    let before = graph.reachable(&graph.roots, None);
    let after = graph.reachable(&graph.roots, Some(dist));
    let mut set = vec![dist];
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        if *b && !*a && i != dist.index() {
            set.push(DistId(i as u32));
        }
    }
    set
}

/// The distributions a `dist` / `dist-deps` rule names (empty when not installed).
pub fn rule_dists(bundle: &Bundle, rule: &Rule) -> Vec<DistId> {
    let Some(id) = bundle.dist_by_key(&normalize(rule.value.trim())) else {
        return Vec::new();
    };
    match rule.kind {
        RuleKind::DistDeps => exclusive_set(bundle, id),
        _ => vec![id],
    }
}

/// The topmost nodes `rule` names in `bundle`. `strip-so` names the files with a saving.
pub fn rule_hits(
    bundle: &Bundle,
    owners: &Owners,
    strip: &StripSavings,
    rule: &Rule,
) -> Result<Vec<NodeId>, RuleError> {
    rule.validate()?;
    Ok(match rule.kind {
        RuleKind::Dist | RuleKind::DistDeps => {
            let mut set = vec![false; bundle.dists.len()];
            for d in rule_dists(bundle, rule) {
                set[d.index()] = true;
            }
            owners.dist_hits(bundle, &set)
        }
        RuleKind::Path => path_hits(bundle, rule),
        RuleKind::Glob | RuleKind::Keep => Pattern::new(&rule.value)?.hits(bundle, rule.root),
        RuleKind::StripSo => strip
            .files()
            .filter(|id| rule.root.is_none_or(|r| bundle.root_of(*id) == Some(r)))
            .collect(),
    })
}

/// The topmost nodes of each of `rules`, in order, sorted and distinct; glob and keep
/// rules share one walk of the tree.
pub fn rules_hits(
    bundle: &Bundle,
    owners: &Owners,
    strip: &StripSavings,
    rules: &[&Rule],
) -> Vec<Result<Vec<NodeId>, RuleError>> {
    let is_glob = |r: &Rule| matches!(r.kind, RuleKind::Glob | RuleKind::Keep);
    let patterns: Vec<Result<Pattern, RuleError>> = rules
        .iter()
        .filter(|r| is_glob(r))
        .map(|r| r.validate().and_then(|()| Pattern::new(&r.value)))
        .collect();
    let good: Vec<(&Pattern, Option<usize>)> = patterns
        .iter()
        .zip(rules.iter().filter(|r| is_glob(r)))
        .filter_map(|(p, r)| p.as_ref().ok().map(|p| (p, r.root)))
        .collect();
    let mut walked = super::glob::hits_of_many(bundle, &good).into_iter();
    let mut patterns = patterns.into_iter();
    rules
        .iter()
        .map(|rule| {
            let mut hits = if is_glob(rule) {
                match patterns.next() {
                    Some(Ok(_)) => walked.next().unwrap_or_default(),
                    Some(Err(e)) => return Err(e),
                    None => Vec::new(),
                }
            } else {
                rule_hits(bundle, owners, strip, rule)?
            };
            hits.sort_unstable();
            hits.dedup();
            Ok(hits)
        })
        .collect()
}

fn path_hits(bundle: &Bundle, rule: &Rule) -> Vec<NodeId> {
    bundle
        .roots
        .iter()
        .enumerate()
        .filter(|(i, _)| rule.root.is_none_or(|r| r == *i))
        .filter_map(|(_, root)| bundle.tree.resolve(root.node, rule.value.as_bytes()))
        .collect()
}
