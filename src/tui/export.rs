//! Exporting the decision from the explorer: the manifest module's formats, written
//! atomically (a temporary file, then a link or rename; never clobbering unless confirmed).

use std::path::Path;

use anyhow::{Context, Result, anyhow};

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::limits::Limit;
use crate::limits::human;
use crate::manifest::export::{Format, render, write_atomic};
use crate::manifest::{Manifest, now_rfc3339};
use crate::verdicts::verdicts;

/// The formats the dialog offers, with the file name each suggests.
pub fn formats() -> &'static [(Format, &'static str, &'static str)] {
    &[
        (Format::Json, "heft.manifest/1 JSON", "heft-manifest.json"),
        (
            Format::Sh,
            "sh script (checks, then deletes)",
            "heft-prune.sh",
        ),
        (Format::ZipExclude, "zip -x@ list", "heft-zip-exclude.txt"),
        (
            Format::Dockerfile,
            "Dockerfile RUN layer",
            "heft-prune.Dockerfile",
        ),
        (
            Format::SlimPatterns,
            "serverless slimPatterns",
            "heft-slim-patterns.yml",
        ),
        (Format::Gitignore, "gitignore patterns", "heft.gitignore"),
    ]
}

/// The file name to suggest after switching from format `from` to `to`: the new format's
/// default if the path was the old one's, else the path as typed.
pub fn retarget(path: &str, from: usize, to: usize) -> String {
    match (formats().get(from), formats().get(to)) {
        (Some(old), Some(new)) if path.trim() == old.2 => new.2.to_string(),
        _ => path.to_string(),
    }
}

/// What an export is made from.
pub struct ExportProps<'a> {
    /// The bundle.
    pub bundle: &'a Bundle,
    /// The rules' evaluation (none while scanning).
    pub exclusion: Option<&'a Exclusion>,
    /// The active limits.
    pub limits: &'a [Limit],
}

/// Writes the decision in format `format` to `path` (`overwrite` replaces an existing
/// file); returns a one-line summary.
pub fn write(p: &ExportProps, format: usize, path: &Path, overwrite: bool) -> Result<String> {
    let (format, name, _) = *formats().get(format).context("unknown export format")?;
    let bundle = p.bundle;
    let ex = p
        .exclusion
        .ok_or_else(|| anyhow!("the scan has not finished yet"))?;
    let checked = verdicts(bundle, ex, p.limits, 0);
    let manifest = Manifest::new(bundle, ex, &checked, now_rfc3339());
    let bytes = render(&manifest, format, None).map_err(|e| anyhow!("{name}: {e}"))?;
    write_atomic(path, &bytes, overwrite).with_context(|| format!("writing {}", path.display()))?;
    let t = &manifest.totals;
    Ok(format!(
        "{name}, {} paths, {} excluded",
        manifest.excluded.len(),
        human(t.before.bytes.saturating_sub(t.after.bytes))
    ))
}
