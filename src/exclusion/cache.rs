//! Rule hits cached by what determines them (kind, value, root), so a rule switched on
//! again, re-added by undo or redo, or priced by the preset picker never walks the tree
//! twice. Hits depend only on the tree's shape and ownership: sizes changing keeps them;
//! [`Exclusion::rebuild`] (nodes added or detached) drops them. `strip-so` hits follow the
//! strip savings and are never cached.

use std::collections::HashMap;
use std::sync::Arc;

use super::Exclusion;
use crate::bundle::Bundle;
use crate::model::NodeId;
use crate::rules::hits::{rule_hits, rules_hits};
use crate::rules::{Rule, RuleError, RuleKind};

/// What a rule's hits depend on.
type Key = (RuleKind, String, Option<usize>);

/// Hits by rule.
#[derive(Clone, Debug, Default)]
pub(super) struct HitCache {
    map: HashMap<Key, Arc<[NodeId]>>,
}

fn key(rule: &Rule) -> Option<Key> {
    (rule.kind != RuleKind::StripSo).then(|| (rule.kind, rule.value.clone(), rule.root))
}

impl HitCache {
    /// The cached hits of `rule`, if any.
    pub fn get(&self, rule: &Rule) -> Option<Arc<[NodeId]>> {
        self.map.get(&key(rule)?).cloned()
    }

    /// Forgets every rule's hits (the tree's shape changed).
    pub fn clear(&mut self) {
        self.map.clear();
    }
}

impl Exclusion {
    /// The topmost nodes `rule` names, sorted and distinct, from the cache when known.
    pub(super) fn hits_of(
        &mut self,
        bundle: &Bundle,
        rule: &Rule,
    ) -> Result<Arc<[NodeId]>, RuleError> {
        if let Some(hits) = self.cache.get(rule) {
            return Ok(hits);
        }
        let mut hits = rule_hits(bundle, &self.owners, &self.strip, rule)?;
        hits.sort_unstable();
        hits.dedup();
        let hits: Arc<[NodeId]> = hits.into();
        if let Some(k) = key(rule) {
            self.cache.map.insert(k, Arc::clone(&hits));
        }
        Ok(hits)
    }

    /// Finds the hits of every rule in `rules` not cached yet, glob patterns in one walk
    /// of the tree. Rules that cannot be used are left out (adding them reports why).
    pub fn warm<'r>(&mut self, bundle: &Bundle, rules: impl IntoIterator<Item = &'r Rule>) {
        let mut seen = std::collections::HashSet::new();
        let todo: Vec<&Rule> = rules
            .into_iter()
            .filter(|r| key(r).is_some_and(|k| !self.cache.map.contains_key(&k) && seen.insert(k)))
            .collect();
        let found = rules_hits(bundle, &self.owners, &self.strip, &todo);
        for (rule, hits) in todo.iter().zip(found) {
            if let (Some(k), Ok(hits)) = (key(rule), hits) {
                self.cache.map.insert(k, hits.into());
            }
        }
    }

    /// Finds the hits of every preset's rules not cached yet, in one walk.
    pub fn warm_presets(&mut self, bundle: &Bundle) {
        let rules: Vec<Rule> = crate::rules::preset::presets()
            .iter()
            .flat_map(|p| p.expand(&bundle.target))
            .collect();
        self.warm(bundle, &rules);
    }
}
