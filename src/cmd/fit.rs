//! `heft fit`: the least risky set of cuts that brings every limit within bounds, or the
//! floor when nothing does; for a bundle or for every function of a project.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use heft::bundle::Bundle;
use heft::exclusion::Exclusion;
use heft::fit::{Bound, Cut, Plan, Planner, needed_dists, preset_cuts};
use heft::limits::{human, parse_limit};
use heft::manifest::export::write_atomic;
use heft::manifest::{Manifest, now_rfc3339};
use heft::model::Sizes;
use heft::project::gate::{self, Artifact, ArtifactKind};
use heft::rules::strip::{StripCache, strip_savings};
use heft::verdicts::verdicts;

use super::decide;
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
    let bounds = limits.iter().map(|l| Bound::whole(l, reserve)).collect();
    let rules = settings.rules_for(&bundle)?;
    let (plan, planner) = plan_bundle(args, &bundle, bounds, rules)?;
    let text = render(&Shown {
        what: "the bundle",
        plan: &plan,
        planner: &planner,
        bundle: &bundle,
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

/// Cuts beyond the presets: the `unreached` tier is not planned by `fit` yet (`--entry`,
/// shared with `check`, says so; `heft check --preset unreached --entry X` applies it).
fn extra_cuts(args: &FitArgs, _bundle: &Bundle) -> Vec<Cut> {
    if !args.decide.rules.entries.is_empty() {
        eprintln!(
            "heft: --entry: fit does not plan the unreached tier yet; `heft check --preset unreached --entry ...` applies it"
        );
    }
    Vec::new()
}

/// Plans one bundle; returns the plan and the planner (plan applied).
fn plan_bundle<'a>(
    args: &FitArgs,
    bundle: &'a Bundle,
    bounds: Vec<Bound>,
    rules: Vec<heft::rules::Rule>,
) -> Result<(Plan, Planner<'a>)> {
    let mut base = decide::exclusion(bundle, rules, None)?;
    base.set_strip_savings(bundle, strip_savings(bundle, &mut StripCache::default()));
    let mut cuts = preset_cuts(bundle, &base);
    cuts.extend(extra_cuts(args, bundle));
    let mut planner = Planner::new(bundle, base, cuts, bounds)?;
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

/// What [`render`] shows.
struct Shown<'a> {
    what: &'a str,
    plan: &'a Plan,
    planner: &'a Planner<'a>,
    bundle: &'a Bundle,
    breaks: bool,
    artifacts: Option<&'a [Artifact]>,
}

/// The plan, or the floor, as text.
fn render(v: &Shown) -> String {
    let Shown {
        what,
        plan,
        planner,
        bundle,
        breaks,
        artifacts,
    } = *v;
    let mut s = String::new();
    let cuts = planner.cuts();
    if plan.fits && plan.chosen.is_empty() {
        let _ = writeln!(s, "{what} already fits every limit: no cut needed");
    } else if plan.fits {
        let _ = writeln!(
            s,
            "{what} fits with {} cut(s), at worst {}:",
            plan.chosen.len(),
            plan.safety(cuts).as_str()
        );
    } else {
        let tiers = if breaks {
            "safe, caution and breaks"
        } else {
            "safe and caution"
        };
        let _ = writeln!(
            s,
            "{what} does NOT fit: even after every {tiers} cut, it is over a limit"
        );
    }
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
    }
    let _ = writeln!(
        s,
        "{}:",
        if plan.fits {
            "after the plan"
        } else {
            "the floor"
        }
    );
    for b in &plan.bounds {
        let state = if b.ok() {
            format!("ok, {} left", human(b.bound.limit - 1 - b.after))
        } else {
            format!("OVER by {} ({} bytes)", human(b.over()), b.over())
        };
        let _ = writeln!(
            s,
            "  {:<40} {} ({} bytes) of {} (was {})  {state}",
            bound_name(&b.bound, artifacts),
            human(b.after),
            b.after,
            human(b.bound.limit),
            human(b.before)
        );
    }
    if plan.fits {
        let _ = writeln!(
            s,
            "cut beyond need, summed over the limits' measures: {}",
            human(plan.beyond_need())
        );
        return s;
    }
    let _ = writeln!(s, "largest distributions left, and why they are installed:");
    for n in needed_dists(bundle, planner.exclusion(), FLOOR_DISTS) {
        let _ = writeln!(
            s,
            "  {:<24} {:<10} {:>10}  {}",
            n.name,
            n.version,
            human(n.bytes),
            n.why
        );
    }
    if !breaks {
        let _ = writeln!(
            s,
            "--allow-breaks would also consider cuts that break imports."
        );
    }
    let _ = writeln!(
        s,
        "alternative: deploy as a container image (up to 10 GB uncompressed, no 250 MB limit)"
    );
    s
}

/// The bounds of one project function: code + layers unzipped (known ARN-layer bytes as
/// reserve), each artifact's zip, each layer's upload request.
fn function_bounds(artifacts: &[Artifact]) -> Result<Vec<Bound>> {
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

fn run_project(args: &FitArgs, project: &heft::project::Project) -> Result<ExitCode> {
    let l = &args.decide.limits;
    if !l.limits.is_empty() || l.reserve.is_some() || !l.attached.is_empty() {
        bail!(
            "a project's functions are planned against every Lambda limit: drop --limit, --reserve and --attached"
        );
    }
    let functions: Vec<_> = match &args.function {
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
    let mut all_fit = true;
    for f in functions {
        let loaded = super::project::load_function(&args.input, &args.decide, project, f)?;
        let (bundle, artifacts) = (&loaded.bundle, &loaded.artifacts);
        let bounds = function_bounds(artifacts)?;
        let what = format!("function {}", f.name);
        let rules = loaded.settings.rules_for(bundle)?;
        let (plan, planner) = plan_bundle(args, bundle, bounds, rules)?;
        let mut text = render(&Shown {
            what: &what,
            plan: &plan,
            planner: &planner,
            bundle,
            breaks: args.allow_breaks,
            artifacts: Some(artifacts),
        });
        let layers = artifacts
            .iter()
            .filter(|a| a.kind == ArtifactKind::Layer)
            .count() as u64;
        if layers > gate::MAX_LAYERS {
            all_fit = false;
            let _ = writeln!(
                text,
                "  {layers} layers: Lambda allows {}; no cut changes that",
                gate::MAX_LAYERS
            );
        }
        all_fit &= plan.fits;
        note_unwritten(args, plan.fits);
        super::print(&text)?;
        if let Some(out) = args.output.as_ref().filter(|_| plan.fits) {
            let limits: Vec<_> = ["aws-lambda", "aws-lambda-zip"]
                .iter()
                .filter_map(|n| heft::limits::preset(n).cloned())
                .collect();
            let checked = verdicts(bundle, planner.exclusion(), &limits, 0);
            write_manifest(args, out, bundle, planner.exclusion(), &checked)?;
        }
    }
    Ok(exit(all_fit))
}
