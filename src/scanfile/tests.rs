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
    b.tree.set_owner(a1, Some(DistId(0)));
    b.tree.set_owner(lib, Some(DistId(1)));
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
fn a_file_listed_as_a_parent_is_an_error_not_a_broken_tree() {
    let mut file = capture(&sample());
    let (f, child) = (
        file.nodes.kind.find('f').unwrap(),
        file.nodes.parent.len() - 1,
    );
    assert!(f < child, "the sample has a file before its last node");
    file.nodes.parent[child] = f as u32;
    assert!(restore(&file).unwrap_err().contains("not a directory"));
}

#[test]
fn a_child_listed_before_its_parent_is_an_error() {
    let mut file = capture(&sample());
    file.nodes.parent[1] = 5;
    assert!(restore(&file).unwrap_err().contains("before its parent"));
}

#[test]
fn scan_files_that_cannot_be_read_are_recognised_by_their_suffix() {
    assert!(is_scan_file(Path::new("/nowhere/demo.heftscan")));
    assert!(is_scan_file(Path::new("/nowhere/demo.HEFTSCAN.gz")));
    assert!(!is_scan_file(Path::new("/nowhere/l.zip")));
}

#[test]
fn scan_files_that_can_be_read_are_recognised_by_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("a.heftscan.gz");
    save(&sample(), &gz).unwrap();
    let plain = dir.path().join("b.heftscan");
    save(&sample(), &plain).unwrap();
    for (scan, disguise) in [(&gz, "layer.zip"), (&plain, "layer.whl")] {
        let renamed = dir.path().join(disguise);
        std::fs::rename(scan, &renamed).unwrap();
        assert!(is_scan_file(&renamed), "{disguise} holds a saved scan");
    }
    let zip = dir.path().join("c.heftscan");
    std::fs::write(&zip, b"PK\x05\x06 not a scan").unwrap();
    assert!(!is_scan_file(&zip), "a zip named .heftscan is a zip");
    let other_gz = dir.path().join("d.heftscan.gz");
    std::fs::write(&other_gz, [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
    assert!(!is_scan_file(&other_gz), "a broken gzip is no saved scan");
}

#[test]
fn a_multibyte_character_in_the_kind_column_is_an_error_not_a_panic() {
    let mut file = capture(&sample());
    // Same byte length as before ("é" is two bytes) but one character fewer.
    let kinds: String = file.nodes.kind.chars().skip(2).collect();
    file.nodes.kind = format!("é{kinds}");
    assert_eq!(file.nodes.kind.len(), file.nodes.parent.len());
    assert!(restore(&file).unwrap_err().contains("kind"));
}

#[test]
fn huge_sizes_saturate_instead_of_overflowing() {
    let mut file = capture(&sample());
    for column in [
        &mut file.nodes.bytes,
        &mut file.nodes.disk,
        &mut file.nodes.zipped,
    ] {
        column.fill(u64::MAX - 1);
    }
    let restored = restore(&file).unwrap();
    assert_eq!(restored.totals().bytes, u64::MAX);
    let report = Report::new(&restored);
    assert!(report.distributions.iter().all(|d| d.bytes >= u64::MAX - 1));
    let opts = crate::insight::InsightOptions::default();
    let insight = crate::insight::Insight::compute(&restored, &opts);
    assert_eq!(insight.per_dist.len(), 2);
}

#[test]
fn root_indices_out_of_range_are_errors_not_panics() {
    let mut file = capture(&sample());
    file.dists[0].installs[0].0 = 7;
    assert!(restore(&file).unwrap_err().contains("root index 7"));
    let mut file = capture(&sample());
    file.errors.push((9, "/x".into(), "gone".into()));
    assert!(restore(&file).unwrap_err().contains("root index 9"));
}

#[test]
fn a_saved_scan_that_inflates_past_its_cap_is_refused() {
    use flate2::write::GzEncoder;
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..=(SAVED_SCAN_CAP >> 20) {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    let err = parse(&bomb, "bomb.heftscan.gz").unwrap_err().to_string();
    assert!(
        err.contains("bomb.heftscan.gz") && err.contains("more than"),
        "{err}"
    );
}

#[test]
fn a_saved_scan_that_is_a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.heftscan");
    crate::regular_file::tests::make_fifo(&path);
    let err = open(&path).unwrap_err().to_string();
    assert!(err.contains("x.heftscan: is a FIFO"), "{err}");
}

#[test]
fn a_distribution_installed_twice_with_huge_sizes_reports_without_overflow() {
    let mut file = capture(&sample());
    file.nodes.bytes.fill(u64::MAX / 2 + 1);
    let second = file.dists[1].installs[0].clone();
    file.dists[0].installs.push(second);
    let restored = restore(&file).unwrap();
    let report = Report::new(&restored);
    assert_eq!(report.duplicates.len(), 1, "{:?}", report.duplicates);
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
