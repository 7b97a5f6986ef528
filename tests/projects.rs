//! `heft check|report PROJECT` on fixture deployments: one verdict per function and artifact,
//! duplicates across a function's artifacts with the copy that loads, shared layers.

use std::fs;
use std::path::Path;

use heft::project::gate::{ArtifactKind, ProjectCheck};

use crate::fixture::{Fixture, dist};
use crate::rules::heft;

const TEMPLATE: &str = r"
Globals:
  Function:
    Runtime: python3.12
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ApiFunction
      Layers: [!Ref DepsLayer, !Ref ExtraLayer]
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: WorkerFunction
      Layers:
        - !Ref DepsLayer
        - arn:aws:lambda:us-east-1:123456789012:layer:private:4
  DepsLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: DepsLayer
  ExtraLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ExtraLayer
";

/// A SAM build: numpy in `ApiFunction`'s code and in both of its layers; requests in the
/// shared `DepsLayer`; a private ARN layer on the worker.
fn sam_build(fx: &Fixture) -> std::path::PathBuf {
    let build = fx.dir("proj/.aws-sam/build");
    fs::write(build.join("template.yaml"), TEMPLATE).unwrap();
    let api = fx.dir("proj/.aws-sam/build/ApiFunction");
    fs::write(api.join("app.py"), "import numpy\n").unwrap();
    dist("numpy", "2.0.0")
        .file("numpy/core.py", 3000)
        .install(&api);
    let deps = fx.dir("proj/.aws-sam/build/DepsLayer/python");
    dist("numpy", "1.26.4")
        .file("numpy/core.py", 5000)
        .install(&deps);
    dist("requests", "2.32.0")
        .file("requests/api.py", 800)
        .install(&deps);
    let extra = fx.dir("proj/.aws-sam/build/ExtraLayer/python");
    dist("numpy", "1.26.0")
        .file("numpy/core.py", 7000)
        .install(&extra);
    let worker = fx.dir("proj/.aws-sam/build/WorkerFunction");
    fs::write(worker.join("app.py"), "import requests\n").unwrap();
    fx.path().join("proj")
}

fn check_json(project: &Path, extra: &[&str]) -> (ProjectCheck, i32) {
    let out = heft()
        .arg("check")
        .arg(project)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: ProjectCheck =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (report, out.status.code().unwrap())
}

#[test]
fn check_on_a_sam_build_reports_every_function_with_its_artifacts_in_order() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let (r, code) = check_json(&proj, &[]);
    assert_eq!(code, 0, "everything is small");
    assert_eq!(r.schema, "heft.check/1");
    assert_eq!(r.format, "aws-sam");
    let api = &r.functions[0];
    assert_eq!(api.name, "ApiFunction");
    let kinds: Vec<(ArtifactKind, &str)> = api
        .artifacts
        .iter()
        .map(|a| (a.kind, a.name.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ArtifactKind::Code, "ApiFunction"),
            (ArtifactKind::Layer, "DepsLayer"),
            (ArtifactKind::Layer, "ExtraLayer")
        ]
    );
    let total: u64 = api.artifacts.iter().map(|a| a.bytes).sum();
    let unzipped = api.limits.iter().find(|l| l.name == "aws-lambda").unwrap();
    assert_eq!(unzipped.used, total, "code + layers unzipped");
    assert_eq!(unzipped.limit, 262_144_000);
    assert_eq!(unzipped.counted, "unzipped");
    let zips = api
        .limits
        .iter()
        .filter(|l| l.name == "aws-lambda-zip")
        .count();
    assert_eq!(zips, 3, "one zip verdict per artifact");
    let requests = api
        .limits
        .iter()
        .filter(|l| l.name == "aws-layer-request")
        .count();
    assert_eq!(requests, 2, "a request verdict per layer");
    assert_eq!(api.artifacts[1].shared_with, ["WorkerFunction"]);
}

#[test]
fn a_distribution_in_code_and_layers_is_paid_for_twice_and_the_code_copy_loads() {
    let fx = Fixture::new();
    let (r, _) = check_json(&sam_build(&fx), &[]);
    let dup = &r.functions[0].duplicates[0];
    assert_eq!(dup.name, "numpy");
    assert_eq!(dup.artifacts, ["ApiFunction", "DepsLayer", "ExtraLayer"]);
    assert_eq!(dup.versions, ["2.0.0", "1.26.4", "1.26.0"]);
    assert_eq!(dup.wins, "ApiFunction", "/var/task comes first on sys.path");
    assert!(
        dup.wasted_bytes > 12_000,
        "both layer copies are dead weight"
    );
    assert!(r.functions[1].duplicates.is_empty());
}

#[test]
fn among_layers_the_later_one_overwrites_the_earlier() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    fs::remove_dir_all(proj.join(".aws-sam/build/ApiFunction/numpy")).unwrap();
    fs::remove_dir_all(proj.join(".aws-sam/build/ApiFunction/numpy-2.0.0.dist-info")).unwrap();
    let (r, _) = check_json(&proj, &[]);
    let dup = &r.functions[0].duplicates[0];
    assert_eq!(dup.artifacts, ["DepsLayer", "ExtraLayer"]);
    assert_eq!(dup.wins, "ExtraLayer");
}

#[test]
fn an_arn_only_layer_has_unknown_size_until_given_with_layer() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let (r, _) = check_json(&proj, &[]);
    let worker = &r.functions[1];
    let private = &worker.artifacts[2];
    assert!(!private.known);
    assert_eq!(private.bytes, 0);
    assert!(worker.warnings.iter().any(|w| w.contains("unknown size")));
    let given = fx.dir("private/python");
    dist("pandas", "2.2.0")
        .file("pandas/core.py", 9000)
        .install(&given);
    let arn = "arn:aws:lambda:us-east-1:123456789012:layer:private:4";
    let flag = format!("{arn}={}", fx.path().join("private").display());
    let (r, _) = check_json(&proj, &["--layer", &flag]);
    let private = &r.functions[1].artifacts[2];
    assert!(private.known);
    assert!(private.bytes > 9000);
}

#[test]
fn more_than_five_layers_fails_the_check_naming_the_function_in_annotations() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let many = "Layers: [!Ref DepsLayer, !Ref ExtraLayer, !Ref DepsLayer, !Ref ExtraLayer, !Ref DepsLayer, !Ref ExtraLayer]";
    let text = TEMPLATE.replace("Layers: [!Ref DepsLayer, !Ref ExtraLayer]", many);
    fs::write(proj.join(".aws-sam/build/template.yaml"), text).unwrap();
    let (r, code) = check_json(&proj, &[]);
    assert_eq!(code, 1);
    let layers = r.functions[0]
        .limits
        .iter()
        .find(|l| l.name == "layers")
        .unwrap();
    assert_eq!((layers.used, layers.ok), (6, false));
    let out = heft()
        .arg("check")
        .arg(&proj)
        .args(["--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error") && l.contains("function ApiFunction")),
        "{text}"
    );
}

#[test]
fn code_and_layers_over_250_mb_unzipped_fail_though_each_zip_is_small() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    // Sparse: apparent size is what Lambda counts; nothing is written to disk.
    let big = fs::File::create(proj.join(".aws-sam/build/ExtraLayer/python/blob.bin")).unwrap();
    big.set_len(262_144_000).unwrap();
    let (r, code) = check_json(&proj, &["--no-zip-estimate"]);
    assert_eq!(
        code, 2,
        "zipped limits are not measured: the gate fails closed"
    );
    assert!(!r.errors.is_empty());
    let (r, code) = check_json(&proj, &["--no-zip-estimate", "--allow-errors"]);
    assert_eq!(code, 1);
    assert!(
        r.errors.is_empty() && !r.warnings.is_empty(),
        "errors became warnings"
    );
    let api = &r.functions[0];
    let unzipped = api.limits.iter().find(|l| l.name == "aws-lambda").unwrap();
    assert!(!unzipped.ok);
    assert!(r.functions[1].is_ok(), "the worker does not use ExtraLayer");
    let out = heft()
        .arg("check")
        .arg(&proj)
        .arg("--no-zip-estimate")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("function ApiFunction  OVER"), "{text}");
    assert!(text.contains("function WorkerFunction  ok"), "{text}");
}

#[test]
fn a_broken_template_exits_2_naming_the_file() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let bad = TEMPLATE.replace("!Ref ExtraLayer", "!Ref Nothing");
    fs::write(proj.join(".aws-sam/build/template.yaml"), bad).unwrap();
    let out = heft().arg("check").arg(&proj).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("template.yaml") && err.contains("Nothing"),
        "{err}"
    );
}

#[test]
fn report_on_a_project_lists_every_function_and_exits_0() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let out = heft().arg("report").arg(&proj).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("function ApiFunction"), "{text}");
    assert!(
        text.contains("layer DepsLayer") && text.contains("shared with WorkerFunction"),
        "{text}"
    );
    assert!(text.contains("duplicate numpy"), "{text}");
}

#[test]
fn a_serverless_package_is_checked_from_its_zips_with_exact_zip_sizes() {
    let fx = Fixture::new();
    let code = fx.dir("src/code");
    dist("requests", "2.31.0")
        .file("requests/api.py", 4000)
        .install(&code);
    fs::write(code.join("handler.py"), "import requests\n").unwrap();
    let layer = fx.dir("src/layer");
    dist("requests", "2.32.0")
        .file("requests/api.py", 4500)
        .install(&layer);
    let sls = fx.dir("svc/.serverless");
    crate::bundles::zip_dir(&code, "", &sls.join("hello.zip"));
    crate::bundles::zip_dir(&layer, "python/", &sls.join("pythonRequirements.zip"));
    let state = r#"{"service": {"provider": {"runtime": "python3.12"},
      "functions": {"hello": {"package": {"artifact": ".serverless/hello.zip"},
                              "layers": [{"Ref": "PythonRequirementsLambdaLayer"}]}},
      "layers": {"pythonRequirements": {"package": {"artifact": ".serverless/pythonRequirements.zip"}}}},
      "package": {}}"#;
    fs::write(sls.join("serverless-state.json"), state).unwrap();
    let (r, code) = check_json(&fx.path().join("svc"), &[]);
    assert_eq!(code, 0);
    assert_eq!(r.format, "serverless");
    let hello = &r.functions[0];
    let zip_len = fs::metadata(sls.join("hello.zip")).unwrap().len();
    assert_eq!(
        hello.artifacts[0].zipped_bytes, zip_len,
        "a zip's own size, exactly"
    );
    let layer_len = fs::metadata(sls.join("pythonRequirements.zip"))
        .unwrap()
        .len();
    assert_eq!(hello.artifacts[1].zipped_bytes, layer_len);
    let dup = &hello.duplicates[0];
    assert_eq!(
        (dup.name.as_str(), dup.wins.as_str()),
        ("requests", "hello")
    );
    assert_eq!(dup.versions, ["2.31.0", "2.32.0"]);
}

#[test]
fn options_a_project_check_cannot_honour_are_errors_not_ignored() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    for extra in [["--limit", "10MB"], ["--manifest", "m.json"]] {
        let out = heft().arg("check").arg(&proj).args(extra).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
    }
}

#[test]
fn a_dist_rule_applies_to_the_functions_that_have_it_and_a_rule_nobody_can_use_is_an_error() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let (before, _) = check_json(&proj, &[]);
    let (after, code) = check_json(&proj, &["--exclude-dist", "requests"]);
    assert_eq!(
        code, 0,
        "WorkerFunction has requests only through DepsLayer"
    );
    let deps = |r: &ProjectCheck| r.functions[0].artifacts[1].bytes;
    assert!(deps(&after) < deps(&before), "requests left DepsLayer");
    let out = heft()
        .arg("check")
        .arg(&proj)
        .args(["--exclude-dist", "nonesuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nonesuch"));
}

#[test]
fn a_cdk_out_is_checked_from_its_asset_dir_and_layer_zip() {
    let fx = Fixture::new();
    let out = fx.dir("app/cdk.out");
    let code = fx.dir("app/cdk.out/asset.f00d");
    fs::write(code.join("index.py"), "import attrs\n").unwrap();
    let layer = fx.dir("src/layer");
    dist("attrs", "23.2.0")
        .file("attrs/__init__.py", 3000)
        .install(&layer);
    crate::bundles::zip_dir(&layer, "python/", &out.join("asset.beef.zip"));
    fs::write(out.join("manifest.json"), "{}").unwrap();
    let template = r#"{"Resources": {
      "Fn1": {"Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": "python3.12", "Layers": [{"Ref": "Deps1"}]},
        "Metadata": {"aws:cdk:path": "Stack/Fn/Resource", "aws:asset:path": "asset.f00d",
                     "aws:asset:property": "Code"}},
      "Deps1": {"Type": "AWS::Lambda::LayerVersion",
        "Metadata": {"aws:cdk:path": "Stack/Deps/Resource", "aws:asset:path": "asset.beef.zip",
                     "aws:asset:property": "Content"}}}}"#;
    fs::write(out.join("Stack.template.json"), template).unwrap();
    let (r, code) = check_json(&fx.path().join("app"), &[]);
    assert_eq!(code, 0);
    assert_eq!(r.format, "aws-cdk");
    let f = &r.functions[0];
    assert_eq!(f.name, "Stack/Fn");
    assert_eq!(f.artifacts[1].name, "Stack/Deps");
    let zip_len = fs::metadata(out.join("asset.beef.zip")).unwrap().len();
    assert_eq!(f.artifacts[1].zipped_bytes, zip_len);
    assert!(
        f.artifacts[1].bytes > 3000,
        "attrs is read from inside the zip"
    );
}

#[test]
fn report_json_on_a_project_adds_each_functions_bundle_report() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let out = heft()
        .arg("report")
        .arg(&proj)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["functions"][0]["name"], "ApiFunction");
    let report = &v["reports"][0];
    assert_eq!(report["name"], "ApiFunction");
    assert_eq!(report["report"]["schema"], "heft.report/1");
    assert_eq!(
        report["report"]["roots"].as_array().unwrap().len(),
        3,
        "code and two layers"
    );
}

#[test]
fn report_markdown_on_a_project_has_a_row_per_function_and_each_functions_artifacts() {
    let fx = Fixture::new();
    let proj = sam_build(&fx);
    let out = heft()
        .arg("report")
        .arg(&proj)
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("### heft: aws-sam project"), "{text}");
    assert!(text.contains("2 function(s)"), "{text}");
    assert!(text.contains("| ApiFunction | "), "{text}");
    assert!(text.contains("| WorkerFunction | "), "{text}");
    assert!(text.contains("#### ✅ ApiFunction"), "{text}");
    assert!(
        text.contains("| DepsLayer | layer |") && text.contains("| WorkerFunction |"),
        "the shared layer names its other user: {text}"
    );
    assert!(text.contains("unknown size"), "the ARN layer: {text}");
    assert!(
        text.contains("- numpy in ApiFunction, DepsLayer, ExtraLayer"),
        "{text}"
    );
    let file = fx.path().join("summary.md");
    let out = heft()
        .arg("report")
        .arg(&proj)
        .args(["--format", "markdown", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "-o writes the file, not stdout"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}
