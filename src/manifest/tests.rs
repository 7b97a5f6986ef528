use super::export::{ExportError, Format, render, sh_quote};
use super::*;
use crate::bundle::Target;
use crate::rules::Rule;
use crate::synthetic::Synth;

fn site(extra: &[(&str, u64)]) -> Synth {
    site_sized(20, extra)
}

fn site_sized(stub_bytes: u64, extra: &[(&str, u64)]) -> Synth {
    let mut s = Synth::new();
    let a = s.dist("alpha", "1.0", &[]);
    s.file("alpha/__init__.py", 100, Some(a))
        .file("alpha/tests/test_a.py", 300, Some(a))
        .file("alpha/tests/data/x.json", 50, Some(a))
        .file("alpha/core.pyi", stub_bytes, Some(a));
    for (path, bytes) in extra {
        s.file(path, *bytes, Some(a));
    }
    s
}

fn manifest_of(s: &Synth, rules: Vec<Rule>) -> (Bundle, Manifest) {
    let b = s.build(Target::default());
    let ex = Exclusion::with_rules(&b, rules).unwrap();
    let m = Manifest::new(&b, &ex, &[], "2024-05-01T12:00:00Z".into());
    (b, m)
}

/// A one-root manifest excluding `alpha/tests` (for other modules' tests).
pub(crate) fn sample_manifest() -> Manifest {
    manifest_of(&site(&[]), vec![Rule::glob("tests/")]).1
}

#[test]
fn excluded_paths_collapse_to_the_highest_directory() {
    let (_, m) = manifest_of(&site(&[]), vec![Rule::glob("*.pyi"), Rule::glob("tests/")]);
    let paths: Vec<(&str, bool, u64, Option<usize>)> = m
        .excluded
        .iter()
        .map(|e| (e.path.as_str(), e.dir, e.bytes, e.rule))
        .collect();
    assert_eq!(
        paths,
        [
            ("alpha/core.pyi", false, 20, Some(0)),
            ("alpha/tests", true, 350, Some(1))
        ]
    );
    assert_eq!(m.totals.before.bytes - m.totals.after.bytes, 370);
    assert_eq!(m.totals.before.files - m.totals.after.files, 3);
    assert_eq!(m.totals.after_strip, None);
}

#[test]
fn manifests_round_trip_through_json_with_the_contract_names() {
    let (_, m) = manifest_of(&site(&[]), vec![Rule::glob("tests/")]);
    let text = m.to_json();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["schema"], "heft.manifest/1");
    assert_eq!(json["rules"][0]["kind"], "glob");
    assert_eq!(json["rules"][0]["safety"], "caution");
    assert_eq!(json["excluded"][0]["root"], 0);
    assert_eq!(json["excluded"][0]["path"], "alpha/tests");
    assert_eq!(json["excluded"][0]["bytes"], 350);
    assert!(json["totals"]["before"]["zipped_bytes"].as_u64().unwrap() > 0);
    assert!(json["totals"]["after"]["files"].is_u64());
    assert_eq!(Manifest::from_json(&text).unwrap(), m);
    let other = text.replace("heft.manifest/1", "heft.manifest/9");
    assert_eq!(
        Manifest::from_json(&other),
        Err(ManifestError::Schema("heft.manifest/9".into()))
    );
}

#[test]
fn a_manifest_knows_its_tree_pruned_or_not_and_nothing_else() {
    let (b, m) = manifest_of(&site(&[]), vec![Rule::glob("tests/")]);
    assert_eq!(m.match_tree(&b), Ok(TreeView::Unpruned));
    let mut pruned = Synth::new();
    let a = pruned.dist("alpha", "1.0", &[]);
    pruned
        .file("alpha/__init__.py", 100, Some(a))
        .file("alpha/core.pyi", 20, Some(a));
    assert_eq!(
        m.match_tree(&pruned.build(Target::default())),
        Ok(TreeView::Pruned)
    );
    let changed = site(&[("alpha/extra.py", 1)]).build(Target::default());
    assert!(matches!(
        m.match_tree(&changed),
        Err(ManifestError::Mismatch { .. })
    ));
    let resized = site_sized(21, &[]).build(Target::default());
    assert!(
        m.match_tree(&resized).is_err(),
        "a changed size is a different tree"
    );
}

#[test]
fn non_utf8_names_keep_their_exact_bytes() {
    let (_, mut m) = manifest_of(&site(&[]), vec![Rule::glob("tests/")]);
    m.excluded[0].path_hex = Some(fingerprint::to_hex(b"caf\xe9/tests"));
    assert_eq!(m.excluded[0].raw_path(), b"caf\xe9/tests");
    let script = String::from_utf8(render(&m, Format::Sh, None).unwrap()).unwrap();
    assert!(
        script.contains("heft_delete 'caf\\351/tests'\n"),
        "{script}"
    );
    assert!(render(&m, Format::Dockerfile, None).is_err());
}

#[test]
fn sh_quoting_survives_quotes_and_newlines() {
    assert_eq!(sh_quote(b"a b"), b"'a b'");
    assert_eq!(sh_quote(b"it's"), b"'it'\\''s'");
    assert_eq!(sh_quote(b"x\ny"), b"'x\ny'");
    assert_eq!(sh_quote(b"$(rm -rf /)"), b"'$(rm -rf /)'");
}

#[test]
fn the_sh_export_checks_every_root_then_deletes_each_path() {
    let (_, m) = manifest_of(&site(&[]), vec![Rule::glob("tests/")]);
    let text = String::from_utf8(render(&m, Format::Sh, None).unwrap()).unwrap();
    assert!(text.starts_with("#!/bin/sh\n"));
    assert!(text.contains("set -eu\n"));
    assert!(text.contains("unset CDPATH\n"));
    assert!(text.contains("  heft_marker 'alpha-1.0.dist-info/METADATA' 100\n"));
    assert!(text.contains("  heft_check 'alpha/tests' d\n"));
    assert!(text.contains("  heft_delete 'alpha/tests'\n"));
    let check = text.find("(heft_enter \"$1\"; heft_check_0)\n").unwrap();
    let delete = text.find("(heft_enter \"$1\"; heft_delete_0)\n").unwrap();
    assert!(check < delete, "every check runs before any deletion");
}

#[test]
fn zip_exclude_escapes_wildcards_and_spans_directories() {
    let s = site(&[("alpha/we*rd/x.py", 5), ("alpha/q?[1]\\.txt", 3)]);
    let (_, m) = manifest_of(
        &s,
        vec![Rule::path("alpha/we*rd", None), Rule::glob("*.txt")],
    );
    let text = String::from_utf8(render(&m, Format::ZipExclude, None).unwrap()).unwrap();
    assert_eq!(text, "alpha/q\\?\\[1]\\\\.txt\nalpha/we\\*rd/*\n");
}

#[test]
fn line_formats_refuse_newlines_in_names() {
    let s = site(&[("alpha/bad\nname.txt", 3)]);
    let (_, m) = manifest_of(&s, vec![Rule::glob("*.txt")]);
    for format in [
        Format::ZipExclude,
        Format::Dockerfile,
        Format::SlimPatterns,
        Format::Gitignore,
    ] {
        let err = render(&m, format, None).unwrap_err();
        assert!(
            matches!(err, ExportError::Unrepresentable { .. }),
            "{format:?}"
        );
    }
    assert!(render(&m, Format::Sh, None).is_ok(), "sh quotes newlines");
}

#[test]
fn gitignore_and_slim_patterns_escape_and_anchor() {
    let s = site(&[("alpha/a*b.txt", 3), ("alpha/it's.txt", 4)]);
    let (_, m) = manifest_of(&s, vec![Rule::glob("*.txt"), Rule::glob("tests/")]);
    let git = String::from_utf8(render(&m, Format::Gitignore, None).unwrap()).unwrap();
    assert!(git.contains("\n/alpha/a\\*b.txt\n"), "{git}");
    assert!(git.contains("\n/alpha/tests/\n"), "{git}");
    let yaml = String::from_utf8(render(&m, Format::SlimPatterns, None).unwrap()).unwrap();
    assert!(yaml.contains("      - 'alpha/a\\*b.txt'\n"), "{yaml}");
    assert!(yaml.contains("      - 'alpha/it''s.txt'\n"), "{yaml}");
    assert!(yaml.contains("slimPatternsAppendDefaults: false"));
    let docker = String::from_utf8(render(&m, Format::Dockerfile, None).unwrap()).unwrap();
    assert!(docker.contains("ARG HEFT_ROOT=/var/task"), "{docker}");
    assert!(
        docker.contains("heft_delete 'alpha/it\\047s.txt'"),
        "{docker}"
    );
}

#[test]
fn single_root_formats_ask_which_root() {
    let (_, mut m) = manifest_of(&site(&[]), vec![Rule::glob("tests/")]);
    m.roots.push(m.roots[0].clone());
    assert!(matches!(
        render(&m, Format::ZipExclude, None),
        Err(ExportError::NeedsRoot { count: 2, .. })
    ));
    assert!(render(&m, Format::ZipExclude, Some(1)).is_ok());
    assert_eq!(
        render(&m, Format::Gitignore, Some(5)),
        Err(ExportError::NoSuchRoot(5))
    );
}

mod injection;
