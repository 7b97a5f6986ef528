use super::*;
use crate::bundle::{Install, RootKind, Target};
use crate::deps::DepGraph;
use crate::model::{DistId, NodeKind, Sizes};
use crate::ownership::total_sizes;
use crate::python::requirement::Requirement;
use crate::report::Report;

fn file(bytes: u64) -> Sizes {
    Sizes {
        files: 1,
        bytes,
        disk: 4096,
        zipped: bytes / 3,
    }
}

/// A two-distribution site: app (requires lib) and lib, plus one unowned file.
fn sample() -> Bundle {
    let mut b = Bundle::default();
    b.top = b.tree.add_root(b"");
    let root = b
        .tree
        .add_child(b.top, b"/site", NodeKind::Dir, Sizes::default());
    let app = b
        .tree
        .add_child(root, b"app", NodeKind::Dir, Sizes::default());
    let a1 = b
        .tree
        .add_child(app, b"main.py", NodeKind::File, file(3000));
    let meta_a = b
        .tree
        .add_child(root, b"app-1.0.dist-info", NodeKind::Dir, Sizes::default());
    let lib = b
        .tree
        .add_child(root, b"lib.so", NodeKind::File, file(90_000));
    let meta_l = b
        .tree
        .add_child(root, b"lib-2.0.dist-info", NodeKind::Dir, Sizes::default());
    b.tree
        .add_child(root, b"loose.py", NodeKind::File, file(77));
    b.tree.node_mut(a1).set_owner(Some(DistId(0)));
    b.tree.node_mut(lib).set_owner(Some(DistId(1)));
    b.roots.push(Root {
        path: "/site".into(),
        kind: RootKind::SitePackages,
        node: root,
        sites: vec![root],
        archive_bytes: None,
    });
    for (name, version, meta, req) in [
        (
            "App",
            "1.0",
            meta_a,
            Some("lib>=2; python_version >= '3.8'"),
        ),
        ("lib", "2.0", meta_l, None),
    ] {
        b.dists.push(Distribution {
            name: name.into(),
            key: name.to_lowercase(),
            version: version.into(),
            installs: vec![Install {
                root: 0,
                meta_dir: meta,
                version: version.into(),
            }],
            requires: req
                .map(|r| Requirement::parse(r).unwrap())
                .into_iter()
                .collect(),
            ..Distribution::default()
        });
    }
    b.target = Target::default();
    b.tree.sort_children();
    b.tree.roll_up();
    total_sizes(&mut b);
    b.graph = DepGraph::build(&b.dists, &b.target.env(), None);
    b
}

#[test]
fn a_saved_scan_reads_back_into_the_same_report() {
    let original = sample();
    let json = serde_json::to_vec(&capture(&original)).unwrap();
    let restored = parse(&json, "test").unwrap();
    assert_eq!(Report::new(&restored), Report::new(&original));
    assert_eq!(restored.totals(), original.totals());
}

#[test]
fn a_gzipped_saved_scan_reads_back_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.heftscan.gz");
    save(&sample(), &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap()[..2], [0x1f, 0x8b]);
    let restored = open(&path).unwrap();
    assert_eq!(restored.dists.len(), 2);
    assert!(restored.graph.requires(DistId(0)).any(|d| d == DistId(1)));
}

#[test]
fn detached_nodes_are_left_out_of_a_saved_scan() {
    let mut b = sample();
    let root = b.roots[0].node;
    let loose = b.tree.child(root, b"loose.py").unwrap();
    b.tree.detach(loose);
    let file = capture(&b);
    assert!(!file.nodes.name.iter().any(|n| n == "loose.py"));
    let restored = restore(&file).unwrap();
    assert_eq!(restored.totals().bytes, 93_000);
}

#[test]
fn a_file_with_another_schema_is_refused_with_its_name() {
    let mut file = capture(&sample());
    file.schema = "heft.scan/9".into();
    let json = serde_json::to_vec(&file).unwrap();
    let err = parse(&json, "old.heftscan").unwrap_err().to_string();
    assert!(
        err.contains("old.heftscan") && err.contains("heft.scan/9"),
        "{err}"
    );
}

#[test]
fn an_owner_out_of_range_is_an_error_not_a_panic() {
    let mut file = capture(&sample());
    file.nodes.owner[3] = 99;
    assert!(restore(&file).unwrap_err().contains("owner 99"));
}

#[test]
fn a_child_listed_before_its_parent_is_an_error() {
    let mut file = capture(&sample());
    file.nodes.parent[1] = 5;
    assert!(restore(&file).unwrap_err().contains("before its parent"));
}

#[test]
fn scan_files_are_recognised_by_their_suffix() {
    assert!(is_scan_file(Path::new("demo.heftscan")));
    assert!(is_scan_file(Path::new("/x/demo.HEFTSCAN.gz")));
    assert!(!is_scan_file(Path::new("/tmp/l.zip")));
}

#[test]
fn a_scan_from_another_heft_version_is_refused_naming_both_versions() {
    let mut value = serde_json::to_value(capture(&sample())).unwrap();
    value["schema"] = "heft.scan/2".into();
    value["heft_version"] = "9.1.0".into();
    value["nodes"] = serde_json::json!({"columns": "a future layout"});
    let err = parse(&serde_json::to_vec(&value).unwrap(), "new.heftscan")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("heft 9.1.0")
            && err.contains(env!("CARGO_PKG_VERSION"))
            && err.contains("heft.scan/2"),
        "{err}"
    );
}

#[test]
fn a_scan_saved_before_versions_were_recorded_still_reads() {
    let mut value = serde_json::to_value(capture(&sample())).unwrap();
    value.as_object_mut().unwrap().remove("heft_version");
    let b = parse(&serde_json::to_vec(&value).unwrap(), "older.heftscan").unwrap();
    assert_eq!(b.totals().bytes, sample().totals().bytes);
}

#[test]
fn a_saved_scan_records_the_heft_version_that_wrote_it() {
    assert_eq!(
        capture(&sample()).heft_version.as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
}
