//! The incremental engine (cached hits, one walk for many patterns, restores that change
//! only what differs) against evaluations from scratch and a brute-force matcher.

use proptest::prelude::*;

use super::{fresh, node, sample, snapshot};
use crate::bundle::Bundle;
use crate::exclusion::{Exclusion, settled_so_far};
use crate::model::NodeId;
use crate::rules::glob::{Pattern, matches_so_far};
use crate::rules::preset::presets;
use crate::rules::{Rule, RuleKind, Safety};

/// Rules the random sequences pick from (presets are added by name).
fn pool() -> Vec<Rule> {
    vec![
        Rule::dist("kubernetes", true),
        Rule::dist("numpy", false),
        Rule::dist("botocore", false),
        Rule::path("kubernetes", None),
        Rule::path("numpy/testing", Some(0)),
        Rule::glob("*.py"),
        Rule::glob("tests/"),
        Rule::glob("numpy/**/*.py"),
        Rule::new(RuleKind::Keep, "numpy/", Safety::Safe, "keep"),
        Rule::new(RuleKind::Keep, "*.pyc", Safety::Safe, "keep"),
    ]
}

/// One change to a rule list; indices are taken modulo the list's length.
#[derive(Clone, Debug)]
enum Op {
    Push(usize),
    Preset(usize),
    Remove(usize),
    Toggle(usize),
    Move(usize, usize),
    PresetSwitch(usize, bool),
    /// Back to an earlier state of the list (undo / redo).
    Restore(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..10usize).prop_map(Op::Push),
        (0..12usize).prop_map(Op::Preset),
        any::<usize>().prop_map(Op::Remove),
        any::<usize>().prop_map(Op::Toggle),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::Move(a, b)),
        (0..12usize, any::<bool>()).prop_map(|(p, on)| Op::PresetSwitch(p, on)),
        any::<usize>().prop_map(Op::Restore),
    ]
}

fn list(ex: &Exclusion) -> Vec<(Rule, bool)> {
    ex.rules()
        .cloned()
        .enumerate()
        .map(|(i, r)| (r, ex.is_enabled(i)))
        .collect()
}

fn apply(b: &Bundle, ex: &mut Exclusion, history: &[Vec<(Rule, bool)>], op: &Op) {
    let names: Vec<&str> = presets().iter().map(|p| p.name.as_str()).collect();
    let n = ex.len();
    match *op {
        Op::Push(i) => {
            ex.push(b, pool()[i % pool().len()].clone()).unwrap();
        }
        Op::Preset(p) => {
            ex.push_preset(b, names[p % names.len()]).unwrap();
        }
        Op::Remove(i) if n > 0 => {
            ex.remove(b, i % n);
        }
        Op::Toggle(i) if n > 0 => {
            ex.toggle(b, i % n);
        }
        Op::Move(i, j) if n > 0 => ex.move_rule(b, i % n, j % n),
        Op::PresetSwitch(p, on) => {
            ex.set_preset_enabled(b, names[p % names.len()], on);
        }
        Op::Restore(i) if !history.is_empty() => {
            ex.restore(b, &history[i % history.len()]).unwrap();
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_changes_matches_an_evaluation_from_scratch(
        ops in proptest::collection::vec(op(), 1..24),
        warm in any::<bool>(),
    ) {
        let b = sample();
        let mut ex = Exclusion::new(&b);
        if warm {
            ex.warm_presets(&b);
        }
        let mut history = vec![list(&ex)];
        for (step, op) in ops.iter().enumerate() {
            apply(&b, &mut ex, &history, op);
            if let (Op::Restore(i), false) = (op, history.is_empty()) {
                prop_assert_eq!(&list(&ex), &history[i % history.len()], "restored list");
            }
            history.push(list(&ex));
            prop_assert_eq!(
                snapshot(&b, &ex),
                snapshot(&b, &fresh(&b, &ex)),
                "step {} {:?}", step, op
            );
        }
    }
}

/// Topmost matches by brute force: every node's path against the pattern alone.
fn brute_hits(b: &Bundle, text: &str, p: &Pattern) -> Vec<NodeId> {
    let anchored = text.trim().trim_end_matches('/').contains('/');
    let root = &b.roots[0];
    let mut matched: Vec<NodeId> = Vec::new();
    for id in b.tree.descendants(root.node).filter(|id| *id != root.node) {
        let mut chain = vec![id];
        while let Some(up) = b
            .tree
            .parent(*chain.last().unwrap())
            .filter(|u| *u != root.node)
        {
            chain.push(up);
        }
        chain.reverse();
        let name = |n: &NodeId| String::from_utf8_lossy(b.tree.name(*n)).into_owned();
        let rel: Vec<String> = chain.iter().map(name).collect();
        let is_dir = b.tree.node(id).is_dir();
        let mut paths = vec![rel.join("/")];
        for (k, n) in chain.iter().enumerate() {
            if anchored && root.sites.contains(n) && k + 1 < chain.len() {
                paths.push(rel[k + 1..].join("/"));
            }
        }
        if paths.iter().any(|path| p.is_match(path.as_bytes(), is_dir)) {
            matched.push(id);
        }
    }
    let mut top: Vec<NodeId> = matched
        .iter()
        .copied()
        .filter(|id| {
            let mut at = b.tree.parent(*id);
            while let Some(a) = at {
                if matched.contains(&a) {
                    return false;
                }
                at = b.tree.parent(a);
            }
            true
        })
        .collect();
    top.sort_unstable();
    top
}

#[test]
fn one_walk_for_many_patterns_finds_what_each_finds_alone() {
    let b = sample();
    let mut texts: Vec<String> = presets()
        .iter()
        .flat_map(|p| p.expand(&b.target))
        .filter(|r| matches!(r.kind, RuleKind::Glob | RuleKind::Keep))
        .map(|r| r.value)
        .collect();
    texts.extend(["*.py", "numpy/**/*.py", "/bin/", "kubernetes/*/"].map(String::from));
    let patterns: Vec<Pattern> = texts.iter().map(|t| Pattern::new(t).unwrap()).collect();
    let pairs: Vec<(&Pattern, Option<usize>)> = patterns.iter().map(|p| (p, None)).collect();
    let together = crate::rules::glob::hits_of_many(&b, &pairs);
    for ((text, p), mut hits) in texts.iter().zip(&patterns).zip(together) {
        hits.sort_unstable();
        assert_eq!(hits, brute_hits(&b, text, p), "pattern {text}");
    }
}

#[test]
fn undoing_a_preset_matches_no_pattern_and_re_decides_only_what_it_names() {
    let b = sample();
    let mut ex = Exclusion::new(&b);
    ex.push(&b, Rule::dist("kubernetes", true)).unwrap();
    let before = list(&ex);
    ex.push_preset(&b, "tests-dirs").unwrap();
    let after = list(&ex);
    let hits: Vec<NodeId> = (1..ex.len())
        .flat_map(|i| ex.slots[i].hits.to_vec())
        .collect();
    let bound: usize = hits
        .iter()
        .map(|h| b.tree.descendants(*h).count() + depth(&b, *h))
        .sum();
    let (matched, settled) = (matches_so_far(), settled_so_far());
    ex.restore(&b, &before).unwrap();
    ex.restore(&b, &after).unwrap();
    assert_eq!(
        matches_so_far(),
        matched,
        "undo and redo match no path again"
    );
    let re_decided = (settled_so_far() - settled) as usize;
    assert!(
        re_decided <= 2 * bound,
        "{re_decided} nodes re-decided for two changes touching at most {bound}"
    );
    assert!(ex.is_excluded(node(&b, "numpy/tests")));
}

fn depth(b: &Bundle, id: NodeId) -> usize {
    std::iter::successors(b.tree.parent(id), |p| b.tree.parent(*p)).count()
}

#[test]
fn patterns_find_their_hits_in_every_root() {
    use crate::bundle::{Root, RootKind};
    use crate::model::{NodeKind, Sizes};
    let mut b = sample();
    let second = b
        .tree
        .add_child(b.top, b"/second", NodeKind::Dir, Sizes::default());
    let pkg = b
        .tree
        .add_child(second, b"pkg", NodeKind::Dir, Sizes::default());
    let file = Sizes {
        files: 1,
        bytes: 10,
        disk: 4096,
        zipped: 10,
    };
    let stub = b.tree.add_child(pkg, b"x.pyi", NodeKind::File, file);
    b.tree.roll_up();
    b.roots.push(Root {
        path: "/second".into(),
        kind: RootKind::SitePackages,
        node: second,
        sites: vec![second],
        archive_bytes: None,
    });
    let pyi = Pattern::new("*.pyi").unwrap();
    let all = pyi.hits(&b, None);
    assert!(all.contains(&stub), "the second root's stub");
    assert!(
        all.contains(&node(&b, "numpy/__init__.pyi")),
        "the first root's"
    );
    let mut each = pyi.hits(&b, Some(0));
    each.extend(pyi.hits(&b, Some(1)));
    assert_eq!(all, each);
}
