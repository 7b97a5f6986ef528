//! Rule presets and run-time needs, embedded from `assets/rules.json`.
//!
//! A preset is a named group of rules sharing a safety level and a reason (single rules
//! may refine the reason, e.g. a `keep` rule saying what it protects). `{other_cpython}`
//! in a pattern becomes an alternation of every `CPython` tag but the target's.

use std::sync::OnceLock;

use serde::Deserialize;

use super::{Rule, RuleError, RuleKind, Safety};
use crate::bundle::Target;

/// A named group of rules.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// `tests-dirs`.
    pub name: String,
    /// Safety of every rule in it.
    pub safety: Safety,
    /// Why, for the user.
    pub reason: String,
    /// The rules, in order.
    pub rules: Vec<PresetRule>,
}

/// One rule of a preset, before expansion.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetRule {
    /// What it matches.
    pub kind: RuleKind,
    /// Its value; may hold `{other_cpython}`.
    pub value: String,
    /// A reason specific to this rule, replacing the preset's.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A path imported at run time, whose removal breaks its importers.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Needed {
    /// The distribution owning it (normalised name).
    pub dist: String,
    /// Its path relative to a site: `numpy/testing`.
    pub path: String,
    /// Distributions known to import it at run time.
    pub importers: Vec<String>,
    /// What breaks, for the user.
    pub why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    presets: Vec<Preset>,
    needed: Vec<Needed>,
}

fn file() -> &'static RulesFile {
    static FILE: OnceLock<RulesFile> = OnceLock::new();
    FILE.get_or_init(|| {
        // Compiled in and parsed by the `presets_parse_and_compile` test.
        serde_json::from_str(include_str!("../../assets/rules.json"))
            .expect("assets/rules.json is valid (checked by a unit test)")
    })
}

/// Every preset, in the order the asset lists them.
pub fn presets() -> &'static [Preset] {
    &file().presets
}

/// Paths known to be imported at run time.
pub fn needed() -> &'static [Needed] {
    &file().needed
}

/// The preset called `name` (case-insensitive).
pub fn find(name: &str) -> Option<&'static Preset> {
    presets()
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
}

/// The rules of preset `name` for `target`, each tagged with the preset's name.
pub fn preset_rules(name: &str, target: &Target) -> Result<Vec<Rule>, RuleError> {
    let preset = find(name).ok_or_else(|| RuleError::UnknownPreset {
        name: name.to_string(),
        known: presets()
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    Ok(preset.expand(target))
}

impl Preset {
    /// Its rules for `target`.
    pub fn expand(&self, target: &Target) -> Vec<Rule> {
        let other = other_cpython(&target.python);
        self.rules
            .iter()
            .map(|r| Rule {
                kind: r.kind,
                value: r.value.replace("{other_cpython}", &other),
                safety: self.safety,
                reason: r.reason.clone().unwrap_or_else(|| self.reason.clone()),
                preset: Some(self.name.clone()),
                root: None,
            })
            .collect()
    }
}

/// `{cpython-36,...,cpython-315}` without the tag of `python` (`3.12` -> `cpython-312`).
fn other_cpython(python: &str) -> String {
    let own = format!("cpython-{}", python.replace('.', ""));
    let tags: Vec<String> = (6..=15)
        .map(|minor| format!("cpython-3{minor}"))
        .filter(|t| *t != own)
        .collect();
    format!("{{{}}}", tags.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_and_compile() {
        let target = Target::default();
        assert!(presets().len() >= 10);
        for p in presets() {
            let rules = preset_rules(&p.name, &target).unwrap();
            assert!(!rules.is_empty(), "{} has rules", p.name);
            for r in &rules {
                r.validate().unwrap_or_else(|e| panic!("{}: {e}", p.name));
                assert_eq!(r.preset.as_deref(), Some(p.name.as_str()));
            }
        }
        for n in needed() {
            assert!(!n.importers.is_empty(), "{}", n.path);
        }
    }

    #[test]
    fn presets_carry_the_documented_safety() {
        let safety = |n: &str| find(n).unwrap().safety;
        assert_eq!(safety("tests-dirs"), Safety::Caution);
        assert_eq!(safety("type-stubs"), Safety::Safe);
        assert_eq!(safety("c-sources"), Safety::Safe);
        assert_eq!(safety("bin-scripts"), Safety::Safe);
        assert_eq!(safety("pycache"), Safety::Caution);
        assert_eq!(safety("pyc-other-python"), Safety::Safe);
        assert_eq!(safety("dist-info"), Safety::Breaks);
        assert_eq!(safety("strip-so"), Safety::Caution);
        assert_eq!(safety("botocore-data"), Safety::Caution);
        assert_eq!(safety("runtime-provided"), Safety::Caution);
    }

    #[test]
    fn other_cpython_leaves_out_the_target_version() {
        let tags = other_cpython("3.12");
        assert!(tags.contains("cpython-311,"));
        assert!(tags.contains("cpython-313"));
        assert!(!tags.contains("cpython-312"));
    }

    #[test]
    fn unknown_presets_list_the_known_ones() {
        let err = preset_rules("nope", &Target::default()).unwrap_err();
        assert!(err.to_string().contains("tests-dirs"), "{err}");
    }
}
