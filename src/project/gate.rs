//! One function of a project checked as a whole: its code and layers loaded as one
//! multi-root bundle (code first, then layers in extraction order), every Lambda limit at
//! once, distributions installed twice, and layers shared with other functions.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use super::duplicates::DuplicateJson;
use super::duplicates::duplicates;
use super::managed::{self, Managed};
use super::{Function, LayerRef, Project};
use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::limits::{Counted, preset, request_bytes};
use crate::model::Sizes;

/// Lambda's cap on layers per function.
pub const MAX_LAYERS: u64 = 5;

/// Unzipped bytes of function code and all its layers (AWS's error text).
const UNZIPPED: u64 = 262_144_000;
/// A zip uploaded directly.
const ZIP: u64 = 52_428_800;
/// A `PublishLayerVersion` request carrying the zip.
const REQUEST: u64 = 70_167_211;

/// Code or layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    /// The function's own code (`/var/task`).
    Code,
    /// A layer (`/opt`).
    Layer,
}

/// One artifact of a function: what it is and where the bundle holds it.
#[derive(Clone, Debug)]
pub struct Artifact {
    /// Code or layer.
    pub kind: ArtifactKind,
    /// Function or layer name (an ARN for a published layer).
    pub name: String,
    /// Its directory or zip, when its contents are local.
    pub path: Option<PathBuf>,
    /// Its root in the function's bundle, when local.
    pub root: Option<usize>,
    /// A managed layer heft knows by its ARN.
    pub managed: Option<&'static Managed>,
    /// Other functions using the same layer.
    pub shared_with: Vec<String>,
}

/// The inputs of `function` (code, then local layers in order) and its artifacts.
pub fn inputs(project: &Project, function: &Function) -> (Vec<PathBuf>, Vec<Artifact>) {
    let mut paths = vec![function.code.clone()];
    let mut artifacts = vec![Artifact {
        kind: ArtifactKind::Code,
        name: function.name.clone(),
        path: Some(function.code.clone()),
        root: Some(0),
        managed: None,
        shared_with: Vec::new(),
    }];
    for layer in &function.layers {
        let artifact = match layer {
            LayerRef::Local(i) => {
                paths.push(project.layers[*i].path.clone());
                Artifact {
                    kind: ArtifactKind::Layer,
                    name: project.layers[*i].name.clone(),
                    path: Some(project.layers[*i].path.clone()),
                    root: Some(paths.len() - 1),
                    managed: None,
                    shared_with: project
                        .users_of(*i)
                        .into_iter()
                        .filter(|n| *n != function.name)
                        .map(str::to_string)
                        .collect(),
                }
            }
            LayerRef::Arn(arn) => Artifact {
                kind: ArtifactKind::Layer,
                name: arn.clone(),
                path: None,
                root: None,
                managed: managed::recognise(arn),
                shared_with: Vec::new(),
            },
        };
        artifacts.push(artifact);
    }
    (paths, artifacts)
}

/// One artifact in `heft.check/1`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ArtifactJson {
    /// `code` or `layer`.
    pub kind: ArtifactKind,
    /// Function or layer name, or the ARN.
    pub name: String,
    /// Directory or zip (empty for a layer known only by ARN).
    pub path: String,
    /// Unzipped bytes after exclusions (0 when unknown).
    pub bytes: u64,
    /// Zipped bytes after exclusions (0 when unknown).
    pub zipped_bytes: u64,
    /// Whether heft knows its contents' sizes.
    pub known: bool,
    /// A managed layer heft recognised by ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<String>,
    /// Other functions that use this layer.
    #[serde(default)]
    pub shared_with: Vec<String>,
}

/// One limit of one function (or one of its artifacts).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FunctionLimit {
    /// `aws-lambda`, `aws-lambda-zip`, `aws-layer-request` or `layers`.
    pub name: String,
    /// `unzipped`, `zipped`, `request` or `layers` (a count).
    pub counted: String,
    /// The limit (bytes must be smaller; the layer count may equal it).
    pub limit: u64,
    /// What is measured.
    pub used: u64,
    /// Whether it holds.
    pub ok: bool,
    /// The artifact measured, for per-artifact limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// How much to cut (0 when ok).
    pub overrun: u64,
}

/// One function in `heft.check/1`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FunctionCheck {
    /// Function name.
    pub name: String,
    /// Code, then layers in order.
    pub artifacts: Vec<ArtifactJson>,
    /// Every limit.
    pub limits: Vec<FunctionLimit>,
    /// Distributions installed in more than one artifact.
    pub duplicates: Vec<DuplicateJson>,
    /// Unknown layers and other notes.
    pub warnings: Vec<String>,
}

impl FunctionCheck {
    /// Whether every limit holds.
    pub fn is_ok(&self) -> bool {
        self.limits.iter().all(|l| l.ok)
    }

    /// The limits measured on one artifact (its zip, its upload request).
    pub fn limits_of(&self, artifact: &str) -> Vec<&FunctionLimit> {
        self.limits
            .iter()
            .filter(|l| l.artifact.as_deref() == Some(artifact))
            .collect()
    }
}

fn byte_limit(name: &str, counted: Counted, used: u64, artifact: Option<&str>) -> FunctionLimit {
    let limit = preset(name).map_or(
        match counted {
            Counted::Unzipped => UNZIPPED,
            Counted::Zipped => ZIP,
            Counted::Request => REQUEST,
        },
        |p| p.bytes,
    );
    FunctionLimit {
        name: name.to_string(),
        counted: format!("{counted:?}").to_lowercase(),
        limit,
        used,
        ok: used < limit,
        artifact: artifact.map(str::to_string),
        overrun: (used + 1).saturating_sub(limit),
    }
}

/// Sizes of each artifact after `ex` (unknown layers zero; a managed layer its published size).
fn artifact_sizes(bundle: &Bundle, ex: &Exclusion, artifacts: &[Artifact]) -> Vec<Sizes> {
    artifacts
        .iter()
        .map(|a| match (a.root, a.managed) {
            (Some(r), _) => ex.root_totals(bundle, r).after,
            (None, Some(m)) => Sizes {
                bytes: m.unzipped_bytes.unwrap_or(0),
                ..Sizes::default()
            },
            (None, None) => Sizes::default(),
        })
        .collect()
}

/// Every limit of a function whose artifacts measure `sizes`.
pub fn limits(artifacts: &[Artifact], sizes: &[Sizes]) -> Vec<FunctionLimit> {
    let total: u64 = sizes.iter().map(|s| s.bytes).sum();
    let mut out = vec![byte_limit("aws-lambda", Counted::Unzipped, total, None)];
    let layers = artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Layer)
        .count() as u64;
    out.push(FunctionLimit {
        name: "layers".into(),
        counted: "layers".into(),
        limit: MAX_LAYERS,
        used: layers,
        ok: layers <= MAX_LAYERS,
        artifact: None,
        overrun: layers.saturating_sub(MAX_LAYERS),
    });
    for (a, s) in artifacts.iter().zip(sizes) {
        if a.root.is_none() {
            continue;
        }
        let name = Some(a.name.as_str());
        out.push(byte_limit(
            "aws-lambda-zip",
            Counted::Zipped,
            s.zipped,
            name,
        ));
        if a.kind == ArtifactKind::Layer {
            let request = request_bytes(s.zipped);
            out.push(byte_limit(
                "aws-layer-request",
                Counted::Request,
                request,
                name,
            ));
        }
    }
    out
}

/// Checks one function whose bundle holds `artifacts`' local roots, after `ex`.
pub fn check(
    function: &Function,
    bundle: &Bundle,
    ex: &Exclusion,
    artifacts: &[Artifact],
) -> FunctionCheck {
    let sizes = artifact_sizes(bundle, ex, artifacts);
    let mut warnings = Vec::new();
    let json = artifacts
        .iter()
        .zip(&sizes)
        .map(|(a, s)| {
            let known = a.root.is_some() || a.managed.is_some_and(|m| m.unzipped_bytes.is_some());
            if !known {
                let what = a.managed.map_or(String::new(), |m| format!(" ({})", m.name));
                warnings.push(format!(
                    "layer {}{what}: unknown size, counted as 0; give its contents with --layer ARN=PATH",
                    a.name
                ));
            }
            ArtifactJson {
                kind: a.kind,
                name: a.name.clone(),
                path: a
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                bytes: s.bytes,
                zipped_bytes: s.zipped,
                known,
                managed: a.managed.map(|m| m.name.clone()),
                shared_with: a.shared_with.clone(),
            }
        })
        .collect();
    let python = function
        .python()
        .map_or_else(|| bundle.target.python.clone(), str::to_string);
    FunctionCheck {
        name: function.name.clone(),
        artifacts: json,
        limits: limits(artifacts, &sizes),
        duplicates: duplicates(bundle, ex, artifacts, &python),
        warnings,
    }
}

/// The whole project in `heft.check/1`: every function, plus the project's own notes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProjectCheck {
    /// Always [`crate::verdicts::SCHEMA`].
    pub schema: String,
    /// `aws-sam`, `aws-cdk`, `serverless`, `chalice` or `heft.toml`.
    pub format: String,
    /// The build file read.
    pub file: String,
    /// Every function.
    pub functions: Vec<FunctionCheck>,
    /// Things skipped while reading the project.
    pub warnings: Vec<String>,
    /// What could not be measured (unreadable inputs, zipped limits under
    /// `--no-zip-estimate`): the check fails closed on them.
    #[serde(default)]
    pub errors: Vec<String>,
}

impl ProjectCheck {
    /// An empty report for `project`.
    pub fn new(project: &Project) -> ProjectCheck {
        ProjectCheck {
            schema: crate::verdicts::SCHEMA.to_string(),
            format: project.format.as_str().to_string(),
            file: project.file.display().to_string(),
            functions: Vec::new(),
            warnings: project.warnings.clone(),
            errors: Vec::new(),
        }
    }

    /// Whether every limit of every function holds.
    pub fn all_ok(&self) -> bool {
        self.functions.iter().all(FunctionCheck::is_ok)
    }
}

/// A layer ARN as its name and version (`AWSSDKPandas-Python312:13`); other names as given.
pub fn short_name(name: &str) -> &str {
    match name.split_once(":layer:") {
        Some((arn, rest)) if arn.starts_with("arn:") => rest,
        _ => name,
    }
}
