//! `CloudFormation` templates as SAM and Chalice write them (YAML with short tags such as
//! `!Ref`, or JSON): functions with their code directory or zip and their layers, `Ref`s to
//! layer resources resolved to their contents, `Globals.Function` applied.
//!
//! YAML is parsed by `serde_yaml_ng`, which keeps unknown tags as tagged values and refuses
//! alias bombs (a repetition limit) and nesting deeper than 128 levels.

use std::path::Path;

use serde_yaml_ng::Value;

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
        let Some(code) = prop(code_key).and_then(plain_str).filter(|c| !is_s3(c)) else {
            project.warnings.push(format!(
                "{id}: no local {code_key} (inline or S3 code), skipped"
            ));
            continue;
        };
        let code = project.resolve(format!("{code_key} of {id}"), base, code)?;
        let items = layer_items(&file, id, globals, props)?;
        let source = LayerSource {
            all: &all,
            params: doc.get("Parameters"),
            base,
            content: sam_content,
            name: |id, _| id.to_string(),
        };
        let mut layers = Vec::new();
        for item in items {
            layers.push(layer_ref(project, &source, id, item)?);
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

/// An `s3://` URI, as `sam package` writes after uploading: nothing local to read.
fn is_s3(uri: &str) -> bool {
    uri.starts_with("s3://")
}

/// `Globals.Function.Layers` then the function's own: SAM appends a resource's list to the
/// global one.
fn layer_items<'a>(
    file: &Path,
    id: &str,
    globals: Option<&'a Value>,
    props: Option<&'a Value>,
) -> Result<Vec<&'a Value>, ProjectError> {
    let mut items = Vec::new();
    for holder in [globals, props].into_iter().flatten() {
        let Some(list) = holder.get("Layers") else {
            continue;
        };
        let seq = list.as_sequence().ok_or_else(|| {
            ProjectError::malformed(file, format!("Layers of {id} is not a list"))
        })?;
        items.extend(seq.iter());
    }
    Ok(items)
}

/// How a template gives a layer resource's local contents: the label of the property
/// (for errors) and its value, or `None` when they are not local.
pub type ContentOf = for<'v> fn(&str, &'v Value) -> Option<(&'static str, &'v str)>;

/// What resolving a function's `Layers` needs from its template.
pub struct LayerSource<'a> {
    /// Every resource: (logical id, type, resource).
    pub all: &'a [(&'a str, &'a str, &'a Value)],
    /// The template's `Parameters`, whose defaults may be layer ARNs.
    pub params: Option<&'a Value>,
    /// The directory content paths are relative to.
    pub base: &'a Path,
    /// Where a layer resource's contents are.
    pub content: ContentOf,
    /// The name to show for a resource.
    pub name: fn(&str, &Value) -> String,
}

/// SAM's layer contents: `ContentUri` (or `Content` of a plain `AWS::Lambda::LayerVersion`).
fn sam_content<'v>(ty: &str, res: &'v Value) -> Option<(&'static str, &'v str)> {
    let key = if ty == "AWS::Lambda::LayerVersion" {
        "Content"
    } else {
        "ContentUri"
    };
    let value = res.get("Properties")?.get(key).and_then(plain_str)?;
    Some((key, value))
}

/// One item of a function's `Layers`: an ARN, or a `Ref` to a layer resource or parameter.
pub fn layer_ref(
    project: &mut Project,
    source: &LayerSource,
    function: &str,
    item: &Value,
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
    let Some(&(id, ty, res)) = source.all.iter().find(|(id, _, _)| *id == target) else {
        if let Some(p) = source.params.and_then(|p| p.get(target)) {
            let default = p.get("Default").and_then(plain_str).unwrap_or(target);
            return Ok(LayerRef::Arn(default.to_string()));
        }
        return Err(ProjectError::Dangling {
            file: project.file.clone(),
            what: format!("Layers of {function}"),
            target: target.to_string(),
        });
    };
    if !is_layer(ty) {
        return Err(ProjectError::malformed(
            &project.file,
            format!("Layers of {function}: `{id}` is a {ty}, not a layer"),
        ));
    }
    let name = (source.name)(id, res);
    let Some((key, uri)) = (source.content)(ty, res).filter(|(_, uri)| !is_s3(uri)) else {
        project
            .warnings
            .push(format!("{name}: its contents are not local; unknown size"));
        return Ok(LayerRef::Arn(name));
    };
    let path = project.resolve(format!("{key} of {name}"), source.base, uri)?;
    Ok(LayerRef::Local(project.layer_at(&name, path)))
}
