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
    let settings = decide::resolve(&args.input.paths, &args.input.target, &args.decide)?;
    let bundle = super::load_settings(&settings)?;
    let ex = decide::settled_exclusion(&settings, &args.decide.rules, &bundle)?;
    let checked = verdicts(&bundle, &ex, &settings.limits, settings.reserve);
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
    // The manifest is still written (it describes what was read); `check` fails on these.
    for e in settings.input_errors(&bundle) {
        eprintln!(
            "heft: warning: {}: {} (the manifest covers what was read)",
            e.path, e.message
        );
    }
    Ok(ExitCode::SUCCESS)
}
