use crate::model::NodeKind;

use super::*;

fn file(bytes: u64) -> Sizes {
    Sizes {
        files: 1,
        bytes,
        ..Sizes::default()
    }
}

/// top / root / {pkg/{a.py 100 (d0), b.so 1000 (d0)}, c.py 10 (d1)}
fn tree() -> (Tree, [NodeId; 5]) {
    let mut t = Tree::new();
    let top = t.add_root(b"");
    let root = t.add_child(top, b"/site", NodeKind::Dir, Sizes::default());
    let pkg = t.add_child(root, b"pkg", NodeKind::Dir, Sizes::default());
    let a = t.add_child(pkg, b"a.py", NodeKind::File, file(100));
    let b = t.add_child(pkg, b"b.so", NodeKind::File, file(1000));
    let c = t.add_child(root, b"c.py", NodeKind::File, file(10));
    t.node_mut(a).owner = Some(DistId(0));
    t.node_mut(b).owner = Some(DistId(0));
    t.node_mut(c).owner = Some(DistId(1));
    t.roll_up();
    (t, [top, pkg, a, b, c])
}

#[test]
fn excluding_a_dir_excludes_its_children_and_shrinks_every_ancestor() {
    let (t, [top, pkg, a, _, c]) = tree();
    let mut cuts = Cuts::default();
    cuts.set.nodes.insert(pkg);
    cuts.recompute(&t, 2, false);
    assert_eq!(cuts.reason(a), Reason::Manual);
    assert_eq!(cuts.reason(c), Reason::Kept);
    assert_eq!(cuts.kept(top).bytes, 10);
    assert_eq!(cuts.full(top).bytes, 1110);
    assert_eq!(cuts.dist_kept(DistId(0)).bytes, 0);
    assert_eq!(cuts.dist_kept(DistId(1)).bytes, 10);
}

#[test]
fn excluding_a_distribution_excludes_only_the_files_it_owns() {
    let (t, [top, pkg, a, _, c]) = tree();
    let mut cuts = Cuts::default();
    cuts.set.dists.insert(DistId(0));
    cuts.recompute(&t, 2, false);
    assert_eq!(cuts.reason(a), Reason::Dist(DistId(0)));
    assert_eq!(
        cuts.reason(pkg),
        Reason::Kept,
        "the directory itself is not owned"
    );
    assert_eq!(cuts.reason(c), Reason::Kept);
    assert_eq!(cuts.kept(top).bytes, 10);
}

#[test]
fn a_manual_cut_above_wins_over_a_rule_below() {
    let (t, [_, pkg, a, b, _]) = tree();
    let mut cuts = Cuts::default();
    let mut hits = vec![None; t.len()];
    hits[b.index()] = Some(0);
    cuts.set_rule_hits(hits);
    cuts.recompute(&t, 2, false);
    assert_eq!(cuts.reason(b), Reason::Rule(0));
    cuts.set.nodes.insert(pkg);
    cuts.recompute(&t, 2, false);
    assert_eq!(cuts.reason(b), Reason::Manual);
    assert_eq!(cuts.reason(a), Reason::Manual);
}

#[test]
fn a_rule_switched_off_excludes_nothing() {
    let (t, [top, _, _, b, _]) = tree();
    let mut cuts = Cuts::default();
    let mut hits = vec![None; t.len()];
    hits[b.index()] = Some(3);
    cuts.set_rule_hits(hits);
    cuts.set.rules_off.insert(3);
    cuts.recompute(&t, 2, false);
    assert_eq!(cuts.reason(b), Reason::Kept);
    assert_eq!(cuts.kept(top).bytes, 1110);
    assert!(!cuts.has_rule_hits());
}

#[test]
fn with_nothing_cut_kept_equals_full_everywhere() {
    let (t, ids) = tree();
    let mut cuts = Cuts::default();
    cuts.recompute(&t, 2, false);
    for id in ids {
        assert_eq!(cuts.kept(id), cuts.full(id));
        assert_eq!(cuts.full(id), t.node(id).total);
    }
}

#[test]
fn scoped_sizes_count_only_the_scope_s_files() {
    let (t, [top, pkg, _, b, _]) = tree();
    let mut cuts = Cuts::default();
    cuts.set.nodes.insert(b);
    cuts.recompute(&t, 2, true);
    let (full, kept) = cuts.scoped(top, Scope::Dist(DistId(0)));
    assert_eq!((full.bytes, kept.bytes), (1100, 100));
    assert_eq!(cuts.scoped(pkg, Scope::Dist(DistId(1))).0.bytes, 0);
    assert_eq!(cuts.scoped(top, Scope::Unowned).0.bytes, 0);
}

#[test]
fn a_reshaped_tree_is_read_again() {
    let (mut t, [top, _, a, _, _]) = tree();
    let mut cuts = Cuts::default();
    cuts.recompute(&t, 2, false);
    t.node_mut(a).own.zipped = 40;
    cuts.recompute(&t, 2, true);
    assert_eq!(cuts.full(top).zipped, 40);
}
