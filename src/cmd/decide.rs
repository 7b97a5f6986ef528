//! Options resolved once (ripgrep's `LowArgs` -> `HiArgs`): every command and the explorer
//! turn their flags into one [`Settings`] here (target, limits, reserve, rules, manifest),
//! plus what `check`, `export` and `prune` share: rules files, manifests, strip savings.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use heft::bundle::{Bundle, Target};
use heft::exclusion::Exclusion;
use heft::imports::Imports;
use heft::imports::cut::is_import_preset;
use heft::limits::{Limit, parse_limit, parse_size};
use heft::load::{LoadOptions, load};
use heft::manifest::Manifest;
use heft::regular_file;
use heft::requirements::parse_requirements_txt;
use heft::rules::strip::{StripCache, strip_savings};
use heft::rules::{Rule, RuleKind, preset};
use heft::settings::{DEFAULT_LIMITS, InputError, ManifestSource, Settings};

use crate::cli::{Arch, DecideArgs, InputArgs, LimitArgs, RuleArgs, TargetArgs};

/// Resolves every option of a command or the explorer into [`Settings`].
pub fn resolve(paths: &[PathBuf], target: &TargetArgs, decide: &DecideArgs) -> Result<Settings> {
    let (load, mut resolve_errors) = load_options(target)?;
    let manifest = match &decide.manifest {
        Some(path) => Some(ManifestSource {
            path: path.clone(),
            manifest: read_manifest(path)?,
        }),
        None => None,
    };
    let manifest_limits = manifest.as_ref().map(|m| {
        m.manifest
            .limits
            .iter()
            .map(heft::manifest::LimitJson::limit)
            .collect()
    });
    let (reserve, attached_errors) = reserve(&decide.limits, &load)?;
    resolve_errors.extend(attached_errors);
    Ok(Settings {
        paths: paths.to_vec(),
        limits: limits(&decide.limits, manifest_limits)?,
        reserve,
        resolve_errors,
        rules: rules_from_args(&decide.rules, &load.target)?,
        load,
        requirements: target.requirements.clone(),
        zip_estimate: !target.no_zip_estimate,
        manifest,
        entries: decide.rules.entries.clone(),
        import_presets: decide
            .rules
            .presets
            .iter()
            .filter(|p| is_import_preset(p))
            .cloned()
            .collect(),
    })
}

/// Resolves the inputs and target of a command that takes no rules or limits.
pub fn resolve_input(input: &InputArgs) -> Result<Settings> {
    resolve(&input.paths, &input.target, &DecideArgs::default())
}

/// The target and the top-level requirements, with the requirements file's lines that do
/// not parse (said on stderr and skipped; `check` fails on them).
fn load_options(args: &TargetArgs) -> Result<(LoadOptions, Vec<InputError>)> {
    let mut opts = LoadOptions {
        target: target(&args.python, args.arch)?,
        top_level: None,
    };
    let mut unparsed = Vec::new();
    if let Some(file) = &args.requirements {
        let text = regular_file::read_to_string(file, regular_file::TEXT_CAP)?;
        let (top, errors) = parse_requirements_txt(&text);
        for message in errors {
            eprintln!("heft: {}: {message}", file.display());
            let path = file.display().to_string();
            unparsed.push(InputError { path, message });
        }
        opts.top_level = Some(top);
    }
    Ok((opts, unparsed))
}

/// The Lambda target for a Python version (`3.Y`) and an architecture.
fn target(python: &str, arch: Arch) -> Result<Target> {
    if !is_python3_version(python) {
        bail!("--python {python}: expected a Python 3 version as 3.Y, such as 3.12");
    }
    let machine = match arch {
        Arch::X86_64 => "x86_64",
        Arch::Aarch64 => "aarch64",
    };
    Ok(Target {
        python: python.to_string(),
        platform: "linux".into(),
        machine: machine.into(),
    })
}

/// `3.Y` with a minor version a Python release could have (no patch level: markers
/// compare `python_version`, which never has one).
fn is_python3_version(text: &str) -> bool {
    let Some(minor) = text.strip_prefix("3.") else {
        return false;
    };
    let canonical = minor == "0" || !minor.starts_with('0');
    canonical && !minor.is_empty() && minor.len() <= 2 && minor.bytes().all(|b| b.is_ascii_digit())
}

/// The rules the command line asks for, in order: file, presets, paths, patterns, dists.
/// A rule that matches nothing is not an error here: evaluation warns about it.
pub fn rules_from_args(args: &RuleArgs, target: &Target) -> Result<Vec<Rule>> {
    let mut rules = match &args.rules {
        Some(file) => read_rules_file(file)?,
        None => Vec::new(),
    };
    // Presets from the import graph need the bundle: see `import_rules`.
    for name in args.presets.iter().filter(|p| !is_import_preset(p)) {
        rules.extend(preset::preset_rules(name, target)?);
    }
    rules.extend(args.exclude_paths.iter().map(|p| Rule::path(p, None)));
    rules.extend(args.excludes.iter().map(|p| Rule::glob(p)));
    rules.extend(args.exclude_dists.iter().map(|d| Rule::dist(d, false)));
    rules.extend(args.exclude_deps.iter().map(|d| Rule::dist(d, true)));
    for rule in &rules {
        rule.validate()?;
    }
    Ok(rules)
}

/// Rules from a JSON file: a manifest's rules, `{"rules": [...]}` or a bare list.
pub fn read_rules_file(path: &Path) -> Result<Vec<Rule>> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum RulesFile {
        Wrapped { rules: Vec<Rule> },
        Bare(Vec<Rule>),
    }
    let text = regular_file::read_to_string(path, regular_file::MANIFEST_CAP)?;
    let parsed: RulesFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: expected a heft.manifest/1 or a JSON list of rules",
            path.display()
        )
    })?;
    Ok(match parsed {
        RulesFile::Wrapped { rules } | RulesFile::Bare(rules) => rules,
    })
}

/// Reads and parses a manifest, refusing it whole when an excluded path is not a plain
/// relative path under one of its own roots (a tampered manifest never half-applies).
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let text = regular_file::read_to_string(path, regular_file::MANIFEST_CAP)?;
    let m = Manifest::from_json(&text).with_context(|| format!("reading {}", path.display()))?;
    heft::manifest::apply::plan(&m, m.roots.len())
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(m)
}

/// The import graph, when the rules need it: entries given or an unreached preset named.
/// Default entries are announced on stderr.
pub fn imports(args: &RuleArgs, bundle: &Bundle) -> Option<Arc<Imports>> {
    let wanted = !args.entries.is_empty() || args.presets.iter().any(|p| is_import_preset(p));
    if !wanted {
        return None;
    }
    let imports = heft::imports::Imports::analyze_with_user_cache(bundle, &args.entries);
    if imports.default_entries {
        eprintln!(
            "heft: entries: {} (default: import names of the top-level distributions; --entry to choose)",
            imports.entries.join(", ")
        );
    }
    if !imports.unresolved.is_empty() {
        eprintln!(
            "heft: entries not found in the bundle: {}",
            imports.unresolved.join(", ")
        );
    }
    Some(Arc::new(imports))
}

/// The rules of the presets computed from the import graph (`unreached`, `unreached-lazy`).
pub fn import_rules(args: &RuleArgs, bundle: &Bundle, imports: Option<&Imports>) -> Vec<Rule> {
    let Some(imports) = imports else {
        return Vec::new();
    };
    args.presets
        .iter()
        .filter(|p| is_import_preset(p))
        .flat_map(|p| imports.preset_rules(bundle, p))
        .collect()
}

/// The settings' rules over `bundle`, then the import-graph presets, with import warnings
/// when entries are given: what `check` and `export` evaluate.
pub fn settled_exclusion(
    settings: &Settings,
    args: &RuleArgs,
    bundle: &Bundle,
) -> Result<Exclusion> {
    let imports = imports(args, bundle);
    let mut rules = settings.rules_for(bundle)?;
    rules.extend(import_rules(args, bundle, imports.as_deref()));
    exclusion(bundle, rules, imports)
}

/// The evaluation of `rules` over `bundle`, with strip savings read when a rule needs them
/// and import warnings when `imports` is given.
pub fn exclusion(
    bundle: &Bundle,
    rules: Vec<Rule>,
    imports: Option<Arc<Imports>>,
) -> Result<Exclusion> {
    let needs_strip = rules.iter().any(|r| r.kind == RuleKind::StripSo);
    let mut ex = Exclusion::new(bundle);
    ex.set_imports(imports);
    for rule in rules {
        ex.push(bundle, rule)?;
    }
    if needs_strip {
        ex.set_strip_savings(bundle, strip_savings(bundle, &mut StripCache::default()));
    }
    Ok(ex)
}

/// The limits asked for, else `fallback` (a manifest's), else the defaults.
pub fn limits(args: &LimitArgs, fallback: Option<Vec<Limit>>) -> Result<Vec<Limit>> {
    if !args.limits.is_empty() {
        return args
            .limits
            .iter()
            .map(|l| parse_limit(l).with_context(|| format!("--limit {l}")))
            .collect();
    }
    if let Some(limits) = fallback.filter(|l| !l.is_empty()) {
        return Ok(limits);
    }
    Ok(DEFAULT_LIMITS
        .iter()
        .filter_map(|n| heft::limits::preset(n).cloned())
        .collect())
}

/// The `--limit` texts of `report` and `diff`, else the defaults.
pub fn shown_limits(texts: &[String]) -> Result<Vec<Limit>> {
    limits(
        &LimitArgs {
            limits: texts.to_vec(),
            ..LimitArgs::default()
        },
        None,
    )
}

/// `--reserve` plus the unzipped bytes of every `--attached` layer, with what could not be
/// read in those layers (their bytes are then undercounted).
pub fn reserve(args: &LimitArgs, load_opts: &LoadOptions) -> Result<(u64, Vec<InputError>)> {
    let mut errors = Vec::new();
    let mut total = match &args.reserve {
        Some(text) => parse_size(text).with_context(|| format!("--reserve {text}"))?,
        None => 0,
    };
    if !args.attached.is_empty() {
        let opts = LoadOptions {
            target: load_opts.target.clone(),
            top_level: None,
        };
        for layer in &args.attached {
            let scanned = load(std::slice::from_ref(layer), &opts, &mut |_| {})
                .with_context(|| format!("--attached {}", layer.display()))?;
            total += scanned.totals().bytes;
            errors.extend(scanned.errors.iter().map(|(_, e)| InputError {
                path: e.path.display().to_string(),
                message: format!("in --attached {}: {}", layer.display(), e.message),
            }));
        }
    }
    Ok((total, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_limits_are_the_lambda_presets() {
        let names: Vec<String> = limits(&LimitArgs::default(), None)
            .unwrap()
            .into_iter()
            .map(|l| l.name)
            .collect();
        assert_eq!(names, ["aws-lambda", "aws-lambda-zip"]);
    }

    #[test]
    fn a_bad_limit_is_an_error_naming_it() {
        let args = LimitArgs {
            limits: vec!["lots".into()],
            ..LimitArgs::default()
        };
        let error = limits(&args, None).unwrap_err();
        assert!(format!("{error:#}").contains("--limit lots"));
    }

    #[test]
    fn the_explorer_takes_entries_and_keeps_import_presets_for_when_the_graph_is_known() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "heft",
            "layer",
            "--entry",
            "app.handler",
            "--preset",
            "unreached",
            "--preset",
            "tests-dirs",
        ])
        .unwrap();
        let args = cli.explore;
        let settings = resolve(&args.paths, &args.target, &args.decide).unwrap();
        assert_eq!(settings.entries, ["app.handler"]);
        assert_eq!(settings.import_presets, ["unreached"]);
        assert!(
            settings
                .rules
                .iter()
                .all(|r| r.preset.as_deref() != Some("unreached")),
            "the unreached rules need the graph; they are not made here"
        );
        assert!(!settings.rules.is_empty(), "tests-dirs applies as before");
    }

    #[test]
    fn python_versions_are_3_and_a_minor_version() {
        for good in ["3.0", "3.9", "3.12", "3.14", "3.99"] {
            assert!(is_python3_version(good), "{good}");
        }
        for bad in [
            "2", "3", "3.", "2.7", "3.9.1", "3.09", "3.100", "3.x", " 3.12", "4.0",
        ] {
            assert!(!is_python3_version(bad), "{bad}");
        }
    }
}
