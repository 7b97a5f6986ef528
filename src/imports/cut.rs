//! What reachability means for exclusions: the `unreached` presets (path rules for the
//! topmost unreached subtrees) and what excluding an imported module breaks.

use std::collections::HashMap;

use super::finder::ModId;
use super::wire::root_path;
use super::{EdgeKind, Imports, Reach};
use crate::bundle::Bundle;
use crate::model::NodeId;
use crate::rules::{Rule, RuleKind, Safety};

/// Name of the preset cutting unreached files.
pub const UNREACHED: &str = "unreached";
/// Name of the preset cutting unreached and lazily reached files.
pub const UNREACHED_LAZY: &str = "unreached-lazy";

/// Whether `name` is one of the presets computed from the import graph.
pub fn is_import_preset(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case(UNREACHED) || n.eq_ignore_ascii_case(UNREACHED_LAZY)
}

/// One excluded module that kept code imports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportBreak {
    /// The excluded module.
    pub module: String,
    /// Its excluded file.
    pub node: NodeId,
    /// The first importer, relative to its root.
    pub file: String,
    /// Line of that import.
    pub line: u32,
    /// Its kind.
    pub kind: EdgeKind,
    /// A reached module imports it at module scope: the import fails at start-up.
    pub breaks: bool,
    /// Other kept importers.
    pub others: usize,
}

impl Imports {
    /// The rules of preset `name` (`unreached` or `unreached-lazy`): one `path` rule per
    /// topmost subtree whose files are all unreached (or lazy too).
    pub fn preset_rules(&self, bundle: &Bundle, name: &str) -> Vec<Rule> {
        let lazy = name.trim().eq_ignore_ascii_case(UNREACHED_LAZY);
        let (preset, reason) = if lazy {
            (
                UNREACHED_LAZY,
                "never imported at module scope from the entries; code that runs a deferred, guarded or dynamic import of it breaks",
            )
        } else {
            (
                UNREACHED,
                "never imported from the entries; dynamic imports can't be proven",
            )
        };
        let cut = |r: Reach| r == Reach::Unreached || (lazy && r == Reach::Lazy);
        let tree = &bundle.tree;
        let mut whole = vec![false; tree.len()];
        let order: Vec<NodeId> = tree.descendants(bundle.top).collect();
        for &id in order.iter().rev() {
            let n = tree.node(id);
            whole[id.index()] = if n.is_dir() {
                tree.children(id).iter().all(|c| whole[c.index()])
            } else {
                cut(self.of(id))
            };
        }
        let mut rules = Vec::new();
        for (i, root) in bundle.roots.iter().enumerate() {
            let mut stack: Vec<NodeId> = tree.children(root.node).to_vec();
            while let Some(id) = stack.pop() {
                if whole[id.index()] {
                    if tree.node(id).total.files > 0 {
                        let rel =
                            String::from_utf8_lossy(&tree.rel_path(root.node, id)).into_owned();
                        let mut rule = Rule::new(RuleKind::Path, &rel, Safety::Caution, reason);
                        rule.preset = Some(preset.to_string());
                        rule.root = Some(i);
                        rules.push(rule);
                    }
                } else if tree.node(id).is_dir() {
                    stack.extend(tree.children(id).iter().copied());
                }
            }
        }
        rules.sort_by(|a, b| (a.root, &a.value).cmp(&(b.root, &b.value)));
        rules
    }

    /// Excluded modules that kept, reached or lazy code imports, one per module, those that
    /// break at start-up first.
    pub fn breaks(
        &self,
        bundle: &Bundle,
        is_excluded: impl Fn(NodeId) -> bool,
    ) -> Vec<ImportBreak> {
        let finder = &self.graph.finder;
        let mut by_module: HashMap<ModId, ImportBreak> = HashMap::new();
        for e in &self.graph.edges {
            if e.kind == EdgeKind::TypeOnly || is_excluded(e.file) {
                continue;
            }
            let importer = e
                .from
                .and_then(|m| self.walk.of(m))
                .or_else(|| (self.of(e.file) == Reach::Reached).then_some(Reach::Reached));
            let Some(importer) = importer else {
                continue;
            };
            let Some(node) = finder.module(e.to).file.filter(|f| is_excluded(*f)) else {
                continue;
            };
            let breaks = importer == Reach::Reached && e.kind == EdgeKind::Top;
            let entry = by_module.entry(e.to).or_insert_with(|| ImportBreak {
                module: finder.module(e.to).name.to_string(),
                node,
                file: root_path(bundle, e.file).1,
                line: e.line,
                kind: e.kind,
                breaks,
                others: 0,
            });
            if breaks && !entry.breaks {
                let others = entry.others + 1;
                *entry = ImportBreak {
                    module: entry.module.clone(),
                    node,
                    file: root_path(bundle, e.file).1,
                    line: e.line,
                    kind: e.kind,
                    breaks,
                    others,
                };
            } else if entry.file != root_path(bundle, e.file).1 || entry.line != e.line {
                entry.others += 1;
            }
        }
        let mut out: Vec<ImportBreak> = by_module.into_values().collect();
        out.sort_by(|a, b| {
            b.breaks
                .cmp(&a.breaks)
                .then_with(|| a.module.cmp(&b.module))
        });
        out
    }
}
