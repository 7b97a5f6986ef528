//! Writing the user's exclusions to a file, atomically (temp file + rename).
//!
//! Until the manifest module lands this writes one interim JSON format listing the
//! excluded distributions and paths; the dialog already offers a list of formats.

use std::io::Write;
use std::path::Path;

use crate::limits::human;
use anyhow::{Context, Result};
use serde::Serialize;

use super::app::App;

/// An export format: its name in the dialog and its usual file suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    /// Shown in the dialog.
    pub name: &'static str,
    /// File suffix, without the dot.
    pub suffix: &'static str,
}

/// The formats the dialog offers.
pub fn formats() -> &'static [Format] {
    &[Format {
        name: "heft selection (JSON)",
        suffix: "json",
    }]
}

/// `path` with its suffix changed to the one of format `i`.
pub fn retarget(path: &str, i: usize) -> String {
    let Some(f) = formats().get(i) else {
        return path.to_string();
    };
    match path.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => format!("{stem}.{}", f.suffix),
        _ => format!("{path}.{}", f.suffix),
    }
}

#[derive(Serialize)]
struct Selection {
    schema: &'static str,
    roots: Vec<String>,
    exclude_distributions: Vec<String>,
    exclude_paths: Vec<String>,
    bytes_before: u64,
    bytes_after: u64,
}

/// Writes the exclusions in format `format` to `path`; returns a one-line summary.
pub fn write(app: &App, format: usize, path: &Path) -> Result<String> {
    let _ = formats().get(format).context("unknown export format")?;
    let bundle = app.bundle();
    let selection = Selection {
        schema: "heft.selection/0",
        roots: bundle
            .roots
            .iter()
            .map(|r| r.path.display().to_string())
            .collect(),
        exclude_distributions: app
            .cuts
            .set
            .dists
            .iter()
            .map(|d| bundle.dist(*d).name.clone())
            .collect(),
        exclude_paths: app
            .cuts
            .set
            .nodes
            .iter()
            .map(|n| bundle.tree.path(*n).display().to_string())
            .collect(),
        bytes_before: bundle.totals().bytes,
        bytes_after: app.kept_totals().bytes,
    };
    let mut text = serde_json::to_string_pretty(&selection)?;
    text.push('\n');
    write_atomic(path, text.as_bytes())?;
    let saved = selection.bytes_before - selection.bytes_after.min(selection.bytes_before);
    Ok(format!("{} excluded", human(saved)))
}

/// Writes `bytes` to a temp file beside `path`, then renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir)?;
    tmp.1
        .write_all(bytes)
        .with_context(|| format!("writing {}", tmp.0.display()))?;
    tmp.1.sync_all().ok();
    std::fs::rename(&tmp.0, path).with_context(|| format!("renaming onto {}", path.display()))
}

fn tempfile_in(dir: &Path) -> Result<(std::path::PathBuf, std::fs::File)> {
    for i in 0..100u32 {
        let p = dir.join(format!(".heft-export-{}-{i}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(f) => return Ok((p, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e).with_context(|| format!("creating a file in {}", dir.display()));
            }
        }
    }
    anyhow::bail!("no free temporary name in {}", dir.display())
}
