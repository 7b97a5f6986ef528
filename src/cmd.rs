//! Headless commands, one module each; they print and return an exit code.

pub mod check;
pub mod decide;
pub mod diff;
pub mod export;
pub mod fit;
pub mod imports;
pub mod meter;
pub mod project;
pub mod prune;
pub mod report;
pub mod split;
pub mod watch;
pub mod why;

use std::io::{self, Write};
use std::process::ExitCode;

use std::sync::Arc;

use anyhow::{Context, Result};
use heft::bundle::Bundle;
use heft::load::{Keep, load_keeping, lone_saved_scan};
use heft::settings::Settings;
use heft::zipsize::ZipCache;

use crate::cli::InputArgs;

/// Loads the inputs of a command that takes no rules or limits, waiting for the scan to end.
pub fn load_inputs(args: &InputArgs) -> Result<Bundle> {
    load_settings(&decide::resolve_input(args)?)
}

/// Loads the inputs of a command that analyses imports: the walk's file identities are kept
/// even without zipped estimates, as the import caches are keyed by them.
pub fn load_for_imports(args: &InputArgs) -> Result<Bundle> {
    load_keeping_stamps(&decide::resolve_input(args)?, true)
}

/// Loads resolved inputs (a lone saved scan is read back), with zipped estimates unless
/// they are off.
pub fn load_settings(settings: &Settings) -> Result<Bundle> {
    load_keeping_stamps(settings, !settings.entries.is_empty())
}

/// Loads `settings`' inputs; `stamps`: the walk's file identities are kept to the end.
fn load_keeping_stamps(settings: &Settings, stamps: bool) -> Result<Bundle> {
    let keep = if stamps || settings.zip_estimate {
        Keep::Stamps
    } else {
        Keep::TreeOnly
    };
    let mut meter = meter::Meter::for_stderr(&settings.paths);
    let mut bundle = load_keeping(&settings.paths, &settings.load, keep, &mut |p| {
        meter.scanned(p);
    })?;
    if lone_saved_scan(&settings.paths).is_some() {
        // Its zipped sizes were saved with it; the files may be elsewhere or gone.
        return Ok(bundle);
    }
    if settings.zip_estimate {
        let cache = Arc::new(ZipCache::load_default());
        let tasks = heft::zipjob::plan_cached(&mut bundle, &cache);
        // The tasks hold their copies of the walk's stamps; a one-shot command drops them
        // (16 bytes a node) unless the import caches, keyed by them, need them.
        if !stamps {
            bundle.stamps = heft::bundle::Stamps::default();
        }
        heft::zipjob::compress(&mut bundle, tasks, &cache, &mut |p| meter.zipped(p));
        meter.clear();
        cache.save_default();
    } else {
        heft::zipjob::plan_headers(&mut bundle);
    }
    Ok(bundle)
}

/// Writes `text` to `path`, or to stdout when there is none.
pub fn emit(text: &str, path: Option<&std::path::Path>) -> Result<()> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))
        }
        _ => print(text),
    }
}

/// Writes text to stdout; a closed pipe (`heft report | head`) is not an error.
pub fn print(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}

/// Streams a value as pretty JSON to stdout (no whole-document string in memory); a closed
/// pipe is not an error.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e).context("writing JSON to stdout"),
        _ => Ok(()),
    }
}

/// Success.
pub fn ok() -> ExitCode {
    ExitCode::SUCCESS
}
