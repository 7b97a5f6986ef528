//! Whole deployments: every function of a project with its layers, read from what a build
//! tool already wrote (AWS SAM, CDK, Serverless Framework, Chalice) or from a `heft.toml`.
//!
//! Nothing here runs a build tool or touches a terminal. [`open`] detects the format by its
//! files and returns a [`Project`]: functions, each with its code artifact and its layers in
//! Lambda's extraction order. Every path a build file names must stay inside the project
//! (absolute paths elsewhere and `..` escapes are errors naming the file).

pub mod cdk;
pub mod chalice;
pub mod duplicates;
pub mod gate;
pub mod heftfile;
pub mod managed;
mod paths;
pub mod sam;
pub mod serverless;
mod template;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

/// The build tool a project comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.aws-sam/build/template.yaml` after `sam build`.
    Sam,
    /// `cdk.out/*.template.json` after `cdk synth`.
    Cdk,
    /// `.serverless/serverless-state.json` after `serverless package`.
    Serverless,
    /// `chalice package` output: `deployment.zip`, `layer-deployment.zip`, `sam.json`.
    Chalice,
    /// A hand-written `heft.toml`.
    HeftToml,
}

impl Format {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sam => "aws-sam",
            Self::Cdk => "aws-cdk",
            Self::Serverless => "serverless",
            Self::Chalice => "chalice",
            Self::HeftToml => "heft.toml",
        }
    }
}

/// A layer with local contents (a directory or a zip inside the project, or `--layer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Its name in the build file (logical id, layer name or path).
    pub name: String,
    /// Its directory or zip.
    pub path: PathBuf,
}

/// How a function names one of its layers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerRef {
    /// A layer of the project, by index into [`Project::layers`].
    Local(usize),
    /// A published layer known only by its ARN (contents unknown unless given).
    Arn(String),
}

/// One Lambda function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Logical id or function name.
    pub name: String,
    /// Its code: a directory or a zip.
    pub code: PathBuf,
    /// Its layers in order (later ones overwrite earlier ones on extraction).
    pub layers: Vec<LayerRef>,
    /// `python3.12` when the build file says.
    pub runtime: Option<String>,
}

/// A project: its functions and the layers they use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The directory every path must stay inside.
    pub root: PathBuf,
    /// The build file read.
    pub file: PathBuf,
    /// Which tool wrote it.
    pub format: Format,
    /// Every function, in the build file's order.
    pub functions: Vec<Function>,
    /// Every local layer.
    pub layers: Vec<Layer>,
    /// Things skipped or guessed, for the user.
    pub warnings: Vec<String>,
}

/// A project that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A build file that does not parse, or has the wrong shape.
    #[error("{}: {message}", path.display())]
    Malformed {
        /// The build file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A path in a build file that leaves the project or does not exist.
    #[error("{}: {what} `{value}`: {why}", file.display())]
    BadPath {
        /// The build file naming it.
        file: PathBuf,
        /// What the path is for (`CodeUri of HelloFunction`).
        what: String,
        /// The path as written.
        value: String,
        /// Why it cannot be used.
        why: String,
    },
    /// A reference to a resource the template does not define.
    #[error("{}: {what} refers to `{target}`, which the template does not define", file.display())]
    Dangling {
        /// The build file.
        file: PathBuf,
        /// Where the reference is (`Layers of HelloFunction`).
        what: String,
        /// The name referred to.
        target: String,
    },
    /// A `--layer ARN=PATH` argument without `=`.
    #[error("--layer `{0}`: expected ARN=PATH")]
    BadOverride(String),
}

impl ProjectError {
    fn malformed(path: &Path, message: impl Into<String>) -> ProjectError {
        ProjectError::Malformed {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Build files larger than this are refused before parsing (a template is kilobytes).
const MAX_BUILD_FILE: u64 = 32 * 1024 * 1024;

/// Reads a build file: a regular file only (a FIFO never blocks heft), refusing huge ones.
fn read_build_file(path: &Path) -> Result<String, ProjectError> {
    use crate::regular_file::FileError;
    crate::regular_file::read_to_string(path, MAX_BUILD_FILE).map_err(|e| match e {
        FileError::Io { path, source } => ProjectError::Io { path, source },
        FileError::TooLarge { .. } => ProjectError::malformed(
            path,
            format!("more than {MAX_BUILD_FILE} bytes is too large for a build file"),
        ),
        FileError::NotRegular { .. } => ProjectError::malformed(path, e.reason()),
    })
}

/// The build file of a project at `path` and its format, if `path` is one.
///
/// `path` may be the project directory, the build output directory (`.aws-sam/build`,
/// `cdk.out`, `.serverless`, a chalice package directory) or the build file itself.
pub fn detect(path: &Path) -> Option<(Format, PathBuf)> {
    if path.is_file() {
        let name = path.file_name()?.to_string_lossy();
        return match name.as_ref() {
            "heft.toml" => Some((Format::HeftToml, path.to_path_buf())),
            "serverless-state.json" => Some((Format::Serverless, path.to_path_buf())),
            "sam.json" => Some((Format::Chalice, path.to_path_buf())),
            "template.yaml" | "template.yml" => Some((Format::Sam, path.to_path_buf())),
            _ if name.ends_with(".template.json") => Some((Format::Cdk, path.to_path_buf())),
            _ => None,
        };
    }
    if !path.is_dir() {
        return None;
    }
    let probes: [(&str, Format); 9] = [
        ("heft.toml", Format::HeftToml),
        (".aws-sam/build/template.yaml", Format::Sam),
        ("build/template.yaml", Format::Sam),
        (".serverless/serverless-state.json", Format::Serverless),
        ("serverless-state.json", Format::Serverless),
        ("sam.json", Format::Chalice),
        ("deployment.zip", Format::Chalice),
        ("cdk.out/manifest.json", Format::Cdk),
        ("manifest.json", Format::Cdk),
    ];
    for (rel, format) in probes {
        let file = path.join(rel);
        if !file.is_file() {
            continue;
        }
        // A bare `template.yaml` beside the sources is `sam build`'s input, not its output.
        if rel == "build/template.yaml" && path.file_name()? != ".aws-sam" {
            continue;
        }
        if format == Format::Cdk && !has_cdk_templates(file.parent()?) {
            continue;
        }
        return Some((format, file));
    }
    if path.join("template.yaml").is_file() && path.file_name()? == "build" {
        return Some((Format::Sam, path.join("template.yaml")));
    }
    None
}

fn has_cdk_templates(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|r| {
        r.filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().ends_with(".template.json"))
    })
}

/// Opens the project at `path` (see [`detect`]); `None` when `path` is not a project.
pub fn open(path: &Path) -> Result<Option<Project>, ProjectError> {
    let Some((format, file)) = detect(path) else {
        return Ok(None);
    };
    let root = if path.is_file() {
        path.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        path.to_path_buf()
    };
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    let project = match format {
        Format::Sam => sam::read(&root, &file)?,
        Format::Cdk => cdk::read(&root, &file)?,
        Format::Serverless => serverless::read(&root, &file)?,
        Format::Chalice => chalice::read(&root, &file)?,
        Format::HeftToml => heftfile::read(&root, &file)?,
    };
    Ok(Some(project))
}

impl Project {
    /// An empty project of `format` read from `file`, paths inside `root`.
    fn new(format: Format, root: &Path, file: &Path) -> Project {
        Project {
            root: root.to_path_buf(),
            file: file.to_path_buf(),
            format,
            functions: Vec::new(),
            layers: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// `value` from the build file, relative to `base`, checked to exist inside the project.
    fn resolve(&self, what: String, base: &Path, value: &str) -> Result<PathBuf, ProjectError> {
        let origin = paths::Origin {
            root: &self.root,
            file: &self.file,
            what,
        };
        origin.resolve(base, value)
    }

    /// The index of the layer at `path`, adding it under `name` when new.
    fn layer_at(&mut self, name: &str, path: PathBuf) -> usize {
        if let Some(i) = self.layers.iter().position(|l| l.path == path) {
            return i;
        }
        self.layers.push(Layer {
            name: name.to_string(),
            path,
        });
        self.layers.len() - 1
    }

    /// Replaces ARN-only layers that `overrides` (`ARN=PATH`) give contents for.
    pub fn supply_layers(&mut self, overrides: &[String]) -> Result<(), ProjectError> {
        for text in overrides {
            let (arn, path) = text
                .split_once('=')
                .filter(|(a, p)| !a.is_empty() && !p.is_empty())
                .ok_or_else(|| ProjectError::BadOverride(text.clone()))?;
            let index = self.layer_at(arn, PathBuf::from(path));
            for f in &mut self.functions {
                for l in &mut f.layers {
                    if matches!(l, LayerRef::Arn(a) if a == arn) {
                        *l = LayerRef::Local(index);
                    }
                }
            }
        }
        Ok(())
    }

    /// Names of the functions using local layer `index`.
    pub fn users_of(&self, index: usize) -> Vec<&str> {
        self.functions
            .iter()
            .filter(|f| f.layers.contains(&LayerRef::Local(index)))
            .map(|f| f.name.as_str())
            .collect()
    }

    /// The function called `name`.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }
}

impl Function {
    /// The Python version of its runtime (`python3.12` -> `3.12`).
    pub fn python(&self) -> Option<&str> {
        self.runtime.as_deref()?.strip_prefix("python")
    }
}
