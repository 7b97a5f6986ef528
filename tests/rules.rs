//! Rules, presets, manifests, `heft check`, `heft export` and `heft prune` on disk fixtures.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use heft::bundle::Bundle;
use heft::exclusion::Exclusion;
use heft::load::{LoadOptions, load};
use heft::manifest::Manifest;
use heft::model::NodeId;
use heft::rules::Rule;
use heft::rules::strip::{StripCache, strip_savings};

use crate::fixture::{Fixture, apparent_sum, dist, write_file};

/// A Lambda layer directory (`python/` holds the packages) with something for every preset.
fn layer(root: &Path) {
    let site = root.join("python");
    dist("app", "1.0")
        .file("app/__init__.py", 100)
        .file("app/handler.py", 2000)
        .file("bin/app-cli", 150)
        .requires("kube>=1")
        .requires("numpy")
        .requires("pandas")
        .requires("boto3")
        .install(&site);
    write_file(&site.join("app/__pycache__/handler.cpython-312.pyc"), 900);
    write_file(&site.join("app/__pycache__/handler.cpython-311.pyc"), 800);
    dist("kube", "1.0")
        .file("kube/__init__.py", 300)
        .file("kube/client/api.py", 40_000)
        .file("kube/test/test_api.py", 3000)
        .file("kube/docs/index.md", 500)
        .requires("oauth")
        .install(&site);
    dist("oauth", "1.0")
        .file("oauth/__init__.py", 700)
        .install(&site);
    dist("numpy", "2.0")
        .file("numpy/__init__.py", 1000)
        .file("numpy/__init__.pyi", 250)
        .file("numpy/testing/__init__.py", 300)
        .file("numpy/testing/utils.py", 2000)
        .file("numpy/testing/tests/test_utils.py", 800)
        .file("numpy/tests/test_x.py", 1200)
        .file("numpy/_core/include/numpy/npy.h", 400)
        .file("numpy/_core/src.c", 600)
        .install(&site);
    fs::write(
        site.join("numpy/_core/_multiarray.so"),
        tiny_elf(4000, 1500),
    )
    .unwrap();
    fs::create_dir_all(site.join("numpy.libs")).unwrap();
    fs::write(
        site.join("numpy.libs/libopenblas.so.0"),
        tiny_elf(3000, 1000),
    )
    .unwrap();
    dist("pandas", "2.2")
        .file("pandas/__init__.py", 900)
        .file("pandas/testing.py", 100)
        .file("pandas/_testing/__init__.py", 700)
        .file("pandas/tests/test_frame.py", 5000)
        .requires("numpy")
        .install(&site);
    dist("botocore", "1.35")
        .file("botocore/__init__.py", 500)
        .file("botocore/data/endpoints.json", 700)
        .file("botocore/data/s3/2006-03-01/service-2.json.gz", 9000)
        .file("botocore/data/ec2/2016-11-15/service-2.json.gz", 20_000)
        .file("botocore/docs/__init__.py", 100)
        .install(&site);
    dist("boto3", "1.35")
        .file("boto3/__init__.py", 300)
        .requires("botocore")
        .requires("s3transfer")
        .install(&site);
    dist("s3transfer", "0.10")
        .file("s3transfer/__init__.py", 400)
        .requires("botocore")
        .install(&site);
}

/// A minimal ELF64 file: header, `symtab` and `strtab` bytes of section data, and four
/// section headers (null, `.symtab`, `.strtab`, `.shstrtab`).
fn tiny_elf(symtab: usize, strtab: usize) -> Vec<u8> {
    let names = b"\0.symtab\0.strtab\0.shstrtab\0";
    let data_at = 64;
    let names_at = data_at + symtab + strtab;
    let sh_at = names_at + names.len();
    let mut f = vec![0u8; sh_at];
    f[..4].copy_from_slice(b"\x7fELF");
    f[4] = 2; // 64-bit
    f[5] = 1; // little endian
    f[6] = 1; // version
    f[16..18].copy_from_slice(&3u16.to_le_bytes()); // ET_DYN
    f[18..20].copy_from_slice(&62u16.to_le_bytes()); // x86-64
    f[20..24].copy_from_slice(&1u32.to_le_bytes());
    f[40..48].copy_from_slice(&(sh_at as u64).to_le_bytes());
    f[52..54].copy_from_slice(&64u16.to_le_bytes()); // ehsize
    f[58..60].copy_from_slice(&64u16.to_le_bytes()); // shentsize
    f[60..62].copy_from_slice(&4u16.to_le_bytes()); // shnum
    f[62..64].copy_from_slice(&3u16.to_le_bytes()); // shstrndx
    f[names_at..].copy_from_slice(names);
    let section = |name: u32, kind: u32, offset: usize, size: usize| {
        let mut h = vec![0u8; 64];
        h[0..4].copy_from_slice(&name.to_le_bytes());
        h[4..8].copy_from_slice(&kind.to_le_bytes());
        h[24..32].copy_from_slice(&(offset as u64).to_le_bytes());
        h[32..40].copy_from_slice(&(size as u64).to_le_bytes());
        h
    };
    f.extend(vec![0u8; 64]);
    f.extend(section(1, 2, data_at, symtab)); // SHT_SYMTAB
    f.extend(section(9, 3, data_at + symtab, strtab)); // SHT_STRTAB
    f.extend(section(17, 3, names_at, names.len()));
    f
}

fn scan(path: &Path) -> Bundle {
    load(&[path.to_path_buf()], &LoadOptions::default(), &mut |_| {}).expect("load")
}

fn node(b: &Bundle, rel: &str) -> NodeId {
    b.tree
        .resolve(b.roots[0].node, rel.as_bytes())
        .unwrap_or_else(|| panic!("no {rel}"))
}

fn heft() -> Command {
    Command::cargo_bin("heft").unwrap()
}

fn built_layer(fx: &Fixture, name: &str) -> PathBuf {
    let root = fx.dir(name);
    layer(&root);
    root
}

#[test]
fn every_preset_excludes_what_domain_md_says_and_no_more() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let b = scan(&root);
    let p = |s: &str| format!("python/{s}");
    let table: &[(&str, &[&str], &[&str])] = &[
        (
            "tests-dirs",
            &[
                "kube/test",
                "numpy/tests",
                "numpy/testing/tests",
                "pandas/tests",
            ],
            &[
                "numpy/testing",
                "numpy/testing/utils.py",
                "pandas/_testing",
                "pandas/testing.py",
            ],
        ),
        (
            "type-stubs",
            &["numpy/__init__.pyi"],
            &["numpy/__init__.py"],
        ),
        (
            "c-sources",
            &["numpy/_core/include", "numpy/_core/src.c"],
            &["numpy/_core/_multiarray.so"],
        ),
        ("bin-scripts", &["bin"], &["app"]),
        ("docs-examples", &["kube/docs"], &["botocore/docs"]),
        ("pycache", &["app/__pycache__"], &["app/handler.py"]),
        (
            "pyc-other-python",
            &["app/__pycache__/handler.cpython-311.pyc"],
            &["app/__pycache__/handler.cpython-312.pyc"],
        ),
        (
            "dist-info",
            &[
                "app-1.0.dist-info",
                "kube-1.0.dist-info",
                "oauth-1.0.dist-info",
                "numpy-2.0.dist-info",
                "pandas-2.2.dist-info",
                "botocore-1.35.dist-info",
                "boto3-1.35.dist-info",
                "s3transfer-0.10.dist-info",
            ],
            &["numpy"],
        ),
        (
            "botocore-data",
            &["botocore/data/ec2"],
            &["botocore/data/s3", "botocore/data/endpoints.json"],
        ),
        (
            "runtime-provided",
            &[
                "boto3",
                "botocore",
                "s3transfer",
                "boto3-1.35.dist-info",
                "botocore-1.35.dist-info",
                "s3transfer-0.10.dist-info",
            ],
            &["numpy"],
        ),
        ("strip-so", &[], &["numpy/_core/_multiarray.so"]),
    ];
    for (preset, gone, kept) in table {
        let mut ex = Exclusion::new(&b);
        ex.push_preset(&b, preset).unwrap();
        for g in *gone {
            assert!(ex.is_excluded(node(&b, &p(g))), "{preset}: {g} goes");
        }
        for k in *kept {
            assert!(!ex.is_excluded(node(&b, &p(k))), "{preset}: {k} stays");
        }
        let expected: u64 = gone
            .iter()
            .map(|g| b.tree.node(node(&b, &p(g))).total.bytes)
            .sum();
        assert_eq!(
            ex.totals(&b).excluded.bytes,
            expected,
            "{preset}: nothing else"
        );
    }
}

#[test]
fn strip_so_saves_symbol_tables_but_never_touches_libs_dirs() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let b = scan(&root);
    let savings = strip_savings(&b, &mut StripCache::default());
    assert_eq!(
        savings.get(node(&b, "python/numpy/_core/_multiarray.so")),
        Some(5500)
    );
    assert_eq!(
        savings.get(node(&b, "python/numpy.libs/libopenblas.so.0")),
        None
    );
    let mut ex = Exclusion::new(&b);
    ex.push_preset(&b, "strip-so").unwrap();
    ex.set_strip_savings(&b, savings);
    assert_eq!(ex.totals(&b).excluded.bytes, 5500);
    assert_eq!(ex.totals(&b).excluded.files, 0);
}

#[test]
fn globs_match_relative_to_the_site_and_to_the_root() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let b = scan(&root);
    let gone = |pattern: &str| {
        let ex = Exclusion::with_rules(&b, [Rule::glob(pattern)]).unwrap();
        let mut v: Vec<String> = b
            .tree
            .descendants(b.roots[0].node)
            .filter(|n| ex.is_excluded(*n) && b.tree.parent(*n).is_none_or(|p| !ex.is_excluded(p)))
            .map(|n| String::from_utf8_lossy(&b.tree.rel_path(b.roots[0].node, n)).into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(gone("numpy/testing/tests/"), ["python/numpy/testing/tests"]);
    assert_eq!(gone("python/numpy/tests/"), ["python/numpy/tests"]);
    assert_eq!(gone("/bin/"), ["python/bin"]);
    assert_eq!(gone("*.pyi"), ["python/numpy/__init__.pyi"]);
    assert_eq!(
        gone("botocore/data/*/"),
        ["python/botocore/data/ec2", "python/botocore/data/s3"]
    );
    assert_eq!(
        gone("numpy/*.py"),
        ["python/numpy/__init__.py"],
        "* stays in one directory"
    );
    assert_eq!(gone("**/testing/*.py").len(), 2);
    assert!(gone("testing.py").contains(&"python/pandas/testing.py".to_string()));
    assert!(gone("tests/").iter().all(|p| p.ends_with("/tests")));
}

#[test]
fn toggling_every_preset_off_gives_back_the_exact_scan_totals() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let b = scan(&root);
    let mut ex = Exclusion::new(&b);
    let totals = ex.totals(&b);
    for p in heft::rules::preset::presets() {
        ex.push_preset(&b, &p.name).unwrap();
    }
    ex.push(&b, Rule::dist("kube", true)).unwrap();
    assert!(ex.totals(&b).after.bytes < totals.before.bytes);
    for i in 0..ex.len() {
        ex.toggle(&b, i);
    }
    assert_eq!(ex.totals(&b), totals);
    for d in 0..b.dists.len() {
        let t = ex.dist_totals(&b, heft::model::DistId(d as u32));
        assert_eq!(t.after, t.before);
    }
}

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
    let out = heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&root)
        .arg("--apply")
        .assert()
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
    let out = heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&root)
        .arg("--apply")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_has(&out, "nothing to do");
}

/// Asserts that `out` (stdout or stderr bytes) contains `needle`.
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
    let out = heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&root)
        .arg("--apply")
        .assert()
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
    let out = heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&root)
        .arg("--apply")
        .assert()
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
    let out = heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&other)
        .arg("--apply")
        .assert()
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
