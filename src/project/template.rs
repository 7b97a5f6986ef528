//! `CloudFormation` templates as SAM and Chalice write them (YAML with short tags such as
//! `!Ref`, or JSON): functions with their code directory or zip and their layers, `Ref`s to
//! layer resources resolved to their contents, `Globals.Function` applied.
//!
//! YAML is parsed by `serde_yaml_ng`, which keeps unknown tags as tagged values and refuses
//! alias bombs (a repetition limit) and nesting deeper than 128 levels.

use std::path::Path;

use serde_yaml_ng::Value;

use super::paths::Origin;
use super::{Function, LayerRef, Project, ProjectError};

/// Parses a YAML template.
pub fn parse_yaml(file: &Path, text: &str) -> Result<Value, ProjectError> {
    serde_yaml_ng::from_str(text).map_err(|e| ProjectError::malformed(file, e.to_string()))
}

/// Parses a JSON template into the same value type.
pub fn parse_json(file: &Path, text: &str) -> Result<Value, ProjectError> {
    serde_json::from_str(text).map_err(|e| ProjectError::malformed(file, e.to_string()))
}

/// The target of `!Ref X` or `{"Ref": "X"}`.
pub fn ref_target(v: &Value) -> Option<&str> {
    match v {
        Value::Tagged(t) if t.tag == "Ref" => t.value.as_str(),
        Value::Mapping(m) if m.len() == 1 => m.get("Ref").and_then(Value::as_str),
        _ => None,
    }
}

/// A plain string (not a tagged value such as `!Sub "..."`).
pub fn plain_str(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// A short description of an intrinsic function value, for warnings.
fn describe(v: &Value) -> String {
    match v {
        Value::Tagged(t) => format!("{} {}", t.tag, describe(&t.value)),
        Value::String(s) => s.clone(),
        Value::Mapping(m) => m
            .keys()
            .find_map(Value::as_str)
            .unwrap_or("{...}")
            .to_string(),
        _ => "a value".to_string(),
    }
}

/// `Resources` as (logical id, type, resource), in template order.
pub fn resources<'a>(
    file: &Path,
    doc: &'a Value,
) -> Result<Vec<(&'a str, &'a str, &'a Value)>, ProjectError> {
    let Some(res) = doc.get("Resources").and_then(Value::as_mapping) else {
        return Err(ProjectError::malformed(file, "no `Resources` mapping"));
    };
    Ok(res
        .iter()
        .filter_map(|(k, v)| {
            let ty = v.get("Type").and_then(Value::as_str)?;
            Some((k.as_str()?, ty, v))
        })
        .collect())
}

fn is_function(ty: &str) -> bool {
    matches!(ty, "AWS::Serverless::Function" | "AWS::Lambda::Function")
}

fn is_layer(ty: &str) -> bool {
    matches!(
        ty,
        "AWS::Serverless::LayerVersion" | "AWS::Lambda::LayerVersion"
    )
}

/// Reads every function of a SAM-shaped template whose paths are relative to `base`.
pub fn read_functions(project: &mut Project, doc: &Value, base: &Path) -> Result<(), ProjectError> {
    let file = project.file.clone();
    let all = resources(&file, doc)?;
    let globals = doc.get("Globals").and_then(|g| g.get("Function"));
    for &(id, ty, res) in &all {
        if !is_function(ty) {
            continue;
        }
        let props = res.get("Properties");
        let prop = |key: &str| {
            props
                .and_then(|p| p.get(key))
                .or_else(|| globals.and_then(|g| g.get(key)))
        };
        if prop("PackageType").and_then(Value::as_str) == Some("Image") {
            project
                .warnings
                .push(format!("{id}: a container image function, skipped"));
            continue;
        }
        let code_key = if ty == "AWS::Lambda::Function" {
            "Code"
        } else {
            "CodeUri"
        };
        let Some(code) = prop(code_key).and_then(plain_str) else {
            project.warnings.push(format!(
                "{id}: no local {code_key} (inline or S3 code), skipped"
            ));
            continue;
        };
        let origin = Origin {
            root: &project.root,
            file: &file,
            what: format!("{code_key} of {id}"),
        };
        let code = origin.resolve(base, code)?;
        let mut items: Vec<&Value> = Vec::new();
        let global_layers = globals.and_then(|g| g.get("Layers"));
        let own_layers = props.and_then(|p| p.get("Layers"));
        // SAM appends a resource's list to the global one.
        for list in [global_layers, own_layers].into_iter().flatten() {
            match list.as_sequence() {
                Some(seq) => items.extend(seq.iter()),
                None => {
                    return Err(ProjectError::malformed(
                        &file,
                        format!("Layers of {id} is not a list"),
                    ));
                }
            }
        }
        let mut layers = Vec::new();
        for item in items {
            layers.push(layer_ref(project, doc, &all, id, item, base)?);
        }
        let runtime = prop("Runtime").and_then(plain_str).map(str::to_string);
        project.functions.push(Function {
            name: id.to_string(),
            code,
            layers,
            runtime,
        });
    }
    Ok(())
}

/// One item of a function's `Layers`.
fn layer_ref(
    project: &mut Project,
    doc: &Value,
    all: &[(&str, &str, &Value)],
    function: &str,
    item: &Value,
    base: &Path,
) -> Result<LayerRef, ProjectError> {
    if let Some(arn) = plain_str(item) {
        return Ok(LayerRef::Arn(arn.to_string()));
    }
    let Some(target) = ref_target(item) else {
        let text = describe(item);
        project.warnings.push(format!(
            "{function}: layer `{text}` is computed by CloudFormation; its contents are unknown"
        ));
        return Ok(LayerRef::Arn(text));
    };
    if let Some(&(id, ty, res)) = all.iter().find(|(id, _, _)| *id == target) {
        if !is_layer(ty) {
            return Err(ProjectError::malformed(
                &project.file,
                format!("Layers of {function}: `{id}` is a {ty}, not a layer"),
            ));
        }
        return local_layer(project, id, ty, res, base);
    }
    let param = doc.get("Parameters").and_then(|p| p.get(target));
    if let Some(p) = param {
        let default = p.get("Default").and_then(plain_str).unwrap_or(target);
        return Ok(LayerRef::Arn(default.to_string()));
    }
    Err(ProjectError::Dangling {
        file: project.file.clone(),
        what: format!("Layers of {function}"),
        target: target.to_string(),
    })
}

/// A layer resource with local contents, or an ARN-like placeholder when they live in S3.
fn local_layer(
    project: &mut Project,
    id: &str,
    ty: &str,
    res: &Value,
    base: &Path,
) -> Result<LayerRef, ProjectError> {
    let key = if ty == "AWS::Lambda::LayerVersion" {
        "Content"
    } else {
        "ContentUri"
    };
    let Some(uri) = res
        .get("Properties")
        .and_then(|p| p.get(key))
        .and_then(plain_str)
    else {
        project
            .warnings
            .push(format!("{id}: {key} is not a local path; contents unknown"));
        return Ok(LayerRef::Arn(id.to_string()));
    };
    let file = project.file.clone();
    let origin = Origin {
        root: &project.root,
        file: &file,
        what: format!("{key} of {id}"),
    };
    let path = origin.resolve(base, uri)?;
    Ok(LayerRef::Local(project.layer_at(id, path)))
}
