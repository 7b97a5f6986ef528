//! `check --baseline B --max-growth 5MB`: growth budgets beside the absolute limits, with
//! the distributions the growth came from.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use heft::bundle::Bundle;
use heft::diff::budget::{Growth, GrowthVerdict, growth_verdicts, parse_growth};
use heft::limits::Counted;
use heft::verdicts::CheckReport;
use serde::Serialize;

use crate::cli::{CheckArgs, InputArgs};

/// The `--max-growth` budgets, parsed before anything is scanned.
pub fn budgets(texts: &[String]) -> Result<Vec<Growth>> {
    texts
        .iter()
        .map(|t| parse_growth(t).with_context(|| format!("--max-growth {t}")))
        .collect()
}

/// The bundle against each budget, relative to `--baseline` (both as scanned, before rules).
pub fn verdicts(
    args: &CheckArgs,
    bundle: &Bundle,
    budgets: &[Growth],
) -> Result<Vec<GrowthVerdict>> {
    let Some(path) = &args.baseline else {
        return Ok(Vec::new());
    };
    if args.input.target.no_zip_estimate && budgets.iter().any(|b| b.counted == Counted::Zipped) {
        bail!("a zip: growth budget needs zipped sizes: drop --no-zip-estimate");
    }
    let inputs = InputArgs {
        paths: vec![path.clone()],
        ..args.input.clone()
    };
    let baseline = super::super::load_inputs(&inputs)
        .with_context(|| format!("--baseline {}", path.display()))?;
    // Fail closed, as for the build itself: growth over a baseline with holes means nothing.
    if !baseline.errors.is_empty() && !args.allow_errors {
        bail!(
            "--baseline {}: {} paths could not be read, so growth cannot be measured \
             (heft report lists them; --allow-errors measures anyway)",
            path.display(),
            baseline.errors.len()
        );
    }
    Ok(growth_verdicts(&baseline, bundle, budgets))
}

/// One line per budget, and the largest contributors of any growth.
pub fn render_text(growth: &[GrowthVerdict]) -> String {
    let mut s = String::new();
    for g in growth {
        let _ = writeln!(s, "{}", g.line());
        if !g.contributors.is_empty() {
            let lead = if g.ok { "grew most" } else { "largest growth" };
            let _ = writeln!(s, "  {lead}: {}", g.contributors_line());
        }
    }
    s
}

/// An error annotation per exceeded budget (naming the contributors), a notice per other.
pub fn render_github(growth: &[GrowthVerdict]) -> String {
    let mut s = String::new();
    for g in growth {
        let kind = if g.ok { "notice" } else { "error" };
        let title = super::escape(&format!("heft growth {}", g.name))
            .replace(':', "%3A")
            .replace(',', "%2C");
        let mut message = g.line();
        if !g.contributors.is_empty() {
            let _ = write!(message, "; largest growth: {}", g.contributors_line());
        }
        let _ = writeln!(s, "::{kind} title={title}::{}", super::escape(&message));
    }
    s
}

/// `heft.check/1` with a `growth` list beside the limits.
#[derive(Serialize)]
struct WithGrowth<'a> {
    #[serde(flatten)]
    report: &'a CheckReport,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    growth: &'a [GrowthVerdict],
}

/// The JSON document, pretty, with a trailing newline.
pub fn render_json(report: &CheckReport, growth: &[GrowthVerdict]) -> Result<String> {
    let mut t =
        serde_json::to_string_pretty(&WithGrowth { report, growth }).context("serialising")?;
    t.push('\n');
    Ok(t)
}
