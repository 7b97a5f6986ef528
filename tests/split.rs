//! `heft split` end to end: pinned requirements per layer, JSON, and the error when nothing fits.

use std::fs;

use heft::split::Split;

use crate::fixture::{Fixture, dist};
use crate::rules::heft;

fn site(fx: &Fixture) -> std::path::PathBuf {
    let site = fx.dir("layer/python");
    dist("app", "1.0")
        .requires("helper")
        .file("app/__init__.py", 3000)
        .install(&site);
    dist("helper", "2.1")
        .file("helper/__init__.py", 2000)
        .install(&site);
    dist("other", "0.9").file("other.py", 1000).install(&site);
    fx.path().join("layer")
}

#[test]
fn split_writes_one_pinned_requirements_file_per_layer_and_a_json_summary() {
    let fx = Fixture::new();
    let root = site(&fx);
    let out_dir = fx.path().join("out");
    let out = crate::rules::succeeded(
        heft()
            .arg("split")
            .arg(&root)
            .args(["--layers", "2", "--json", "-o"])
            .arg(&out_dir),
    );
    let printed: Split = serde_json::from_slice(&out.stdout).unwrap();
    let saved: Split =
        serde_json::from_str(&fs::read_to_string(out_dir.join("split.json")).unwrap()).unwrap();
    assert_eq!(printed, saved);
    assert_eq!(printed.layers.len(), 1, "everything fits in one layer");
    let txt = fs::read_to_string(out_dir.join("layer-1.txt")).unwrap();
    assert_eq!(txt, "app==1.0\nhelper==2.1\nother==0.9\n");
    assert!(!out_dir.join("layer-2.txt").exists());
}

#[test]
fn split_refuses_more_than_five_layers_with_the_existing_ones() {
    let fx = Fixture::new();
    let out = heft()
        .arg("split")
        .arg(site(&fx))
        .args(["--layers", "3", "--existing-layers", "3", "-o"])
        .arg(fx.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 5 layers"));
}

#[test]
fn split_says_plainly_when_the_unzipped_total_is_over_whatever_the_split() {
    let fx = Fixture::new();
    let root = site(&fx);
    let big = fs::File::create(root.join("python/other_data.bin")).unwrap();
    big.set_len(262_144_000).unwrap();
    // Owned by `other` through its RECORD.
    let record = root.join("python/other-0.9.dist-info/RECORD");
    let mut text = fs::read_to_string(&record).unwrap();
    text.push_str("other_data.bin,,262144000\r\n");
    fs::write(&record, text).unwrap();
    let out = heft()
        .arg("split")
        .arg(&root)
        .args(["--layers", "5", "--upload", "s3", "--no-zip-estimate", "-o"])
        .arg(fx.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no split fits") && text.contains("262144000"),
        "{text}"
    );
}

#[test]
fn split_on_a_project_function_splits_its_layers_and_counts_its_code_and_arn_layers() {
    let fx = Fixture::new();
    let build = fx.dir("proj/.aws-sam/build");
    let template = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: Fn\n      Layers: [!Ref L1, !Ref L2, 'arn:aws:lambda:us-east-1:1:layer:x:1']\n  L1:\n    Type: AWS::Serverless::LayerVersion\n    Properties: {ContentUri: L1}\n  L2:\n    Type: AWS::Serverless::LayerVersion\n    Properties: {ContentUri: L2}\n";
    fs::write(build.join("template.yaml"), template).unwrap();
    let code = fx.dir("proj/.aws-sam/build/Fn");
    dist("mine", "1.0").file("mine.py", 5000).install(&code);
    dist("one", "1.0")
        .file("one.py", 1000)
        .install(&fx.dir("proj/.aws-sam/build/L1/python"));
    dist("two", "2.0")
        .file("two.py", 1000)
        .install(&fx.dir("proj/.aws-sam/build/L2/python"));
    let proj = fx.path().join("proj");
    let out = crate::rules::succeeded(
        heft()
            .arg("split")
            .arg(&proj)
            .args(["--function", "Fn", "--layers", "2", "--json", "-o"])
            .arg(fx.path().join("out")),
    );
    let split: Split = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = split.layers[0]
        .items
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names.len(), 2, "only the layers' distributions: {names:?}");
    assert!(!names.contains(&"mine"));
    let layers: u64 = split.layers.iter().map(|l| l.bytes).sum();
    assert!(
        split.total_unzipped >= layers + 5000,
        "the code counts against 250 MB"
    );
    let out = heft()
        .arg("split")
        .arg(&proj)
        .args(["--function", "Fn", "--layers", "5", "-o"])
        .arg(fx.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "5 new layers plus the ARN layer is 6"
    );
}
