//! `heft report|check PROJECT`: a whole deployment (SAM, CDK, Serverless, Chalice or
//! `heft.toml`), each function loaded as its own multi-root bundle and checked at once.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use heft::bundle::Bundle;
use heft::limits::human;
use heft::project::gate::{
    self, Artifact, FunctionCheck, FunctionLimit, ProjectCheck, short_name as short,
};
use heft::project::{Function, Project};
use heft::report::Report;
use heft::settings::Settings;

use super::decide;
use crate::cli::{CheckArgs, CheckFormat, DecideArgs, DocFormat, InputArgs, ReportArgs};

/// The project `args` name, when a single input is one (ARN layers supplied by `--layer`).
pub fn open(args: &InputArgs) -> Result<Option<Project>> {
    let [path] = args.paths.as_slice() else {
        return Ok(None);
    };
    let Some(mut project) = heft::project::open(path)? else {
        return Ok(None);
    };
    project.supply_layers(&args.target.layer_paths)?;
    Ok(Some(project))
}

/// One function loaded: its bundle, its artifacts and the settings it was read with.
pub struct Loaded {
    /// Code, then local layers, as roots.
    pub bundle: Bundle,
    /// Code and every layer (ARN-only ones without a root).
    pub artifacts: Vec<Artifact>,
    /// Target (the function's runtime), rules and limits as resolved.
    pub settings: Settings,
}

/// Loads one function as a bundle (code, then its local layers) for its runtime, with the
/// rules and limits of `decide`.
pub fn load_function(
    args: &InputArgs,
    decide: &DecideArgs,
    project: &Project,
    function: &Function,
) -> Result<Loaded> {
    let (paths, artifacts) = gate::inputs(project, function);
    let mut target = args.target.clone();
    if let Some(py) = function.python() {
        target.python = py.to_string();
    }
    let settings = decide::resolve(&paths, &target, decide)?;
    let bundle = super::load_settings(&settings)
        .with_context(|| format!("loading function {}", function.name))?;
    Ok(Loaded {
        bundle,
        artifacts,
        settings,
    })
}

/// `heft report PROJECT --json`: the `heft.check/1` of every function plus each function's
/// `heft.report/1` (distributions, graph notes) under `reports`.
#[derive(serde::Serialize)]
struct ProjectReport {
    #[serde(flatten)]
    check: ProjectCheck,
    reports: Vec<FunctionReport>,
}

/// One function's `heft.report/1`.
#[derive(serde::Serialize)]
struct FunctionReport {
    name: String,
    report: Report,
}

/// Checks every function after the rules of `args` (none for `report`).
fn check_all(
    input: &InputArgs,
    project: &Project,
    rules: Option<&crate::cli::RuleArgs>,
    mut reports: Option<&mut Vec<FunctionReport>>,
) -> Result<ProjectCheck> {
    let mut report = ProjectCheck::new(project);
    let mut unused: Vec<&String> = rules.map_or_else(Vec::new, |r| {
        r.exclude_dists.iter().chain(&r.exclude_deps).collect()
    });
    for f in &project.functions {
        let Loaded {
            bundle,
            artifacts,
            settings,
        } = load_function(input, &DecideArgs::default(), project, f)?;
        let rules = match rules {
            Some(r) => {
                unused.retain(|name| !is_installed(&bundle, name));
                decide::rules_from_args(&installed_only(r, &bundle), &bundle.target)?
            }
            None => Vec::new(),
        };
        let ex = decide::exclusion(&bundle, rules, None)?;
        report.errors.extend(
            settings
                .input_errors(&bundle)
                .into_iter()
                .map(|e| format!("function {}: {}: {}", f.name, e.path, e.message)),
        );
        report
            .functions
            .push(gate::check(f, &bundle, &ex, &artifacts));
        if let Some(out) = reports.as_deref_mut() {
            out.push(FunctionReport {
                name: f.name.clone(),
                report: Report::new(&bundle),
            });
        }
    }
    if let Some(name) = unused.first() {
        bail!("no function of the project has a distribution `{name}` installed");
    }
    Ok(report)
}

fn is_installed(bundle: &Bundle, name: &str) -> bool {
    bundle
        .dist_by_key(&heft::python::name::normalize(name))
        .is_some()
}

/// The rules with `--exclude-dist`/`--exclude-deps` kept only for what this function has: a
/// project's functions need not share every distribution.
fn installed_only(rules: &crate::cli::RuleArgs, bundle: &Bundle) -> crate::cli::RuleArgs {
    let mut r = rules.clone();
    r.exclude_dists.retain(|n| is_installed(bundle, n));
    r.exclude_deps.retain(|n| is_installed(bundle, n));
    r
}

/// `heft check PROJECT`: exit 0 when every function fits, 1 when one does not.
pub fn check(args: &CheckArgs, project: &Project) -> Result<ExitCode> {
    let l = &args.decide.limits;
    if !l.limits.is_empty() || l.reserve.is_some() || !l.attached.is_empty() {
        bail!(
            "a project's functions are checked against every Lambda limit: drop --limit, --reserve and --attached"
        );
    }
    if args.decide.manifest.is_some() || args.warn_at.is_some() {
        bail!(
            "--manifest and --warn-at are not supported for a project yet; use --rules or --preset"
        );
    }
    let mut report = check_all(&args.input, project, Some(&args.decide.rules), None)?;
    // Fail closed, as for a bundle: what could not be measured is an error (exit 2) unless
    // --allow-errors makes it a warning.
    let errors = !report.errors.is_empty();
    if args.allow_errors {
        let allowed = std::mem::take(&mut report.errors);
        report.warnings.extend(allowed);
    }
    match args.format {
        CheckFormat::Text => super::print(&render_text(&report))?,
        CheckFormat::Github => super::print(&render_github(&report))?,
        CheckFormat::Json => super::print_json(&report)?,
    }
    Ok(if errors && !args.allow_errors {
        ExitCode::from(2)
    } else if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `heft report PROJECT`: the same lines, exit 0.
pub fn report(args: &ReportArgs, project: &Project) -> Result<ExitCode> {
    let mut functions = Vec::new();
    let report = check_all(&args.input, project, None, Some(&mut functions))?;
    let out = args.doc.output.as_deref();
    let text = match args.doc.format() {
        DocFormat::Json => {
            let doc = ProjectReport {
                check: report,
                reports: functions,
            };
            serde_json::to_string_pretty(&doc).context("serialising")? + "\n"
        }
        DocFormat::Text => render_text(&report),
        DocFormat::Markdown => heft::render::markdown::project(&report),
        DocFormat::Html => bail!(
            "--format html is not available for a project yet: use text, json or markdown, or report one function's directory"
        ),
    };
    super::emit(&text, out)?;
    Ok(super::ok())
}

fn verdict(l: &FunctionLimit) -> String {
    let state = if l.ok { "ok" } else { "OVER" };
    if l.counted == "layers" {
        return format!("layers: {} of at most {}  {state}", l.used, l.limit);
    }
    let over = if l.ok {
        format!("{} left", human(l.limit - 1 - l.used))
    } else {
        format!("by {} ({} bytes)", human(l.overrun), l.overrun)
    };
    format!(
        "{} {} of {} ({} bytes)  {state} {over}",
        l.name,
        human(l.used),
        human(l.limit),
        l.used
    )
}

fn function_text(s: &mut String, f: &FunctionCheck) {
    let state = if f.is_ok() { "ok" } else { "OVER" };
    let _ = writeln!(s, "function {}  {state}", f.name);
    for l in f.limits.iter().filter(|l| l.artifact.is_none()) {
        let _ = writeln!(s, "  {}", verdict(l));
    }
    for a in &f.artifacts {
        let mine = f.limits_of(&a.name);
        let ok = mine.iter().all(|l| l.ok);
        let size = if a.known {
            format!(
                "{} unzipped, {} zipped",
                human(a.bytes),
                human(a.zipped_bytes)
            )
        } else {
            "unknown size".to_string()
        };
        let shared = if a.shared_with.is_empty() {
            String::new()
        } else {
            format!("; shared with {}", a.shared_with.join(", "))
        };
        let kind = format!("{:?}", a.kind).to_lowercase();
        let state = if ok { "ok" } else { "OVER" };
        let _ = writeln!(s, "  {kind} {}: {size}{shared}  {state}", short(&a.name));
        for l in mine.iter().filter(|l| !l.ok) {
            let _ = writeln!(s, "    {}", verdict(l));
        }
    }
    for d in &f.duplicates {
        let _ = writeln!(
            s,
            "  duplicate {} in {}: {} paid twice; the copy in {} loads",
            d.name,
            d.artifacts
                .iter()
                .map(|a| short(a))
                .collect::<Vec<_>>()
                .join(", "),
            human(d.wasted_bytes),
            short(&d.wins)
        );
    }
    for w in &f.warnings {
        let _ = writeln!(s, "  warning: {w}");
    }
}

/// One verdict line per function and per artifact, then duplicates and warnings.
pub fn render_text(r: &ProjectCheck) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} project {}: {} function(s)",
        r.format,
        r.file,
        r.functions.len()
    );
    for f in &r.functions {
        function_text(&mut s, f);
    }
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    for e in &r.errors {
        let _ = writeln!(s, "error: {e}");
    }
    s
}

/// An `::error` per exceeded limit naming the function, a warning per duplicate and note.
pub fn render_github(r: &ProjectCheck) -> String {
    let mut s = String::new();
    for f in &r.functions {
        for l in &f.limits {
            let kind = if l.ok { "notice" } else { "error" };
            let on = l
                .artifact
                .as_ref()
                .map_or(String::new(), |a| format!(" ({a})"));
            let title = title(&format!("heft {} {}", f.name, l.name));
            let message = format!("function {}{on}: {}", f.name, verdict(l));
            let _ = writeln!(
                s,
                "::{kind} title={title}::{}",
                super::check::escape(&message)
            );
        }
        for d in &f.duplicates {
            let message = format!(
                "function {}: {} installed in {}; {} paid twice",
                f.name,
                d.name,
                d.artifacts.join(", "),
                human(d.wasted_bytes)
            );
            let title = title(&format!("heft {} duplicate", f.name));
            let _ = writeln!(
                s,
                "::warning title={title}::{}",
                super::check::escape(&message)
            );
        }
        for w in &f.warnings {
            let message = format!("function {}: {w}", f.name);
            let _ = writeln!(
                s,
                "::warning title=heft::{}",
                super::check::escape(&message)
            );
        }
    }
    s
}

/// A workflow command's title: escaped, with `:` and `,` encoded too.
fn title(text: &str) -> String {
    super::check::escape(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}
