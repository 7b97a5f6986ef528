//! Headless commands, one module each; they print and return an exit code.

pub mod check;
pub mod decide;
pub mod export;
pub mod imports;
pub mod prune;
pub mod report;
pub mod watch;
pub mod why;

use std::io::{self, Write};
use std::process::ExitCode;

use std::sync::Arc;

use anyhow::{Context, Result};
use heft::bundle::Bundle;
use heft::load::{LoadOptions, load};
use heft::requirements::parse_requirements_txt;
use heft::zipsize::ZipCache;

use crate::cli::InputArgs;

/// Loads the inputs of a command, waiting for the scan to end.
pub fn load_inputs(args: &InputArgs) -> Result<Bundle> {
    let mut opts = LoadOptions {
        target: args.into(),
        top_level: None,
    };
    if let Some(file) = &args.requirements {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let (top, errors) = parse_requirements_txt(&text);
        for e in errors {
            eprintln!("heft: {}: {e}", file.display());
        }
        opts.top_level = Some(top);
    }
    let mut bundle = load(&args.paths, &opts, &mut |_| {})?;
    if args.no_zip_estimate {
        heft::zipjob::plan_headers(&mut bundle);
    } else {
        let cache = Arc::new(ZipCache::load_default());
        heft::zipjob::estimate_blocking(&mut bundle, &cache);
        cache.save_default();
    }
    Ok(bundle)
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
