//! Exclusion rules: what a user marks to cut, with a safety level and a reason.
//!
//! A rule names nodes of a [`crate::bundle::Bundle`] (its "hits"); evaluation over a whole
//! rule list lives in [`crate::exclusion`]. Kinds:
//! - `dist`: the files of a distribution (and directories only it owns, with their
//!   `__pycache__`); `dist-deps` adds the distributions only it needs.
//! - `path`: a file or directory relative to its root (or to every root).
//! - `glob`: a gitignore-like pattern ([`glob`] has the exact semantics).
//! - `keep`: a glob that keeps what it matches from every later rule.
//! - `strip-so`: virtual; saves the symbol tables of `.so` files ([`strip`]).
//!
//! Presets ([`preset`]) are named groups of rules from `assets/rules.json`.

pub mod glob;
pub(crate) mod hits;
pub mod preset;
pub mod strip;

use serde::{Deserialize, Serialize};

pub use hits::{Owners, exclusive_set, rule_dists};

/// What a rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// A distribution by name (PEP 503 normalised when matched).
    Dist,
    /// A distribution plus every distribution no longer needed once it is gone.
    DistDeps,
    /// A file or directory relative to a root.
    Path,
    /// A gitignore-like glob pattern.
    Glob,
    /// A glob whose matches no later rule may exclude.
    Keep,
    /// Strip symbol tables from `.so` files (never under `*.libs/`); removes nothing.
    StripSo,
}

impl RuleKind {
    /// The name used in JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dist => "dist",
            Self::DistDeps => "dist-deps",
            Self::Path => "path",
            Self::Glob => "glob",
            Self::Keep => "keep",
            Self::StripSo => "strip-so",
        }
    }
}

/// How safe a rule is at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Nothing imports what it removes at run time.
    Safe,
    /// Usually fine, with a cost or a known exception: read the reason.
    Caution,
    /// Breaks something at run time (a what-if, never a default).
    Breaks,
}

impl Safety {
    /// The name used in JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Caution => "caution",
            Self::Breaks => "breaks",
        }
    }
}

/// One exclusion rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// What it matches.
    pub kind: RuleKind,
    /// Distribution name, path or pattern (empty for `strip-so`).
    pub value: String,
    /// How safe it is.
    pub safety: Safety,
    /// Why, for the user.
    pub reason: String,
    /// The preset it came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// For `path` rules: the root index it is relative to (every root when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<usize>,
}

/// A rule that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RuleError {
    /// A glob pattern that globset refuses.
    #[error("bad pattern `{pattern}`: {message}")]
    BadGlob {
        /// The pattern as given.
        pattern: String,
        /// globset's complaint.
        message: String,
    },
    /// A path rule that leaves its root or is empty.
    #[error("bad path `{path}`: {why}")]
    BadPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A rule kind that needs a value got none.
    #[error("a {kind} rule needs a value")]
    Empty {
        /// The kind's name.
        kind: &'static str,
    },
    /// A control character (a newline, say) where only text belongs.
    #[error(
        "rule `{rule}`: its {field} holds a control character (newline, tab, ...); rules are one line of text"
    )]
    ControlCharacter {
        /// The rule's label, with the character escaped.
        rule: String,
        /// `value`, `reason` or `preset`.
        field: &'static str,
    },
    /// A preset name heft does not know.
    #[error("unknown preset `{name}`: use one of {known}")]
    UnknownPreset {
        /// The name as given.
        name: String,
        /// Known preset names, comma-separated.
        known: String,
    },
}

impl Rule {
    /// A rule of `kind` with a caution level and a reason.
    pub fn new(kind: RuleKind, value: &str, safety: Safety, reason: &str) -> Rule {
        Rule {
            kind,
            value: value.to_string(),
            safety,
            reason: reason.to_string(),
            preset: None,
            root: None,
        }
    }

    /// Excludes distribution `name`, with the distributions only it needs when `with_deps`.
    pub fn dist(name: &str, with_deps: bool) -> Rule {
        let (kind, reason) = if with_deps {
            (
                RuleKind::DistDeps,
                "removes the distribution and what only it needs; check your code does not import them",
            )
        } else {
            (
                RuleKind::Dist,
                "removes the distribution; check nothing you keep imports it",
            )
        };
        Rule::new(kind, name, Safety::Caution, reason)
    }

    /// Excludes a file or directory `rel` under root `root` (every root when `None`).
    pub fn path(rel: &str, root: Option<usize>) -> Rule {
        let mut rule = Rule::new(
            RuleKind::Path,
            rel,
            Safety::Caution,
            "a path you chose; check nothing imports it",
        );
        rule.root = root;
        rule
    }

    /// Excludes what a gitignore-like `pattern` matches.
    pub fn glob(pattern: &str) -> Rule {
        Rule::new(
            RuleKind::Glob,
            pattern,
            Safety::Caution,
            "a pattern you chose; check nothing imports what it matches",
        )
    }

    /// Checks the value without a bundle: patterns compile, paths stay inside their root,
    /// and no text but a path's (which names a real file) holds a control character.
    pub fn validate(&self) -> Result<(), RuleError> {
        let value = (self.kind != RuleKind::Path).then_some(self.value.as_str());
        let fields = [
            ("value", value),
            ("reason", Some(self.reason.as_str())),
            ("preset", self.preset.as_deref()),
        ];
        for (field, text) in fields {
            if text.is_some_and(|t| t.chars().any(is_line_breaking)) {
                return Err(RuleError::ControlCharacter {
                    rule: self.label().escape_debug().to_string(),
                    field,
                });
            }
        }
        match self.kind {
            RuleKind::Glob | RuleKind::Keep => glob::Pattern::new(&self.value).map(|_| ()),
            RuleKind::Path => check_rel_path(&self.value),
            RuleKind::Dist | RuleKind::DistDeps if self.value.trim().is_empty() => {
                Err(RuleError::Empty {
                    kind: self.kind.as_str(),
                })
            }
            _ => Ok(()),
        }
    }

    /// One line for people: `glob tests/`, `dist kubernetes + deps only it needs`.
    pub fn label(&self) -> String {
        match self.kind {
            RuleKind::DistDeps => format!("dist {} + deps only it needs", self.value),
            RuleKind::StripSo => "strip .so symbol tables".to_string(),
            RuleKind::Path => match self.root {
                Some(r) => format!("path {} (root {r})", self.value),
                None => format!("path {}", self.value),
            },
            kind => format!("{} {}", kind.as_str(), self.value),
        }
    }
}

/// A control character or a Unicode line or paragraph separator.
fn is_line_breaking(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// A relative path is usable when non-empty, not absolute and free of `..`.
pub fn check_rel_path(rel: &str) -> Result<(), RuleError> {
    let bad = |why| {
        Err(RuleError::BadPath {
            path: rel.to_string(),
            why,
        })
    };
    if rel.starts_with('/') {
        return bad("absolute paths are not allowed; give it relative to its root");
    }
    if rel.split('/').any(|p| p == "..") {
        return bad("`..` is not allowed");
    }
    if rel.split('/').all(|p| p.is_empty() || p == ".") {
        return bad("empty path (the root itself cannot be excluded)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_serialise_with_the_contract_names() {
        let rule = Rule::dist("kubernetes", true);
        let json = serde_json::to_value(&rule).unwrap();
        assert_eq!(json["kind"], "dist-deps");
        assert_eq!(json["value"], "kubernetes");
        assert_eq!(json["safety"], "caution");
        assert!(json.get("preset").is_none(), "absent preset is not written");
        let back: Rule = serde_json::from_value(json).unwrap();
        assert_eq!(back, rule);
    }

    #[test]
    fn path_rules_refuse_to_leave_their_root() {
        assert!(Rule::path("numpy/tests", None).validate().is_ok());
        assert!(Rule::path("../etc", None).validate().is_err());
        assert!(Rule::path("a/../../b", None).validate().is_err());
        assert!(Rule::path("/etc", None).validate().is_err());
        assert!(Rule::path("./", None).validate().is_err());
    }

    #[test]
    fn control_characters_in_rule_text_are_refused_naming_the_rule() {
        let err = Rule::glob("tests/\ntouch X").validate().unwrap_err();
        assert_eq!(err.to_string().lines().count(), 1, "{err}");
        assert!(err.to_string().contains("glob tests/\\ntouch X"), "{err}");
        let mut rule = Rule::glob("tests/");
        rule.reason = "fine\rRUN evil".into();
        assert!(matches!(
            rule.validate(),
            Err(RuleError::ControlCharacter {
                field: "reason",
                ..
            })
        ));
        assert!(Rule::dist("a\u{2028}b", false).validate().is_err());
        assert!(
            Rule::path("odd\nname.py", None).validate().is_ok(),
            "a path names a real file, whatever its bytes; exports escape it"
        );
    }

    #[test]
    fn bad_globs_are_refused_with_the_pattern() {
        let err = Rule::glob("a/[z-a]").validate().unwrap_err();
        assert!(matches!(err, RuleError::BadGlob { .. }), "{err}");
    }
}
