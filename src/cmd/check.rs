//! `heft check`: the CI gate. Applies rules (from a manifest and the command line), checks
//! every limit and exits 0 when all hold, 1 when one is exceeded, 2 on errors.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use heft::limits::human;
use heft::manifest::TreeState;
use heft::verdicts::{CheckReport, LimitVerdict, parse_percent, verdicts};

use super::decide;
use crate::cli::{CheckArgs, CheckFormat};

/// Runs `heft check`.
pub fn run(args: &CheckArgs) -> Result<ExitCode> {
    let warn_at = match &args.warn_at {
        Some(text) => Some(
            parse_percent(text)
                .with_context(|| format!("--warn-at {text}: expected a percentage such as 90%"))?,
        ),
        None => None,
    };
    let bundle = super::load_inputs(&args.input)?;
    let mut rules = Vec::new();
    let mut manifest_limits = None;
    if let Some(path) = &args.manifest {
        let manifest = decide::read_manifest(path)?;
        let state = manifest
            .match_tree(&bundle)
            .with_context(|| format!("checking {} against the tree", path.display()))?;
        if state == TreeState::Unpruned {
            rules.extend(manifest.rules.iter().cloned());
        }
        manifest_limits = Some(
            manifest
                .limits
                .iter()
                .map(heft::manifest::LimitJson::limit)
                .collect(),
        );
    }
    let imports = decide::imports(&args.rules, &bundle);
    rules.extend(decide::rules_from_args(
        &args.rules,
        &bundle,
        imports.as_deref(),
    )?);
    let limits = decide::limits(&args.limits, manifest_limits)?;
    let reserve = decide::reserve(&args.limits, &args.input)?;
    let ex = decide::exclusion(&bundle, rules, imports)?;
    let report = CheckReport::new(
        &bundle,
        &ex,
        &verdicts(&bundle, &ex, &limits, reserve),
        warn_at,
    );
    let text = match args.format {
        CheckFormat::Text => render_text(&report),
        CheckFormat::Github => render_github(&report),
        CheckFormat::Json => {
            let mut t = serde_json::to_string_pretty(&report).context("serialising")?;
            t.push('\n');
            t
        }
    };
    super::print(&text)?;
    Ok(if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `2.5 MB (2621440 bytes)`.
fn both(bytes: u64) -> String {
    format!("{} ({bytes} bytes)", human(bytes))
}

fn limit_line(l: &LimitVerdict) -> String {
    let state = if !l.ok {
        format!("OVER by {}", both(l.overrun))
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
        .filter(|l| !l.ok && !l.candidates.is_empty())
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
    s
}

/// GitHub Actions annotations: an error per exceeded limit, a warning per near limit and
/// per rule warning, a notice per limit that holds.
pub fn render_github(r: &CheckReport) -> String {
    let mut s = String::new();
    for l in &r.limits {
        let kind = if !l.ok {
            "error"
        } else if l.warn {
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
        let _ = writeln!(s, "::warning title=heft rule::{}", escape(w));
    }
    s
}

/// Escapes a workflow command's message (`%`, CR, LF).
fn escape(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
