//! `heft check`: the CI gate. Applies rules (from a manifest and the command line), checks
//! every limit and exits 0 when all hold, 1 when one is exceeded, 2 on errors.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use heft::limits::human;
use heft::report::ErrorJson;
use heft::verdicts::{ALLOWED, CheckReport, LimitVerdict, Outcome, parse_percent, verdicts};

use super::decide;
use crate::cli::{CheckArgs, CheckFormat};

mod growth;

/// Runs `heft check`.
pub fn run(args: &CheckArgs) -> Result<ExitCode> {
    let warn_at = match &args.warn_at {
        Some(text) => Some(
            parse_percent(text)
                .with_context(|| format!("--warn-at {text}: expected a percentage such as 90%"))?,
        ),
        None => None,
    };
    let budgets = growth::budgets(&args.max_growth)?;
    if let Some(project) = super::project::open(&args.input)? {
        return super::project::check(args, &project);
    }
    let settings = decide::resolve(&args.input.paths, &args.input.target, &args.decide)?;
    let bundle = super::load_settings(&settings)?;
    let ex = decide::settled_exclusion(&settings, &args.decide.rules, &bundle)?;
    let mut report = CheckReport::new(
        &bundle,
        &ex,
        &verdicts(&bundle, &ex, &settings.limits, settings.reserve),
        warn_at,
    );
    let unmeasured: Vec<&str> = settings
        .unmeasured(&bundle)
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    report.fail_closed(
        &settings.input_errors(&bundle),
        &unmeasured,
        args.allow_errors,
    );
    let growth = growth::verdicts(args, &bundle, &budgets)?;
    if growth.iter().any(|g| !g.ok) && report.verdict.exit_code() == 0 {
        report.verdict = Outcome::Over;
    }
    let text = match args.format {
        CheckFormat::Text => render_text(&report) + &growth::render_text(&growth),
        CheckFormat::Github => render_github(&report) + &growth::render_github(&growth),
        CheckFormat::Json => growth::render_json(&report, &growth)?,
    };
    super::print(&text)?;
    Ok(ExitCode::from(report.verdict.exit_code()))
}

/// `2.5 MB (2621440 bytes)`.
fn both(bytes: u64) -> String {
    format!("{} ({bytes} bytes)", human(bytes))
}

fn limit_line(l: &LimitVerdict) -> String {
    if !l.measured {
        return format!(
            "{:<24} not measured (zipped bytes count headers only under --no-zip-estimate)",
            l.name
        );
    }
    let state = if l.overrun > 0 {
        format!("OVER by {}", both(l.overrun))
    } else if !l.verified {
        format!(
            "unverified (input errors): {} left so far",
            both(l.headroom)
        )
    } else if l.warn {
        format!("near: {} left", both(l.headroom))
    } else {
        format!("ok: {} left", both(l.headroom))
    };
    let reserve = if l.reserve > 0 {
        format!(", {} reserved", human(l.reserve))
    } else {
        String::new()
    };
    format!(
        "{:<24} {} of {} ({:.1}%{reserve})  {state}",
        l.name,
        both(l.used),
        human(l.limit),
        l.percent
    )
}

/// One line per limit, then candidates for overruns and warnings.
pub fn render_text(r: &CheckReport) -> String {
    let mut s = String::new();
    let saved = r.totals.before.bytes - r.totals.after.bytes;
    let _ = writeln!(
        s,
        "{} files, {} unzipped, {} zipped; {} rule(s) remove {}",
        r.totals.after.files,
        both(r.totals.after.bytes),
        both(r.totals.after.zipped_bytes),
        r.rules,
        human(saved)
    );
    for l in &r.limits {
        let _ = writeln!(s, "{}", limit_line(l));
    }
    for l in r
        .limits
        .iter()
        .filter(|l| l.overrun > 0 && !l.candidates.is_empty())
    {
        let _ = writeln!(
            s,
            "to close {} ({} to cut), candidates:",
            l.name,
            human(l.overrun)
        );
        for c in &l.candidates {
            let closes = if c.closes { "  closes it" } else { "" };
            let _ = writeln!(
                s,
                "  {:<44} [{}] saves {}{closes}",
                c.label,
                c.safety,
                human(c.saving)
            );
        }
    }
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    for e in &r.errors {
        let _ = writeln!(s, "error: {}", error_text(e));
    }
    let _ = writeln!(s, "verdict: {}", verdict_line(r));
    s
}

/// `path: message`.
fn error_text(e: &ErrorJson) -> String {
    format!("{}: {}", e.path, e.message)
}

/// The last line: the verdict and what it rests on.
fn verdict_line(r: &CheckReport) -> String {
    match r.verdict {
        Outcome::Ok => "ok (measured completely, within every limit)".to_string(),
        Outcome::Over => "over a limit".to_string(),
        Outcome::Error => format!(
            "ERROR: {}, the bundle was not measured completely \
             (--allow-errors gives a partial verdict)",
            error_count(r)
        ),
        Outcome::Partial => {
            "partial: within every limit measured, but input errors were allowed".to_string()
        }
    }
}

/// `1 limit not measured (aws-lambda-zip) and 2 input error(s)`: a limit heft was told not to
/// measure is no unreadable input, so the two are counted apart.
fn error_count(r: &CheckReport) -> String {
    let (unmeasured, inputs): (Vec<&ErrorJson>, Vec<&ErrorJson>) = r
        .errors
        .iter()
        .partition(|e| heft::settings::is_not_measured(&e.message));
    let mut parts = Vec::new();
    if !unmeasured.is_empty() {
        let names: Vec<&str> = unmeasured.iter().map(|e| e.path.as_str()).collect();
        let noun = if names.len() == 1 { "limit" } else { "limits" };
        parts.push(format!(
            "{} {noun} not measured ({})",
            names.len(),
            names.join(", ")
        ));
    }
    if !inputs.is_empty() || parts.is_empty() {
        parts.push(format!("{} input error(s)", inputs.len()));
    }
    parts.join(" and ")
}

/// GitHub Actions annotations: an error per exceeded limit, a warning per near limit and
/// per rule warning, a notice per limit that holds.
pub fn render_github(r: &CheckReport) -> String {
    let mut s = String::new();
    for l in &r.limits {
        // An unmeasured or unverified limit is not ok either: an error, or a warning when
        // the input errors were allowed.
        let kind = if l.overrun > 0 || (!l.ok && r.verdict != Outcome::Partial) {
            "error"
        } else if l.warn || !l.ok {
            "warning"
        } else {
            "notice"
        };
        let title = escape(&format!("heft {}", l.name))
            .replace(':', "%3A")
            .replace(',', "%2C");
        let _ = writeln!(s, "::{kind} title={title}::{}", escape(&limit_line(l)));
    }
    for w in &r.warnings {
        let title = if w.ends_with(ALLOWED) {
            "heft input error"
        } else {
            "heft rule"
        };
        let _ = writeln!(s, "::warning title={title}::{}", escape(w));
    }
    for e in &r.errors {
        let _ = writeln!(
            s,
            "::error title=heft input error::{}",
            escape(&error_text(e))
        );
    }
    if r.verdict == Outcome::Partial {
        let _ = writeln!(
            s,
            "::warning title=heft partial::{}",
            escape(&verdict_line(r))
        );
    }
    s
}

/// Escapes a workflow command's message (`%`, CR, LF).
pub fn escape(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
