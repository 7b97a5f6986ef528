//! `heft diff OLD NEW`: two builds compared, as text, `heft.diff/1` JSON, Markdown or HTML.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use heft::diff::{Change, Diff, LimitChange, compare};
use heft::limits::{group, human};
use heft::render::{clip, signed_human};
use heft::tui::diffview::DiffView;
use heft::tui::theme::Theme;

use super::decide;
use crate::cli::{DiffArgs, DocFormat, ExploreArgs, InputArgs};

/// Runs `heft diff`: exit 0 whatever changed (budgets are `check --baseline`'s job), but 2
/// when either side could not be read completely, unless `--allow-errors`: a comparison
/// with missing sizes must not pass for a complete one in a script.
pub fn run(args: &DiffArgs) -> Result<ExitCode> {
    let limits = decide::shown_limits(&args.doc.limits)?;
    let before = super::load_inputs(&args.side(&args.old))
        .with_context(|| format!("loading {}", args.old.display()))?;
    let after = super::load_inputs(&args.side(&args.new))
        .with_context(|| format!("loading {}", args.new.display()))?;
    let diff = compare(&before, &after, &limits);
    let mut unread = 0;
    for (path, n) in [
        (&args.old, diff.errors.before),
        (&args.new, diff.errors.after),
    ] {
        if n > 0 {
            unread += n;
            eprintln!(
                "heft: {}: {n} paths could not be read, so their sizes are missing (heft report lists them)",
                path.display()
            );
        }
    }
    let out = args.doc.output.as_deref();
    match args.doc.format() {
        DocFormat::Json => {
            let mut text = serde_json::to_string_pretty(&diff).context("serialising")?;
            text.push('\n');
            super::emit(&text, out)?;
        }
        DocFormat::Text => super::emit(&render_text(&diff, args.top), out)?,
        DocFormat::Markdown => super::emit(&heft::render::markdown::diff(&diff, args.top), out)?,
        DocFormat::Html => super::emit(&heft::render::html::diff(&diff, &before, &after), out)?,
    }
    if unread > 0 && !args.allow_errors {
        eprintln!("heft: the comparison is incomplete (exit 2; --allow-errors accepts it)");
        return Ok(ExitCode::from(2));
    }
    Ok(super::ok())
}

/// `heft --diff OLD NEW`: the explorer's diff view (new, old and delta sizes, growth treemap).
pub fn explore(args: &ExploreArgs) -> Result<ExitCode> {
    let Some([old, new]) = args.diff.as_deref() else {
        anyhow::bail!("--diff takes two inputs: OLD NEW");
    };
    let limits = decide::shown_limits(&args.decide.limits.limits)?;
    let side = |path: &PathBuf| InputArgs {
        paths: vec![path.clone()],
        target: args.target.clone(),
    };
    eprintln!("heft: scanning {} and {}", old.display(), new.display());
    let before =
        super::load_inputs(&side(old)).with_context(|| format!("loading {}", old.display()))?;
    let after =
        super::load_inputs(&side(new)).with_context(|| format!("loading {}", new.display()))?;
    let diff = compare(&before, &after, &limits);
    let mut view = DiffView::new(diff, &before, &after, Theme::from_env());
    heft::tui::diffview::run(&mut view)
}

/// The human summary.
pub fn render_text(d: &Diff, top: usize) -> String {
    let mut s = header(d);
    if d.is_empty() {
        let _ = writeln!(s, "no changes ({} distributions identical)", d.unchanged);
        return s;
    }
    render_changes(&mut s, d, top);
    if d.zipped_only.distributions > 0 {
        let _ = writeln!(
            s,
            "  ({} more differ in zipped bytes only, {} in all: same files and bytes)",
            d.zipped_only.distributions,
            signed_human(d.zipped_only.delta_zipped_bytes)
        );
    }
    render_moves(&mut s, d);
    let (ub, ua) = (&d.unowned.before, &d.unowned.after);
    let _ = writeln!(
        s,
        "unowned: {} files, {} -> {} files, {} ({})",
        group(ub.files),
        human(ub.bytes),
        group(ua.files),
        human(ua.bytes),
        signed_human(heft::diff::signed(ua.bytes, ub.bytes))
    );
    s
}

/// Inputs, totals and limits.
fn header(d: &Diff) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "heft diff  {} -> {}",
        d.inputs.before.join(" + "),
        d.inputs.after.join(" + ")
    );
    let (b, a) = (&d.totals.before, &d.totals.after);
    let _ = writeln!(
        s,
        "total:  {} -> {} ({}, {} bytes), {} -> {} files",
        human(b.bytes),
        human(a.bytes),
        signed_human(d.delta.bytes),
        signed_group(d.delta.bytes),
        group(b.files),
        group(a.files)
    );
    let _ = writeln!(
        s,
        "zipped: {} -> {} ({}, {} bytes)",
        human(b.zipped_bytes),
        human(a.zipped_bytes),
        signed_human(d.delta.zipped_bytes),
        signed_group(d.delta.zipped_bytes)
    );
    for l in &d.limits {
        let _ = writeln!(s, "{}", limit_line(l));
    }
    let _ = writeln!(s);
    s
}

fn signed_group(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "+" };
    format!("{sign}{}", group(n.unsigned_abs()))
}

fn limit_line(l: &LimitChange) -> String {
    let state = |ok: bool, headroom: u64, overrun: u64| {
        if ok {
            format!("ok, {} left", human(headroom))
        } else {
            format!("OVER by {}", human(overrun))
        }
    };
    format!(
        "limit {:<20} {:.1}% -> {:.1}%  before: {}  after: {}",
        l.name,
        l.before.percent,
        l.after.percent,
        state(l.before.ok, l.before.headroom, l.before.overrun),
        state(l.after.ok, l.after.headroom, l.after.overrun)
    )
}

fn render_changes(s: &mut String, d: &Diff, top: usize) {
    let _ = writeln!(
        s,
        "{} distributions changed, {} identical:",
        d.distributions.len(),
        d.unchanged
    );
    for c in d.distributions.iter().take(top) {
        let why = match (&c.via, &c.via_before, c.change) {
            (Some(via), _, Change::Added) => format!("  via {}", via.join(" -> ")),
            (None, Some(was), Change::Removed) => format!("  was via {}", was.join(" -> ")),
            (Some(via), Some(was), _) => {
                format!("  now via {} (was {})", via.join(" -> "), was.join(" -> "))
            }
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "  {:<10} {:<30} {:<24} {:>10}  zipped {:>10}{why}",
            c.change.as_str(),
            clip(&c.name, 30),
            clip(&c.versions(), 24),
            signed_human(c.delta_bytes),
            signed_human(c.delta_zipped_bytes)
        );
    }
    if d.distributions.len() > top {
        let rest: i64 = d
            .distributions
            .iter()
            .skip(top)
            .map(|c| c.delta_bytes)
            .sum();
        let _ = writeln!(
            s,
            "  ... {} more, {} in all (see --json)",
            d.distributions.len() - top,
            signed_human(rest)
        );
    }
}

fn render_moves(s: &mut String, d: &Diff) {
    let place = |p: &heft::diff::Place| {
        let who = p.dist.as_deref().unwrap_or("(unowned)");
        if d.inputs.before.len() > 1 || d.inputs.after.len() > 1 {
            format!("{who} in root {}", p.root)
        } else {
            who.to_string()
        }
    };
    for m in d.moved.iter().take(10) {
        let _ = writeln!(
            s,
            "moved: {} files, {} from {} to {} (e.g. {})",
            group(m.files),
            human(m.bytes),
            place(&m.from),
            place(&m.to),
            m.examples.join(", ")
        );
    }
    if d.moved.len() > 10 {
        let _ = writeln!(
            s,
            "moved: ... {} more groups (see --json)",
            d.moved.len() - 10
        );
    }
}
