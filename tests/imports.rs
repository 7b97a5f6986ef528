//! `heft imports`, module-level `heft why`, and the import-aware rules (`--entry`,
//! `--preset unreached`) through the binary.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use heft::imports::why::ModuleWhy;
use heft::imports::wire::ImportsJson;

use crate::fixture::{Fixture, dist};

/// A site: `app` imports `lib` at module scope and `lazy` in a function; `spare` is
/// installed because `app` requires it but nothing imports it; onnxruntime's tool imports sympy.
fn site(fx: &Fixture) -> std::path::PathBuf {
    let site = fx.dir("site");
    dist("app", "1.0")
        .file("app/__init__.py", 10)
        .file("app/data.json", 100)
        .requires("lib")
        .requires("lazy")
        .requires("spare")
        .requires("onnxruntime")
        .install(&site);
    dist("lib", "1.0")
        .file("lib/__init__.py", 10)
        .file("lib/tests/__init__.py", 500)
        .install(&site);
    dist("lazy", "1.0").file("lazy.py", 10).install(&site);
    dist("spare", "1.0")
        .file("spare/__init__.py", 3000)
        .install(&site);
    dist("onnxruntime", "1.0")
        .file("onnxruntime/__init__.py", 10)
        .file("onnxruntime/tools/__init__.py", 10)
        .file("onnxruntime/tools/symbolic_shape_infer.py", 10)
        .requires("sympy")
        .install(&site);
    dist("sympy", "1.0")
        .file("sympy/__init__.py", 4000)
        .install(&site);
    write(
        &site,
        "app/__init__.py",
        "import lib\n\ndef handler(event, context):\n    import lazy\n    importlib.import_module('onnxruntime')\n",
    );
    write(&site, "lib/__init__.py", "import json\n");
    write(
        &site,
        "onnxruntime/tools/symbolic_shape_infer.py",
        "import onnx\nimport sympy\n",
    );
    for f in [
        "lazy.py",
        "spare/__init__.py",
        "sympy/__init__.py",
        "onnxruntime/__init__.py",
        "onnxruntime/tools/__init__.py",
        "lib/tests/__init__.py",
    ] {
        write(&site, f, "x = 1\n");
    }
    site
}

/// `heft imports SITE --entry ENTRY --json`, parsed.
fn imports_json(site: &Path, entry: &str) -> ImportsJson {
    let out = heft(&[
        "imports",
        site.to_str().unwrap(),
        "--entry",
        entry,
        "--json",
    ]);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `heft imports SITE --entry app --json` with its caches under `cache`.
fn imports_cmd(site: &Path, cache: &Path) -> Command {
    let mut cmd = crate::rules::heft();
    cmd.args([
        "imports",
        site.to_str().unwrap(),
        "--entry",
        "app",
        "--json",
    ])
    .env("XDG_CACHE_HOME", cache);
    cmd
}

fn write(site: &Path, rel: &str, text: &str) {
    fs::write(site.join(rel), text).unwrap();
}

fn heft(args: &[&str]) -> std::process::Output {
    let out = crate::rules::heft()
        .args(args)
        .arg("--no-zip-estimate")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn commands_run_by_the_tests_keep_their_import_caches_out_of_the_users_home() {
    let fx = Fixture::new();
    let site = site(&fx);
    let home = fx.path().join("home");
    fs::create_dir(&home).unwrap();
    crate::rules::succeeded(
        crate::rules::heft()
            .args(["imports", site.to_str().unwrap(), "--entry", "app"])
            .env("HOME", &home),
    );
    assert!(
        !home.join(".cache").exists(),
        "the test helper names a cache directory of its own"
    );
    assert!(
        crate::rules::test_cache_home()
            .join("heft/imports")
            .is_dir()
    );
}

#[test]
fn heft_imports_json_gives_every_file_its_reach_with_edges_and_missing() {
    let fx = Fixture::new();
    let site = site(&fx);
    let doc = imports_json(&site, "app.handler");
    assert_eq!(doc.schema, "heft.imports/1");
    assert_eq!(doc.entries, ["app.handler"]);
    assert!(!doc.default_entries);
    let reach = |p: &str| {
        doc.files
            .iter()
            .find(|f| f.path == p)
            .map_or("absent", |f| f.reach.as_str())
    };
    assert_eq!(reach("app/__init__.py"), "reached");
    assert_eq!(reach("lib/__init__.py"), "reached");
    assert_eq!(reach("app/data.json"), "data");
    assert_eq!(reach("lazy.py"), "lazy");
    assert_eq!(reach("onnxruntime/__init__.py"), "lazy");
    assert_eq!(reach("spare/__init__.py"), "unreached");
    assert_eq!(reach("lib/tests/__init__.py"), "unreached");
    assert_eq!(reach("lib-1.0.dist-info/METADATA"), "data");
    assert_eq!(reach("spare-1.0.dist-info/METADATA"), "unreached");
    let spare = doc.distributions.iter().find(|d| d.key == "spare").unwrap();
    assert_eq!((spare.bytes.reached_bytes, spare.bytes.lazy_bytes), (0, 0));
    assert!(spare.bytes.unreached_bytes >= 6);
    let edge = doc.edges.iter().find(|e| e.to == "lib").unwrap();
    assert_eq!(
        (
            edge.from.as_str(),
            edge.kind.as_str(),
            edge.file.as_str(),
            edge.line
        ),
        ("app", "top", "app/__init__.py", 1)
    );
    let missing: Vec<&str> = doc.missing.iter().map(|m| m.module.as_str()).collect();
    assert_eq!(missing, ["onnx"], "json is stdlib, onnx is not installed");
    assert_eq!(
        doc.missing[0].imported_by,
        "onnxruntime/tools/symbolic_shape_infer.py"
    );
    assert!(doc.unparsed.is_empty());
}

#[test]
fn heft_imports_text_says_when_entries_are_the_default() {
    let fx = Fixture::new();
    let site = site(&fx);
    let out = heft(&["imports", site.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("entries: app (default: import names of the top-level distributions"),
        "{text}"
    );
}

#[test]
fn heft_why_sympy_names_the_tool_that_imports_it() {
    let fx = Fixture::new();
    let site = site(&fx);
    let out = heft(&["why", "sympy", site.to_str().unwrap(), "--entry", "app"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("onnxruntime/tools/symbolic_shape_infer.py:2  sympy (top)"),
        "{text}"
    );
    assert!(text.contains("sympy: unreached from app"), "{text}");
}

#[test]
fn heft_why_of_a_module_gives_the_chain_with_file_line_and_kind() {
    let fx = Fixture::new();
    let site = site(&fx);
    let out = heft(&[
        "why",
        "lazy",
        site.to_str().unwrap(),
        "--entry",
        "app",
        "--json",
    ]);
    let why: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let why: ModuleWhy = serde_json::from_value(why["imports"].clone()).unwrap();
    assert_eq!(why.reach, "lazy");
    let chain: Vec<(&str, &str, u32)> = why
        .chain
        .iter()
        .map(|l| (l.module.as_str(), l.kind.as_str(), l.line))
        .collect();
    assert_eq!(chain, [("app", "entry", 0), ("lazy", "deferred", 4)]);
    let out = heft(&[
        "why",
        "lib/__init__.py",
        site.to_str().unwrap(),
        "--entry",
        "app",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("app -> lib (app/__init__.py:1, top)"),
        "{text}"
    );
}

#[test]
fn the_unreached_preset_cuts_what_nothing_imports_and_keeps_the_rest() {
    let fx = Fixture::new();
    let site = site(&fx);
    let out = heft(&[
        "check",
        "--limit",
        "aws-lambda",
        site.to_str().unwrap(),
        "--preset",
        "unreached",
        "--entry",
        "app",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = report["warnings"].to_string();
    assert!(!warnings.contains("breaks:"), "{warnings}");
    let out = heft(&[
        "export",
        site.to_str().unwrap(),
        "--preset",
        "unreached",
        "--entry",
        "app",
        "--format",
        "gitignore",
        "-o",
        "-",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    for cut in ["/spare/", "/sympy/", "/lib/tests/"] {
        assert!(text.contains(cut), "{cut} in {text}");
    }
    for kept in [
        "/app/",
        "/lib/__init__.py",
        "/lazy.py",
        "/onnxruntime/__init__.py",
    ] {
        assert!(!text.contains(kept), "{kept} kept: {text}");
    }
}

#[test]
fn excluding_what_a_reached_module_imports_at_module_scope_breaks() {
    let fx = Fixture::new();
    let site = site(&fx);
    let s = site.to_str().unwrap();
    let out = heft(&[
        "check",
        "--limit",
        "aws-lambda",
        s,
        "--entry",
        "app",
        "--exclude-path",
        "lib/__init__.py",
        "--exclude-path",
        "lazy.py",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("breaks: lib is excluded but app/__init__.py:1 imports it (top)"),
        "{text}"
    );
    assert!(
        text.contains("caution: lazy is excluded but app/__init__.py:4 imports it (deferred)"),
        "{text}"
    );
    let out = heft(&[
        "check",
        "--limit",
        "aws-lambda",
        s,
        "--preset",
        "unreached-lazy",
        "--entry",
        "app",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("caution: lazy is excluded"), "{text}");
}

#[test]
fn report_json_gains_reach_bytes_per_distribution_with_entries() {
    let fx = Fixture::new();
    let site = site(&fx);
    let s = site.to_str().unwrap();
    let out = heft(&["report", s, "--json", "--entry", "app"]);
    let report: heft::report::Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.entries.as_deref(), Some(&["app".to_string()][..]));
    let spare = report
        .distributions
        .iter()
        .find(|d| d.key == "spare")
        .unwrap();
    let reach = spare.reach.unwrap();
    assert_eq!(reach.reached_bytes, 0);
    assert_eq!(reach.unreached_bytes, spare.bytes);
    let out = heft(&["report", s, "--json"]);
    let plain: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        plain["distributions"][0].get("reached_bytes").is_none(),
        "no entries, no reach bytes"
    );
}

#[test]
fn sources_that_are_links_to_devices_or_fifos_are_unparsed_not_read_forever() {
    let fx = Fixture::new();
    let site = site(&fx);
    std::os::unix::fs::symlink("/dev/zero", site.join("zeros.py")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(site.join("pipe.py"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = imports_cmd(&site, &fx.path().join("cache"))
        .arg("--no-zip-estimate")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some(),
        "heft imports must not hang on a link to /dev/zero"
    );
    let doc: ImportsJson = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc.unparsed.iter().any(|u| u.path.ends_with("zeros.py")),
        "{:?}",
        doc.unparsed
    );
}

#[test]
fn heft_imports_stores_its_graph_with_or_without_zip_estimates_and_answers_alike_from_it() {
    let fx = Fixture::new();
    let site = site(&fx);
    for zip in [&[][..], &["--no-zip-estimate"][..]] {
        let cache = fx.path().join(format!("cache{}", zip.len()));
        let cold = crate::rules::succeeded(imports_cmd(&site, &cache).args(zip));
        let graphs = fs::read_dir(cache.join("heft/imports/graphs")).map_or(0, Iterator::count);
        assert_eq!(
            graphs, 1,
            "the file identities the cache needs are kept ({zip:?})"
        );
        let warm = crate::rules::succeeded(imports_cmd(&site, &cache).args(zip));
        assert_eq!(
            String::from_utf8_lossy(&warm.stdout),
            String::from_utf8_lossy(&cold.stdout)
        );
    }
}

#[test]
fn imports_json_gives_zipped_bytes_per_class_when_zips_are_estimated() {
    let fx = Fixture::new();
    let site = site(&fx);
    let out = crate::rules::succeeded(&mut imports_cmd(&site, &fx.path().join("cache")));
    let doc: ImportsJson = serde_json::from_slice(&out.stdout).unwrap();
    let get = |k: &str| doc.distributions.iter().find(|d| d.key == k).unwrap();
    let (app, spare) = (get("app"), get("spare"));
    assert!(app.bytes.reached_zipped_bytes > 0);
    assert!(app.bytes.data_zipped_bytes > 0, "app/data.json is data");
    assert!(spare.bytes.unreached_zipped_bytes > 0);
    assert_eq!(spare.bytes.reached_zipped_bytes, 0);
    assert!(doc.totals.reached_zipped_bytes >= app.bytes.reached_zipped_bytes);
    assert!(
        fx.path().join("cache/heft/imports").is_dir(),
        "the parse cache is kept with the zip cache"
    );
}

#[test]
fn heft_imports_names_lazy_code_and_the_import_that_makes_it_lazy() {
    let fx = Fixture::new();
    let site = site(&fx);
    let doc = imports_json(&site, "app");
    let onnx = doc
        .lazy_paths
        .iter()
        .find(|l| l.path == "onnxruntime")
        .unwrap();
    let via = onnx.via.as_ref().unwrap();
    assert_eq!(
        (via.file.as_str(), via.line, via.kind.as_str()),
        ("app/__init__.py", 5, "dynamic")
    );
    let out = heft(&["imports", site.to_str().unwrap(), "--entry", "app"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("app/__init__.py:5 dynamic -> onnxruntime"),
        "{text}"
    );
}
