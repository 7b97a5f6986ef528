//! Fixture projects for every build format, written in temp directories, and malformed
//! ones that must fail with errors naming the file.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::*;

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn mkdir(path: &Path) {
    fs::create_dir_all(path).unwrap();
}

const SAM: &str = r"
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Layers:
      - !Ref SharedLayer
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ApiFunction
      Handler: app.handler
      Layers:
        - arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312:13
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: WorkerFunction
      Handler: app.handler
      Runtime: python3.11
      Environment:
        Variables:
          QUEUE: !GetAtt Queue.Arn
          NAME: !Sub '${AWS::StackName}-x'
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: SharedLayer
  Queue:
    Type: AWS::SQS::Queue
";

/// A SAM project after `sam build`: two functions, one shared layer.
fn sam_project(dir: &Path, template: &str) -> PathBuf {
    let build = dir.join(".aws-sam/build");
    for d in ["ApiFunction", "WorkerFunction", "SharedLayer/python"] {
        mkdir(&build.join(d));
    }
    write(&build.join("template.yaml"), template);
    dir.to_path_buf()
}

fn open_ok(path: &Path) -> Project {
    open(path).unwrap().expect("a project")
}

#[test]
fn a_sam_build_gives_both_functions_with_the_global_layer_first() {
    let tmp = tempfile::tempdir().unwrap();
    let p = open_ok(&sam_project(tmp.path(), SAM));
    assert_eq!(p.format, Format::Sam);
    let names: Vec<&str> = p.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["ApiFunction", "WorkerFunction"]);
    let api = &p.functions[0];
    assert!(api.code.ends_with("ApiFunction"));
    assert_eq!(api.layers.len(), 2);
    assert_eq!(api.layers[0], LayerRef::Local(0), "Globals come first");
    assert!(matches!(&api.layers[1], LayerRef::Arn(a) if a.contains("AWSSDKPandas")));
    assert_eq!(p.layers[0].name, "SharedLayer");
    assert_eq!(p.users_of(0), ["ApiFunction", "WorkerFunction"]);
    assert_eq!(api.python(), Some("3.12"));
    assert_eq!(p.functions[1].python(), Some("3.11"), "own Runtime wins");
}

#[test]
fn the_build_dir_and_the_template_itself_open_the_same_project() {
    let tmp = tempfile::tempdir().unwrap();
    sam_project(tmp.path(), SAM);
    let build = tmp.path().join(".aws-sam/build");
    assert_eq!(open_ok(&build).functions.len(), 2);
    assert_eq!(open_ok(&build.join("template.yaml")).functions.len(), 2);
}

#[test]
fn a_plain_directory_is_not_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    mkdir(&tmp.path().join("python/numpy"));
    assert!(open(tmp.path()).unwrap().is_none());
}

#[test]
fn a_ref_to_nothing_names_the_template_and_the_missing_resource() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = SAM.replace("!Ref SharedLayer", "!Ref NoSuchLayer");
    let err = open(&sam_project(tmp.path(), &bad)).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ProjectError::Dangling { .. }), "{text}");
    assert!(
        text.contains("template.yaml") && text.contains("NoSuchLayer"),
        "{text}"
    );
}

#[test]
fn a_ref_in_mapping_form_resolves_like_the_short_tag() {
    let tmp = tempfile::tempdir().unwrap();
    let long = SAM.replace("- !Ref SharedLayer", "- Ref: SharedLayer");
    let p = open_ok(&sam_project(tmp.path(), &long));
    assert_eq!(p.functions[1].layers, [LayerRef::Local(0)]);
}

#[test]
fn an_absolute_code_path_outside_the_project_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = SAM.replace("CodeUri: ApiFunction", "CodeUri: /etc");
    let text = open(&sam_project(tmp.path(), &bad))
        .unwrap_err()
        .to_string();
    assert!(text.contains("template.yaml"), "{text}");
    assert!(text.contains("absolute path outside the project"), "{text}");
}

#[test]
fn dot_dot_out_of_the_project_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    mkdir(&tmp.path().join("secret"));
    let bad = SAM.replace("ContentUri: SharedLayer", "ContentUri: ../../../secret");
    let text = open(&sam_project(&proj, &bad)).unwrap_err().to_string();
    assert!(text.contains("`..` leaves the project"), "{text}");
}

#[test]
fn a_symlink_out_of_the_project_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    mkdir(&tmp.path().join("secret"));
    sam_project(&proj, SAM);
    let link = proj.join(".aws-sam/build/Escape");
    std::os::unix::fs::symlink(tmp.path().join("secret"), &link).unwrap();
    let bad = SAM.replace("CodeUri: ApiFunction", "CodeUri: Escape");
    write(&proj.join(".aws-sam/build/template.yaml"), &bad);
    let text = open(&proj).unwrap_err().to_string();
    assert!(text.contains("through a symlink"), "{text}");
}

#[test]
fn a_missing_code_dir_names_the_function() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = SAM.replace("CodeUri: WorkerFunction", "CodeUri: Gone");
    let text = open(&sam_project(tmp.path(), &bad))
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("CodeUri of WorkerFunction") && text.contains("missing"),
        "{text}"
    );
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, next) in ["abcdefghi".chars().zip("bcdefghij".chars())]
        .into_iter()
        .flatten()
    {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        let _ = writeln!(bomb, "{next}: &{next} [{refs}]");
    }
    bomb.push_str("Resources: {}\n");
    let err = open(&sam_project(tmp.path(), &bomb)).unwrap_err();
    assert!(matches!(err, ProjectError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("template.yaml"), "{err}");
}

#[test]
fn deeply_nested_yaml_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let deep = format!("Resources: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let err = open(&sam_project(tmp.path(), &deep)).unwrap_err();
    assert!(matches!(err, ProjectError::Malformed { .. }), "{err}");
}

#[test]
fn a_layer_ref_to_a_non_layer_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = SAM.replace("!Ref SharedLayer", "!Ref Queue");
    let text = open(&sam_project(tmp.path(), &bad))
        .unwrap_err()
        .to_string();
    assert!(text.contains("not a layer"), "{text}");
}

#[test]
fn arn_layers_are_replaced_by_layer_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = open_ok(&sam_project(tmp.path(), SAM));
    let arn = "arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312:13";
    p.supply_layers(&[format!("{arn}=/tmp/pandas")]).unwrap();
    assert_eq!(p.functions[0].layers[1], LayerRef::Local(1));
    assert_eq!(p.layers[1].path, PathBuf::from("/tmp/pandas"));
    assert!(p.supply_layers(&["no-equals".into()]).is_err());
}

#[test]
fn the_pandas_managed_layer_is_recognised_by_arn() {
    let arn = "arn:aws:lambda:eu-west-1:336392948345:layer:AWSSDKPandas-Python311-Arm64:20";
    let m = managed::recognise(arn).expect("known");
    assert!(m.dist_keys("3.11").contains(&"pandas".to_string()));
    assert!(!m.dist_keys("3.11").contains(&"setuptools".to_string()));
    assert!(m.dist_keys("3.12").contains(&"setuptools".to_string()));
    assert!(!m.sources.is_empty());
    assert!(managed::recognise("arn:aws:lambda:us-east-1:1:layer:mine:1").is_none());
}

fn cdk_template(code: &str) -> String {
    format!(
        r#"{{"Resources": {{
  "Handler886CB40B": {{"Type": "AWS::Lambda::Function",
    "Properties": {{"Runtime": "python3.12", "Layers": [{{"Ref": "DepsLayerA1B2"}}]}},
    "Metadata": {{"aws:cdk:path": "AppStack/Handler/Resource",
      "aws:asset:path": "{code}", "aws:asset:property": "Code"}}}},
  "DepsLayerA1B2": {{"Type": "AWS::Lambda::LayerVersion",
    "Metadata": {{"aws:cdk:path": "AppStack/Deps/Resource",
      "aws:asset:path": "asset.bbb.zip", "aws:asset:property": "Content"}}}}
}}}}"#
    )
}

fn cdk_project(dir: &Path, code: &str) {
    let out = dir.join("cdk.out");
    mkdir(&out.join("asset.aaa"));
    write(&out.join("asset.bbb.zip"), "not really a zip");
    write(&out.join("manifest.json"), "{}");
    write(&out.join("AppStack.template.json"), &cdk_template(code));
}

#[test]
fn a_cdk_out_gives_the_function_with_its_layer_asset() {
    let tmp = tempfile::tempdir().unwrap();
    cdk_project(tmp.path(), "asset.aaa");
    let p = open_ok(tmp.path());
    assert_eq!(p.format, Format::Cdk);
    assert_eq!(p.functions.len(), 1);
    let f = &p.functions[0];
    assert_eq!(f.name, "AppStack/Handler");
    assert!(f.code.ends_with("asset.aaa"));
    assert_eq!(f.layers, [LayerRef::Local(0)]);
    assert!(p.layers[0].path.ends_with("asset.bbb.zip"));
    assert_eq!(p.layers[0].name, "AppStack/Deps");
}

#[test]
fn a_missing_cdk_asset_dir_names_the_template() {
    let tmp = tempfile::tempdir().unwrap();
    cdk_project(tmp.path(), "asset.gone");
    let text = open(tmp.path()).unwrap_err().to_string();
    assert!(text.contains("AppStack.template.json"), "{text}");
    assert!(
        text.contains("asset.gone") && text.contains("missing"),
        "{text}"
    );
}

const STATE: &str = r#"{
  "service": {
    "service": "svc",
    "provider": {"name": "aws", "runtime": "python3.12"},
    "functions": {
      "hello": {"handler": "handler.hello", "package": {"artifact": ".serverless/hello.zip"},
                "layers": [{"Ref": "PythonRequirementsLambdaLayer"}]},
      "world": {"handler": "handler.world",
                "layers": ["arn:aws:lambda:us-east-1:123456789012:layer:other:2"]}
    },
    "layers": {"pythonRequirements": {"package": {"artifact": "/ci/build/.serverless/pythonRequirements.zip"}}}
  },
  "package": {"artifact": "svc.zip"}
}"#;

#[test]
fn serverless_state_gives_functions_with_their_zips_and_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let sls = tmp.path().join(".serverless");
    for z in ["hello.zip", "svc.zip", "pythonRequirements.zip"] {
        write(&sls.join(z), "zip");
    }
    write(&sls.join("serverless-state.json"), STATE);
    let p = open_ok(tmp.path());
    assert_eq!(p.format, Format::Serverless);
    let hello = p.function("hello").unwrap();
    assert!(hello.code.ends_with("hello.zip"));
    assert_eq!(hello.layers, [LayerRef::Local(0)]);
    assert!(p.layers[0].path.ends_with("pythonRequirements.zip"));
    let world = p.function("world").unwrap();
    assert!(world.code.ends_with("svc.zip"), "the service artifact");
    assert!(matches!(&world.layers[0], LayerRef::Arn(_)));
    assert_eq!(world.python(), Some("3.12"));
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("beside the state file"))
    );
    assert_eq!(
        open_ok(&sls).functions.len(),
        2,
        "the .serverless dir opens too"
    );
}

#[test]
fn chalice_package_output_gives_the_app_and_its_managed_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    write(&out.join("deployment.zip"), "zip");
    write(&out.join("layer-deployment.zip"), "zip");
    let sam = r#"{"Resources": {
      "APIHandler": {"Type": "AWS::Serverless::Function",
        "Properties": {"CodeUri": "./deployment.zip", "Runtime": "python3.12",
                       "Layers": [{"Ref": "ManagedLayer"}]}},
      "ManagedLayer": {"Type": "AWS::Serverless::LayerVersion",
        "Properties": {"ContentUri": "./layer-deployment.zip"}}}}"#;
    write(&out.join("sam.json"), sam);
    let p = open_ok(out);
    assert_eq!(p.format, Format::Chalice);
    assert_eq!(p.functions[0].name, "APIHandler");
    assert!(p.layers[0].path.ends_with("layer-deployment.zip"));
    fs::remove_file(out.join("sam.json")).unwrap();
    let p = open_ok(out);
    assert_eq!(p.functions[0].name, "app");
    assert_eq!(p.functions[0].layers, [LayerRef::Local(0)]);
}

#[test]
fn heft_toml_names_functions_code_and_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    mkdir(&d.join("build/api"));
    mkdir(&d.join("build/worker"));
    mkdir(&d.join("layers/deps/python"));
    write(&d.join("layers/extra.zip"), "zip");
    let toml = r#"
[[layer]]
name = "deps"
path = "layers/deps"

[[function]]
name = "api"
code = "build/api"
layers = ["deps", "layers/extra.zip", "arn:aws:lambda:us-east-1:1:layer:x:3"]
runtime = "python3.12"

[[function]]
name = "worker"
code = "build/worker"
layers = ["deps"]
"#;
    write(&d.join("heft.toml"), toml);
    let p = open_ok(d);
    assert_eq!(p.format, Format::HeftToml);
    assert_eq!(p.functions.len(), 2);
    let api = &p.functions[0];
    assert_eq!(api.layers[0], LayerRef::Local(0));
    assert_eq!(api.layers[1], LayerRef::Local(1));
    assert!(matches!(&api.layers[2], LayerRef::Arn(_)));
    assert_eq!(p.users_of(0), ["api", "worker"]);
    write(
        &d.join("heft.toml"),
        "[[function]]\nname = \"x\"\ncode = \"/usr\"\n",
    );
    let text = open(d).unwrap_err().to_string();
    assert!(
        text.contains("heft.toml") && text.contains("absolute path"),
        "{text}"
    );
    write(&d.join("heft.toml"), "[[function]]\nname = \"x\"\n");
    let text = open(d).unwrap_err().to_string();
    assert!(
        text.contains("heft.toml") && text.contains("code"),
        "{text}"
    );
}

#[test]
fn a_packaged_template_with_s3_uris_skips_them_with_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let packaged = SAM
        .replace("CodeUri: WorkerFunction", "CodeUri: s3://bucket/worker.zip")
        .replace(
            "ContentUri: SharedLayer",
            "ContentUri: s3://bucket/layer.zip",
        );
    let p = open_ok(&sam_project(tmp.path(), &packaged));
    assert_eq!(p.functions.len(), 1, "the worker's code is in S3");
    assert!(matches!(&p.functions[0].layers[0], LayerRef::Arn(n) if n == "SharedLayer"));
    assert!(
        p.warnings.iter().any(|w| w.contains("WorkerFunction")),
        "{:?}",
        p.warnings
    );
    assert!(
        p.warnings.iter().any(|w| w.contains("SharedLayer")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn a_build_file_swapped_for_a_fifo_is_an_error_naming_it_not_a_hang() {
    // Detection only takes regular files; this is the file replaced between detection and
    // reading, so the reader itself must refuse it.
    let tmp = tempfile::tempdir().unwrap();
    let template = tmp.path().join("template.yaml");
    crate::regular_file::tests::make_fifo(&template);
    let error = read_build_file(&template).unwrap_err().to_string();
    assert!(
        error.contains("template.yaml") && error.contains("FIFO"),
        "{error}"
    );
}
