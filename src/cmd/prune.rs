//! `heft prune`: deletes a manifest's excluded paths from the directories it was made
//! from. A dry run by default; `--apply` deletes, then rescans and compares the result
//! with the manifest's prediction.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use heft::bundle::RootKind;
use heft::limits::human;
use heft::manifest::TreeView;
use heft::manifest::apply::{apply, check_roots, open_roots, plan};
use heft::manifest::export::escape_controls;

use super::decide;
use crate::cli::PruneArgs;

/// Runs `heft prune`.
pub fn run(args: &PruneArgs) -> Result<ExitCode> {
    let manifest = decide::read_manifest(&args.manifest)?;
    if let Some(saved) = heft::load::lone_saved_scan(&args.input.paths) {
        bail!(
            "{} is a saved scan: heft prune deletes from the directories themselves",
            saved.display()
        );
    }
    // The whole manifest is checked before anything is read or deleted.
    let planned = plan(&manifest, args.input.paths.len())?;
    // Opened before the scan, so what is deleted is the tree that was scanned.
    let opened = if args.apply {
        open_roots(&args.input.paths)?
    } else {
        Vec::new()
    };
    let bundle = super::load_inputs(&args.input)?;
    for root in &bundle.roots {
        if root.kind != RootKind::SitePackages {
            bail!(
                "{} is a {}: heft prune deletes from directories only; for an archive use `heft export --format zip-exclude`",
                root.path.display(),
                root.kind.as_str()
            );
        }
    }
    match manifest.match_tree(&bundle) {
        Ok(TreeView::Pruned) => {
            super::print(
                "heft: the tree already matches the manifest's pruned state; nothing to do\n",
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        Ok(TreeView::Unpruned) => {}
        Err(e) if args.force => eprintln!("heft: warning: {e}; going on because of --force"),
        Err(e) => return Err(e).context("refusing to prune (use --force to override)"),
    }
    let bytes: u64 = planned.iter().map(|p| p.bytes).fold(0, u64::saturating_add);
    let files: u64 = planned.iter().map(|p| p.files).fold(0, u64::saturating_add);
    if !args.apply {
        let mut s = String::new();
        for p in &planned {
            let kind = if p.dir { "dir " } else { "file" };
            let _ = writeln!(
                s,
                "{kind} {:>12}  {}/{}",
                p.bytes,
                escape_controls(&args.input.paths[p.root].to_string_lossy()),
                escape_controls(&String::from_utf8_lossy(&p.rel))
            );
        }
        let _ = writeln!(
            s,
            "would delete {} paths: {files} files, {} ({bytes} bytes); predicted after: {} files, {} bytes\nrun again with --apply to delete",
            planned.len(),
            human(bytes),
            manifest.totals.after.files,
            manifest.totals.after.bytes
        );
        super::print(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    check_roots(&opened)?;
    let outcome = apply(&planned, &opened);
    for f in &outcome.failures {
        let path = escape_controls(&f.path.to_string_lossy());
        eprintln!("heft: could not delete {path}: {}", f.message);
    }
    let rescanned = super::load_inputs(&args.input)?;
    let achieved = rescanned.totals();
    let predicted = manifest.totals.after;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "deleted {} files and {} directories ({} already gone, {} failed)",
        outcome.files,
        outcome.dirs,
        outcome.missing,
        outcome.failures.len()
    );
    let _ = writeln!(
        s,
        "after: {} files, {} bytes ({}); predicted: {} files, {} bytes",
        achieved.files,
        achieved.bytes,
        human(achieved.bytes),
        predicted.files,
        predicted.bytes
    );
    let matches = achieved.files == predicted.files && achieved.bytes == predicted.bytes;
    if !matches {
        let _ = writeln!(s, "the result differs from the manifest's prediction");
    }
    super::print(&s)?;
    Ok(if !outcome.failures.is_empty() {
        ExitCode::from(2)
    } else if matches {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
