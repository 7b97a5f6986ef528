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

fn started(bundle: &Bundle, rules: Vec<Rule>) -> Cuts {
    let mut cuts = Cuts::default();
    cuts.reshape(bundle);
    cuts.start(bundle, rules).unwrap();
    cuts
}

#[test]
fn before_the_rules_start_everything_is_kept() {
    let b = bundle();
    let mut cuts = Cuts::default();
    cuts.reshape(&b);
    assert_eq!(cuts.kept(b.top), cuts.full(b.top));
    assert_eq!(cuts.reason(node(&b, "a/x.py")), Reason::Kept);
    assert!(cuts.edit(&b, |_| ()).is_none(), "no rule list to edit yet");
}

#[test]
fn a_dist_rule_excludes_its_files_and_shrinks_every_ancestor() {
    let b = bundle();
    let cuts = started(&b, vec![Rule::dist("a", false)]);
    let total = cuts.full(b.top).bytes;
    assert_eq!(
        cuts.kept(b.top).bytes,
        total - 1100 - 100,
        "its files and its METADATA"
    );
    assert_eq!(cuts.reason(node(&b, "a/x.py")), Reason::Rule(0));
    assert_eq!(cuts.dist_rule(DistId(0)), Some(0));
    assert_eq!(cuts.dist_kept(&b, DistId(0)).files, 0);
    assert_eq!(cuts.dist_kept(&b, DistId(1)), b.dist(DistId(1)).sizes);
}

#[test]
fn a_path_rule_excludes_a_directory_whole() {
    let b = bundle();
    let cuts = started(&b, vec![Rule::path("a", Some(0))]);
    assert_eq!(cuts.reason(node(&b, "a")), Reason::Rule(0));
    assert_eq!(cuts.kept(node(&b, "a")), Sizes::default());
    assert_eq!(
        cuts.dist_rule(DistId(0)),
        None,
        "a path rule names no distribution"
    );
}

#[test]
fn scoped_sizes_count_only_the_scope_s_files() {
    let b = bundle();
    let cuts = started(&b, vec![Rule::path("a/y.so", Some(0))]);
    let (full, kept) = cuts.scoped(b.top, Scope::Dist(DistId(0)));
    assert_eq!((full.bytes, kept.bytes), (1200, 200));
    assert_eq!(
        cuts.scoped(node(&b, "a"), Scope::Dist(DistId(1))).0.bytes,
        0
    );
    assert_eq!(cuts.unowned().0.bytes, 7);
}

#[test]
fn a_snapshot_restores_the_rule_list_with_its_switches() {
    let b = bundle();
    let mut cuts = started(
        &b,
        vec![Rule::dist("a", false), Rule::path("b.py", Some(0))],
    );
    cuts.edit(&b, |ex| ex.set_enabled(&b, 1, false));
    let snap = cuts.snapshot();
    let kept = cuts.kept(b.top);
    cuts.edit(&b, |ex| {
        ex.remove(&b, 0);
    });
    assert_ne!(cuts.kept(b.top), kept);
    cuts.restore(&b, &snap).unwrap();
    assert_eq!(cuts.snapshot(), snap);
    assert_eq!(cuts.kept(b.top), kept);
}

#[test]
fn a_reshaped_tree_is_read_again() {
    let mut b = bundle();
    let mut cuts = started(&b, Vec::new());
    let x = node(&b, "a/x.py");
    let before = cuts.full(b.top).zipped;
    b.tree.set_own_zipped(x, 1);
    cuts.reshape(&b);
    assert_eq!(cuts.full(b.top).zipped, before - (100 / 3 + 40) + 1);
}
