//! Verdicts of a bundle after exclusions against a set of limits, and the `heft.check/1`
//! JSON that `heft check --format json` prints.

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::exclusion::{Candidate, Exclusion};
use crate::limits::{Counted, Limit, Verdict, verdict};
use crate::manifest::SizeTotals;
use crate::report::ErrorJson;
use crate::settings::InputError;

/// Schema tag of the check report.
pub const SCHEMA: &str = "heft.check/1";

/// How a warning made from an input error allowed by `--allow-errors` ends.
pub const ALLOWED: &str = "(allowed by --allow-errors)";

/// How many candidates a report lists per overrun.
pub const CANDIDATES: usize = 5;

/// Checks the bundle after `ex` against every limit. `reserve` (other layers, the
/// function's code) counts against limits on unzipped contents only: AWS's budget
/// for the function and all its layers.
pub fn verdicts(bundle: &Bundle, ex: &Exclusion, limits: &[Limit], reserve: u64) -> Vec<Verdict> {
    let after = ex.totals(bundle).after;
    limits
        .iter()
        .map(|l| {
            let r = if l.counted == Counted::Unzipped {
                reserve
            } else {
                0
            };
            verdict(l, after.bytes, after.zipped, r)
        })
        .collect()
}

/// The whole `heft.check/1` report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CheckReport {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Every limit, in the order given.
    pub limits: Vec<LimitVerdict>,
    /// Bundle totals before and after exclusions (strip savings included).
    pub totals: Totals,
    /// Number of enabled rules applied.
    pub rules: usize,
    /// What the exclusions would break, rules that match nothing, and input errors
    /// allowed by `--allow-errors`.
    pub warnings: Vec<String>,
    /// What kept the measurement from being complete (unreadable or broken inputs,
    /// unmeasured limits, requirements not installed); any makes the verdict `error`.
    #[serde(default)]
    pub errors: Vec<ErrorJson>,
    /// The gate's answer; see [`Outcome`].
    #[serde(default)]
    pub verdict: Outcome,
}

/// The gate's answer and its exit code.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Measured completely and within every limit: exit 0.
    #[default]
    Ok,
    /// A measured limit is exceeded: exit 1.
    Over,
    /// Input errors or unmeasured limits: exit 2 (nothing can be promised).
    Error,
    /// Errors allowed by `--allow-errors`; what was measured is within: exit 0.
    Partial,
}

impl Outcome {
    /// `ok`, `over`, `error` or `partial`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Over => "over",
            Outcome::Error => "error",
            Outcome::Partial => "partial",
        }
    }

    /// The process exit code `heft check` gives it.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Ok | Outcome::Partial => 0,
            Outcome::Over => 1,
            Outcome::Error => 2,
        }
    }
}

/// Before and after.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totals {
    /// As scanned.
    pub before: SizeTotals,
    /// After exclusions.
    pub after: SizeTotals,
}

/// One limit's verdict.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the heft.check/1 JSON fields: readers test each flag by name"
)]
pub struct LimitVerdict {
    /// Preset name or the `--limit` text.
    pub name: String,
    /// The limit in bytes (the bundle must be smaller).
    pub limit: u64,
    /// What is measured.
    pub counted: Counted,
    /// Bytes measured, reserve included.
    pub used: u64,
    /// Bytes set aside for what was not scanned.
    pub reserve: u64,
    /// Bytes that could still be added.
    pub headroom: u64,
    /// Bytes to cut.
    pub overrun: u64,
    /// `used` as a percentage of `limit`.
    pub percent: f64,
    /// Whether the bundle is within the limit (never true when not measured completely:
    /// see `verified`).
    pub ok: bool,
    /// Whether the bytes it counts were measured (zipped limits are not under
    /// `--no-zip-estimate` for directories).
    #[serde(default = "measured_default")]
    pub measured: bool,
    /// Whether the measurement behind this limit is complete: false when an input could
    /// not be read (then `ok` is false too, as the bytes measured are only a lower bound)
    /// or the limit was not measured.
    #[serde(default = "measured_default")]
    pub verified: bool,
    /// Within the limit but past the `--warn-at` threshold.
    pub warn: bool,
    /// For an overrun: the largest candidate rules, each with its saving on this measure.
    pub candidates: Vec<CandidateJson>,
}

/// A candidate rule group.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CandidateJson {
    /// `preset tests-dirs`.
    pub label: String,
    /// `safe`, `caution` or `breaks`.
    pub safety: String,
    /// Bytes it saves on the limit's measure.
    pub saving: u64,
    /// Whether it alone closes the overrun.
    pub closes: bool,
}

impl LimitVerdict {
    /// The JSON form of `v`; `warn_at` is a percentage; candidates only when over.
    pub fn new(v: &Verdict, warn_at: Option<f64>, candidates: &[Candidate]) -> LimitVerdict {
        let counted = v.limit.counted;
        let listed = if v.ok {
            Vec::new()
        } else {
            let mut c: Vec<&Candidate> = candidates.iter().collect();
            c.sort_by_key(|c| std::cmp::Reverse(c.saving_on(counted)));
            c.into_iter()
                .filter(|c| c.saving_on(counted) > 0)
                .take(CANDIDATES)
                .map(|c| CandidateJson {
                    label: c.label.clone(),
                    safety: c.safety.as_str().to_string(),
                    saving: c.saving_on(counted),
                    closes: c.saving_on(counted) >= v.overrun,
                })
                .collect()
        };
        LimitVerdict {
            name: v.limit.name.clone(),
            limit: v.limit.bytes,
            counted,
            used: v.used,
            reserve: v.reserve,
            headroom: v.headroom,
            overrun: v.overrun,
            percent: v.percent,
            ok: v.ok,
            measured: true,
            verified: true,
            warn: v.ok && warn_at.is_some_and(|w| v.percent >= w),
            candidates: listed,
        }
    }
}

impl CheckReport {
    /// The report of `ex` over `bundle` for `verdicts`.
    pub fn new(
        bundle: &Bundle,
        ex: &Exclusion,
        verdicts: &[Verdict],
        warn_at: Option<f64>,
    ) -> CheckReport {
        let any_over = verdicts.iter().any(|v| !v.ok);
        // Each limit re-ranks the same candidates on its own measure.
        let candidates = if any_over {
            ex.candidates(bundle, Counted::Unzipped)
        } else {
            Vec::new()
        };
        let totals = ex.totals(bundle);
        CheckReport {
            schema: SCHEMA.to_string(),
            limits: verdicts
                .iter()
                .map(|v| LimitVerdict::new(v, warn_at, &candidates))
                .collect(),
            totals: Totals {
                before: totals.before.into(),
                after: totals.after.into(),
            },
            rules: (0..ex.len()).filter(|i| ex.is_enabled(*i)).count(),
            warnings: ex
                .warnings(bundle)
                .iter()
                .map(|w| w.message(bundle, ex))
                .collect(),
            errors: Vec::new(),
            verdict: if verdicts.iter().all(|v| v.ok) {
                Outcome::Ok
            } else {
                Outcome::Over
            },
        }
    }

    /// Fails the gate closed: marks the `unmeasured` limits (by name) as neither ok nor
    /// over, lists `errors`, and sets the verdict. With `allow_errors` the errors become
    /// warnings and the verdict, unless a measured limit is over, `partial`.
    pub fn fail_closed(&mut self, errors: &[InputError], unmeasured: &[&str], allow_errors: bool) {
        for l in &mut self.limits {
            if unmeasured.contains(&l.name.as_str()) {
                l.measured = false;
                l.verified = false;
                l.ok = false;
                l.warn = false;
                l.headroom = 0;
                l.overrun = 0;
                l.candidates.clear();
            }
        }
        let over = self.limits.iter().any(|l| l.measured && !l.ok);
        let incomplete = !errors.is_empty() || !unmeasured.is_empty();
        // An unmeasured limit is listed among the errors too, but it leaves the other limits'
        // figures complete: only something that could not be read makes them lower bounds.
        let unread = errors
            .iter()
            .any(|e| !crate::settings::is_not_measured(&e.message));
        if unread {
            // What was read is only a lower bound: an overrun stands, "within" does not.
            for l in &mut self.limits {
                l.verified = false;
                l.ok = false;
                l.warn = false;
            }
        }
        self.verdict = if incomplete && !allow_errors {
            Outcome::Error
        } else if over {
            Outcome::Over
        } else if incomplete {
            Outcome::Partial
        } else {
            Outcome::Ok
        };
        if allow_errors {
            self.warnings.extend(
                errors
                    .iter()
                    .map(|e| format!("{}: {} {ALLOWED}", e.path, e.message)),
            );
        } else {
            self.errors.extend(errors.iter().map(|e| ErrorJson {
                path: e.path.clone(),
                message: e.message.clone(),
            }));
        }
    }

    /// Whether every limit holds.
    pub fn all_ok(&self) -> bool {
        self.limits.iter().all(|l| l.ok)
    }
}

fn measured_default() -> bool {
    true
}

/// Parses a `--warn-at` threshold: `90%`, `90` or `0.9` all mean 90 percent.
pub fn parse_percent(text: &str) -> Option<f64> {
    let t = text.trim();
    let (number, is_percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let value: f64 = number.parse().ok()?;
    let percent = if !is_percent && value <= 1.0 {
        value * 100.0
    } else {
        value
    };
    (percent.is_finite() && percent > 0.0).then_some(percent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::Target;
    use crate::limits::parse_limit;
    use crate::rules::Rule;
    use crate::synthetic::Synth;

    #[test]
    fn warn_thresholds_parse_as_percentages() {
        assert_eq!(parse_percent("90%"), Some(90.0));
        assert_eq!(parse_percent("90"), Some(90.0));
        assert_eq!(parse_percent("0.9"), Some(90.0));
        assert_eq!(parse_percent("x"), None);
        assert_eq!(parse_percent("-5%"), None);
    }

    #[test]
    fn reserve_counts_against_unzipped_limits_only() {
        let mut s = Synth::new();
        let a = s.dist("a", "1", &[]);
        s.file("a/x.py", 1000, Some(a));
        let b = s.build(Target::default());
        let ex = Exclusion::new(&b);
        let limits = [
            parse_limit("2000").unwrap(),
            parse_limit("zip:2000").unwrap(),
        ];
        let v = verdicts(&b, &ex, &limits, 900);
        assert_eq!(v[0].used, 1100 + 900);
        assert!(!v[0].ok, "used == limit fails");
        assert_eq!(v[1].reserve, 0);
        assert!(v[1].ok);
    }

    #[test]
    fn an_overrun_lists_candidates_that_close_it() {
        let mut s = Synth::new();
        let a = s.dist("a", "1", &[]);
        s.file("a/x.py", 1000, Some(a))
            .file("a/tests/t.py", 5000, Some(a));
        let b = s.build(Target::default());
        let ex = Exclusion::new(&b);
        let v = verdicts(&b, &ex, &[parse_limit("5000").unwrap()], 0);
        let report = CheckReport::new(&b, &ex, &v, None);
        let tests = report.limits[0]
            .candidates
            .iter()
            .find(|c| c.label == "preset tests-dirs")
            .expect("tests-dirs is a candidate");
        assert_eq!(tests.saving, 5000);
        assert!(tests.closes);
        let fixed = Exclusion::with_rules(&b, [Rule::glob("tests/")]).unwrap();
        let v = verdicts(&b, &fixed, &[parse_limit("5000").unwrap()], 0);
        assert!(CheckReport::new(&b, &fixed, &v, None).all_ok());
    }
}
