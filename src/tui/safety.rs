//! How safe excluding each node would be, for the treemap's safety colours: every preset's
//! rules are matched against the bundle; a node takes the safest level of any excluding
//! rule that names it (or a directory above it), and whatever a `keep` rule protects is
//! marked as breaking, since something imports it at run time.

use crate::bundle::Bundle;
use crate::rules::hits::rule_hits;
use crate::rules::preset::presets;
use crate::rules::strip::StripSavings;
use crate::rules::{Owners, RuleKind, Safety};

/// No preset names the node: the user's call.
pub const UNKNOWN: u8 = 3;

/// A level per node: 0 safe, 1 caution, 2 breaks, [`UNKNOWN`].
pub fn levels(bundle: &Bundle) -> Vec<u8> {
    let tree = &bundle.tree;
    let mut level = vec![UNKNOWN; tree.len()];
    let owners = Owners::new(bundle);
    let strip = StripSavings::default();
    let mut keeps = Vec::new();
    for preset in presets() {
        for rule in preset.expand(&bundle.target) {
            let hits = rule_hits(bundle, &owners, &strip, &rule).unwrap_or_default();
            match rule.kind {
                RuleKind::StripSo => {}
                RuleKind::Keep => keeps.extend(hits),
                _ => {
                    let l = rank(rule.safety);
                    for hit in hits {
                        for id in tree.descendants(hit) {
                            let slot = &mut level[id.index()];
                            *slot = (*slot).min(l);
                        }
                    }
                }
            }
        }
    }
    for hit in keeps {
        for id in tree.descendants(hit) {
            level[id.index()] = rank(Safety::Breaks);
        }
    }
    level
}

fn rank(s: Safety) -> u8 {
    match s {
        Safety::Safe => 0,
        Safety::Caution => 1,
        Safety::Breaks => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::Target;
    use crate::synthetic::Synth;

    #[test]
    fn test_dirs_are_caution_stubs_safe_and_everything_else_unknown() {
        let mut s = Synth::new();
        let a = s.dist("a", "1.0", &[]);
        s.file("a/tests/test_x.py", 10, Some(a))
            .file("a/core.pyi", 10, Some(a))
            .file("a/core.py", 10, Some(a));
        let b = s.build(Target::default());
        let levels = levels(&b);
        let at = |rel: &str| {
            levels[b
                .tree
                .resolve(b.roots[0].node, rel.as_bytes())
                .unwrap()
                .index()]
        };
        assert_eq!(at("a/tests/test_x.py"), 1);
        assert_eq!(at("a/core.pyi"), 0);
        assert_eq!(at("a/core.py"), UNKNOWN);
    }
}
