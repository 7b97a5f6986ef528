//! The splitter on in-memory bundles with real-sized numbers (nothing touches the disk).

use super::*;
use crate::bundle::Target;
use crate::synthetic::Synth;

const MB: u64 = 1024 * 1024;

fn opts(layers: usize, upload: Upload) -> SplitOptions {
    SplitOptions {
        layers,
        upload,
        reserve: 0,
        margin_per_mille: 10,
    }
}

/// `app` needs `big` (which alone needs `bigdep`) and `small`; `other` stands alone.
/// Zipped bytes are a third of unzipped (Synth's rule).
fn bundle(big: u64, bigdep: u64, small: u64, other: u64) -> Bundle {
    let mut s = Synth::new();
    let app = s.dist("app", "1.0", &["big", "small"]);
    let b = s.dist("big", "2.0", &["bigdep"]);
    let bd = s.dist("bigdep", "0.3", &[]);
    let sm = s.dist("small", "1.1", &[]);
    let o = s.dist("other", "5", &[]);
    s.file("app/__init__.py", 1000, Some(app))
        .file("big/core.so", big, Some(b))
        .file("bigdep/lib.so", bigdep, Some(bd))
        .file("small/x.py", small, Some(sm))
        .file("other/y.so", other, Some(o))
        .file("stray.txt", 10, None);
    s.build(Target::default())
}

fn names(layer: &Layer) -> Vec<&str> {
    let mut n: Vec<&str> = layer.items.iter().map(|i| i.name.as_str()).collect();
    n.sort_unstable();
    n
}

#[test]
fn every_distribution_lands_in_exactly_one_layer_under_the_budget() {
    for (big, bigdep, small, other) in [
        (90 * MB, 30 * MB, MB, 60 * MB),
        (110 * MB, 90 * MB, 20 * MB, 10 * MB),
        (10 * MB, 10 * MB, 10 * MB, 10 * MB),
    ] {
        let b = bundle(big, bigdep, small, other);
        let split = split(&b, &opts(5, Upload::Direct)).unwrap();
        let mut all: Vec<&str> = split.layers.iter().flat_map(names).collect();
        all.sort_unstable();
        assert_eq!(all, ["app", "big", "bigdep", "other", "small"]);
        for l in &split.layers {
            assert!(l.zipped <= split.zip_budget + END_OF_CENTRAL_DIRECTORY);
            assert!(Upload::Direct.allows(l.zipped));
        }
        assert_eq!(split.unowned_files, 1, "stray.txt is nobody's");
    }
}

#[test]
fn a_distribution_stays_with_what_only_it_requires_where_that_fits() {
    let b = bundle(60 * MB, 30 * MB, MB, 100 * MB);
    let split = split(&b, &opts(3, Upload::Direct)).unwrap();
    let with_big = split
        .layers
        .iter()
        .find(|l| names(l).contains(&"big"))
        .unwrap();
    assert!(names(with_big).contains(&"bigdep"), "{:?}", split.layers);
    assert_eq!(
        split.layers.len(),
        2,
        "30 MB + 20 MB zipped for app's group, 33 MB for other"
    );
}

#[test]
fn a_group_too_big_for_one_layer_splits_at_its_dominator_children() {
    // app's group zips to ~ 73 MB: it must split, but never inside a distribution.
    let b = bundle(110 * MB, 90 * MB, 20 * MB, 10 * MB);
    let split = split(&b, &opts(5, Upload::Direct)).unwrap();
    assert!(split.layers.len() >= 2);
    let big = split.layers.iter().position(|l| names(l).contains(&"big"));
    let dep = split
        .layers
        .iter()
        .position(|l| names(l).contains(&"bigdep"));
    assert_ne!(big, dep, "37 + 30 MB zipped cannot share a 50 MB layer");
}

#[test]
fn a_distribution_alone_over_the_layer_limit_is_named() {
    let b = bundle(200 * MB, MB, MB, MB);
    let err = split(&b, &opts(5, Upload::Direct)).unwrap_err();
    assert!(
        matches!(&err, SplitError::TooBig { name, .. } if name == "big"),
        "{err}"
    );
    assert!(err.to_string().contains("big 2.0 alone"), "{err}");
}

#[test]
fn the_request_upload_allows_a_slightly_larger_zip_than_direct() {
    // big zips to ~50.1 MiB (52531240 bytes): over direct upload, under the request limit.
    let b = bundle(150 * MB + 300 * 1024, 1, 1, 1);
    assert!(split(&b, &opts(5, Upload::Direct)).is_err());
    let ok = split(
        &b,
        &SplitOptions {
            margin_per_mille: 0,
            ..opts(5, Upload::Request)
        },
    )
    .unwrap();
    assert!(Upload::Request.allows(ok.layers[0].zipped));
    assert!(!Upload::Direct.allows(ok.layers[0].zipped));
}

#[test]
fn too_few_layers_and_too_much_unzipped_are_errors() {
    let b = bundle(110 * MB, 90 * MB, 20 * MB, 10 * MB);
    assert!(matches!(
        split(&b, &opts(1, Upload::Direct)),
        Err(SplitError::TooFew { layers: 1, .. })
    ));
    let huge = bundle(140 * MB, 140 * MB, 1, 1);
    assert!(matches!(
        split(&huge, &opts(5, Upload::S3)),
        Err(SplitError::Unzipped { .. })
    ));
    assert!(matches!(
        split(&b, &opts(6, Upload::S3)),
        Err(SplitError::TooMany)
    ));
}

#[test]
fn requirements_pin_every_distribution_one_a_line() {
    let b = bundle(MB, MB, MB, MB);
    let split = split(&b, &opts(1, Upload::Direct)).unwrap();
    assert_eq!(
        split.layers[0].requirements(),
        "app==1.0\nbig==2.0\nbigdep==0.3\nother==5\nsmall==1.1\n"
    );
}

#[test]
fn rebuilt_zips_count_the_python_prefix_and_directory_entries() {
    let b = bundle(MB, MB, MB, MB);
    let items = items(&b);
    let small = items.iter().find(|i| i.name == "small").unwrap();
    let d = &b.dists[b.dist_by_key("small").unwrap().index()];
    // Two files (x.py, METADATA) gain 14 bytes each; two directories get an entry.
    assert!(
        small.zipped > d.sizes.zipped + 2 * 14,
        "{} vs {}",
        small.zipped,
        d.sizes.zipped
    );
}

#[test]
fn every_directory_above_a_file_is_one_zip_entry_in_the_rebuilt_layer() {
    let mut s = Synth::new();
    let d = s.dist("deep", "1", &[]);
    s.file("deep/b/c/x.py", 3000, Some(d));
    let b = s.build(Target::default());
    let item = &items(&b)[0];
    let dirs = ["deep-1.dist-info", "deep", "deep/b", "deep/b/c"];
    let entries: u64 = dirs
        .iter()
        .map(|p| entry_overhead(p.len() + "python/".len(), true))
        .sum();
    assert_eq!(item.zipped, b.dists[0].sizes.zipped + 2 * 2 * 7 + entries);
}
