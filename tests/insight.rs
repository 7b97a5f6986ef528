//! Dependency insight on fixtures: retained sizes equal real uninstalls, why paths,
//! heavy chains, runtime marks and `heft why --json`.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use heft::insight::{Insight, InsightOptions, WhyJson, why_paths};
use heft::load::{LoadOptions, load};
use heft::python::name::normalize;
use heft::report::Report;

use crate::fixture::{Fixture, apparent_sum, dist};

/// app -> onnx -> sympy -> mpmath, numpy shared by app, onnx and a second root, an
/// extra switched on, a cycle, and boto3 (which the Lambda runtime provides).
fn tangled_site(site: &Path) {
    dist("app", "1.0")
        .file("app/__init__.py", 2_000)
        .requires("onnx>=1.14")
        .requires("numpy")
        .requires("lib[fast]")
        .requires("cyc-a")
        .install(site);
    dist("onnx", "1.18.0")
        .file("onnx/capi.so", 300_000)
        .requires("sympy")
        .requires("numpy>=1.21")
        .install(site);
    dist("sympy", "1.13")
        .file("sympy/core.py", 700_000)
        .requires("mpmath<1.4")
        .install(site);
    dist("mpmath", "1.3")
        .file("mpmath/m.py", 40_000)
        .install(site);
    dist("numpy", "2.0")
        .file("numpy/core.so", 500_000)
        .install(site);
    dist("lib", "1")
        .extra("fast")
        .extra("docs")
        .file("lib.py", 1_000)
        .requires("speedup; extra == \"fast\"")
        .requires("sphinx-bits; extra == \"docs\"")
        .install(site);
    dist("speedup", "1")
        .file("speedup.so", 90_000)
        .install(site);
    dist("sphinx-bits", "1")
        .file("sphinx_bits.py", 3_000)
        .install(site);
    dist("cyc-a", "1")
        .file("cyc_a.py", 11_000)
        .requires("cyc-b")
        .install(site);
    dist("cyc-b", "1")
        .file("cyc_b.py", 13_000)
        .requires("cyc-a")
        .install(site);
    dist("tool", "1")
        .file("tool.py", 5_000)
        .requires("numpy")
        .requires("boto3")
        .install(site);
    dist("boto3", "1.35.0")
        .file("boto3/session.py", 60_000)
        .requires("botocore<1.36")
        .install(site);
    dist("botocore", "1.35.0")
        .file("botocore/data.json", 200_000)
        .install(site);
}

fn report_of(site: &Path) -> Report {
    Report::new(&load(&[site.to_path_buf()], &LoadOptions::default(), &mut |_| {}).unwrap())
}

/// What uninstalling `key` orphans, found independently from the report's edge lists.
fn orphans(r: &Report, key: &str) -> BTreeSet<String> {
    let requires: HashMap<&str, &Vec<String>> = r
        .distributions
        .iter()
        .map(|d| (d.key.as_str(), &d.requires))
        .collect();
    let reach = |skip: Option<&str>| {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<&str> = r
            .distributions
            .iter()
            .filter(|d| d.is_root && Some(d.key.as_str()) != skip)
            .map(|d| d.key.as_str())
            .collect();
        while let Some(k) = stack.pop() {
            if seen.insert(k.to_string()) {
                stack.extend(
                    requires[k]
                        .iter()
                        .map(String::as_str)
                        .filter(|x| Some(*x) != skip),
                );
            }
        }
        seen
    };
    let mut gone: BTreeSet<String> = reach(None).difference(&reach(Some(key))).cloned().collect();
    gone.insert(key.to_string());
    gone
}

/// Copies `from` to `to`, files and directories.
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Uninstalls the distributions `keys` from `site` as pip does: every RECORD row, then
/// the dist-info directory.
fn uninstall(site: &Path, keys: &BTreeSet<String>) {
    for entry in fs::read_dir(site).unwrap() {
        let info = entry.unwrap().path();
        if !info.to_string_lossy().ends_with(".dist-info") {
            continue;
        }
        let meta = fs::read_to_string(info.join("METADATA")).unwrap();
        let name = meta.lines().find_map(|l| l.strip_prefix("Name: ")).unwrap();
        if !keys.contains(&normalize(name)) {
            continue;
        }
        let record = fs::read_to_string(info.join("RECORD")).unwrap();
        for row in record.lines() {
            let rel = row.split(',').next().unwrap();
            let _ = fs::remove_file(site.join(rel));
        }
        fs::remove_dir_all(&info).unwrap();
    }
}

#[test]
fn retained_bytes_equal_what_a_real_uninstall_with_orphans_frees() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let r = report_of(&site);
    let (_, before) = apparent_sum(&site);
    for d in &r.distributions {
        let copy: PathBuf = fx.path().join(format!("copy-{}", d.key));
        copy_tree(&site, &copy);
        uninstall(&copy, &orphans(&r, &d.key));
        let (_, after) = apparent_sum(&copy);
        assert_eq!(
            d.retained_bytes,
            before - after,
            "{}: retained bytes are what uninstalling it and its orphans frees",
            d.key
        );
    }
}

#[test]
fn retained_shared_and_depth_on_the_tangled_site() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let r = report_of(&site);
    let get = |k: &str| r.distributions.iter().find(|d| d.key == k).unwrap().clone();
    let (onnx, sympy, mpmath, numpy) = (get("onnx"), get("sympy"), get("mpmath"), get("numpy"));
    assert_eq!(onnx.retained_bytes, onnx.bytes + sympy.bytes + mpmath.bytes);
    assert_eq!(
        onnx.shared_bytes, numpy.bytes,
        "numpy stays for app and tool"
    );
    assert_eq!(numpy.retained_bytes, numpy.bytes);
    assert_eq!(numpy.only_via, None, "two roots need numpy");
    assert_eq!(sympy.only_via.as_deref(), Some("onnx"));
    assert_eq!(
        (get("app").depth, onnx.depth, mpmath.depth),
        (Some(0), Some(1), Some(3))
    );
    let (a, b) = (get("cyc-a"), get("cyc-b"));
    assert_eq!(
        a.retained_bytes,
        a.bytes + b.bytes,
        "the cycle is counted once"
    );
    assert_eq!(b.retained_bytes, b.bytes);
    assert!(get("sphinx-bits").is_root, "nobody asked for lib[docs]");
    assert_eq!(
        get("lib").retained_bytes,
        get("lib").bytes + get("speedup").bytes
    );
}

#[test]
fn chains_in_the_report_are_root_first_and_sorted_by_retained_bytes() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let r = report_of(&site);
    let sympy = r.chains.iter().find(|c| c.target == "sympy").unwrap();
    assert_eq!(sympy.path, ["app", "onnx", "sympy"]);
    assert_eq!(sympy.only_via.as_deref(), Some("onnx"));
    let bytes: Vec<u64> = r.chains.iter().map(|c| c.retained_bytes).collect();
    assert!(
        bytes.windows(2).all(|w| w[0] >= w[1]),
        "heaviest first: {bytes:?}"
    );
    let total = r.totals.bytes;
    assert!(
        r.chains.iter().all(|c| c.retained_bytes * 50 >= total),
        "only distributions retaining at least 2%"
    );
    assert!(r.chains.iter().all(|c| c.path.last() == Some(&c.target)));
}

#[test]
fn the_runtime_provided_sdk_is_marked_but_kept() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let r = report_of(&site);
    let boto3 = r.distributions.iter().find(|d| d.key == "boto3").unwrap();
    assert!(boto3.runtime_provided);
    assert!(boto3.runtime_note.as_deref().unwrap().contains("1.35.0"));
    let rt = r.runtime.as_ref().unwrap();
    assert_eq!(rt.runtime, "python3.12");
    assert_eq!(rt.provided.len(), 2);
    let botocore = r
        .distributions
        .iter()
        .find(|d| d.key == "botocore")
        .unwrap();
    assert_eq!(rt.frees_bytes, boto3.bytes + botocore.bytes);
    assert_eq!(
        r.totals.bytes,
        apparent_sum(&site).1,
        "nothing is excluded by default"
    );
}

#[test]
fn why_paths_on_the_tangled_site_are_shortest_first_with_their_requirements() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let bundle = load(
        std::slice::from_ref(&site),
        &LoadOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let ins = Insight::compute(&bundle, &InsightOptions::default());
    let numpy = bundle.dist_by_key("numpy").unwrap();
    let why = WhyJson::new(&bundle, &ins, &why_paths(&bundle, numpy, 10));
    assert_eq!(
        why.paths,
        vec![
            vec!["app", "numpy"],
            vec!["tool", "numpy"],
            vec!["app", "onnx", "numpy"]
        ]
    );
    assert_eq!(why.edges[2][1].requirement, "numpy>=1.21");
    assert_eq!(why.total_paths, 3);
}

fn heft_why(args: &[&str]) -> std::process::Output {
    crate::rules::heft().arg("why").args(args).output().unwrap()
}

#[test]
fn heft_why_json_parses_back_with_every_path_to_the_target() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let out = heft_why(&["SymPy", site.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let why: WhyJson = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(why.target, "sympy");
    assert_eq!(why.paths, vec![vec!["app", "onnx", "sympy"]]);
    assert_eq!(why.edges[0][0].requirement, "onnx>=1.14");
    assert_eq!(why.only_via.as_deref(), Some("onnx"));
    assert!(why.complete);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["target"].is_string() && v["paths"][0][0].is_string(),
        "the contract's names"
    );
}

#[test]
fn heft_why_text_annotates_edges_and_counts_what_it_leaves_out() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let out = heft_why(&["numpy", site.to_str().unwrap(), "--max", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("app -> numpy  (numpy)"), "{text}");
    assert!(text.contains("... and 2 more"), "{text}");
}

#[test]
fn heft_why_of_an_unknown_name_exits_2_and_suggests_close_names() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    tangled_site(&site);
    let out = heft_why(&["simpy", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("simpy") && err.contains("sympy"), "{err}");
}
