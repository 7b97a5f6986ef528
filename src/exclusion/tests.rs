#![allow(clippy::many_single_char_names)]

use super::*;
use crate::bundle::Target;
use crate::model::NodeKind;
use crate::rules::Safety;
use crate::synthetic::Synth;

/// A small Lambda-like site: app needs kubernetes, requests, pandas; kubernetes alone
/// needs oauthlib; boto3 -> botocore, s3transfer.
fn sample() -> Bundle {
    let mut s = Synth::new();
    let app = s.dist("app", "1.0", &["kubernetes", "requests", "pandas", "boto3"]);
    s.file("app/__init__.py", 100, Some(app))
        .file("app/core.py", 1000, Some(app))
        .file("app/__pycache__/core.cpython-312.pyc", 500, None)
        .file("app/__pycache__/core.cpython-311.pyc", 400, None);
    let k = s.dist("kubernetes", "30.1", &["oauthlib", "urllib3", "six"]);
    s.file("kubernetes/__init__.py", 200, Some(k))
        .file("kubernetes/client/api.py", 50_000, Some(k))
        .file(
            "kubernetes/client/__pycache__/api.cpython-312.pyc",
            20_000,
            None,
        )
        .file("kubernetes/test/test_x.py", 3000, Some(k))
        .file("kubernetes/docs/README.md", 600, Some(k))
        .file("bin/kube-script", 150, Some(k));
    let o = s.dist("oauthlib", "3.2", &[]);
    s.file("oauthlib/__init__.py", 700, Some(o));
    let u = s.dist("urllib3", "2.2", &[]);
    s.file("urllib3/__init__.py", 900, Some(u));
    let six = s.dist("six", "1.16", &[]);
    s.file("six.py", 100, Some(six))
        .file("__pycache__/six.cpython-312.pyc", 80, None);
    let r = s.dist("requests", "2.32", &["urllib3"]);
    s.file("requests/__init__.py", 600, Some(r));
    let n = s.dist("numpy", "2.0", &[]);
    s.file("numpy/__init__.py", 1000, Some(n))
        .file("numpy/__init__.pyi", 200, Some(n))
        .file("numpy/testing/__init__.py", 300, Some(n))
        .file("numpy/testing/utils.py", 2000, Some(n))
        .file("numpy/testing/tests/test_utils.py", 800, Some(n))
        .file("numpy/tests/test_a.py", 1200, Some(n))
        .file(
            "numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so",
            90_000,
            Some(n),
        )
        .file("numpy/core/include/numpy/arrayobject.h", 400, Some(n))
        .file("numpy.libs/libopenblas.so.0", 30_000, Some(n));
    let p = s.dist("pandas", "2.2", &["numpy"]);
    s.file("pandas/__init__.py", 900, Some(p))
        .file("pandas/testing.py", 100, Some(p))
        .file("pandas/_testing/__init__.py", 700, Some(p))
        .file("pandas/tests/frame/test_f.py", 5000, Some(p))
        .file("pandas/_libs/x.pyx", 300, Some(p))
        .file("pandas/_libs/x.c", 3000, Some(p));
    let bc = s.dist("botocore", "1.35", &["urllib3"]);
    s.file("botocore/__init__.py", 500, Some(bc))
        .file("botocore/data/endpoints.json", 700, Some(bc))
        .file("botocore/data/s3/2006-03-01/service-2.json", 9000, Some(bc))
        .file(
            "botocore/data/ec2/2016-11-15/service-2.json",
            20_000,
            Some(bc),
        )
        .file("botocore/docs/__init__.py", 100, Some(bc));
    let b3 = s.dist("boto3", "1.35", &["botocore", "s3transfer"]);
    s.file("boto3/__init__.py", 300, Some(b3))
        .file("boto3/docs/x.py", 100, Some(b3));
    let st = s.dist("s3transfer", "0.10", &["botocore"]);
    s.file("s3transfer/__init__.py", 400, Some(st));
    s.empty_dir("emptypkg");
    s.build(Target::default())
}

fn node(b: &Bundle, rel: &str) -> NodeId {
    b.tree
        .resolve(b.roots[0].node, rel.as_bytes())
        .unwrap_or_else(|| panic!("no node {rel}"))
}

fn preset(b: &Bundle, name: &str) -> Exclusion {
    let mut ex = Exclusion::new(b);
    ex.push_preset(b, name).unwrap();
    ex
}

/// Everything observable about an evaluation, for comparing two of them.
fn snapshot(b: &Bundle, ex: &Exclusion) -> Vec<String> {
    let mut out = Vec::new();
    for id in b.tree.descendants(b.top) {
        out.push(format!(
            "{id:?} {} {:?} {:?} {:?}",
            ex.is_excluded(id),
            ex.excluded_by(id),
            ex.decided_by(id),
            ex.excluded(id)
        ));
    }
    for d in 0..b.dists.len() {
        out.push(format!("{:?}", ex.dist_totals(b, DistId(d as u32))));
    }
    for i in 0..ex.len() {
        out.push(format!("rule {i} {:?}", ex.saving(i)));
    }
    out
}

/// A fresh evaluation of the same rules and enabled flags.
fn fresh(b: &Bundle, ex: &Exclusion) -> Exclusion {
    let mut f = Exclusion::with_rules(b, ex.rules().cloned()).unwrap();
    for i in 0..ex.len() {
        f.set_enabled(b, i, ex.is_enabled(i));
    }
    f
}

mod incremental;

#[test]
fn excluding_a_dir_excludes_its_children_and_rolls_up() {
    let b = sample();
    let ex = Exclusion::with_rules(&b, [Rule::path("kubernetes/client", None)]).unwrap();
    let client = node(&b, "kubernetes/client");
    assert!(ex.is_excluded(client));
    assert!(ex.is_excluded(node(&b, "kubernetes/client/api.py")));
    assert!(!ex.is_excluded(node(&b, "kubernetes")));
    assert_eq!(ex.excluded(client).bytes, 70_000);
    assert_eq!(ex.totals(&b).excluded.bytes, 70_000);
    assert_eq!(ex.totals(&b).after.bytes, b.totals().bytes - 70_000);
    let k = b.dist_by_key("kubernetes").unwrap();
    assert_eq!(
        ex.dist_totals(&b, k).excluded.bytes,
        50_000,
        "the pyc is unowned"
    );
    assert_eq!(ex.saving(0).bytes, 70_000);
}

#[test]
fn toggling_a_rule_twice_gives_back_the_exact_original_totals() {
    let b = sample();
    let mut ex = Exclusion::new(&b);
    let before = snapshot(&b, &ex);
    let totals = ex.totals(&b);
    ex.push_preset(&b, "tests-dirs").unwrap();
    ex.push(&b, Rule::dist("kubernetes", true)).unwrap();
    assert_ne!(ex.totals(&b), totals);
    for i in 0..ex.len() {
        ex.toggle(&b, i);
    }
    assert_eq!(ex.totals(&b), totals, "every rule off");
    while !ex.is_empty() {
        ex.remove(&b, 0);
    }
    assert_eq!(snapshot(&b, &ex), before, "every rule removed");
}

#[test]
fn incremental_changes_match_a_fresh_evaluation() {
    let b = sample();
    let mut ex = Exclusion::new(&b);
    ex.push_preset(&b, "tests-dirs").unwrap();
    ex.push(&b, Rule::dist("kubernetes", true)).unwrap();
    ex.push(
        &b,
        Rule::new(RuleKind::Keep, "numpy/", Safety::Safe, "keep"),
    )
    .unwrap();
    ex.push(&b, Rule::glob("*.py")).unwrap();
    ex.push_preset(&b, "botocore-data").unwrap();
    ex.push(&b, Rule::path("kubernetes", None)).unwrap();
    let mut x: u64 = 7;
    for step in 0..200 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let i = (x >> 33) as usize % ex.len();
        let j = (x >> 13) as usize % ex.len();
        if step % 3 == 0 {
            ex.move_rule(&b, i, j);
        } else {
            ex.toggle(&b, i);
        }
        assert_eq!(
            snapshot(&b, &ex),
            snapshot(&b, &fresh(&b, &ex)),
            "step {step}"
        );
    }
}

#[test]
fn the_first_matching_rule_wins() {
    let b = sample();
    let keep = Rule::new(RuleKind::Keep, "numpy/tests/", Safety::Safe, "keep");
    let mut ex = Exclusion::with_rules(&b, [keep, Rule::glob("tests/")]).unwrap();
    let tests = node(&b, "numpy/tests");
    assert!(!ex.is_excluded(tests));
    assert_eq!(ex.decided_by(tests), Some(0));
    assert!(ex.is_excluded(node(&b, "pandas/tests")));
    ex.move_rule(&b, 1, 0);
    assert!(ex.is_excluded(tests));
    assert_eq!(ex.excluded_by(tests), Some(0));
}

#[test]
fn a_directory_whose_files_are_all_excluded_is_excluded() {
    let b = sample();
    let ex = Exclusion::with_rules(&b, [Rule::glob("*.pyx"), Rule::glob("*.c")]).unwrap();
    let libs = node(&b, "pandas/_libs");
    assert!(
        ex.is_excluded(libs),
        "both files gone, so the directory goes"
    );
    assert_eq!(ex.excluded(libs).files, 2);
    assert!(!ex.is_excluded(node(&b, "pandas")));
}

#[test]
fn an_empty_directory_follows_its_deciding_rule() {
    let b = sample();
    let ex = Exclusion::with_rules(&b, [Rule::path("emptypkg", None)]).unwrap();
    let empty = node(&b, "emptypkg");
    assert_eq!(b.tree.node(empty).kind, NodeKind::Dir);
    assert!(ex.is_excluded(empty));
    assert_eq!(ex.totals(&b).excluded.files, 0);
}

#[test]
fn a_dist_rule_takes_its_directories_with_their_pycache() {
    let b = sample();
    let ex = Exclusion::with_rules(&b, [Rule::dist("kubernetes", false)]).unwrap();
    assert!(ex.is_excluded(node(&b, "kubernetes")));
    assert!(ex.is_excluded(node(&b, "kubernetes-30.1.dist-info")));
    assert!(
        ex.is_excluded(node(&b, "bin")),
        "bin/ holds only kubernetes' script"
    );
    assert!(!ex.is_excluded(node(&b, "oauthlib")), "not with_deps");
    let k = b.dist_by_key("kubernetes").unwrap();
    assert!(ex.is_dist_excluded(&b, k));
    assert_eq!(ex.totals(&b).excluded.bytes, b.dist(k).sizes.bytes + 20_000);
}

#[test]
fn dist_deps_adds_only_what_nothing_else_needs() {
    let b = sample();
    let ex = Exclusion::with_rules(&b, [Rule::dist("kubernetes", true)]).unwrap();
    let gone = |k: &str| ex.is_dist_excluded(&b, b.dist_by_key(k).unwrap());
    assert!(gone("kubernetes"));
    assert!(gone("oauthlib"));
    assert!(gone("six"), "only kubernetes needs six");
    assert!(ex.is_excluded(node(&b, "__pycache__/six.cpython-312.pyc")));
    assert!(!gone("urllib3"), "requests and botocore still need urllib3");
    let app = b.dist_by_key("app").unwrap();
    let k = b.dist_by_key("kubernetes").unwrap();
    assert_eq!(
        ex.warnings(&b),
        [Warning::RequiredByKept {
            dist: k,
            rule: Some(0),
            required_by: vec![app]
        }],
        "app still imports kubernetes; oauthlib and six lose only excluded requirers"
    );
}

#[test]
fn excluding_a_required_dist_names_who_requires_it() {
    let b = sample();
    let ex = Exclusion::with_rules(&b, [Rule::dist("urllib3", false)]).unwrap();
    let w = ex.warnings(&b);
    let Some(Warning::RequiredByKept {
        required_by, rule, ..
    }) = w.first()
    else {
        panic!("expected a RequiredByKept warning, got {w:?}");
    };
    let names: Vec<&str> = required_by
        .iter()
        .map(|d| b.dist(*d).key.as_str())
        .collect();
    assert_eq!(names, ["botocore", "kubernetes", "requests"]);
    assert_eq!(*rule, Some(0));
    assert!(w[0].message(&b, &ex).contains("still required by botocore"));
}

#[test]
fn excluding_numpy_testing_names_its_importers() {
    let b = sample();
    let ex = Exclusion::with_rules(&b, [Rule::glob("testing/")]).unwrap();
    let w = ex.warnings(&b);
    let found = w.iter().find_map(|w| match w {
        Warning::NeededAtRunTime {
            path,
            importers,
            dependents,
            ..
        } if path == "numpy/testing" => Some((importers.clone(), dependents.clone())),
        _ => None,
    });
    let (importers, dependents) = found.expect("numpy/testing warning");
    assert_eq!(importers, vec![b.dist_by_key("numpy").unwrap()]);
    assert_eq!(dependents, vec![b.dist_by_key("pandas").unwrap()]);
}

#[test]
fn the_tests_dirs_preset_never_touches_testing_dirs() {
    let b = sample();
    let ex = preset(&b, "tests-dirs");
    for kept in [
        "numpy/testing",
        "numpy/testing/utils.py",
        "pandas/_testing",
        "pandas/testing.py",
    ] {
        assert!(!ex.is_excluded(node(&b, kept)), "{kept} must stay");
    }
    for gone in [
        "numpy/tests",
        "numpy/testing/tests",
        "pandas/tests",
        "kubernetes/test",
    ] {
        assert!(ex.is_excluded(node(&b, gone)), "{gone} goes");
    }
    assert!(ex.warnings(&b).is_empty(), "{:?}", ex.warnings(&b));
    assert_eq!(ex.totals(&b).excluded.bytes, 800 + 1200 + 5000 + 3000);
}

#[test]
fn presets_exclude_what_they_say() {
    let b = sample();
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "type-stubs",
            &["numpy/__init__.pyi"],
            &["numpy/__init__.py"],
        ),
        (
            "c-sources",
            &["pandas/_libs", "numpy/core/include"],
            &["numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so"],
        ),
        ("bin-scripts", &["bin"], &["kubernetes"]),
        (
            "docs-examples",
            &["kubernetes/docs"],
            &["botocore/docs", "boto3/docs"],
        ),
        (
            "pycache",
            &["app/__pycache__", "__pycache__"],
            &["app/core.py"],
        ),
        (
            "pyc-other-python",
            &["app/__pycache__/core.cpython-311.pyc"],
            &["app/__pycache__/core.cpython-312.pyc"],
        ),
        ("dist-info", &["numpy-2.0.dist-info"], &["numpy"]),
        (
            "botocore-data",
            &["botocore/data/ec2"],
            &["botocore/data/s3", "botocore/data/endpoints.json"],
        ),
        (
            "runtime-provided",
            &["boto3", "botocore", "s3transfer"],
            &["urllib3"],
        ),
    ];
    for (name, gone, kept) in cases {
        let ex = preset(&b, name);
        for g in *gone {
            assert!(ex.is_excluded(node(&b, g)), "{name}: {g} goes");
        }
        for k in *kept {
            assert!(!ex.is_excluded(node(&b, k)), "{name}: {k} stays");
        }
    }
}

#[test]
fn a_breaks_preset_warns() {
    let b = sample();
    let ex = preset(&b, "dist-info");
    assert!(
        ex.warnings(&b)
            .iter()
            .any(|w| matches!(w, Warning::Breaks { .. }))
    );
}

#[test]
fn strip_savings_apply_to_kept_files_only() {
    let b = sample();
    let so = node(&b, "numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so");
    let mut ex = preset(&b, "strip-so");
    assert_eq!(
        ex.totals(&b).excluded,
        Sizes::default(),
        "no savings read yet"
    );
    ex.set_strip_savings(&b, StripSavings::from_pairs([(so, 9000)]));
    let t = ex.totals(&b);
    assert_eq!((t.excluded.files, t.excluded.bytes), (0, 9000));
    assert_eq!(ex.saving(0).bytes, 9000);
    assert!(!ex.is_excluded(so), "stripping keeps the file");
    ex.push(&b, Rule::dist("numpy", false)).unwrap();
    let numpy = b.dist_by_key("numpy").unwrap();
    assert_eq!(ex.totals(&b).excluded.bytes, b.dist(numpy).sizes.bytes);
    assert_eq!(
        ex.saving(0).bytes,
        0,
        "an excluded file has nothing to strip"
    );
}

#[test]
fn size_changes_keep_totals_right() {
    let mut b = sample();
    let mut ex = Exclusion::with_rules(&b, [Rule::path("kubernetes/client", None)]).unwrap();
    let api = node(&b, "kubernetes/client/api.py");
    let old_own = b.tree.node(api).own;
    b.tree.set_own_zipped(api, 123);
    b.tree.roll_up();
    ex.on_sizes_changed(&b, api, &old_own);
    let after_one = snapshot(&b, &ex);
    ex.recompute(&b);
    assert_eq!(after_one, snapshot(&b, &ex));
    assert_eq!(snapshot(&b, &ex), snapshot(&b, &fresh(&b, &ex)));
}

#[test]
fn a_directory_zipped_size_arriving_while_it_is_excluded_keeps_every_sum_right() {
    let mut b = sample();
    let mut ex = Exclusion::with_rules(&b, [Rule::path("kubernetes/client", None)]).unwrap();
    let client = node(&b, "kubernetes/client");
    let kube = node(&b, "kubernetes");
    for (dir, zipped) in [(client, 40), (kube, 30), (client, 7)] {
        let old_own = b.tree.node(dir).own;
        b.tree.set_own_zipped(dir, zipped);
        ex.on_sizes_changed(&b, dir, &old_own);
        assert_eq!(snapshot(&b, &ex), snapshot(&b, &fresh(&b, &ex)));
    }
}

#[test]
fn the_evaluation_state_of_a_node_stays_at_56_bytes() {
    // The explorer holds one per path: 200k paths, 11 MB.
    assert_eq!(std::mem::size_of::<super::eval::State>(), 56);
}

#[test]
fn candidates_predict_exactly_what_adding_them_saves() {
    let b = sample();
    let mut ex = Exclusion::new(&b);
    ex.push_preset(&b, "pycache").unwrap();
    let candidates = ex.candidates(&b, crate::limits::Counted::Unzipped);
    let labels: Vec<&str> = candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(labels.contains(&"preset tests-dirs"), "{labels:?}");
    assert!(
        labels.contains(&"dist kubernetes + deps only it needs (required by app)"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"preset pycache"), "already in use");
    for pair in candidates.windows(2) {
        assert!(
            pair[0].saving.bytes >= pair[1].saving.bytes,
            "largest first"
        );
    }
    for c in &candidates {
        let mut with = ex.clone();
        for r in &c.rules {
            with.push(&b, r.clone()).unwrap();
        }
        let gained = with.totals(&b).excluded.bytes - ex.totals(&b).excluded.bytes;
        assert_eq!(gained, c.saving.bytes, "{}", c.label);
    }
}
