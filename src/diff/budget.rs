//! Growth budgets (`heft check --baseline B --max-growth 5MB`): how much a build may grow
//! over a baseline, in bytes or percent, unzipped or zipped, and which distributions the
//! growth came from.

use std::cmp::Reverse;

use serde::{Deserialize, Serialize};

use super::{Change, compare, signed};
use crate::bundle::Bundle;
use crate::limits::{Counted, LimitError, human, parse_size};

/// How many contributors a growth verdict names.
pub const CONTRIBUTORS: usize = 5;

/// Millionths of a percent in one percent.
const MICRO: u128 = 1_000_000;

/// The most a build may grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GrowthMax {
    /// At most this many bytes more.
    Bytes(u64),
    /// At most this share of the baseline, in millionths of a percent (2% = 2,000,000).
    Percent(u64),
}

/// A `--max-growth` budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Growth {
    /// As given on the command line.
    pub name: String,
    /// Unzipped contents or the zip file.
    pub counted: Counted,
    /// The most it may grow.
    pub max: GrowthMax,
}

/// A `--max-growth` text heft cannot read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GrowthError {
    /// The size part is not a size.
    #[error("{0}")]
    Size(#[from] LimitError),
    /// The percentage is not a number.
    #[error("`{0}` is not a percentage such as 2% or 0.5%")]
    Percent(String),
    /// The part before `:` is not `zip:` or `unzipped:`.
    #[error("unknown measure `{0}`: use zip: (zipped bytes) or unzipped: (the default)")]
    Measure(String),
}

/// Parses `5MB`, `2%`, `zip:1MB`, `zip:2%` (sizes 1024-based; `unzipped:` is the default).
pub fn parse_growth(text: &str) -> Result<Growth, GrowthError> {
    let t = text.trim();
    let (counted, rest) = match t.split_once(':') {
        None => (Counted::Unzipped, t),
        Some((m, rest)) => match m.trim().to_ascii_lowercase().as_str() {
            "zip" | "zipped" => (Counted::Zipped, rest.trim()),
            "unzipped" => (Counted::Unzipped, rest.trim()),
            _ => return Err(GrowthError::Measure(m.to_string())),
        },
    };
    let max = match rest.strip_suffix('%') {
        Some(p) => {
            GrowthMax::Percent(parse_micro(p.trim()).ok_or_else(|| GrowthError::Percent(t.into()))?)
        }
        None => GrowthMax::Bytes(parse_size(rest)?),
    };
    Ok(Growth {
        name: t.to_string(),
        counted,
        max,
    })
}

/// `2.5` -> 2,500,000 (millionths), exactly; at most 6 decimals.
fn parse_micro(text: &str) -> Option<u64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !(frac.is_empty() || digits(frac)) || frac.len() > 6 {
        return None;
    }
    let whole: u64 = int.parse().ok()?;
    let part: u64 = format!("{frac:0<6}").parse().ok()?;
    whole.checked_mul(1_000_000)?.checked_add(part)
}

impl Growth {
    /// Bytes the build may grow over a baseline of `baseline` bytes (percentages round down).
    pub fn allowed(&self, baseline: u64) -> u64 {
        match self.max {
            GrowthMax::Bytes(b) => b,
            GrowthMax::Percent(micro) => {
                let bytes = u128::from(baseline) * u128::from(micro) / (100 * MICRO);
                u64::try_from(bytes).unwrap_or(u64::MAX)
            }
        }
    }
}

/// A distribution's share of the growth.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Contributor {
    /// Normalised name; empty for files no RECORD lists.
    pub key: String,
    /// Name as spelt, or `unowned files`.
    pub name: String,
    /// added, upgraded, grown...
    pub change: Change,
    /// Its growth on the budget's measure.
    pub delta: i64,
    /// `1.18.0 -> 1.20.1`, or the one version.
    pub versions: String,
}

/// A build against one growth budget.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct GrowthVerdict {
    /// As given (`5MB`, `zip:2%`).
    pub name: String,
    /// What is measured.
    pub counted: Counted,
    /// The baseline's bytes on that measure.
    pub baseline: u64,
    /// The build's bytes on that measure.
    pub used: u64,
    /// `used - baseline` (negative when it shrank).
    pub growth: i64,
    /// The most it may grow, in bytes.
    pub allowed: u64,
    /// Whether `growth <= allowed`.
    pub ok: bool,
    /// Bytes of growth past the budget (0 when ok).
    pub overrun: u64,
    /// Largest growths first, at most [`CONTRIBUTORS`].
    pub contributors: Vec<Contributor>,
}

impl GrowthVerdict {
    /// One line for people: `zip:1MB: grew 3.2 MB (3355443 bytes), allowed 1 MB: OVER by ...`.
    pub fn line(&self) -> String {
        let grew = if self.growth >= 0 {
            format!(
                "grew {} ({} bytes) over",
                human(self.growth.unsigned_abs()),
                self.growth
            )
        } else {
            format!(
                "shrank {} ({} bytes) from",
                human(self.growth.unsigned_abs()),
                self.growth
            )
        };
        let state = if self.ok {
            "ok".to_string()
        } else {
            format!("OVER by {} ({} bytes)", human(self.overrun), self.overrun)
        };
        format!(
            "growth {} ({}): {grew} the baseline's {}, allowed {}  {state}",
            self.name,
            self.counted.label(),
            human(self.baseline),
            human(self.allowed)
        )
    }

    /// `onnxruntime +72.0 MB (added), numpy +3.1 MB (1.26.4 -> 2.0.0)`.
    pub fn contributors_line(&self) -> String {
        self.contributors
            .iter()
            .map(|c| {
                format!(
                    "{} +{} ({} {})",
                    c.name,
                    human(c.delta.unsigned_abs()),
                    c.change.as_str(),
                    c.versions
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Checks `current` against each budget relative to `baseline` (both as scanned).
pub fn growth_verdicts(
    baseline: &Bundle,
    current: &Bundle,
    budgets: &[Growth],
) -> Vec<GrowthVerdict> {
    if budgets.is_empty() {
        return Vec::new();
    }
    let diff = compare(baseline, current, &[]);
    let unowned = (baseline.unowned(), current.unowned());
    budgets
        .iter()
        .map(|g| {
            let zipped = g.counted == Counted::Zipped;
            let pick = |bytes: u64, z: u64| if zipped { z } else { bytes };
            let before = pick(diff.totals.before.bytes, diff.totals.before.zipped_bytes);
            let used = pick(diff.totals.after.bytes, diff.totals.after.zipped_bytes);
            let growth = signed(used, before);
            let allowed = g.allowed(before);
            let over = u64::try_from(growth).unwrap_or(0).saturating_sub(allowed);
            let (ub, ua) = &unowned;
            let unowned_growth = signed(pick(ua.bytes, ua.zipped), pick(ub.bytes, ub.zipped));
            GrowthVerdict {
                name: g.name.clone(),
                counted: g.counted,
                baseline: before,
                used,
                growth,
                allowed,
                ok: over == 0,
                overrun: over,
                contributors: contributors(&diff, zipped, unowned_growth),
            }
        })
        .collect()
}

/// The largest growths on one measure, unowned files counted as one contributor.
fn contributors(diff: &super::Diff, zipped: bool, unowned: i64) -> Vec<Contributor> {
    let mut out: Vec<Contributor> = diff
        .distributions
        .iter()
        .map(|c| Contributor {
            key: c.key.clone(),
            name: c.name.clone(),
            change: c.change,
            delta: if zipped {
                c.delta_zipped_bytes
            } else {
                c.delta_bytes
            },
            versions: c.versions(),
        })
        .collect();
    out.push(Contributor {
        key: String::new(),
        name: "unowned files".into(),
        change: Change::Grown,
        delta: unowned,
        versions: String::new(),
    });
    out.retain(|c| c.delta > 0);
    out.sort_by_key(|c| (Reverse(c.delta), c.key.clone()));
    out.truncate(CONTRIBUTORS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::Target;
    use crate::diff::tests::{new, old};
    use crate::synthetic::Synth;

    #[test]
    fn growth_budgets_parse_bytes_percent_and_zip_prefix() {
        let g = parse_growth("5MB").unwrap();
        assert_eq!(
            (g.counted, g.max),
            (Counted::Unzipped, GrowthMax::Bytes(5 * 1024 * 1024))
        );
        let g = parse_growth("zip:2.5%").unwrap();
        assert_eq!(
            (g.counted, g.max),
            (Counted::Zipped, GrowthMax::Percent(2_500_000))
        );
        assert_eq!(
            parse_growth("2%").unwrap().max,
            GrowthMax::Percent(2_000_000)
        );
        assert!(parse_growth("zip:x%").is_err());
        assert!(parse_growth("disk:5MB").is_err());
        assert!(parse_growth("-5MB").is_err());
    }

    #[test]
    fn percentage_budgets_allow_an_exact_share_rounded_down() {
        let g = parse_growth("2%").unwrap();
        assert_eq!(g.allowed(1000), 20);
        assert_eq!(g.allowed(1049), 20);
        assert_eq!(parse_growth("0.5%").unwrap().allowed(1_000_000), 5000);
    }

    #[test]
    fn growth_past_a_budget_names_the_largest_contributors_first() {
        let v = growth_verdicts(&old(), &new(), &[parse_growth("100KB").unwrap()]);
        let g = &v[0];
        assert_eq!((g.growth, g.allowed), (112_300, 102_400));
        assert!(!g.ok);
        assert_eq!(g.overrun, 9_900);
        let keys: Vec<&str> = g.contributors.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["sympy", "heavy", "lib", "app"]);
        assert_eq!(g.contributors[2].versions, "1.0 -> 2.0");
    }

    #[test]
    fn growth_equal_to_the_budget_passes() {
        let v = growth_verdicts(&old(), &new(), &[parse_growth("112300").unwrap()]);
        assert!(v[0].ok && v[0].overrun == 0);
    }

    #[test]
    fn unowned_files_count_as_one_contributor_of_growth() {
        let build = |pyc: u64| {
            let mut s = Synth::new();
            let a = s.dist("a", "1", &[]);
            s.file("a/x.py", 1000, Some(a));
            s.file("a/__pycache__/x.pyc", pyc, None);
            s.build(Target::default())
        };
        let v = growth_verdicts(&build(10), &build(5000), &[parse_growth("0%").unwrap()]);
        assert_eq!(v[0].contributors.len(), 1);
        assert_eq!(v[0].contributors[0].name, "unowned files");
        assert_eq!(v[0].contributors[0].delta, 4990);
    }
}
