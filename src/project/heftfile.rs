//! `heft.toml`: a project described by hand, for build tools heft does not read.
//!
//! ```toml
//! [[layer]]                 # optional: named layers functions can share
//! name = "deps"
//! path = "build/layers/deps"     # a directory (packages under python/) or a .zip
//!
//! [[function]]
//! name = "api"
//! code = "build/api"             # a directory or a .zip
//! layers = ["deps", "build/layers/extra.zip", "arn:aws:lambda:...:layer:x:3"]
//! runtime = "python3.12"         # optional
//! ```
//! Paths are relative to the file and must stay inside its directory. A layer entry is a
//! `[[layer]]` name, an ARN (`arn:...`) or a path; order is Lambda's extraction order.

use std::path::Path;

use serde::Deserialize;

use super::{Format, Function, LayerRef, Project, ProjectError, read_build_file};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeftToml {
    #[serde(default)]
    layer: Vec<LayerEntry>,
    #[serde(default)]
    function: Vec<FunctionEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerEntry {
    name: String,
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FunctionEntry {
    name: String,
    code: String,
    #[serde(default)]
    layers: Vec<String>,
    #[serde(default)]
    runtime: Option<String>,
}

/// Reads a `heft.toml`.
pub fn read(root: &Path, file: &Path) -> Result<Project, ProjectError> {
    let text = read_build_file(file)?;
    let parsed: HeftToml =
        toml::from_str(&text).map_err(|e| ProjectError::malformed(file, e.to_string()))?;
    let base = file.parent().unwrap_or(root);
    let mut project = Project::new(Format::HeftToml, root, file);
    let mut named = Vec::new();
    for l in &parsed.layer {
        let path = project.resolve(format!("path of layer {}", l.name), base, &l.path)?;
        named.push((l.name.clone(), project.layer_at(&l.name, path)));
    }
    if parsed.function.is_empty() {
        return Err(ProjectError::malformed(file, "no [[function]] entries"));
    }
    for f in parsed.function {
        let code = project.resolve(format!("code of {}", f.name), base, &f.code)?;
        let mut layers = Vec::new();
        for entry in &f.layers {
            if let Some((_, i)) = named.iter().find(|(n, _)| n == entry) {
                layers.push(LayerRef::Local(*i));
            } else if entry.starts_with("arn:") {
                layers.push(LayerRef::Arn(entry.clone()));
            } else {
                let path = project.resolve(format!("layer of {}", f.name), base, entry)?;
                layers.push(LayerRef::Local(project.layer_at(entry, path)));
            }
        }
        project.functions.push(Function {
            name: f.name,
            code,
            layers,
            runtime: f.runtime,
        });
    }
    Ok(project)
}
