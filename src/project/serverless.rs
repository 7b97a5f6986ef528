//! Serverless Framework: `.serverless/serverless-state.json` after `serverless package`,
//! with each function's `package.artifact` zip (or the service's) and the layers of
//! `service.layers`, which functions name by `{"Ref": "<Name>LambdaLayer"}` or by ARN.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Format, Function, LayerRef, Project, ProjectError, read_build_file};

/// Reads `serverless-state.json`; artifacts must stay inside the service directory.
pub fn read(root: &Path, file: &Path) -> Result<Project, ProjectError> {
    let text = read_build_file(file)?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| ProjectError::malformed(file, e.to_string()))?;
    let state_dir = file.parent().unwrap_or(root).to_path_buf();
    let service_dir = if state_dir.file_name().is_some_and(|n| n == ".serverless") {
        state_dir.parent().unwrap_or(root).to_path_buf()
    } else {
        state_dir.clone()
    };
    // Given `.serverless` itself, the project is the service around it.
    let root = if root == state_dir {
        &service_dir
    } else {
        root
    };
    let mut project = Project::new(Format::Serverless, root, file);
    let service = doc
        .get("service")
        .ok_or_else(|| ProjectError::malformed(file, "no `service` object"))?;
    let runtime = service
        .pointer("/provider/runtime")
        .and_then(Value::as_str)
        .map(str::to_string);
    let service_artifact = doc
        .pointer("/package/artifact")
        .or_else(|| service.pointer("/package/artifact"))
        .and_then(Value::as_str);
    let layers = read_layers(&mut project, service, &state_dir, &service_dir)?;
    let Some(functions) = service.get("functions").and_then(Value::as_object) else {
        return Err(ProjectError::malformed(
            file,
            "no `service.functions` object",
        ));
    };
    for (name, f) in functions {
        let artifact = f
            .pointer("/package/artifact")
            .and_then(Value::as_str)
            .or(service_artifact);
        let Some(artifact) = artifact else {
            project
                .warnings
                .push(format!("{name}: no package.artifact, skipped"));
            continue;
        };
        let what = format!("package.artifact of {name}");
        let code = artifact_path(&mut project, &what, artifact, &state_dir, &service_dir)?;
        let mut refs = Vec::new();
        for item in f
            .get("layers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            refs.push(layer_ref(&project, &layers, name, item)?);
        }
        let own_runtime = f.get("runtime").and_then(Value::as_str).map(str::to_string);
        project.functions.push(Function {
            name: name.clone(),
            code,
            layers: refs,
            runtime: own_runtime.or_else(|| runtime.clone()),
        });
    }
    Ok(project)
}

/// `service.layers` as (`CloudFormation` logical id, layer name, index).
fn read_layers(
    project: &mut Project,
    service: &Value,
    state_dir: &Path,
    service_dir: &Path,
) -> Result<Vec<(String, String, usize)>, ProjectError> {
    let mut out = Vec::new();
    let Some(layers) = service.get("layers").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (name, l) in layers {
        let Some(artifact) = l.pointer("/package/artifact").and_then(Value::as_str) else {
            project.warnings.push(format!(
                "layer {name}: no package.artifact; contents unknown"
            ));
            continue;
        };
        let what = format!("package.artifact of layer {name}");
        let path = artifact_path(project, &what, artifact, state_dir, service_dir)?;
        let index = project.layer_at(name, path);
        out.push((logical_id(name), name.clone(), index));
    }
    Ok(out)
}

/// The logical id Serverless gives a layer: `pythonRequirements` ->
/// `PythonRequirementsLambdaLayer`, `-` spelt `Dash`, `_` spelt `Underscore`.
fn logical_id(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        match c {
            '-' => out.push_str("Dash"),
            '_' => out.push_str("Underscore"),
            c if i == 0 => out.extend(c.to_uppercase()),
            c => out.push(c),
        }
    }
    out + "LambdaLayer"
}

fn layer_ref(
    project: &Project,
    layers: &[(String, String, usize)],
    function: &str,
    item: &Value,
) -> Result<LayerRef, ProjectError> {
    if let Some(arn) = item.as_str() {
        return Ok(LayerRef::Arn(arn.to_string()));
    }
    let Some(target) = item.get("Ref").and_then(Value::as_str) else {
        return Ok(LayerRef::Arn(item.to_string()));
    };
    layers
        .iter()
        .find(|(id, name, _)| id == target || name == target)
        .map(|(_, _, i)| LayerRef::Local(*i))
        .ok_or_else(|| ProjectError::Dangling {
            file: project.file.clone(),
            what: format!("layers of {function}"),
            target: target.to_string(),
        })
}

/// Where an artifact is: relative to the service, to `.serverless`, or (for an absolute
/// path written on another machine) the zip of that name beside the state file.
fn artifact_path(
    project: &mut Project,
    what: &str,
    artifact: &str,
    state_dir: &Path,
    service_dir: &Path,
) -> Result<PathBuf, ProjectError> {
    let given = Path::new(artifact);
    if given.is_absolute()
        && !given.exists()
        && let Some(name) = given.file_name().and_then(|n| n.to_str())
        && state_dir.join(name).is_file()
    {
        project.warnings.push(format!(
            "{what}: {artifact} not found; using {name} beside the state file"
        ));
        return project.resolve(what.to_string(), state_dir, name);
    }
    if !given.is_absolute() && !service_dir.join(given).exists() {
        return project.resolve(what.to_string(), state_dir, artifact);
    }
    project.resolve(what.to_string(), service_dir, artifact)
}
