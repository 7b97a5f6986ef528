use super::*;
use crate::bundle::Target;
use crate::synthetic::Synth;

/// a (a/x.py 100, a/y.so 1000), b (b.py 10), one unowned file of 7 bytes.
fn bundle() -> Bundle {
    let mut s = Synth::new();
    let a = s.dist("a", "1.0", &["b"]);
    let b = s.dist("b", "2.0", &[]);
    s.file("a/x.py", 100, Some(a))
        .file("a/y.so", 1000, Some(a))
        .file("b.py", 10, Some(b))
        .file("loose.py", 7, None);
    s.build(Target::default())
}

fn node(bundle: &Bundle, rel: &str) -> NodeId {
    bundle
        .tree
        .resolve(bundle.roots[0].node, rel.as_bytes())
        .unwrap()
}

fn started(bundle: &Bundle, rules: Vec<Rule>) -> Exclusions {
    let mut exclusions = Exclusions::default();
    exclusions.reshape(bundle);
    exclusions.start(bundle, rules).unwrap();
    exclusions
}

#[test]
fn before_the_rules_start_everything_is_kept() {
    let b = bundle();
    let mut exclusions = Exclusions::default();
    exclusions.reshape(&b);
    assert_eq!(exclusions.kept(b.top), exclusions.full(b.top));
    assert_eq!(exclusions.reason(node(&b, "a/x.py")), Reason::Kept);
    assert!(
        exclusions.edit(&b, |_| ()).is_none(),
        "no rule list to edit yet"
    );
}

#[test]
fn a_dist_rule_excludes_its_files_and_shrinks_every_ancestor() {
    let b = bundle();
    let exclusions = started(&b, vec![Rule::dist("a", false)]);
    let total = exclusions.full(b.top).bytes;
    assert_eq!(
        exclusions.kept(b.top).bytes,
        total - 1100 - 100,
        "its files and its METADATA"
    );
    assert_eq!(exclusions.reason(node(&b, "a/x.py")), Reason::Rule(0));
    assert_eq!(exclusions.dist_rule(DistId(0)), Some(0));
    assert_eq!(exclusions.dist_kept(&b, DistId(0)).files, 0);
    assert_eq!(exclusions.dist_kept(&b, DistId(1)), b.dist(DistId(1)).sizes);
}

#[test]
fn a_path_rule_excludes_a_directory_whole() {
    let b = bundle();
    let exclusions = started(&b, vec![Rule::path("a", Some(0))]);
    assert_eq!(exclusions.reason(node(&b, "a")), Reason::Rule(0));
    assert_eq!(exclusions.kept(node(&b, "a")), Sizes::default());
    assert_eq!(
        exclusions.dist_rule(DistId(0)),
        None,
        "a path rule names no distribution"
    );
}

#[test]
fn scoped_sizes_count_only_the_scope_s_files() {
    let b = bundle();
    let exclusions = started(&b, vec![Rule::path("a/y.so", Some(0))]);
    let (full, kept) = exclusions.scoped(b.top, Scope::Dist(DistId(0)));
    assert_eq!((full.bytes, kept.bytes), (1200, 200));
    assert_eq!(
        exclusions
            .scoped(node(&b, "a"), Scope::Dist(DistId(1)))
            .0
            .bytes,
        0
    );
    assert_eq!(exclusions.unowned().0.bytes, 7);
}

#[test]
fn a_snapshot_restores_the_rule_list_with_its_switches() {
    let b = bundle();
    let mut exclusions = started(
        &b,
        vec![Rule::dist("a", false), Rule::path("b.py", Some(0))],
    );
    exclusions.edit(&b, |ex| ex.set_enabled(&b, 1, false));
    let snap = exclusions.snapshot();
    let kept = exclusions.kept(b.top);
    exclusions.edit(&b, |ex| {
        ex.remove(&b, 0);
    });
    assert_ne!(exclusions.kept(b.top), kept);
    exclusions.restore(&b, &snap).unwrap();
    assert_eq!(exclusions.snapshot(), snap);
    assert_eq!(exclusions.kept(b.top), kept);
}

#[test]
fn a_reshaped_tree_is_read_again() {
    let mut b = bundle();
    let mut exclusions = started(&b, Vec::new());
    let x = node(&b, "a/x.py");
    let before = exclusions.full(b.top).zipped;
    b.tree.set_own_zipped(x, 1);
    exclusions.reshape(&b);
    assert_eq!(exclusions.full(b.top).zipped, before - (100 / 3 + 40) + 1);
}

#[test]
fn undo_and_redo_of_a_preset_match_no_pattern_and_re_decide_only_what_it_names() {
    let b = crate::synthetic::site(3000, 30);
    let mut exclusions = started(&b, vec![Rule::dist("pkg0003", false)]);
    let before = exclusions.snapshot();
    exclusions.edit(&b, |ex| ex.push_preset(&b, "tests-dirs"));
    let after = exclusions.snapshot();
    let kept = exclusions.kept(b.top);
    let tests_dirs = b
        .tree
        .descendants(b.top)
        .filter(|n| b.tree.name(*n) == b"tests");
    let affected: usize = tests_dirs.map(|t| b.tree.descendants(t).count() + 4).sum();
    let (matched, settled) = (
        crate::rules::glob::matches_so_far(),
        crate::exclusion::settled_so_far(),
    );
    exclusions.restore(&b, &before).unwrap();
    assert_eq!(exclusions.snapshot(), before);
    exclusions.restore(&b, &after).unwrap();
    assert_eq!(
        crate::rules::glob::matches_so_far(),
        matched,
        "undo and redo reuse the preset's hits"
    );
    let re_decided = (crate::exclusion::settled_so_far() - settled) as usize;
    assert!(
        re_decided <= 2 * affected && re_decided < b.tree.len(),
        "{re_decided} nodes re-decided of {}; the preset touches {affected}",
        b.tree.len()
    );
    assert_eq!(exclusions.kept(b.top), kept);
}

#[test]
fn unowned_sums_kept_by_the_engine_equal_a_pass_over_the_tree() {
    let b = bundle();
    let mut exclusions = started(&b, Vec::new());
    let rules = [
        Rule::glob("*.py"),
        Rule::path("loose.py", Some(0)),
        Rule::dist("a", false),
    ];
    for rule in rules {
        exclusions.edit(&b, |ex| ex.push(&b, rule.clone()));
        assert_eq!(
            exclusions.unowned(),
            exclusions.scoped(b.top, Scope::Unowned),
            "after {}",
            rule.label()
        );
        exclusions.edit(&b, |ex| ex.toggle(&b, 0));
        assert_eq!(
            exclusions.unowned(),
            exclusions.scoped(b.top, Scope::Unowned)
        );
    }
    assert_eq!(exclusions.unowned().0.bytes, 7, "loose.py");
}

/// Everything a view reads from `exclusions`, for comparing two of them.
fn observed(b: &Bundle, exclusions: &Exclusions) -> Vec<String> {
    let mut out: Vec<String> = b
        .tree
        .descendants(b.top)
        .map(|n| {
            format!(
                "{n:?} {:?} {:?} {:?} {:?}",
                exclusions.full(n),
                exclusions.kept(n),
                exclusions.reason(n),
                exclusions.scoped(n, Scope::Dist(DistId(1)))
            )
        })
        .collect();
    out.extend(
        (0..b.dists.len()).map(|d| format!("{:?}", exclusions.dist_kept(b, DistId(d as u32)))),
    );
    let ex = exclusions.exclusion().unwrap();
    out.extend((0..ex.len()).map(|i| format!("rule {i} {:?}", ex.saving(i))));
    out.push(format!("{:?}", exclusions.unowned()));
    out
}

#[test]
fn zipped_sizes_arriving_move_every_sum_as_a_fresh_read_would_touching_only_their_ancestors() {
    let mut b = crate::synthetic::site(3000, 30);
    let rules = vec![Rule::dist("pkg0001", false), Rule::glob("*.pyi")];
    let mut exclusions = started(&b, rules.clone());
    exclusions.edit(&b, |ex| ex.push_preset(&b, "tests-dirs"));
    let files: Vec<NodeId> = b
        .tree
        .descendants(b.top)
        .filter(|n| !b.tree.node(*n).is_dir())
        .step_by(7)
        .collect();
    let sizes: Vec<(NodeId, u64)> = files
        .iter()
        .map(|n| (*n, 11 + u64::from(n.0) % 500))
        .collect();
    let before: Vec<(NodeId, u64)> = files
        .iter()
        .map(|n| (*n, b.tree.node(*n).own.zipped))
        .collect();
    let settled = crate::exclusion::settled_so_far();
    crate::zipjob::apply(&mut b, &sizes);
    exclusions.on_zipped(&b, &before);
    let re_decided = (crate::exclusion::settled_so_far() - settled) as usize;
    assert!(
        re_decided <= files.len() * 6,
        "{re_decided} nodes re-decided for {} files 5 deep at most",
        files.len()
    );
    let mut fresh = Exclusions::default();
    fresh.reshape(&b);
    fresh.start(&b, rules).unwrap();
    fresh.edit(&b, |ex| ex.push_preset(&b, "tests-dirs"));
    assert_eq!(observed(&b, &exclusions), observed(&b, &fresh));
}

#[test]
fn zipped_estimates_move_the_totals_exactly_as_reading_the_tree_again_would() {
    let mut b = bundle();
    let mut exclusions = started(&b, Vec::new());
    let x = node(&b, "a/x.py");
    let a = node(&b, "a");
    let mut changed = Vec::new();
    for (id, zipped) in [(x, 7), (a, 5)] {
        changed.push((id, b.tree.node(id).own.zipped));
        b.tree.set_own_zipped(id, zipped);
    }
    exclusions.on_zipped(&b, &changed);
    let moved: Vec<Sizes> = [b.top, a, x].map(|n| exclusions.full(n)).to_vec();
    exclusions.reshape(&b);
    let read: Vec<Sizes> = [b.top, a, x].map(|n| exclusions.full(n)).to_vec();
    assert_eq!(moved, read);
    assert_eq!(read[2], b.tree.node(x).total);
    assert_eq!(read[1], b.tree.node(a).total);
}
