//! `heft fit` end to end: a plan that fits (and its manifest, applied by `prune`, gives the
//! predicted totals), the floor when nothing fits, and a project's functions.

use std::fs;

use heft::manifest::Manifest;

use crate::fixture::{Fixture, dist};
use crate::rules::heft;

/// A layer with 40 KB of tests, 2 KB of stubs and 30 KB of code.
fn layer(fx: &Fixture) -> std::path::PathBuf {
    let root = fx.dir("layer");
    let site = fx.dir("layer/python");
    dist("pkg", "1.0")
        .file("pkg/__init__.py", 30_000)
        .file("pkg/tests/test_big.py", 40_000)
        .file("pkg/core.pyi", 2_000)
        .install(&site);
    root
}

/// Runs `heft fit ROOT --limit LIMIT -o PLAN` (unzipped only); returns stdout and the exit code.
fn fit(root: &std::path::Path, limit: &str, plan: &std::path::Path) -> (String, Option<i32>) {
    fit_with(root, &["--limit", limit, "-o", plan.to_str().unwrap()])
}

/// Runs `heft fit ROOT --no-zip-estimate ARGS`; returns stdout and the exit code.
fn fit_with(root: &std::path::Path, args: &[&str]) -> (String, Option<i32>) {
    // The import graph's parse cache of these runs stays out of the user's own.
    let out = heft()
        .arg("fit")
        .arg(root)
        .arg("--no-zip-estimate")
        .args(args)
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("heft-fit-tests-cache"),
        )
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

#[test]
fn fit_picks_the_one_cut_that_is_enough_and_prune_gives_the_predicted_total() {
    let fx = Fixture::new();
    let root = layer(&fx);
    let plan = fx.path().join("plan.json");
    let (text, code) = fit(&root, "60KB", &plan);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("fits with 1 cut(s), at worst caution"),
        "{text}"
    );
    assert!(text.contains("preset tests-dirs"), "{text}");
    assert!(!text.contains("type-stubs"), "one cut is enough: {text}");
    let manifest = Manifest::from_json(&fs::read_to_string(&plan).unwrap()).unwrap();
    assert!(
        manifest
            .rules
            .iter()
            .all(|r| r.preset.as_deref() == Some("tests-dirs"))
    );
    let predicted = manifest.totals.after.bytes;
    let applied = heft()
        .args(["prune", "--manifest"])
        .arg(&plan)
        .arg(&root)
        .arg("--apply")
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let (_, bytes) = crate::fixture::apparent_sum(&root);
    assert_eq!(bytes, predicted, "prune --apply leaves what fit predicted");
}

#[test]
fn when_nothing_fits_fit_shows_the_floor_what_remains_and_the_container_alternative() {
    let fx = Fixture::new();
    let root = layer(&fx);
    let plan = fx.path().join("plan.json");
    let (text, code) = fit(&root, "10KB", &plan);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("does NOT fit"), "{text}");
    assert!(
        text.contains("the floor:") && text.contains("OVER by"),
        "{text}"
    );
    assert!(text.contains("pkg") && text.contains("top level"), "{text}");
    assert!(text.contains("container image"), "{text}");
    assert!(!plan.exists(), "no plan is written when nothing fits");
}

#[test]
fn fit_on_a_project_plans_each_function_against_every_lambda_limit() {
    let fx = Fixture::new();
    let build = fx.dir("proj/.aws-sam/build");
    fs::write(
        build.join("template.yaml"),
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: Fn\n",
    )
    .unwrap();
    let code = fx.dir("proj/.aws-sam/build/Fn");
    dist("pkg", "1.0")
        .file("pkg/__init__.py", 100)
        .install(&code);
    let out = heft()
        .arg("fit")
        .arg(fx.path().join("proj"))
        .arg("--no-zip-estimate")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("function Fn already fits"), "{text}");
    let plan = fx.path().join("plan.json");
    let out = heft()
        .arg("fit")
        .arg(fx.path().join("proj"))
        .arg("-o")
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "one function: -o is fine");
    assert!(plan.exists());
}

/// A layer where the entry `app` imports `lib` (20 KB) and `big` (50 KB of code, 5 KB of
/// tests) is installed but never imported.
fn imported_layer(fx: &Fixture) -> std::path::PathBuf {
    let root = fx.dir("layer");
    let site = fx.dir("layer/python");
    dist("app", "1.0")
        .file("app/__init__.py", 10)
        .install(&site);
    dist("lib", "1.0")
        .file("lib/__init__.py", 10)
        .file("lib/core.py", 20_000)
        .install(&site);
    dist("big", "1.0")
        .file("big/__init__.py", 10)
        .file("big/engine.py", 50_000)
        .file("big/tests/test_engine.py", 5_000)
        .install(&site);
    fs::write(site.join("app/__init__.py"), "import lib\n").unwrap();
    fs::write(site.join("lib/__init__.py"), "from . import core\n").unwrap();
    fs::write(site.join("big/__init__.py"), "from . import engine\n").unwrap();
    root
}

#[test]
fn with_an_entry_fit_cuts_the_unreached_package_when_the_presets_are_not_enough() {
    let fx = Fixture::new();
    let root = imported_layer(&fx);
    let (text, code) = fit_with(&root, &["--limit", "40KB"]);
    assert_eq!(code, Some(1), "the presets alone leave big: {text}");
    assert!(text.contains("does NOT fit"), "{text}");
    assert!(
        !text.contains("unreached"),
        "no entry, no import graph: {text}"
    );
    let (text, code) = fit_with(&root, &["--limit", "40KB", "--entry", "app"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("fits with 1 cut(s), at worst caution"),
        "{text}"
    );
    assert!(text.contains("preset unreached "), "{text}");
    assert!(!text.contains("unreached-lazy"), "nothing lazy: {text}");
}

#[test]
fn fit_applies_an_unreached_preset_given_on_the_command_line() {
    let fx = Fixture::new();
    let root = imported_layer(&fx);
    let (text, code) = fit_with(
        &root,
        &["--limit", "40KB", "--preset", "unreached", "--entry", "app"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("already fits"), "{text}");
}

#[test]
fn fit_cuts_lazily_imported_code_only_where_breaking_cuts_are_allowed() {
    let fx = Fixture::new();
    let root = imported_layer(&fx);
    // `app` now imports `big` inside a function: lazily reached, it runs when called.
    let site = root.join("python");
    fs::write(
        site.join("app/__init__.py"),
        "import lib\n\ndef handler(event, context):\n    import big\n    return big\n",
    )
    .unwrap();
    let (text, code) = fit_with(&root, &["--limit", "40KB", "--entry", "app"]);
    assert_eq!(code, Some(1), "lazy code is kept by default: {text}");
    assert!(!text.contains("preset unreached-lazy"), "{text}");
    let (text, code) = fit_with(
        &root,
        &["--limit", "40KB", "--entry", "app", "--allow-breaks"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("preset unreached-lazy"), "{text}");
}

/// A file of `bytes` apparent bytes that takes no disk (Lambda counts apparent sizes).
fn sparse(path: &std::path::Path, bytes: u64) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::File::create(path).unwrap().set_len(bytes).unwrap();
}

/// A SAM build: `Api` and `Worker` share `Deps` (150 MB of code, 20 MB of tests); each
/// function's code holds `code_mb` MB, and the worker's also `stubs_mb` MB of `*.pyi`.
fn shared_layer_project(
    fx: &Fixture,
    api_mb: u64,
    worker_mb: u64,
    stubs_mb: u64,
) -> std::path::PathBuf {
    const MB: u64 = 1_000_000;
    let build = fx.dir("proj/.aws-sam/build");
    fs::write(
        build.join("template.yaml"),
        "Resources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: Api\n      Layers: [!Ref Deps]\n  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: Worker\n      Layers: [!Ref Deps]\n  Deps:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: Deps\n",
    )
    .unwrap();
    let site = fx.dir("proj/.aws-sam/build/Deps/python");
    dist("pkg", "1.0")
        .file("pkg/__init__.py", 10)
        .install(&site);
    sparse(&site.join("pkg/core.bin"), 150 * MB);
    sparse(&site.join("pkg/tests/data.bin"), 20 * MB);
    sparse(&build.join("Api/model.bin"), api_mb * MB);
    sparse(&build.join("Worker/model.bin"), worker_mb * MB);
    if stubs_mb > 0 {
        sparse(&build.join("Worker/model.pyi"), stubs_mb * MB);
    }
    fx.path().join("proj")
}

/// `heft fit` on [`shared_layer_project`]: a plan that fits every function, as text.
fn fit_shared(api_mb: u64, worker_mb: u64, stubs_mb: u64) -> String {
    let fx = Fixture::new();
    let proj = shared_layer_project(&fx, api_mb, worker_mb, stubs_mb);
    let (text, code) = fit_with(&proj, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("function Api:") && text.contains("function Worker:"),
        "{text}"
    );
    assert!(!text.contains("OVER"), "every function within: {text}");
    text
}

#[test]
fn fit_on_a_project_keeps_the_function_under_its_limits_while_planning_the_one_over() {
    // Api: 60 + 170 MB, within; Worker: 85 + 10 stubs + 170 MB, over by 2.9 MB.
    let text = fit_shared(60, 85, 10);
    assert!(
        text.contains("every function (2) fits with 1 cut(s), at worst safe"),
        "{text}"
    );
    assert!(text.contains("preset type-stubs"), "{text}");
    assert!(text.contains("affects Worker (9.5 MB)"), "{text}");
    assert!(
        !text.contains("affects Api"),
        "stubs are only in Worker: {text}"
    );
    assert!(
        !text.contains("tests-dirs"),
        "the safe cut is enough: {text}"
    );
}

#[test]
fn fit_on_a_project_uses_one_cut_in_the_shared_layer_that_makes_both_functions_fit() {
    // Both over by a few MB; the layer's tests (caution) fix both, the worker's stubs (safe)
    // only the worker: one shared cut is the whole plan, and it names both functions.
    let text = fit_shared(100, 85, 10);
    assert!(
        text.contains("every function (2) fits with 1 cut(s), at worst caution"),
        "{text}"
    );
    assert!(text.contains("preset tests-dirs"), "{text}");
    assert!(
        text.contains("affects Api (19.1 MB), Worker (19.1 MB)"),
        "{text}"
    );
    assert!(
        !text.contains("type-stubs"),
        "the shared cut already fits the worker: {text}"
    );
}

#[test]
fn when_the_plan_strips_fit_says_what_prune_leaves_and_prune_leaves_exactly_that() {
    let fx = Fixture::new();
    let root = fx.dir("layer");
    let site = fx.dir("layer/python");
    dist("pkg", "1.0")
        .file("pkg/__init__.py", 30_000)
        .install(&site);
    fs::write(
        site.join("pkg/_core.so"),
        crate::rules::tiny_elf(40_000, 10_000),
    )
    .unwrap();
    let plan = fx.path().join("plan.json");
    let (text, code) = fit(&root, "60KB", &plan);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("preset strip-so"), "{text}");
    let manifest = Manifest::from_json(&fs::read_to_string(&plan).unwrap()).unwrap();
    let deleted_only = manifest.totals.after.bytes;
    assert!(
        text.contains(&format!("prune --apply leaves {deleted_only} bytes")),
        "{text}"
    );
    let applied = heft()
        .args(["prune", "--manifest"])
        .arg(&plan)
        .arg(&root)
        .arg("--apply")
        .output()
        .unwrap();
    assert!(applied.status.success());
    assert_eq!(crate::fixture::apparent_sum(&root).1, deleted_only);
}

#[test]
fn fit_on_one_function_says_its_cuts_also_change_the_functions_sharing_its_layer() {
    let fx = Fixture::new();
    let proj = shared_layer_project(&fx, 100, 85, 10);
    let (text, code) = fit_with(&proj, &["--function", "Api"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("function Api fits with 1 cut(s)"), "{text}");
    assert!(
        text.contains("note: layer Deps is shared with Worker"),
        "{text}"
    );
}
