//! Chalice: `chalice package OUT` writes `deployment.zip`, `layer-deployment.zip` (with
//! `automatic_layer`) and `sam.json`, a SAM template in JSON whose `CodeUri`/`ContentUri`
//! name the zips. Without `sam.json`, the zips alone make one function `app`.

use std::path::{Path, PathBuf};

use super::{Format, Function, LayerRef, Project, ProjectError, read_build_file, template};

/// Reads a chalice package directory from `file` (its `sam.json` or `deployment.zip`).
pub fn read(root: &Path, file: &Path) -> Result<Project, ProjectError> {
    let dir = file.parent().unwrap_or(root);
    let mut project = Project::new(Format::Chalice, root, file);
    let sam = dir.join("sam.json");
    if sam.is_file() {
        project.file.clone_from(&sam);
        let text = read_build_file(&sam)?;
        let doc = template::parse_json(&sam, &text)?;
        template::read_functions(&mut project, &doc, dir)?;
        return Ok(project);
    }
    let mut layers = Vec::new();
    let layer = dir.join("layer-deployment.zip");
    if layer.is_file() {
        layers.push(LayerRef::Local(project.layer_at("layer-deployment", layer)));
    }
    project.functions.push(Function {
        name: "app".into(),
        code: PathBuf::from(dir).join("deployment.zip"),
        layers,
        runtime: None,
    });
    project
        .warnings
        .push("no sam.json beside deployment.zip: one function `app` assumed".into());
    Ok(project)
}
