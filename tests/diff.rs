//! `heft diff` and `heft check --baseline`: two builds on disk, compared through the binary,
//! JSON parsed back into the core's types.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use heft::diff::budget::GrowthVerdict;
use heft::diff::{Change, Diff};
use heft::report::Report;

use crate::fixture::{Fixture, dist};

/// `old/`: app 1.0 -> lib 1.0. `new/`: app 1.1 -> lib 1.0 (grown), heavy 0.2 -> sympy.
pub fn builds(fx: &Fixture) -> (PathBuf, PathBuf) {
    let old = fx.dir("old");
    dist("app", "1.0")
        .file("app/main.py", 5000)
        .requires("lib")
        .install(&old);
    dist("lib", "1.0").file("lib/core.py", 20_000).install(&old);
    dist("six", "1.16").file("six.py", 3000).install(&old);
    let new = fx.dir("new");
    dist("app", "1.1")
        .file("app/main.py", 5200)
        .requires("lib")
        .requires("heavy")
        .requires("six")
        .install(&new);
    dist("lib", "1.0")
        .file("lib/core.py", 20_000)
        .file("lib/extra.py", 1500)
        .install(&new);
    dist("heavy", "0.2")
        .file("heavy/x.so", 90_000)
        .requires("sympy")
        .install(&new);
    dist("sympy", "1.13")
        .file("sympy/core.py", 300_000)
        .install(&new);
    dist("six", "1.16").file("six.py", 3000).install(&new);
    (old, new)
}

pub fn heft(fx: &Fixture) -> Command {
    let mut c = crate::rules::heft();
    c.env("XDG_CACHE_HOME", fx.path().join("cache"));
    c
}

fn diff_json(fx: &Fixture, old: &Path, new: &Path) -> Diff {
    let out = crate::rules::succeeded(heft(fx).arg("diff").arg(old).arg(new).arg("--json"));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn report_json(fx: &Fixture, path: &Path) -> Report {
    let out = heft(fx)
        .arg("report")
        .arg(path)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn diff_deltas_equal_the_difference_of_the_two_reports_to_the_byte() {
    let fx = Fixture::new();
    let (old, new) = builds(&fx);
    let d = diff_json(&fx, &old, &new);
    let (ro, rn) = (report_json(&fx, &old), report_json(&fx, &new));
    assert_eq!(d.totals.before.bytes, ro.totals.bytes);
    assert_eq!(d.totals.after.zipped_bytes, rn.totals.zipped_bytes);
    for c in &d.distributions {
        let size = |r: &Report| {
            r.distributions
                .iter()
                .find(|x| x.key == c.key)
                .map_or((0, 0), |x| {
                    (x.bytes.cast_signed(), x.zipped_bytes.cast_signed())
                })
        };
        let ((ob, oz), (nb, nz)) = (size(&ro), size(&rn));
        assert_eq!(c.delta_bytes, nb - ob, "{}", c.key);
        assert_eq!(c.delta_zipped_bytes, nz - oz, "{}", c.key);
    }
    let keys: Vec<(&str, Change)> = d
        .distributions
        .iter()
        .map(|c| (c.key.as_str(), c.change))
        .collect();
    assert_eq!(
        keys,
        [
            ("sympy", Change::Added),
            ("heavy", Change::Added),
            ("lib", Change::Grown),
            ("app", Change::Upgraded)
        ]
    );
    assert_eq!(d.unchanged, 1, "six is identical and silent");
}

#[test]
fn an_added_distribution_names_the_chain_that_brought_it() {
    let fx = Fixture::new();
    let (old, new) = builds(&fx);
    let d = diff_json(&fx, &old, &new);
    let sympy = d.distributions.iter().find(|c| c.key == "sympy").unwrap();
    assert_eq!(sympy.via.as_deref().unwrap(), ["app", "heavy", "sympy"]);
    assert!(sympy.before.is_none());
}

#[test]
fn a_tree_compared_with_itself_is_empty_and_exits_0() {
    let fx = Fixture::new();
    let (old, _) = builds(&fx);
    let d = diff_json(&fx, &old, &old);
    assert!(d.is_empty(), "{d:?}");
    let text = heft(&fx).arg("diff").arg(&old).arg(&old).output().unwrap();
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("no changes"));
}

#[test]
fn a_saved_scan_diffs_like_the_tree_it_was_saved_from() {
    let fx = Fixture::new();
    let (old, new) = builds(&fx);
    let saved = fx.path().join("old.heftscan.gz");
    heft(&fx)
        .arg("report")
        .arg(&old)
        .arg("--save")
        .arg(&saved)
        .assert()
        .success();
    let from_dir = diff_json(&fx, &old, &new);
    let from_scan = diff_json(&fx, &saved, &new);
    assert_eq!(from_scan.distributions, from_dir.distributions);
    assert_eq!(from_scan.totals, from_dir.totals);
}

#[test]
fn a_saved_scan_from_another_heft_version_is_refused_naming_the_version() {
    let fx = Fixture::new();
    let (_, new) = builds(&fx);
    let future = fx.path().join("future.heftscan");
    std::fs::write(
        &future,
        r#"{"schema": "heft.scan/7", "heft_version": "7.3.0", "tree": []}"#,
    )
    .unwrap();
    let out = heft(&fx)
        .arg("diff")
        .arg(&future)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("heft 7.3.0") && err.contains("heft.scan/7"),
        "{err}"
    );
}

/// `heft.check/1` with the growth list, as far as these tests read it.
#[derive(serde::Deserialize)]
struct CheckWithGrowth {
    schema: String,
    verdict: String,
    growth: Vec<GrowthVerdict>,
}

#[test]
fn growth_over_a_budget_exits_1_and_names_the_largest_contributors() {
    let fx = Fixture::new();
    let (old, new) = builds(&fx);
    let base = fx.path().join("main.heftscan.gz");
    heft(&fx)
        .arg("report")
        .arg(&old)
        .arg("--save")
        .arg(&base)
        .assert()
        .success();
    let run = |format: &str| {
        heft(&fx)
            .arg("check")
            .arg(&new)
            .arg("--baseline")
            .arg(&base)
            .args(["--max-growth", "100KB", "--max-growth", "zip:5000%"])
            .args(["--format", format])
            .output()
            .unwrap()
    };
    let text = run("text");
    assert_eq!(text.status.code(), Some(1));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("largest growth: sympy +"), "{out}");
    let github = String::from_utf8_lossy(&run("github").stdout).into_owned();
    assert!(
        github.contains("::error title=heft growth 100KB::"),
        "{github}"
    );
    assert!(github.contains("sympy"), "{github}");
    let json = run("json");
    assert_eq!(json.status.code(), Some(1));
    let parsed: CheckWithGrowth = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(parsed.schema, "heft.check/1");
    assert_eq!(parsed.verdict, "over", "the budget decides the verdict too");
    let (bytes, zipped) = (&parsed.growth[0], &parsed.growth[1]);
    assert!(!bytes.ok && zipped.ok);
    assert_eq!(bytes.allowed, 100 * 1024);
    assert_eq!(bytes.overrun, bytes.growth as u64 - bytes.allowed);
    let names: Vec<&str> = bytes.contributors.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(names, ["sympy", "heavy", "lib", "app"]);
}

#[test]
fn growth_within_a_percentage_budget_passes() {
    let fx = Fixture::new();
    let (old, new) = builds(&fx);
    heft(&fx)
        .arg("check")
        .arg(&new)
        .arg("--baseline")
        .arg(&old)
        .args(["--max-growth", "2000%", "--limit", "100MB"])
        .assert()
        .code(0);
    heft(&fx)
        .arg("check")
        .arg(&new)
        .arg("--max-growth")
        .arg("5MB")
        .assert()
        .code(2);
}

#[test]
fn markdown_reports_carry_a_summary_line_and_a_folded_full_list() {
    let fx = Fixture::new();
    let (old, new) = builds(&fx);
    let out = heft(&fx)
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "markdown", "--top", "1"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("### heft diff: +"), "{md}");
    assert!(
        md.contains("<details><summary>All 4 changes</summary>"),
        "{md}"
    );
    let out = heft(&fx)
        .arg("report")
        .arg(&new)
        .args(["--format", "markdown", "--top", "2"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("### heft: "), "{md}");
    assert!(md.contains("| aws-lambda (unzipped contents) |"), "{md}");
    assert!(
        md.contains("<details><summary>All 5 distributions</summary>"),
        "{md}"
    );
}

#[test]
fn a_side_that_could_not_be_read_is_counted_warned_about_and_exits_2() {
    let fx = Fixture::new();
    let (old, _) = builds(&fx);
    let broken = fx.path().join("broken.zip");
    std::fs::write(&broken, b"PK\x03\x04 not really a zip").unwrap();
    let run = |allow: bool| {
        let mut cmd = heft(&fx);
        cmd.arg("diff").arg(&old).arg(&broken).arg("--json");
        if allow {
            cmd.arg("--allow-errors");
        }
        cmd.output().unwrap()
    };
    let out = run(false);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an incomplete diff must not exit 0"
    );
    let d: Diff = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((d.errors.before, d.errors.after), (0, 1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.zip: 1 paths could not be read"),
        "{err}"
    );
    assert!(run(true).status.success(), "--allow-errors accepts it");
}

#[test]
fn a_package_that_moves_to_another_layer_is_listed_as_moved_between_roots() {
    let fx = Fixture::new();
    let (a, b) = (fx.dir("a/python"), fx.dir("b/python"));
    dist("six", "1.16").file("six.py", 3000).install(&a);
    dist("lib", "1.0").file("lib/core.py", 8000).install(&b);
    let save = |name: &str| {
        let path = fx.path().join(name);
        heft(&fx)
            .arg("report")
            .arg(fx.path().join("a"))
            .arg(fx.path().join("b"))
            .arg("--save")
            .arg(&path)
            .assert()
            .success();
        path
    };
    let before = save("before.heftscan");
    std::fs::rename(a.join("six.py"), b.join("six.py")).unwrap();
    std::fs::rename(a.join("six-1.16.dist-info"), b.join("six-1.16.dist-info")).unwrap();
    let after = save("after.heftscan");
    let d = diff_json(&fx, &before, &after);
    assert!(
        d.distributions.is_empty(),
        "same packages: {:?}",
        d.distributions
    );
    assert_eq!(d.moved.len(), 1, "{:?}", d.moved);
    let six = &d.moved[0];
    assert_eq!((six.from.root, six.to.root), (0, 1));
    assert_eq!(six.from.dist.as_deref(), Some("six"));
    assert_eq!(
        six.files, 4,
        "six.py and its METADATA, INSTALLER and RECORD"
    );
}

#[test]
fn a_baseline_that_could_not_be_read_fails_closed() {
    let fx = Fixture::new();
    let (_, new) = builds(&fx);
    let broken = fx.path().join("broken.zip");
    std::fs::write(&broken, b"PK\x03\x04 not really a zip").unwrap();
    let out = heft(&fx)
        .arg("check")
        .arg(&new)
        .arg("--baseline")
        .arg(&broken)
        .args(["--max-growth", "5MB", "--limit", "100MB"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("growth cannot be measured"), "{err}");
}
