//! `heft fit`: the least risky set of cuts that brings every limit within bounds, or the
//! floor when nothing does; for a bundle or for every function of a project.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use heft::bundle::Bundle;
use heft::exclusion::Exclusion;
use heft::fit::{
    Bound, Cut, Member, Plan, Planner, agree_on_shared, bounds_of, candidate_cuts, needed_dists,
    planner_for,
};
use heft::limits::{human, parse_limit};
use heft::manifest::export::write_atomic;
use heft::manifest::{Manifest, now_rfc3339};
use heft::model::Sizes;
use heft::project::Function;
use heft::project::gate::{self, Artifact, ArtifactKind};
use heft::rules::RuleKind;
use heft::rules::strip::{StripCache, strip_savings};
use heft::settings::Settings;
use heft::verdicts::verdicts;

use super::decide;
use super::project::Loaded;
use crate::cli::{DecideArgs, InputArgs};

/// How many remaining distributions the floor lists.
const FLOOR_DISTS: usize = 8;

/// `heft fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Inputs and target (a bundle, or one project: SAM, CDK, Serverless, Chalice, heft.toml).
    #[command(flatten)]
    pub input: InputArgs,
    /// Rules already decided (the plan adds to them), limits (bundles; a project's
    /// functions get every Lambda limit) and a manifest to start from.
    #[command(flatten)]
    pub decide: DecideArgs,
    /// Also consider cuts that break something at run time.
    #[arg(long)]
    pub allow_breaks: bool,
    /// For a project: plan only this function.
    #[arg(long, value_name = "NAME")]
    pub function: Option<String>,
    /// Write the plan as a heft.manifest/1 (a bundle, or a project with one function chosen).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
}

/// Runs `heft fit`: exit 0 when a plan fits everywhere, 1 when something cannot fit.
pub fn run(args: &FitArgs) -> Result<ExitCode> {
    if let Some(out) = &args.output
        && out.exists()
        && !args.force
    {
        bail!("{} exists; use --force to overwrite it", out.display());
    }
    if let Some(project) = super::project::open(&args.input)? {
        return run_project(args, &project);
    }
    let settings = decide::resolve(&args.input.paths, &args.input.target, &args.decide)?;
    let bundle = super::load_settings(&settings)?;
    let (limits, reserve) = (&settings.limits, settings.reserve);
    let bounds = bounds_of(limits, reserve);
    let (plan, planner) = plan_bundle(args, &settings, &bundle, bounds)?;
    let text = render(&Shown {
        what: "the bundle",
        plan: &plan,
        planner: &planner,
        bundles: vec![&bundle],
        breaks: args.allow_breaks,
        artifacts: None,
    });
    super::print(&text)?;
    if let Some(out) = args.output.as_ref().filter(|_| plan.fits) {
        let checked = verdicts(&bundle, planner.exclusion(), limits, reserve);
        write_manifest(args, out, &bundle, planner.exclusion(), &checked)?;
    }
    note_unwritten(args, plan.fits);
    Ok(exit(plan.fits))
}

/// Says that `-o` was not written because nothing fits.
fn note_unwritten(args: &FitArgs, fits: bool) {
    if let Some(out) = args.output.as_ref().filter(|_| !fits) {
        eprintln!("heft: nothing fits; no plan written to {}", out.display());
    }
}

fn exit(fits: bool) -> ExitCode {
    if fits {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn write_manifest(
    args: &FitArgs,
    out: &std::path::Path,
    bundle: &Bundle,
    ex: &Exclusion,
    checked: &[heft::limits::Verdict],
) -> Result<()> {
    let manifest = Manifest::new(bundle, ex, checked, now_rfc3339());
    write_atomic(out, manifest.to_json().as_bytes(), args.force)
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("heft: wrote the plan to {}", out.display());
    Ok(())
}

/// The rules already decided, evaluated as `check` does (import-graph presets and warnings
/// with `--entry`), with strip savings set.
fn settled_base(args: &FitArgs, settings: &Settings, bundle: &Bundle) -> Result<Exclusion> {
    let mut base = decide::settled_exclusion(settings, &args.decide.rules, bundle)?;
    base.set_strip_savings(bundle, strip_savings(bundle, &mut StripCache::default()));
    Ok(base)
}

/// Plans one bundle; returns the plan and the planner (plan applied).
fn plan_bundle<'a>(
    args: &FitArgs,
    settings: &Settings,
    bundle: &'a Bundle,
    bounds: Vec<Bound>,
) -> Result<(Plan, Planner<'a>)> {
    let base = settled_base(args, settings, bundle)?;
    let mut planner = planner_for(bundle, base, bounds)?;
    let plan = planner.plan(args.allow_breaks);
    Ok((plan, planner))
}

/// Plans every loaded function at once: one set of cuts for all of them (a cut is the same
/// preset everywhere, so a rule in a shared layer is the same rule for each function using
/// it; import-graph cuts in a shared layer only where every user agrees).
fn plan_project<'a>(
    args: &FitArgs,
    loaded: &'a [(&Function, Loaded)],
) -> Result<(Plan, Planner<'a>)> {
    let mut cuts: Vec<Cut> = Vec::new();
    let mut members = Vec::new();
    let mut seen = HashSet::new();
    for (f, l) in loaded {
        let base = settled_base(args, &l.settings, &l.bundle)?;
        let mine = candidate_cuts(&l.bundle, &base);
        let mut rules = vec![Vec::new(); cuts.len()];
        for c in mine {
            if let Some(i) = cuts.iter().position(|k| k.label == c.label) {
                cuts[i].safety = cuts[i].safety.max(c.safety);
                rules[i] = c.rules;
            } else {
                rules.push(c.rules.clone());
                cuts.push(c);
            }
        }
        members.push(Member {
            name: f.name.clone(),
            bundle: &l.bundle,
            base,
            rules,
            bounds: function_bounds(&l.artifacts, &mut seen)?,
        });
    }
    for m in &mut members {
        m.rules.resize(cuts.len(), Vec::new());
    }
    for c in 0..cuts.len() {
        agree_on_shared(&mut members, c);
    }
    let mut planner = Planner::joint(members, cuts)?;
    let plan = planner.plan(args.allow_breaks);
    Ok((plan, planner))
}

fn bound_name(b: &Bound, artifacts: Option<&[Artifact]>) -> String {
    match (b.root, artifacts) {
        (Some(r), Some(a)) => {
            let name = a
                .iter()
                .find(|x| x.root == Some(r))
                .map_or("?", |x| x.name.as_str());
            format!("{} ({name})", b.name)
        }
        _ => b.name.clone(),
    }
}

/// What [`render`] shows: one bundle, or a project's functions (one artifact list each).
struct Shown<'a> {
    what: &'a str,
    plan: &'a Plan,
    planner: &'a Planner<'a>,
    bundles: Vec<&'a Bundle>,
    breaks: bool,
    artifacts: Option<Vec<&'a [Artifact]>>,
}

/// The plan, or the floor, as text.
fn render(v: &Shown) -> String {
    let plan = v.plan;
    let mut s = String::new();
    headline(&mut s, v);
    cut_lines(&mut s, v);
    let _ = writeln!(
        s,
        "{}:",
        if plan.fits {
            "after the plan"
        } else {
            "the floor"
        }
    );
    bound_lines(&mut s, v);
    if plan.fits {
        strip_note(&mut s, v);
        let _ = writeln!(
            s,
            "cut beyond need, summed over the limits' measures: {}",
            human(plan.beyond_need())
        );
        return s;
    }
    floor_tail(&mut s, v);
    s
}

/// Each cut with what it frees; for a project, the functions it affects.
fn cut_lines(s: &mut String, v: &Shown) {
    let (plan, planner) = (v.plan, v.planner);
    let cuts = planner.cuts();
    // The floor enables every allowed cut; those that free nothing are noise.
    for c in plan
        .chosen
        .iter()
        .filter(|c| plan.fits || c.frees != Sizes::default())
    {
        let cut = &cuts[c.cut];
        let _ = writeln!(
            s,
            "  {:<28} [{}]  frees {} unzipped, {} zipped",
            cut.label,
            cut.safety.as_str(),
            human(c.frees.bytes),
            human(c.frees.zipped)
        );
        if v.artifacts.is_some() {
            let affects: Vec<String> = c
                .affects()
                .map(|m| format!("{} ({})", planner.name(m), human(c.by_member[m].bytes)))
                .collect();
            let affects = if affects.is_empty() {
                "no function".to_string()
            } else {
                affects.join(", ")
            };
            let _ = writeln!(s, "      affects {affects}");
        }
    }
}

fn headline(s: &mut String, v: &Shown) {
    let (what, plan) = (v.what, v.plan);
    if plan.fits && plan.chosen.is_empty() {
        let _ = writeln!(s, "{what} already fits every limit: no cut needed");
    } else if plan.fits {
        let _ = writeln!(
            s,
            "{what} fits with {} cut(s), at worst {}:",
            plan.chosen.len(),
            plan.safety(v.planner.cuts()).as_str()
        );
    } else {
        let tiers = if v.breaks {
            "safe, caution and breaks"
        } else {
            "safe and caution"
        };
        let _ = writeln!(
            s,
            "{what} does NOT fit: even after every {tiers} cut, it is over a limit"
        );
    }
}

/// Each bound after the plan; a project's grouped under its function.
fn bound_lines(s: &mut String, v: &Shown) {
    for (i, b) in v.plan.bounds.iter().enumerate() {
        let artifacts = v.artifacts.as_ref().map(|a| a[b.member]);
        let first = i == 0 || v.plan.bounds[i - 1].member != b.member;
        if artifacts.is_some() && first {
            let _ = writeln!(s, "  function {}:", v.planner.name(b.member));
        }
        let state = if b.ok() {
            format!("ok, {} left", human(b.bound.limit - 1 - b.after))
        } else {
            format!("OVER by {} ({} bytes)", human(b.over()), b.over())
        };
        let indent = if artifacts.is_some() { "    " } else { "  " };
        let _ = writeln!(
            s,
            "{indent}{:<40} {} ({} bytes) of {} (was {})  {state}",
            bound_name(&b.bound, artifacts),
            human(b.after),
            b.after,
            human(b.bound.limit),
            human(b.before)
        );
    }
}

/// `prune` deletes; it does not strip. Where the plan strips, what deleting leaves (the
/// manifest's `totals.after`, which `prune --apply` reaches to the byte) and the rest.
fn strip_note(s: &mut String, v: &Shown) {
    let cuts = v.planner.cuts();
    for m in 0..v.planner.members() {
        let strip: u64 = v
            .plan
            .chosen
            .iter()
            .filter(|c| {
                cuts[c.cut]
                    .rules
                    .iter()
                    .any(|r| r.kind == RuleKind::StripSo)
            })
            .map(|c| c.by_member[m].bytes)
            .sum();
        if strip == 0 {
            continue;
        }
        let after = v
            .planner
            .member_exclusion(m)
            .totals(v.bundles[m])
            .after
            .bytes
            + strip;
        let who = if v.artifacts.is_some() {
            format!("function {}: ", v.planner.name(m))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{who}prune --apply leaves {after} bytes ({}); the strip-so estimate, {} more, comes from running `strip` on the .so files it names (never under *.libs/)",
            human(after),
            human(strip)
        );
    }
}

/// When nothing fits: what remains (in each function over a limit) and the alternatives.
fn floor_tail(s: &mut String, v: &Shown) {
    for (m, bundle) in v.bundles.iter().enumerate() {
        let over = v.plan.bounds.iter().any(|b| b.member == m && !b.ok());
        if !over {
            continue;
        }
        let what = if v.artifacts.is_some() {
            format!(" in function {}", v.planner.name(m))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "largest distributions left{what}, and why they are installed:"
        );
        for n in needed_dists(bundle, v.planner.member_exclusion(m), FLOOR_DISTS) {
            let _ = writeln!(
                s,
                "  {:<24} {:<10} {:>10}  {}",
                n.name,
                n.version,
                human(n.bytes),
                n.why
            );
        }
    }
    if !v.breaks {
        let _ = writeln!(
            s,
            "--allow-breaks would also consider cuts that break imports."
        );
    }
    let _ = writeln!(
        s,
        "alternative: deploy as a container image (up to 10 GB uncompressed, no 250 MB limit)"
    );
}

/// The bounds of one project function: code + layers unzipped (known ARN-layer bytes as
/// reserve), each artifact's zip, each layer's upload request. A layer's own bounds are
/// the same for every function using it, so only its first user (not yet in `seen`) holds them.
fn function_bounds(artifacts: &[Artifact], seen: &mut HashSet<PathBuf>) -> Result<Vec<Bound>> {
    let preset = |name: &str| parse_limit(name).with_context(|| format!("preset {name}"));
    let reserve: u64 = artifacts
        .iter()
        .filter(|a| a.root.is_none())
        .filter_map(|a| a.managed?.unzipped_bytes)
        .sum();
    let mut bounds = vec![Bound::whole(&preset("aws-lambda")?, reserve)];
    let zip = preset("aws-lambda-zip")?;
    let request = preset("aws-layer-request")?;
    for a in artifacts {
        let Some(root) = a.root else { continue };
        if let Some(path) = &a.path
            && !seen.insert(path.clone())
        {
            continue;
        }
        let mut b = Bound::whole(&zip, 0);
        b.root = Some(root);
        bounds.push(b);
        if a.kind == ArtifactKind::Layer {
            let mut b = Bound::whole(&request, 0);
            b.root = Some(root);
            bounds.push(b);
        }
    }
    Ok(bounds)
}

/// With `--function`: the cuts also change the other functions using its layers.
fn shared_note(text: &mut String, loaded: &[(&Function, Loaded)]) {
    for (_, l) in loaded {
        for a in l.artifacts.iter().filter(|a| !a.shared_with.is_empty()) {
            let _ = writeln!(
                text,
                "note: layer {} is shared with {}: a rule that excludes in it changes them too; without --function every function is planned at once",
                a.name,
                a.shared_with.join(", ")
            );
        }
    }
}

/// The functions to plan (all, or `--function`'s), loaded.
fn load_functions<'p>(
    args: &FitArgs,
    project: &'p heft::project::Project,
) -> Result<Vec<(&'p Function, Loaded)>> {
    let functions: Vec<&Function> = match &args.function {
        Some(name) => vec![
            project
                .function(name)
                .with_context(|| format!("--function {name}: no such function"))?,
        ],
        None => project.functions.iter().collect(),
    };
    if args.output.is_some() && functions.len() != 1 {
        bail!("-o writes one function's plan: choose it with --function NAME");
    }
    let mut loaded = Vec::with_capacity(functions.len());
    for f in functions {
        let l = super::project::load_function(&args.input, &args.decide, project, f)?;
        loaded.push((f, l));
    }
    Ok(loaded)
}

fn run_project(args: &FitArgs, project: &heft::project::Project) -> Result<ExitCode> {
    let l = &args.decide.limits;
    if !l.limits.is_empty() || l.reserve.is_some() || !l.attached.is_empty() {
        bail!(
            "a project's functions are planned against every Lambda limit: drop --limit, --reserve and --attached"
        );
    }
    let loaded = load_functions(args, project)?;
    let (plan, planner) = plan_project(args, &loaded)?;
    let what = match loaded.as_slice() {
        [(f, _)] => format!("function {}", f.name),
        _ => format!("every function ({})", loaded.len()),
    };
    let mut text = render(&Shown {
        what: &what,
        plan: &plan,
        planner: &planner,
        bundles: loaded.iter().map(|(_, l)| &l.bundle).collect(),
        breaks: args.allow_breaks,
        artifacts: Some(loaded.iter().map(|(_, l)| l.artifacts.as_slice()).collect()),
    });
    let layers_ok = within_layer_count(&mut text, &loaded);
    let all_fit = plan.fits && layers_ok;
    if args.function.is_some() && !plan.chosen.is_empty() {
        shared_note(&mut text, &loaded);
    }
    note_unwritten(args, plan.fits);
    super::print(&text)?;
    if let (Some(out), [(_, l)]) = (args.output.as_ref().filter(|_| plan.fits), &loaded[..]) {
        let limits: Vec<_> = ["aws-lambda", "aws-lambda-zip"]
            .iter()
            .filter_map(|n| heft::limits::preset(n).cloned())
            .collect();
        let checked = verdicts(&l.bundle, planner.exclusion(), &limits, 0);
        write_manifest(args, out, &l.bundle, planner.exclusion(), &checked)?;
    }
    Ok(exit(all_fit))
}

/// Whether every function has at most Lambda's 5 layers; a line for each that has more.
fn within_layer_count(text: &mut String, loaded: &[(&Function, Loaded)]) -> bool {
    let mut ok = true;
    for (f, l) in loaded {
        let layers = l
            .artifacts
            .iter()
            .filter(|a| a.kind == ArtifactKind::Layer)
            .count() as u64;
        if layers > gate::MAX_LAYERS {
            ok = false;
            let _ = writeln!(
                text,
                "function {}: {layers} layers: Lambda allows {}; no cut changes that",
                f.name,
                gate::MAX_LAYERS
            );
        }
    }
    ok
}
