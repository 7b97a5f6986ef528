//! What the current exclusions would break: distributions still required by kept ones,
//! paths imported at run time, enabled rules whose safety is `breaks`, and rules that
//! match nothing.

use std::fmt::Write as _;

use super::Exclusion;
use crate::bundle::Bundle;
use crate::imports::cut::ImportBreak;
use crate::manifest::export::escape_controls;
use crate::model::{DistId, NodeId};
use crate::rules::Safety;
use crate::rules::preset::{Needed, needed};

/// One problem with the current exclusions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// Every file of `dist` is excluded, yet kept distributions require it.
    RequiredByKept {
        /// The excluded distribution.
        dist: DistId,
        /// Index of the rule excluding it.
        rule: Option<usize>,
        /// Kept distributions requiring it.
        required_by: Vec<DistId>,
    },
    /// A path imported at run time is excluded while its importers are kept.
    NeededAtRunTime {
        /// Index of the rule excluding it.
        rule: Option<usize>,
        /// Its path relative to the site: `numpy/testing`.
        path: String,
        /// Kept distributions known to import it.
        importers: Vec<DistId>,
        /// Other kept distributions requiring its owner, which may import it too.
        dependents: Vec<DistId>,
        /// What breaks.
        why: String,
    },
    /// An enabled rule whose safety is `breaks` removes something.
    Breaks {
        /// Index of the rule.
        rule: usize,
    },
    /// An excluded module that kept code imports (from the import graph).
    Import {
        /// Index of the rule excluding it.
        rule: Option<usize>,
        /// What is excluded and who imports it.
        cut: ImportBreak,
    },
    /// An enabled rule the user wrote (not a preset's) matches nothing in the bundle: a
    /// typo in a path, pattern or name, kept visible rather than silently saving 0 B.
    MatchesNothing {
        /// Index of the rule.
        rule: usize,
    },
}

impl Warning {
    /// The rule the warning is about, if one is known.
    pub fn rule(&self) -> Option<usize> {
        match self {
            Warning::RequiredByKept { rule, .. }
            | Warning::NeededAtRunTime { rule, .. }
            | Warning::Import { rule, .. } => *rule,
            Warning::Breaks { rule } | Warning::MatchesNothing { rule } => Some(*rule),
        }
    }

    /// One line for people: rule values and file names in it have their control
    /// characters escaped, so no name can end the line or drive a terminal.
    pub fn message(&self, bundle: &Bundle, ex: &Exclusion) -> String {
        escape_controls(&self.raw_message(bundle, ex))
    }

    fn raw_message(&self, bundle: &Bundle, ex: &Exclusion) -> String {
        let names = |ids: &[DistId]| {
            ids.iter()
                .map(|d| bundle.dist(*d).name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Warning::RequiredByKept {
                dist, required_by, ..
            } => format!(
                "{} is excluded but still required by {}",
                bundle.dist(*dist).name,
                names(required_by)
            ),
            Warning::NeededAtRunTime {
                path,
                importers,
                dependents,
                why,
                ..
            } => {
                let mut s = format!(
                    "{path} is excluded but imported at run time by {}",
                    names(importers)
                );
                if !dependents.is_empty() {
                    let _ = write!(s, " (and maybe by {})", names(dependents));
                }
                let _ = write!(s, ": {why}");
                s
            }
            Warning::Breaks { rule } => {
                let r = ex.rule(*rule);
                format!("{} breaks things: {}", r.label(), r.reason)
            }
            Warning::Import { cut, .. } => import_message(cut),
            Warning::MatchesNothing { rule } => {
                format!("{} matches nothing in the bundle", ex.rule(*rule).label())
            }
        }
    }
}

impl Exclusion {
    /// Every warning about the current exclusions.
    pub fn warnings(&self, bundle: &Bundle) -> Vec<Warning> {
        let mut out = self.required_by_kept(bundle);
        for need in needed() {
            out.extend(self.needed_warning(bundle, need));
        }
        if let Some(imports) = self.imports() {
            for cut in imports.breaks(bundle, |n| self.is_excluded(n)) {
                out.push(Warning::Import {
                    rule: self.excluded_by(cut.node),
                    cut,
                });
            }
        }
        for i in 0..self.len() {
            if self.is_enabled(i)
                && self.rule(i).safety == Safety::Breaks
                && self.saving(i).files > 0
            {
                out.push(Warning::Breaks { rule: i });
            }
            let rule = self.rule(i);
            if self.is_enabled(i) && rule.preset.is_none() && self.hit_count(i) == 0 {
                out.push(Warning::MatchesNothing { rule: i });
            }
        }
        out
    }

    fn kept_dists(&self, bundle: &Bundle, ids: impl Iterator<Item = DistId>) -> Vec<DistId> {
        let mut v: Vec<DistId> = ids.filter(|d| !self.is_dist_excluded(bundle, *d)).collect();
        v.sort_by(|a, b| bundle.dist(*a).key.cmp(&bundle.dist(*b).key));
        v.dedup();
        v
    }

    fn required_by_kept(&self, bundle: &Bundle) -> Vec<Warning> {
        let mut out = Vec::new();
        for i in 0..bundle.dists.len() {
            let dist = DistId(i as u32);
            if !self.is_dist_excluded(bundle, dist) {
                continue;
            }
            let required_by = self.kept_dists(bundle, bundle.graph.required_by(dist));
            if required_by.is_empty() {
                continue;
            }
            let rule = bundle
                .dist(dist)
                .installs
                .first()
                .and_then(|inst| self.excluded_by(inst.meta_dir));
            out.push(Warning::RequiredByKept {
                dist,
                rule,
                required_by,
            });
        }
        out
    }

    fn needed_warning(&self, bundle: &Bundle, need: &Needed) -> Option<Warning> {
        let owner = bundle.dist_by_key(&need.dist)?;
        if self.is_dist_excluded(bundle, owner) {
            return None;
        }
        let node = self.needed_node(bundle, &need.path)?;
        let importers = self.kept_dists(
            bundle,
            need.importers.iter().filter_map(|k| bundle.dist_by_key(k)),
        );
        let mut dependents = self.kept_dists(bundle, bundle.graph.required_by(owner));
        dependents.retain(|d| !importers.contains(d));
        if importers.is_empty() && dependents.is_empty() {
            return None;
        }
        Some(Warning::NeededAtRunTime {
            rule: self.excluded_by(node).or_else(|| {
                bundle
                    .tree
                    .child(node, b"__init__.py")
                    .and_then(|i| self.excluded_by(i))
            }),
            path: need.path.clone(),
            importers,
            dependents,
            why: need.why.clone(),
        })
    }

    /// The first site-relative node at `path` that is excluded, or whose `__init__.py` is.
    fn needed_node(&self, bundle: &Bundle, path: &str) -> Option<NodeId> {
        bundle
            .roots
            .iter()
            .flat_map(|r| r.sites.iter())
            .filter_map(|site| bundle.tree.resolve(*site, path.as_bytes()))
            .find(|n| {
                self.is_excluded(*n)
                    || bundle
                        .tree
                        .child(*n, b"__init__.py")
                        .is_some_and(|i| self.is_excluded(i))
            })
    }
}

/// `breaks: chromadb_rust_bindings is excluded but chromadb/api/rust.py:51 imports it (top)`.
fn import_message(cut: &ImportBreak) -> String {
    let (level, when) = if cut.breaks {
        ("breaks", "at start-up")
    } else {
        ("caution", "when that code runs")
    };
    let others = match cut.others {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "{level}: {} is excluded but {}:{} imports it ({}{others}); fails {when}",
        cut.module,
        cut.file,
        cut.line,
        cut.kind.as_str()
    )
}
