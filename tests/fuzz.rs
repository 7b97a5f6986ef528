//! Randomized inputs for every parser heft feeds with untrusted bytes: arbitrary bytes, and
//! valid inputs with random damage, never panic, hang or allocate without bound.
//!
//! Kept brief for CI (64 cases a parser, seconds in all); set `PROPTEST_CASES` to run more.

use std::collections::BTreeSet;
use std::io::Write;

use heft::python::marker::{Env, Marker};
use heft::python::metadata::{parse_metadata, parse_requires_txt};
use heft::python::record::{parse_file_list, parse_record};
use heft::python::requirement::Requirement;
use heft::python::version::{compare, satisfies};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text made of the characters these grammars care about, so cases reach deep branches.
fn packaging_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r#"[a-zA-Z0-9_.\-+!*~=<>(),;:\[\] "'\n\r\t\\/é]{0,120}"#)
        .expect("regex")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn record_and_file_lists_take_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let record = parse_record(&bytes);
        prop_assert!(record.rows.len() + record.bad_rows.len() <= bytes.len() + 1);
        let _ = parse_file_list(&bytes);
    }

    #[test]
    fn record_text_with_quotes_and_commas_never_panics(text in packaging_text()) {
        let _ = parse_record(text.as_bytes());
    }

    #[test]
    fn metadata_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_metadata(&bytes);
        let _ = parse_requires_txt(&bytes);
    }

    #[test]
    fn metadata_headers_with_random_values_never_panic(name in packaging_text(), req in packaging_text()) {
        let text = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1\nRequires-Dist: {req}\n\nbody");
        let _ = parse_metadata(text.as_bytes());
    }

    #[test]
    fn requirements_and_markers_never_panic(text in packaging_text()) {
        let env = Env::lambda("3.12", "x86_64");
        let extras: BTreeSet<String> = ["socks".to_string()].into();
        if let Ok(r) = Requirement::parse(&text) {
            let _ = r.applies(&env, &extras);
        }
        if let Ok(m) = Marker::parse(&text) {
            let _ = m.evaluate(&env, &extras);
            let _ = m.extras();
        }
        let _ = heft::requirements::parse_requirements_txt(&text);
    }

    #[test]
    fn versions_compare_and_match_without_panicking(a in packaging_text(), b in packaging_text()) {
        let _ = compare(&a, &b);
        prop_assert_eq!(compare(&a, &a), std::cmp::Ordering::Equal);
        let _ = satisfies(&a, &b);
    }

    #[test]
    fn huge_version_numbers_never_overflow(parts in proptest::collection::vec("[0-9]{1,40}", 1..6), local in "[a-z0-9.]{0,30}") {
        let v = parts.join(".");
        let with_local = format!("{v}+{local}");
        let _ = compare(&v, &with_local);
        let _ = satisfies(&v, &format!(">={with_local},=={v}.*,~={v},!={v}"));
    }

    #[test]
    fn saved_scans_of_any_bytes_are_errors_or_bundles(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = heft::scanfile::parse(&bytes, "fuzz");
    }

    #[test]
    fn damaged_saved_scans_are_errors_or_bundles(at in any::<prop::sample::Index>(), with in any::<u8>()) {
        let mut json = sample_scan().into_bytes();
        let i = at.index(json.len());
        json[i] = with;
        if let Ok(bundle) = heft::scanfile::parse(&json, "fuzz") {
            let _ = heft::report::Report::new(&bundle);
        }
    }

    #[test]
    fn saved_scans_with_random_columns_are_errors_or_bundles(
        parents in proptest::collection::vec(0u32..8, 1..8),
        kinds in "[dflo\\u{e9}x]{1,8}",
        owners in proptest::collection::vec(prop_oneof![Just(u32::MAX), 0u32..3], 1..8),
        sizes in proptest::collection::vec(any::<u64>(), 1..8),
        install in (0usize..3, 0u32..9),
        second_install in proptest::option::of(0u32..6),
    ) {
        let mut file: heft::scanfile::ScanFile = serde_json::from_str(&sample_scan()).unwrap();
        let n = file.nodes.parent.len();
        for (i, p) in parents.iter().enumerate().take(n).skip(1) {
            file.nodes.parent[i] = *p;
        }
        file.nodes.kind = kinds;
        for (i, o) in owners.iter().enumerate().take(n) {
            file.nodes.owner[i] = *o;
        }
        for (i, b) in sizes.iter().enumerate().take(n) {
            file.nodes.bytes[i] = *b;
            file.nodes.zipped[i] = b.rotate_left(7);
        }
        file.dists[0].installs[0].0 = install.0;
        file.dists[0].installs[0].1 = install.1;
        if let Some(dir) = second_install {
            file.dists[0].installs.push((0, dir, "2".into()));
        }
        if let Ok(bundle) = heft::scanfile::restore(&file) {
            let _ = heft::report::Report::new(&bundle);
            let opts = heft::insight::InsightOptions::default();
            let _ = heft::insight::Insight::compute(&bundle, &opts);
        }
    }

    #[test]
    fn manifests_of_any_text_are_errors_or_manifests(text in packaging_text()) {
        let json = format!("{{\"schema\":\"heft.manifest/1\",{text}}}");
        if let Ok(m) = heft::manifest::Manifest::from_json(&json) {
            let _ = heft::manifest::apply::plan(&m, 2);
        }
        let _ = heft::manifest::Manifest::from_json(&text);
    }

    #[test]
    fn zips_of_any_bytes_are_refused_or_read(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz.zip");
        std::fs::write(&path, &bytes).unwrap();
        let _ = heft::archive::read_archive(&path, &heft::archive::is_packaging_metadata);
    }

    #[test]
    fn damaged_zip_central_directories_are_refused_or_read(
        hits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = sample_zip();
        // Damage the central directory and end record, where sizes and offsets live.
        let start = bytes.len() - CENTRAL_TAIL.min(bytes.len());
        for (at, with) in hits {
            let i = start + at.index(bytes.len() - start);
            bytes[i] = with;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.whl");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(archive) = heft::archive::read_archive(&path, &heft::archive::is_packaging_metadata) {
            let total: u64 = archive.texts.iter().map(|(_, t)| t.len() as u64).sum();
            prop_assert!(total <= heft::archive::safety::MAX_WANTED_TOTAL);
        }
    }
}

/// Bytes at the end of [`sample_zip`] that hold its central directory and end record.
const CENTRAL_TAIL: usize = 3 * 46 + 120 + 22;

fn sample_zip() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in [
        ("foo/__init__.py", &b"print(1)\n"[..]),
        (
            "foo-1.0.dist-info/METADATA",
            b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n\n",
        ),
        ("foo-1.0.dist-info/RECORD", b"foo/__init__.py,,9\n"),
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sample_scan() -> String {
    let json = r#"{"schema":"heft.scan/1","target":["3.12","linux","x86_64"],
"roots":[{"path":"/site","kind":"site-packages","node":1,"sites":[1],"archive_bytes":null}],
"nodes":{"parent":[4294967295,0,1,1,3],"name":["","/site","a.py","a-1.dist-info","METADATA"],
"kind":"ddfdf","owner":[4294967295,4294967295,0,0,0],"bytes":[0,0,10,0,40],"disk":[0,0,4096,0,4096],
"zipped":[0,0,5,0,20]},
"dists":[{"name":"a","version":"1","summary":null,"installs":[[0,3,"1"]],"requires":["b>1; extra == 'x'"],
"approximate":false,"missing_files":0,"bad_record_rows":0}],
"top_level":[["a",[]]],"errors":[[0,"/site/x","gone"]]}"#;
    json.replace('\n', "")
}

#[test]
fn the_sample_scan_and_zip_are_valid_so_damage_starts_from_real_inputs() {
    heft::scanfile::parse(sample_scan().as_bytes(), "sample").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.whl");
    std::fs::write(&path, sample_zip()).unwrap();
    let archive =
        heft::archive::read_archive(&path, &heft::archive::is_packaging_metadata).unwrap();
    assert_eq!(archive.texts.len(), 2);
}
