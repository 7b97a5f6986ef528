use super::*;
use crate::model::Sizes;

/// `/root/site/{pkg/{a.py, sub/b.py}, bin/tool}`, sorted.
fn tree() -> (Tree, NodeId, NodeId) {
    let mut t = Tree::new();
    let root = t.add_root(b"/root");
    let site = t.add_child(root, b"site", NodeKind::Dir, Sizes::default());
    let pkg = t.add_child(site, b"pkg", NodeKind::Dir, Sizes::default());
    t.add_child(pkg, b"a.py", NodeKind::File, Sizes::default());
    let sub = t.add_child(pkg, b"sub", NodeKind::Dir, Sizes::default());
    t.add_child(sub, b"b.py", NodeKind::File, Sizes::default());
    let bin = t.add_child(site, b"bin", NodeKind::Dir, Sizes::default());
    t.add_child(bin, b"tool", NodeKind::File, Sizes::default());
    t.sort_children();
    (t, root, site)
}

#[test]
fn every_row_resolves_through_the_index_as_by_walking_the_tree() {
    let (t, root, site) = tree();
    let index = PathIndex::build(&t, &[site]);
    let rows = [
        "pkg/a.py",
        "pkg/sub/b.py",
        "pkg\\sub\\b.py",
        "./pkg/a.py",
        "pkg/./a.py",
        "pkg//a.py",
        "pkg/sub/../a.py",
        "../../bin/tool",
        "../../../../bin/tool",
        "pkg/missing.py",
        "pkg",
        "",
        "site/pkg/a.py",
        "..",
        "pkg/a.py/x",
        "pkg/sub",
        "pkg/sub/b.py/",
        "bin/tool",
        "sub/b.py",
    ];
    // One cursor across the rows (as a RECORD is read), then forwards and backwards again.
    let mut cursor = Cursor::default();
    for row in rows.iter().chain(rows.iter().rev()).chain(rows.iter()) {
        assert_eq!(
            resolve_indexed(&t, (&index, &mut cursor), root, site, row.as_bytes()),
            resolve_record_path(&t, root, site, row),
            "row {row:?}"
        );
    }
}

#[test]
fn a_row_that_is_not_utf8_resolves_as_its_lossy_text_did() {
    let (t, root, site) = tree();
    let index = PathIndex::build(&t, &[site]);
    let row = b"pkg/\xffa.py";
    let mut cursor = Cursor::default();
    assert_eq!(
        resolve_indexed(&t, (&index, &mut cursor), root, site, row),
        None
    );
}
