//! Rules and presets on a disk fixture: what each preset takes, glob semantics, strip
//! savings and toggling back to the exact scan.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use heft::bundle::Bundle;
use heft::exclusion::Exclusion;
use heft::load::{LoadOptions, load};
use heft::model::NodeId;
use heft::rules::Rule;
use heft::rules::strip::{StripCache, strip_savings};

use crate::fixture::{Fixture, dist, write_file};

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
pub fn tiny_elf(symtab: usize, strtab: usize) -> Vec<u8> {
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

/// The heft binary under test, with its caches (zipped sizes, import graphs) in a directory
/// of the test build instead of the user's `~/.cache/heft`.
pub fn heft() -> Command {
    let mut c = Command::cargo_bin("heft").unwrap();
    c.env("XDG_CACHE_HOME", test_cache_home());
    c
}

/// Where commands run by the tests keep their caches (never the user's own).
pub fn test_cache_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("xdg-cache")
}

/// Runs `cmd` and returns its output, failing the test with its stderr unless it succeeded.
pub fn succeeded(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The sample layer built under `fx/name`.
pub fn built_layer(fx: &Fixture, name: &str) -> PathBuf {
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
