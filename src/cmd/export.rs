//! `heft export`: evaluates rules over the inputs and writes the decision as a manifest,
//! a script or a pattern list, atomically, refusing to overwrite without `--force`.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use heft::limits::human;
use heft::manifest::export::{render, write_atomic};
use heft::manifest::{Manifest, now_rfc3339};
use heft::verdicts::verdicts;

use super::decide;
use crate::cli::ExportArgs;

/// Runs `heft export`.
pub fn run(args: &ExportArgs) -> Result<ExitCode> {
    let bundle = super::load_inputs(&args.input)?;
    let imports = decide::imports(&args.rules, &bundle);
    let rules = decide::rules_from_args(&args.rules, &bundle, imports.as_deref())?;
    let limits = decide::limits(&args.limits, None)?;
    let reserve = decide::reserve(&args.limits, &args.input)?;
    let ex = decide::exclusion(&bundle, rules, imports)?;
    let checked = verdicts(&bundle, &ex, &limits, reserve);
    let manifest = Manifest::new(&bundle, &ex, &checked, now_rfc3339());
    let bytes = render(&manifest, args.format.into(), args.root)?;
    if args.output.as_os_str() == "-" {
        super::print(&String::from_utf8_lossy(&bytes))?;
    } else {
        if args.output.exists() && !args.force {
            bail!(
                "{} exists; use --force to overwrite it",
                args.output.display()
            );
        }
        write_atomic(&args.output, &bytes, args.force)
            .with_context(|| format!("writing {}", args.output.display()))?;
    }
    let t = &manifest.totals;
    eprintln!(
        "heft: {} paths excluded by {} rule(s): {} files, {} ({} bytes) -> after {} files, {} bytes",
        manifest.excluded.len(),
        manifest.rules.len(),
        t.before.files - t.after.files,
        human(t.before.bytes - t.after.bytes),
        t.before.bytes - t.after.bytes,
        t.after.files,
        t.after.bytes
    );
    for w in &manifest.warnings {
        eprintln!("heft: warning: {w}");
    }
    Ok(ExitCode::SUCCESS)
}
