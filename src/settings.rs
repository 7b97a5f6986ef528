//! Options resolved once for every command and the explorer (ripgrep's `LowArgs` ->
//! `HiArgs`): the inputs, the target, the limits, the reserve, the rules and the manifest
//! they came from. The shell turns its flags into a [`Settings`]; everything after reads
//! only this, so no flag is interpreted in two places.

use std::path::PathBuf;

use crate::bundle::{Bundle, RootKind};
use crate::limits::{Counted, Limit};
use crate::load::LoadOptions;
use crate::manifest::{Manifest, ManifestError, TreeState};
use crate::rules::Rule;

/// The default limits: the unzipped and the direct-upload zip limits of AWS Lambda.
pub const DEFAULT_LIMITS: [&str; 2] = ["aws-lambda", "aws-lambda-zip"];

/// A manifest given with `--manifest`, read once.
#[derive(Clone, Debug)]
pub struct ManifestSource {
    /// The file it came from.
    pub path: PathBuf,
    /// Its contents.
    pub manifest: Manifest,
}

/// Everything a command or the explorer needs from the command line, resolved.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Inputs as given (the explorer may have none, and then looks around).
    pub paths: Vec<PathBuf>,
    /// Target and top-level requirements.
    pub load: LoadOptions,
    /// The requirements file the top level came from.
    pub requirements: Option<PathBuf>,
    /// Whether files of directory roots are deflated for a zipped estimate.
    pub zip_estimate: bool,
    /// The limits asked for, else the manifest's, else [`DEFAULT_LIMITS`].
    pub limits: Vec<Limit>,
    /// Unzipped bytes outside the scan (`--reserve` plus `--attached` layers).
    pub reserve: u64,
    /// What could not be read in the `--attached` layers.
    pub attached_errors: Vec<InputError>,
    /// Rules from the command line, in order: file, presets, paths, patterns, dists.
    pub rules: Vec<Rule>,
    /// A manifest whose rules come first.
    pub manifest: Option<ManifestSource>,
}

/// Why the settings cannot be applied to a bundle.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The manifest was made from other trees.
    #[error("checking {} against the tree", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What differs.
        source: ManifestError,
    },
}

/// Something that keeps a measurement from being complete: `heft check` fails on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The file, input or limit it is about.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl Settings {
    /// The rules to evaluate over `bundle`: the manifest's (unless the tree is already
    /// pruned), then the command line's.
    pub fn rules_for(&self, bundle: &Bundle) -> Result<Vec<Rule>, SettingsError> {
        let mut rules = Vec::new();
        if let Some(m) = &self.manifest {
            let state =
                m.manifest
                    .match_tree(bundle)
                    .map_err(|source| SettingsError::Manifest {
                        path: m.path.clone(),
                        source,
                    })?;
            if state == TreeState::Unpruned {
                rules.extend(m.manifest.rules.iter().cloned());
            }
        }
        rules.extend(self.rules.iter().cloned());
        Ok(rules)
    }

    /// Limits `bundle` cannot be measured against: zipped ones when directory roots were
    /// not deflated (their zipped bytes then count headers only).
    pub fn unmeasured<'a>(&'a self, bundle: &Bundle) -> Vec<&'a Limit> {
        let estimated = self.zip_estimate
            || bundle
                .roots
                .iter()
                .all(|r| r.kind != RootKind::SitePackages);
        self.limits
            .iter()
            .filter(|l| !estimated && l.counted != Counted::Unzipped)
            .collect()
    }

    /// Everything that makes a measurement of `bundle` incomplete: unreadable or broken
    /// inputs, top-level requirements nothing installed satisfies, unmeasured limits.
    pub fn input_errors(&self, bundle: &Bundle) -> Vec<InputError> {
        let mut out: Vec<InputError> = bundle
            .errors
            .iter()
            .map(|(_, e)| {
                let path = e.path.display().to_string();
                // Some scanners name the file in the message too; say it once.
                let message = e
                    .message
                    .strip_prefix(&format!("{path}: "))
                    .unwrap_or(&e.message)
                    .to_string();
                InputError { path, message }
            })
            .collect();
        out.extend(self.attached_errors.iter().cloned());
        let file = self
            .requirements
            .as_ref()
            .map_or_else(|| "--requirements".to_string(), |p| p.display().to_string());
        out.extend(
            bundle
                .graph
                .missing_top_level
                .iter()
                .map(|name| InputError {
                    path: file.clone(),
                    message: format!("{name} is required but not installed"),
                }),
        );
        out.extend(self.unmeasured(bundle).into_iter().map(|l| {
            InputError {
                path: l.name.clone(),
                message:
                    "not measured: with --no-zip-estimate zipped bytes count zip headers only; \
                      drop this limit or the flag"
                        .to_string(),
            }
        }));
        out
    }
}
