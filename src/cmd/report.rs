//! `heft report`: the bundle summary as text or `heft.report/1` JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use heft::limits::{Verdict, human, verdict};
use heft::render::clip;
use heft::report::Report;

use crate::cli::{DocFormat, ReportArgs};

/// Runs `heft report`.
pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    if let Some(project) = super::project::open(&args.input)? {
        return super::project::report(args, &project);
    }
    let bundle = if args.entries.entries.is_empty() {
        super::load_inputs(&args.input)?
    } else {
        super::load_for_imports(&args.input)?
    };
    if let Some(path) = &args.save {
        heft::scanfile::save(&bundle, path)?;
    }
    let mut report = Report::new(&bundle);
    if !args.entries.entries.is_empty() {
        let imports =
            heft::imports::Imports::analyze_with_user_cache(&bundle, &args.entries.entries);
        report.add_reach(&bundle, &imports);
    }
    let out = args.doc.output.as_deref();
    match args.doc.format() {
        DocFormat::Json if out.is_none() => super::print_json(&report)?,
        DocFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report).context("serialising")?;
            text.push('\n');
            super::emit(&text, out)?;
        }
        DocFormat::Text => super::emit(&render_text(&report, args.top), out)?,
        DocFormat::Markdown => {
            let v = verdicts(args, &report)?;
            super::emit(&heft::render::markdown::report(&report, &v, args.top), out)?;
        }
        DocFormat::Html => {
            let v = verdicts(args, &report)?;
            super::emit(&heft::render::html::report(&bundle, &report, &v), out)?;
        }
    }
    // The process ends next: freeing the tree node by node (~5 ms at 200k files) is work
    // nobody waits for; the kernel takes the pages back at once.
    std::mem::forget(bundle);
    Ok(super::ok())
}

/// The limits asked for (default aws-lambda and aws-lambda-zip) checked on the totals.
fn verdicts(args: &ReportArgs, report: &Report) -> Result<Vec<Verdict>> {
    let t = &report.totals;
    Ok(super::decide::shown_limits(&args.doc.limits)?
        .iter()
        .map(|l| verdict(l, t.bytes, t.zipped_bytes, 0))
        .collect())
}

/// Renders the human summary.
pub fn render_text(r: &Report, top: usize) -> String {
    let mut s = String::new();
    let t = &r.target;
    let _ = writeln!(
        s,
        "heft report  (target: python {} {} {})",
        t.python, t.platform, t.machine
    );
    let _ = writeln!(s);
    for (i, root) in r.roots.iter().enumerate() {
        let sites = match root.sites.as_slice() {
            [] => String::new(),
            [one] if one.is_empty() => String::new(),
            // Thousands of characters of wheel names say less than their count.
            many if many.len() > 3 && root.kind == "wheels" => format!(": {} wheels", many.len()),
            many if many.len() > 3 => format!(", packages in {} directories", many.len()),
            many => format!(
                ", packages in {}",
                many.iter()
                    .map(|s| format!("{s}/"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
        };
        let estimated = if root.estimated_bytes > 0 {
            format!(
                " (incl. {} of estimated script wrappers)",
                human(root.estimated_bytes)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "root {i}: {} ({}{sites})  {} files, {}{estimated}, {} zipped",
            root.path,
            root.kind,
            group(root.files),
            human(root.bytes),
            human(root.zipped_bytes)
        );
    }
    let tt = &r.totals;
    let _ = writeln!(
        s,
        "total:  {} files, {} dirs, {} ({} bytes), {} on disk",
        group(tt.files),
        group(tt.dirs),
        human(tt.bytes),
        group(tt.bytes),
        human(tt.disk_bytes)
    );
    let how = if tt.zipped_exact {
        "exact"
    } else {
        "deflate -6 estimate"
    };
    let _ = writeln!(
        s,
        "zipped: {} ({} bytes, {how})",
        human(tt.zipped_bytes),
        group(tt.zipped_bytes)
    );
    let _ = writeln!(s);
    render_dists(&mut s, r, top);
    render_chains(&mut s, r, top);
    render_runtime(&mut s, r);
    render_tail(&mut s, r);
    s
}

fn render_dists(s: &mut String, r: &Report, top: usize) {
    let _ = writeln!(
        s,
        "{:<32} {:>14} {:>10} {:>6}  required by",
        "distribution", "version", "size", "share"
    );
    for d in r.distributions.iter().take(top) {
        let mut by = if d.required_by.is_empty() {
            "(top level)".to_string()
        } else {
            d.required_by.join(", ")
        };
        if d.runtime_provided {
            by = format!("[in runtime] {by}");
        }
        let _ = writeln!(
            s,
            "{:<32} {:>14} {:>10} {:>5.1}%  {}",
            clip(&d.name, 32),
            clip(&d.version, 14),
            human(d.bytes),
            d.percent,
            clip(&by, 60)
        );
    }
    let rest = r.distributions.len().saturating_sub(top);
    if rest > 0 {
        let bytes: u64 = r
            .distributions
            .iter()
            .skip(top)
            .map(|d| d.bytes)
            .fold(0, u64::saturating_add);
        let _ = writeln!(s, "... {rest} more distributions, {}", human(bytes));
    }
    let _ = writeln!(s);
}

/// "Why it is big": the heavy chains, one line each.
fn render_chains(s: &mut String, r: &Report, top: usize) {
    if r.chains.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "Why it is big (what removing each frees, with what only it needs):"
    );
    let paths: Vec<String> = r.chains.iter().map(|c| c.path.join(" -> ")).collect();
    let width = paths
        .iter()
        .take(top)
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0)
        .min(70);
    for (c, path) in r.chains.iter().zip(&paths).take(top) {
        let why = match (&c.only_via, c.path.len()) {
            (_, 1) => "top level".to_string(),
            (Some(via), _) => format!("only via {via}"),
            (None, _) => "needed by more than one top-level requirement".to_string(),
        };
        let zipped = if c.retained_zipped_bytes > 0 {
            format!(", {} zipped", human(c.retained_zipped_bytes))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "  {path:<width$}   {} {} retained ({why}{zipped})",
            c.target,
            human(c.retained_bytes)
        );
    }
    if r.chains.len() > top {
        let _ = writeln!(s, "  ... {} more chains (see --json)", r.chains.len() - top);
    }
    let _ = writeln!(s);
}

/// What the target Lambda runtime already provides: a what-if, never a default.
fn render_runtime(s: &mut String, r: &Report) {
    let Some(rt) = &r.runtime else {
        return;
    };
    let _ = writeln!(
        s,
        "[in runtime] the {} runtime already provides {}: excluding them would free {} (what-if only, never done by default)",
        rt.runtime,
        rt.provided.join(", "),
        human(rt.frees_bytes)
    );
    for d in r.distributions.iter().filter(|d| d.runtime_provided) {
        if let Some(note) = &d.runtime_note {
            let _ = writeln!(s, "  {}: {note}", d.name);
        }
    }
    let _ = writeln!(s, "  {}", rt.note);
    let _ = writeln!(s);
}

fn render_tail(s: &mut String, r: &Report) {
    for d in r.duplicates.iter().take(10) {
        let roots: Vec<String> = d.roots.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            s,
            "duplicate: {} installed {} times (roots {}; versions {}): {} paid twice",
            d.key,
            d.roots.len(),
            roots.join(", "),
            d.versions.join(", "),
            human(d.bytes)
        );
    }
    if r.duplicates.len() > 10 {
        let bytes: u64 = r
            .duplicates
            .iter()
            .skip(10)
            .map(|d| d.bytes)
            .fold(0, u64::saturating_add);
        let _ = writeln!(
            s,
            "... {} more duplicates, {} (see --json)",
            r.duplicates.len() - 10,
            human(bytes)
        );
    }
    if !r.shadowed.is_empty() {
        let _ = writeln!(
            s,
            "shadowed: {} paths exist in more than one layer (the last layer wins), e.g.",
            r.shadowed.len()
        );
        for sh in r.shadowed.iter().take(5) {
            let _ = writeln!(s, "  {}  (layers {:?})", sh.path, sh.roots);
        }
    }
    let _ = writeln!(
        s,
        "unowned: {} files, {} (in no RECORD: e.g. __pycache__ written after install, hand-copied files)",
        group(r.unowned.files),
        human(r.unowned.bytes)
    );
    if !r.missing.is_empty() {
        let _ = writeln!(s, "missing requirements ({}):", r.missing.len());
        for m in &r.missing {
            let _ = writeln!(
                s,
                "  {}  required by {}  ({})",
                m.name, m.required_by, m.requirement
            );
        }
    }
    if !r.unparsed_requirements.is_empty() {
        let count = r.unparsed_requirements.len();
        let _ = writeln!(s, "unparsed requirements ({count}, not followed):");
        for u in &r.unparsed_requirements {
            let _ = writeln!(s, "  {}: {:?}  ({})", u.dist, u.requirement, u.reason);
        }
    }
    if !r.errors.is_empty() {
        let _ = writeln!(s, "errors ({}):", r.errors.len());
        for e in r.errors.iter().take(20) {
            let _ = writeln!(s, "  {}: {}", e.path, e.message);
        }
        if r.errors.len() > 20 {
            let _ = writeln!(s, "  ... {} more (see --json)", r.errors.len() - 20);
        }
    }
}

use heft::limits::group;
