//! `heft report`: scanning, attribution, the graph and the JSON contract on fixtures.

use std::fs;
use std::path::{Path, PathBuf};

use heft::bundle::{Bundle, Target};
use heft::deps::TopLevel;
use heft::load::{LoadOptions, load};
use heft::report::Report;

use crate::fixture::{Fixture, apparent_sum, dist, write_file};

fn scan(paths: &[PathBuf]) -> Bundle {
    load(paths, &LoadOptions::default(), &mut |_| {}).expect("load")
}

fn report_of(path: &Path) -> Report {
    Report::new(&scan(&[path.to_path_buf()]))
}

fn dist_bytes(r: &Report, key: &str) -> u64 {
    r.distributions
        .iter()
        .find(|d| d.key == key)
        .map_or(0, |d| d.bytes)
}

/// A small chromadb-like site: app -> onnx -> numpy, app -> numpy, a namespace dir.
fn sample_site(site: &Path) -> (u64, u64, u64) {
    let app = dist("chroma-app", "1.0")
        .file("chroma_app/__init__.py", 1200)
        .file("chroma_app/core.py", 30_000)
        .requires("onnx-rt>=1.14")
        .requires("NumPy (>=1.22)")
        .requires("pywin32>=226; sys_platform == \"win32\"")
        .install(site);
    let onnx = dist("onnx_rt", "1.18.0")
        .file("onnx_rt/__init__.py", 500)
        .file("onnx_rt/capi/lib.so", 250_000)
        .requires("numpy>=1.21")
        .install(site);
    let numpy = dist("numpy", "2.0.1")
        .file("numpy/__init__.py", 4000)
        .file("numpy/core/multiarray.so", 90_000)
        .install(site);
    (app, onnx, numpy)
}

#[test]
fn totals_equal_the_apparent_sum_of_every_file() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    sample_site(&site);
    write_file(&site.join("loose.py"), 77);
    let r = report_of(&site);
    let (files, bytes) = apparent_sum(&site);
    assert_eq!(r.totals.files, files);
    assert_eq!(r.totals.bytes, bytes);
    assert_eq!(r.roots[0].bytes, bytes);
}

#[test]
fn every_file_a_record_lists_belongs_to_its_distribution() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    let (app, onnx, numpy) = sample_site(&site);
    let r = report_of(&site);
    assert_eq!(dist_bytes(&r, "chroma-app"), app);
    assert_eq!(dist_bytes(&r, "onnx-rt"), onnx);
    assert_eq!(dist_bytes(&r, "numpy"), numpy);
    assert_eq!(r.unowned.files, 0, "every file is in some RECORD");
    assert_eq!(
        r.distributions[0].key, "onnx-rt",
        "sorted by bytes, largest first"
    );
}

#[test]
fn names_are_joined_normalised_and_displayed_as_spelled() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    sample_site(&site);
    let r = report_of(&site);
    let app = r
        .distributions
        .iter()
        .find(|d| d.key == "chroma-app")
        .expect("app");
    assert_eq!(app.name, "chroma-app");
    assert_eq!(
        app.requires,
        vec!["numpy", "onnx-rt"],
        "NumPy (>=1.22) joins numpy"
    );
    let onnx = r
        .distributions
        .iter()
        .find(|d| d.key == "onnx-rt")
        .expect("onnx");
    assert_eq!(onnx.name, "onnx_rt");
    assert_eq!(onnx.required_by, vec!["chroma-app"]);
    assert!(app.is_root && !onnx.is_root);
}

#[test]
fn a_marker_for_another_platform_is_neither_an_edge_nor_missing() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    sample_site(&site);
    let r = report_of(&site);
    assert!(
        r.missing.iter().all(|m| m.name != "pywin32"),
        "win32-only requirement is inactive on Lambda"
    );
}

#[test]
fn missing_requirements_are_listed_with_who_asked() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("app", "1")
        .file("app.py", 10)
        .requires("requests>=2")
        .install(&site);
    let r = report_of(&site);
    assert_eq!(r.missing.len(), 1);
    assert_eq!(r.missing[0].name, "requests");
    assert_eq!(r.missing[0].required_by, "app");
}

#[test]
fn an_extra_is_active_only_where_a_dependent_asked_for_it() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("app", "1")
        .file("app.py", 10)
        .requires("lib[fast]>=1")
        .install(&site);
    dist("lib", "1")
        .extra("fast")
        .extra("slow")
        .file("lib.py", 10)
        .requires("speedups; extra == \"fast\"")
        .requires("tortoise; extra == 'slow'")
        .install(&site);
    dist("speedups", "1")
        .file("speedups.py", 10)
        .requires("deep[x]")
        .install(&site);
    dist("deep", "1")
        .extra("x")
        .file("deep.py", 10)
        .requires("deeper; extra == \"x\"")
        .install(&site);
    dist("deeper", "1").file("deeper.py", 10).install(&site);
    dist("tortoise", "1").file("tortoise.py", 10).install(&site);
    let r = report_of(&site);
    let get = |k: &str| {
        r.distributions
            .iter()
            .find(|d| d.key == k)
            .expect(k)
            .clone()
    };
    assert_eq!(
        get("lib").requires,
        vec!["speedups"],
        "extra fast asked for, slow not"
    );
    assert_eq!(
        get("deep").requires,
        vec!["deeper"],
        "extras propagate to a fixed point"
    );
    assert!(
        get("tortoise").is_root,
        "nothing asked for lib[slow], so tortoise is top level"
    );
}

#[test]
fn namespace_directories_are_split_per_file_between_distributions() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    let a = dist("google-auth", "2")
        .file("google/auth/__init__.py", 300)
        .install(&site);
    let b = dist("googleapis-common-protos", "1")
        .file("google/api/http.py", 700)
        .install(&site);
    let r = report_of(&site);
    assert_eq!(dist_bytes(&r, "google-auth"), a);
    assert_eq!(dist_bytes(&r, "googleapis-common-protos"), b);
}

#[test]
fn pip_target_console_scripts_under_dotdot_bin_resolve_to_bin() {
    let fx = Fixture::new();
    let site = fx.dir("build");
    write_file(&site.join("bin/tool"), 222);
    let owned = dist("tool", "1")
        .file("tool.py", 10)
        .record_row("../../bin/tool,sha256=x,222")
        .install(&site);
    let r = report_of(&site);
    assert_eq!(dist_bytes(&r, "tool"), owned + 222);
    assert_eq!(r.distributions[0].missing_files, 0);
}

#[test]
fn record_rows_pointing_at_nothing_are_counted() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("a", "1")
        .file("a.py", 10)
        .record_row("a/gone.py,sha256=x,5")
        .record_row("\"a/with,comma.py\",,")
        .install(&site);
    let r = report_of(&site);
    assert_eq!(r.distributions[0].missing_files, 2);
}

#[test]
fn pycache_written_after_install_is_unowned() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("a", "1").file("a/__init__.py", 10).install(&site);
    write_file(&site.join("a/__pycache__/__init__.cpython-312.pyc"), 321);
    let r = report_of(&site);
    assert_eq!(r.unowned.files, 1);
    assert_eq!(r.unowned.bytes, 321);
}

#[test]
fn a_layer_directory_uses_python_lib_site_packages() {
    let fx = Fixture::new();
    let site = fx.dir("layer/python/lib/python3.12/site-packages");
    let bytes = dist("a", "1").file("a.py", 100).install(&site);
    let r = report_of(&fx.path().join("layer"));
    assert_eq!(
        r.roots[0].sites,
        vec!["python/lib/python3.12/site-packages"]
    );
    assert_eq!(dist_bytes(&r, "a"), bytes);
}

#[test]
fn a_layer_directory_uses_python_when_packages_sit_there() {
    let fx = Fixture::new();
    let site = fx.dir("layer/python");
    let bytes = dist("a", "1").file("a.py", 100).install(&site);
    let r = report_of(&fx.path().join("layer"));
    assert_eq!(r.roots[0].sites, vec!["python"]);
    assert_eq!(dist_bytes(&r, "a"), bytes);
}

#[test]
fn egg_info_installs_are_attributed_and_marked_approximate() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    write_file(&site.join("old/__init__.py"), 400);
    let egg = site.join("old-1.0-py3.12.egg-info");
    fs::create_dir_all(&egg).unwrap();
    fs::write(
        egg.join("PKG-INFO"),
        "Metadata-Version: 1.1\nName: old\nVersion: 1.0\n",
    )
    .unwrap();
    fs::write(
        egg.join("installed-files.txt"),
        "../old/__init__.py\nPKG-INFO\n",
    )
    .unwrap();
    fs::write(egg.join("requires.txt"), "six\n\n[extra]\nnever\n").unwrap();
    let r = report_of(&site);
    let old = r
        .distributions
        .iter()
        .find(|d| d.key == "old")
        .expect("old");
    assert!(old.approximate);
    assert_eq!(
        old.files, 4,
        "its module plus the three files of the egg-info dir"
    );
    assert_eq!(r.missing.len(), 1, "six is required, the extra is not");
}

#[test]
fn requirements_file_names_become_the_roots() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    sample_site(&site);
    let opts = LoadOptions {
        target: Target::default(),
        top_level: Some(vec![TopLevel {
            key: "onnx-rt".into(),
            extras: vec![],
        }]),
    };
    let b = load(&[site], &opts, &mut |_| {}).unwrap();
    let r = Report::new(&b);
    let roots: Vec<&str> = r
        .distributions
        .iter()
        .filter(|d| d.is_root)
        .map(|d| d.key.as_str())
        .collect();
    assert!(roots.contains(&"onnx-rt"));
    assert!(
        roots.contains(&"chroma-app"),
        "an unreachable install still gets a root"
    );
}

#[cfg(unix)]
#[test]
fn hard_links_count_per_path_in_bytes_and_once_on_disk() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    write_file(&site.join("a.bin"), 10_000);
    fs::hard_link(site.join("a.bin"), site.join("b.bin")).unwrap();
    let r = report_of(&site);
    assert_eq!(r.totals.bytes, 20_000, "a zip stores both paths");
    let one = fs::metadata(site.join("a.bin"))
        .map(|m| std::os::unix::fs::MetadataExt::blocks(&m) * 512)
        .unwrap();
    let dir = fs::metadata(&site)
        .map(|m| std::os::unix::fs::MetadataExt::blocks(&m) * 512)
        .unwrap();
    assert_eq!(r.totals.disk_bytes, one + dir, "du counts the inode once");
}

#[cfg(unix)]
#[test]
fn symlinks_are_counted_with_their_own_size_and_never_followed() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    write_file(&fx.path().join("outside/big.bin"), 50_000);
    std::os::unix::fs::symlink(fx.path().join("outside"), site.join("link")).unwrap();
    std::os::unix::fs::symlink("link", site.join("loop")).unwrap();
    let r = report_of(&site);
    let (files, bytes) = apparent_sum(&site);
    assert_eq!((r.totals.files, r.totals.bytes), (files, bytes));
    assert!(
        r.totals.bytes < 1000,
        "the 50 kB behind the link is not counted"
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_names_survive_and_are_counted() {
    use std::os::unix::ffi::OsStrExt;
    let fx = Fixture::new();
    let site = fx.dir("site");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    write_file(&site.join(name), 123);
    let b = scan(std::slice::from_ref(&site));
    let found = b
        .tree
        .descendants(b.top)
        .find(|id| b.tree.name(*id) == b"caf\xe9.py");
    let id = found.expect("raw name kept");
    assert_eq!(
        b.tree.path(id),
        site.join(name),
        "the path round-trips to the same bytes"
    );
    assert_eq!(b.totals().bytes, 123);
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_reported_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let site = fx.dir("site");
    write_file(&site.join("ok.py"), 10);
    let locked = fx.dir("site/locked/deeper");
    write_file(&locked.join("x.py"), 10);
    fs::set_permissions(site.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(site.join("locked")).is_ok() {
        fs::set_permissions(site.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: running as root, permissions are not enforced");
        return;
    }
    let r = report_of(&site);
    fs::set_permissions(site.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].path.ends_with("locked"));
    assert_eq!(r.totals.bytes, 10);
}

#[test]
fn report_json_parses_back_into_the_contract_types() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    sample_site(&site);
    let out = crate::rules::succeeded(crate::rules::heft().arg("report").arg(&site).arg("--json"));
    let r: Report = serde_json::from_slice(&out.stdout).expect("heft.report/1");
    assert_eq!(r.schema, "heft.report/1");
    assert_eq!(r.target.python, "3.12");
    assert_eq!(r.roots[0].kind, "site-packages");
    assert_eq!(r.totals.bytes, apparent_sum(&site).1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "name",
        "key",
        "version",
        "files",
        "bytes",
        "requires",
        "required_by",
        "is_root",
    ] {
        assert!(
            v["distributions"][0].get(key).is_some(),
            "distributions[].{key} is in the contract"
        );
    }
}

#[test]
fn report_of_a_missing_path_exits_2_with_the_path() {
    let out = crate::rules::heft()
        .args(["report", "/no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/dir"));
}

#[test]
fn the_target_python_and_arch_decide_which_markers_hold() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("app", "1")
        .file("app.py", 10)
        .requires("tomli>=1; python_version < \"3.11\"")
        .requires("graviton-only; platform_machine == 'aarch64'")
        .install(&site);
    let missing = |python: &str, machine: &str| {
        let target = Target {
            python: python.into(),
            platform: "linux".into(),
            machine: machine.into(),
        };
        let opts = LoadOptions {
            target,
            top_level: None,
        };
        let b = load(std::slice::from_ref(&site), &opts, &mut |_| {}).unwrap();
        let mut names: Vec<String> = Report::new(&b)
            .missing
            .into_iter()
            .map(|m| m.name)
            .collect();
        names.sort();
        names
    };
    assert!(
        missing("3.12", "x86_64").is_empty(),
        "the default Lambda target needs neither"
    );
    assert_eq!(
        missing("3.10", "x86_64"),
        vec!["tomli"],
        "--python 3.10 turns the tomli edge on"
    );
    assert_eq!(
        missing("3.12", "aarch64"),
        vec!["graviton-only"],
        "--arch aarch64 turns the arm edge on"
    );
}

#[test]
fn report_accepts_python_and_arch_flags() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("app", "1")
        .file("app.py", 10)
        .requires("tomli; python_version < '3.11'")
        .install(&site);
    let out = crate::rules::succeeded(
        crate::rules::heft()
            .args([
                "report",
                "--json",
                "--no-zip-estimate",
                "--python",
                "3.10",
                "--arch",
                "aarch64",
            ])
            .arg(&site),
    );
    let r: Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (r.target.python.as_str(), r.target.machine.as_str()),
        ("3.10", "aarch64")
    );
    assert_eq!(r.missing.len(), 1);
}
