//! Options resolved once for every command and the explorer (ripgrep's `LowArgs` ->
//! `HiArgs`): the inputs, the target, the limits, the reserve, the rules and the manifest
//! they came from. The shell turns its flags into a [`Settings`]; everything after reads
//! only this, so no flag is interpreted in two places.

use std::path::PathBuf;

use crate::bundle::{Bundle, RootKind};
use crate::limits::{Counted, Limit};
use crate::load::LoadOptions;
use crate::manifest::{Manifest, ManifestError, TreeView};
use crate::rules::Rule;

/// How the input error for a limit that was not measured begins (`check` counts those apart).
pub const NOT_MEASURED: &str = "not measured";

/// Whether an input error's `message` says a limit was left unmeasured, rather than that
/// something could not be read.
pub fn is_not_measured(message: &str) -> bool {
    message.starts_with(NOT_MEASURED)
}

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
    /// What could not be read while resolving: requirements lines that do not parse,
    /// unreadable parts of `--attached` layers.
    pub resolve_errors: Vec<InputError>,
    /// Rules from the command line, in order: file, presets, paths, patterns, dists.
    pub rules: Vec<Rule>,
    /// A manifest whose rules come first.
    pub manifest: Option<ManifestSource>,
    /// Entries for import reachability (`--entry`); empty: the default entries.
    pub entries: Vec<String>,
    /// Presets computed from the import graph (`unreached`, `unreached-lazy`), applied once
    /// the graph is known.
    pub import_presets: Vec<String>,
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
            if state == TreeView::Unpruned {
                rules.extend(m.manifest.rules.iter().cloned());
            }
        }
        rules.extend(self.rules.iter().cloned());
        Ok(rules)
    }

    /// The manifest's rules, then the command line's, without checking that the manifest
    /// was made from the tree (for a tree still being written, or not scanned yet); they
    /// apply by name and pattern.
    pub fn rules_unchecked(&self) -> Vec<Rule> {
        let manifest = self.manifest.iter().flat_map(|m| m.manifest.rules.iter());
        manifest.chain(&self.rules).cloned().collect()
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
                // A saved scan's errors did not pass through the scan merge that says the
                // path once.
                let e = e.clone().path_said_once();
                InputError {
                    path: e.path.display().to_string(),
                    message: e.message,
                }
            })
            .collect();
        out.extend(self.resolve_errors.iter().cloned());
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
        out.extend(self.unmeasured(bundle).into_iter().map(|l| InputError {
            path: l.name.clone(),
            message: format!(
                "{NOT_MEASURED}: with --no-zip-estimate zipped bytes count zip headers only; \
                     drop this limit or the flag"
            ),
        }));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::Target;
    use crate::limits::parse_limit;
    use crate::synthetic::Synth;

    fn bundle() -> Bundle {
        let mut s = Synth::new();
        let a = s.dist("a", "1", &[]);
        s.file("a/x.py", 1000, Some(a));
        s.build(Target::default())
    }

    fn settings(zip_estimate: bool) -> Settings {
        Settings {
            zip_estimate,
            limits: ["aws-lambda", "zip:50MB", "aws-layer-request"]
                .iter()
                .map(|l| parse_limit(l).unwrap())
                .collect(),
            ..Settings::default()
        }
    }

    #[test]
    fn without_an_estimate_every_limit_but_unzipped_ones_is_unmeasured() {
        let b = bundle();
        let without = settings(false);
        let names: Vec<&str> = without
            .unmeasured(&b)
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(names, ["zip:50MB", "aws-layer-request"]);
        assert!(settings(true).unmeasured(&b).is_empty());
        let errors = settings(false).input_errors(&b);
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.message.starts_with("not measured")));
    }

    #[test]
    fn archives_need_no_estimate_to_be_measured() {
        let mut b = bundle();
        for root in &mut b.roots {
            root.kind = RootKind::Zip;
        }
        assert!(settings(false).unmeasured(&b).is_empty());
    }

    #[test]
    fn scan_errors_name_their_path_once() {
        let mut b = bundle();
        let error = crate::scan::ScanError {
            path: "l.zip".into(),
            message: "l.zip: not a zip archive".into(),
        };
        b.errors.push((0, error));
        let errors = settings(true).input_errors(&b);
        assert_eq!(
            errors,
            [InputError {
                path: "l.zip".into(),
                message: "not a zip archive".into(),
            }]
        );
    }

    #[test]
    fn the_manifests_rules_come_before_the_command_lines() {
        let b = bundle();
        let ex = crate::exclusion::Exclusion::new(&b);
        let mut manifest = Manifest::new(&b, &ex, &[], String::new());
        manifest.rules = vec![Rule::glob("tests/")];
        let s = Settings {
            rules: vec![Rule::dist("a", false)],
            manifest: Some(ManifestSource {
                path: "m.json".into(),
                manifest,
            }),
            ..Settings::default()
        };
        let values: Vec<String> = s
            .rules_for(&b)
            .unwrap()
            .into_iter()
            .map(|r| r.value)
            .collect();
        assert_eq!(values, ["tests/", "a"]);
        assert_eq!(s.rules_unchecked().len(), 2);
    }
}
