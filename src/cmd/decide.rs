//! What `check`, `export` and `prune` share: rules from the command line and files,
//! manifests, limits and reserve, strip savings.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use heft::bundle::Bundle;
use heft::exclusion::Exclusion;
use heft::imports::Imports;
use heft::imports::cut::is_import_preset;
use heft::limits::{Limit, parse_limit, parse_size};
use heft::load::{LoadOptions, load};
use heft::manifest::Manifest;
use heft::rules::strip::{StripCache, strip_savings};
use heft::rules::{Rule, RuleKind, preset};

use crate::cli::{InputArgs, LimitArgs, RuleArgs};

/// The default limits: the unzipped and the direct-upload zip limits of AWS Lambda.
const DEFAULT_LIMITS: [&str; 2] = ["aws-lambda", "aws-lambda-zip"];

/// The import graph, when the rules need it: entries given or an unreached preset named.
/// Default entries are announced on stderr.
pub fn imports(args: &RuleArgs, bundle: &Bundle) -> Option<Arc<Imports>> {
    let wanted = !args.entries.is_empty() || args.presets.iter().any(|p| is_import_preset(p));
    if !wanted {
        return None;
    }
    let imports = Imports::analyze(bundle, &args.entries);
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

/// The rules the command line asks for, in order: file, presets, paths, patterns, dists.
pub fn rules_from_args(
    args: &RuleArgs,
    bundle: &Bundle,
    imports: Option<&Imports>,
) -> Result<Vec<Rule>> {
    let mut rules = match &args.rules {
        Some(file) => read_rules_file(file)?,
        None => Vec::new(),
    };
    for name in &args.presets {
        match imports.filter(|_| is_import_preset(name)) {
            Some(imports) => rules.extend(imports.preset_rules(bundle, name)),
            None => rules.extend(preset::preset_rules(name, &bundle.target)?),
        }
    }
    rules.extend(args.exclude_paths.iter().map(|p| Rule::path(p, None)));
    rules.extend(args.excludes.iter().map(|p| Rule::glob(p)));
    rules.extend(args.exclude_dists.iter().map(|d| Rule::dist(d, false)));
    rules.extend(args.exclude_deps.iter().map(|d| Rule::dist(d, true)));
    for rule in &rules {
        rule.validate()?;
        let is_dist = matches!(rule.kind, RuleKind::Dist | RuleKind::DistDeps);
        if is_dist && rule.preset.is_none() && heft::rules::rule_dists(bundle, rule).is_empty() {
            bail!(
                "no distribution `{}` is installed in the bundle",
                rule.value
            );
        }
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
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
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

/// Reads and parses a manifest.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Manifest::from_json(&text).with_context(|| format!("reading {}", path.display()))
}

/// The evaluation of `rules` over `bundle`, with strip savings read when a rule needs them.
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

/// `--reserve` plus the unzipped bytes of every `--attached` layer.
pub fn reserve(args: &LimitArgs, input: &InputArgs) -> Result<u64> {
    let mut total = match &args.reserve {
        Some(text) => parse_size(text).with_context(|| format!("--reserve {text}"))?,
        None => 0,
    };
    if !args.attached.is_empty() {
        let opts = LoadOptions {
            target: input.into(),
            top_level: None,
        };
        for layer in &args.attached {
            let scanned = load(std::slice::from_ref(layer), &opts, &mut |_| {})
                .with_context(|| format!("--attached {}", layer.display()))?;
            total += scanned.totals().bytes;
        }
    }
    Ok(total)
}
