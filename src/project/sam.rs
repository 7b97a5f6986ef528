//! AWS SAM: `.aws-sam/build/template.yaml` as `sam build` leaves it, with every `CodeUri`
//! and `ContentUri` a directory relative to the template.

use std::path::Path;

use super::{Format, Project, ProjectError, read_build_file, template};

/// Reads the SAM build template `file`; paths must stay inside `root`.
pub fn read(root: &Path, file: &Path) -> Result<Project, ProjectError> {
    let text = read_build_file(file)?;
    let doc = template::parse_yaml(file, &text)?;
    let mut project = Project::new(Format::Sam, root, file);
    let base = file.parent().unwrap_or(root);
    template::read_functions(&mut project, &doc, base)?;
    Ok(project)
}
