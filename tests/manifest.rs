//! `heft export`, `heft check` and `heft prune` end to end: manifests, exit codes, the
//! exported scripts run by `sh` and `zip`, and pruning that never leaves its root.

use std::fs;
use std::path::Path;

use heft::manifest::Manifest;
use heft::rules::Rule;

use crate::fixture::{Fixture, apparent_sum, write_file};
use crate::rules::{built_layer, heft};

fn export_json(root: &Path, out: &Path, extra: &[&str]) -> Manifest {
    heft()
        .arg("export")
        .arg(root)
        .args(["--format", "json", "-o"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    Manifest::from_json(&fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn export_check_prune_and_rescan_agree_to_the_byte() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let json = fx.path().join("m.json");
    let rules = [
        "--preset",
        "tests-dirs",
        "--exclude-deps",
        "kube",
        "--preset",
        "pycache",
    ];
    let m = export_json(&root, &json, &rules);
    let before = apparent_sum(&root);
    assert_eq!((m.totals.before.files, m.totals.before.bytes), before);
    let after = (m.totals.after.files, m.totals.after.bytes);
    assert!(after.1 < before.1);
    let check = |limit: u64| {
        heft()
            .arg("check")
            .arg(&root)
            .arg("--manifest")
            .arg(&json)
            .args(["--limit", &limit.to_string()])
            .assert()
    };
    check(after.1 + 1).code(0);
    check(after.1).code(1);
    heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&root)
        .assert()
        .success();
    assert_eq!(apparent_sum(&root), before, "a dry run deletes nothing");
    let out = prune_apply(&json, &root)
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains(&format!("after: {} files, {} bytes", after.0, after.1)),
        "{text}"
    );
    assert_eq!(apparent_sum(&root), after);
    assert!(root.join("python/numpy/testing/utils.py").exists());
    check(after.1 + 1).code(0);
    let out = prune_apply(&json, &root)
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_has(&out, "nothing to do");
}

/// Asserts that `out` (stdout or stderr bytes) contains `needle`.
/// `heft prune --manifest JSON ROOT --apply`, asserted on by the caller.
fn prune_apply(json: &Path, root: &Path) -> assert_cmd::assert::Assert {
    heft()
        .arg("prune")
        .arg("--manifest")
        .arg(json)
        .arg(root)
        .arg("--apply")
        .assert()
}

fn assert_has(out: &[u8], needle: &str) {
    let text = String::from_utf8_lossy(out);
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

#[test]
fn check_exits_2_on_errors() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    heft()
        .args(["check", "/nonexistent/heft/path"])
        .assert()
        .code(2);
    heft()
        .arg("check")
        .arg(&root)
        .args(["--limit", "12XB"])
        .assert()
        .code(2);
    let json = fx.path().join("m.json");
    export_json(&root, &json, &["--preset", "tests-dirs"]);
    write_file(&root.join("python/app/handler.py"), 2001);
    let out = heft()
        .arg("check")
        .arg(&root)
        .arg("--manifest")
        .arg(&json)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("does not match the manifest"));
}

#[test]
fn check_json_reports_every_limit_with_headroom() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let out = heft()
        .arg("check")
        .arg(&root)
        .args([
            "--format",
            "json",
            "--limit",
            "aws-lambda",
            "--limit",
            "1KB",
        ])
        .args(["--reserve", "1MB", "--preset", "tests-dirs"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let r: heft::verdicts::CheckReport = serde_json::from_slice(&out).unwrap();
    assert_eq!(r.schema, "heft.check/1");
    let lambda = &r.limits[0];
    assert!(lambda.ok);
    assert_eq!(lambda.used, r.totals.after.bytes + 1024 * 1024);
    assert_eq!(lambda.headroom, 262_144_000 - 1 - lambda.used);
    let tiny = &r.limits[1];
    assert!(!tiny.ok && tiny.overrun > 0 && !tiny.candidates.is_empty());
}

#[test]
fn check_github_format_annotates_each_limit() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let out = heft()
        .arg("check")
        .arg(&root)
        .args(["--format", "github", "--limit", "zip:1KB", "--limit", "1GB"])
        .args(["--warn-at", "0.00001%"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("::error title=heft zip%3A1KB::"), "{text}");
    assert!(text.contains("::warning title=heft 1GB::"), "{text}");
}

#[test]
fn the_sh_export_run_by_sh_leaves_the_predicted_tree_and_refuses_other_dirs() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let other = built_layer(&fx, "other");
    // A copy whose marker file changed size is not the tree the script was made for.
    write_file(&other.join("python/app-1.0.dist-info/METADATA"), 7);
    let elsewhere = fx.dir("elsewhere");
    write_file(&elsewhere.join("python/numpy/tests/keep.py"), 5);
    let json = fx.path().join("m.json");
    let m = export_json(
        &root,
        &json,
        &["--preset", "tests-dirs", "--exclude-deps", "kube"],
    );
    let script = fx.path().join("prune.sh");
    heft()
        .arg("export")
        .arg(&root)
        .args([
            "--preset",
            "tests-dirs",
            "--exclude-deps",
            "kube",
            "--format",
            "sh",
            "-o",
        ])
        .arg(&script)
        .assert()
        .success();
    for dir in [&other, &elsewhere] {
        let before = apparent_sum(dir);
        let refused = std::process::Command::new("sh")
            .arg(&script)
            .arg(dir)
            .output()
            .unwrap();
        assert_eq!(refused.status.code(), Some(3), "{refused:?}");
        assert_eq!(
            apparent_sum(dir),
            before,
            "nothing deleted in {}",
            dir.display()
        );
    }
    let ran = std::process::Command::new("sh")
        .arg(&script)
        .arg(&root)
        .output()
        .unwrap();
    assert!(ran.status.success(), "{ran:?}");
    assert_eq!(
        apparent_sum(&root),
        (m.totals.after.files, m.totals.after.bytes)
    );
}

#[test]
fn the_zip_exclude_export_gives_zip_the_predicted_contents() {
    if std::process::Command::new("zip")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipping: no `zip` on PATH");
        return;
    }
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    write_file(&root.join("python/app/we*ird [x].txt"), 33);
    let json = fx.path().join("m.json");
    let rules = [
        "--preset",
        "tests-dirs",
        "--exclude-deps",
        "kube",
        "--exclude",
        "*.txt",
    ];
    let m = export_json(&root, &json, &rules);
    let list = fx.path().join("exclude.lst");
    heft()
        .arg("export")
        .arg(&root)
        .args(rules)
        .args(["--format", "zip-exclude", "-o"])
        .arg(&list)
        .assert()
        .success();
    let out_zip = fx.path().join("out.zip");
    let status = std::process::Command::new("zip")
        .current_dir(&root)
        .arg("-qr")
        .arg(&out_zip)
        .arg(".")
        .arg(format!("-x@{}", list.display()))
        .status()
        .unwrap();
    assert!(status.success());
    let mut archive = zip::ZipArchive::new(fs::File::open(&out_zip).unwrap()).unwrap();
    let (mut files, mut bytes) = (0, 0);
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        if !entry.is_dir() {
            files += 1;
            bytes += entry.size();
        }
    }
    assert_eq!((files, bytes), (m.totals.after.files, m.totals.after.bytes));
    let real = fs::metadata(&out_zip).unwrap().len() as f64;
    let predicted = m.totals.after.zipped_bytes as f64;
    assert!(
        (predicted - real).abs() / real < 0.02,
        "zipped estimate {predicted} vs real {real}"
    );
}

#[test]
fn prune_refuses_a_manifest_path_that_climbs_out_of_the_root() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    write_file(&fx.path().join("precious.txt"), 10);
    let json = fx.path().join("m.json");
    let m = export_json(&root, &json, &["--preset", "tests-dirs"]);
    let mut evil = m.clone();
    evil.excluded[0].path = "../precious.txt".into();
    fs::write(&json, evil.to_json()).unwrap();
    let out = prune_apply(&json, &root)
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert_has(&out, "refusing manifest path");
    assert!(fx.path().join("precious.txt").exists());
    assert_eq!(
        apparent_sum(&root),
        (m.totals.before.files, m.totals.before.bytes)
    );
}

#[cfg(unix)]
#[test]
fn prune_removes_symlinks_as_links_and_never_follows_them() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let outside = fx.dir("outside");
    write_file(&outside.join("victim.txt"), 10);
    std::os::unix::fs::symlink(&outside, root.join("python/kube/test/ext")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("python/app/link")).unwrap();
    let json = fx.path().join("m.json");
    let args = [
        "--preset",
        "tests-dirs",
        "--exclude-path",
        "python/app/link",
    ];
    let mut m = export_json(&root, &json, &args);
    let excluded: Vec<&str> = m.excluded.iter().map(|e| e.path.as_str()).collect();
    assert!(excluded.contains(&"python/app/link"), "{excluded:?}");
    // A path through the symlink, as a hostile or stale manifest might hold.
    let mut through = m.excluded[0].clone();
    through.path = "python/app/link/victim.txt".into();
    through.dir = false;
    m.excluded.insert(0, through);
    fs::write(&json, m.to_json()).unwrap();
    let out = prune_apply(&json, &root)
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&out).contains("symbolic link"),
        "{out:?}"
    );
    assert!(
        outside.join("victim.txt").exists(),
        "the target is untouched"
    );
    assert!(
        fs::symlink_metadata(root.join("python/app/link")).is_err(),
        "the link is gone"
    );
    assert!(!root.join("python/kube/test").exists());
}

#[test]
fn prune_refuses_a_tree_the_manifest_was_not_made_from() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let other = built_layer(&fx, "other");
    write_file(&other.join("python/app/extra.py"), 5);
    let json = fx.path().join("m.json");
    export_json(&root, &json, &["--preset", "tests-dirs"]);
    let before = apparent_sum(&other);
    let out = prune_apply(&json, &other)
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert_has(&out, "does not match the manifest");
    assert_eq!(apparent_sum(&other), before);
    heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&other)
        .args(["--apply", "--force"])
        .assert()
        .code(1);
    assert!(
        !other.join("python/numpy/tests").exists(),
        "--force applies anyway"
    );
}

#[test]
fn export_refuses_to_overwrite_without_force() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let out = fx.path().join("m.json");
    fs::write(&out, "keep me").unwrap();
    heft()
        .arg("export")
        .arg(&root)
        .args(["--format", "gitignore", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(fs::read_to_string(&out).unwrap(), "keep me");
    heft()
        .arg("export")
        .arg(&root)
        .args([
            "--format",
            "gitignore",
            "--preset",
            "tests-dirs",
            "--force",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    assert!(
        fs::read_to_string(&out)
            .unwrap()
            .contains("/python/numpy/tests/\n")
    );
}

#[test]
fn excluding_a_required_dist_warns_who_requires_it() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let out = fx.path().join("m.json");
    let m = export_json(
        &root,
        &out,
        &["--exclude-dist", "numpy", "--exclude", "testing/"],
    );
    assert!(
        m.warnings
            .iter()
            .any(|w| w.contains("numpy is excluded but still required by app, pandas")),
        "{:?}",
        m.warnings
    );
    let m = export_json(&root, &out, &["--exclude", "testing/", "--force"]);
    assert!(
        m.warnings
            .iter()
            .any(|w| w.starts_with("numpy/testing is excluded but imported at run time by numpy")),
        "{:?}",
        m.warnings
    );
}

#[test]
fn attached_layers_and_reserve_count_against_unzipped_limits() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let other = fx.dir("other-layer/python");
    write_file(&other.join("extra/big.bin"), 5000);
    let out = heft()
        .arg("check")
        .arg(&root)
        .arg("--attached")
        .arg(fx.path().join("other-layer"))
        .args(["--reserve", "1KB", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let r: heft::verdicts::CheckReport = serde_json::from_slice(&out).unwrap();
    assert_eq!(r.limits[0].name, "aws-lambda");
    assert_eq!(r.limits[0].reserve, 5000 + 1024);
    assert_eq!(r.limits[0].used, r.totals.after.bytes + 5000 + 1024);
    assert_eq!(
        r.limits[1].reserve, 0,
        "a zip upload does not hold other layers"
    );
}

#[test]
fn rules_files_take_a_list_or_a_manifest() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let list = fx.path().join("rules.json");
    let keep = Rule::new(
        heft::rules::RuleKind::Keep,
        "numpy/tests/",
        heft::rules::Safety::Safe,
        "keep",
    );
    fs::write(
        &list,
        serde_json::to_string(&vec![keep, Rule::glob("tests/")]).unwrap(),
    )
    .unwrap();
    let from_list = export_json(
        &root,
        &fx.path().join("a.json"),
        &["--rules", list.to_str().unwrap()],
    );
    let paths: Vec<&str> = from_list.excluded.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"python/pandas/tests"), "{paths:?}");
    assert!(
        !paths.contains(&"python/numpy/tests"),
        "kept by the first rule"
    );
    let from_manifest = export_json(
        &root,
        &fx.path().join("b.json"),
        &["--rules", fx.path().join("a.json").to_str().unwrap()],
    );
    assert_eq!(from_manifest.rules, from_list.rules);
    assert_eq!(from_manifest.excluded, from_list.excluded);
}

#[test]
fn strip_savings_show_in_after_strip_but_not_in_what_prune_achieves() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let m = export_json(&root, &fx.path().join("m.json"), &["--preset", "strip-so"]);
    assert!(m.excluded.is_empty());
    assert_eq!(m.totals.after, m.totals.before);
    let stripped = m.totals.after_strip.expect("after_strip with strip-so");
    assert_eq!(stripped.bytes, m.totals.before.bytes - 5500);
    assert_eq!(stripped.files, m.totals.before.files);
}
