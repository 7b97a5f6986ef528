//! AWS CDK: `cdk.out/<Stack>.template.json` after `cdk synth`. Lambda resources carry
//! `Metadata` `aws:asset:path` (an `asset.<hash>` directory or zip relative to `cdk.out`)
//! and `aws:asset:property` (`Code` for functions, `Content` for layers).

use std::path::Path;

use serde_yaml_ng::Value;

use super::template::{self, LayerSource, plain_str};
use super::{Format, Function, Project, ProjectError, read_build_file};

/// Reads every stack template in the `cdk.out` holding `file`.
pub fn read(root: &Path, file: &Path) -> Result<Project, ProjectError> {
    let dir = file.parent().unwrap_or(root).to_path_buf();
    let mut project = Project::new(Format::Cdk, root, &dir);
    let mut templates: Vec<_> = if file.to_string_lossy().ends_with(".template.json") {
        vec![file.to_path_buf()]
    } else {
        std::fs::read_dir(&dir)
            .map_err(|source| ProjectError::Io {
                path: dir.clone(),
                source,
            })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".template.json"))
            .collect()
    };
    templates.sort();
    for t in &templates {
        project.file.clone_from(t);
        let text = read_build_file(t)?;
        let doc = template::parse_json(t, &text)?;
        read_stack(&mut project, &doc, &dir)?;
    }
    project.file = templates.first().cloned().unwrap_or(dir);
    Ok(project)
}

/// The asset path of a resource whose `aws:asset:property` is `property`.
fn asset<'a>(res: &'a Value, property: &str) -> Option<&'a str> {
    let meta = res.get("Metadata")?;
    let prop = meta.get("aws:asset:property").and_then(plain_str)?;
    (prop == property)
        .then(|| meta.get("aws:asset:path").and_then(plain_str))
        .flatten()
}

/// `Stack/Handler` from `aws:cdk:path` `Stack/Handler/Resource`, else the logical id.
fn display_name(id: &str, res: &Value) -> String {
    res.get("Metadata")
        .and_then(|m| m.get("aws:cdk:path"))
        .and_then(plain_str)
        .map_or_else(
            || id.to_string(),
            |p| p.strip_suffix("/Resource").unwrap_or(p).to_string(),
        )
}

fn read_stack(project: &mut Project, doc: &Value, dir: &Path) -> Result<(), ProjectError> {
    let file = project.file.clone();
    let all = template::resources(&file, doc)?;
    for &(id, ty, res) in &all {
        if ty != "AWS::Lambda::Function" {
            continue;
        }
        let name = display_name(id, res);
        let Some(code) = asset(res, "Code") else {
            project.warnings.push(format!(
                "{name}: no aws:asset:path for its Code (inline, S3 or image), skipped"
            ));
            continue;
        };
        let code = project.resolve(format!("aws:asset:path of {name}"), dir, code)?;
        let source = LayerSource {
            all: &all,
            params: doc.get("Parameters"),
            base: dir,
            content: |_, res| Some(("aws:asset:path", asset(res, "Content")?)),
            name: display_name,
        };
        let mut layers = Vec::new();
        let items = res
            .get("Properties")
            .and_then(|p| p.get("Layers"))
            .and_then(Value::as_sequence);
        for item in items.into_iter().flatten() {
            layers.push(template::layer_ref(project, &source, &name, item)?);
        }
        let runtime = res
            .get("Properties")
            .and_then(|p| p.get("Runtime"))
            .and_then(plain_str)
            .map(str::to_string);
        project.functions.push(Function {
            name,
            code,
            layers,
            runtime,
        });
    }
    Ok(())
}
