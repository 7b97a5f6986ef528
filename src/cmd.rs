//! Headless commands, one module each; they print and return an exit code.

pub mod report;
pub mod watch;

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use heft::bundle::Bundle;
use heft::load::{LoadOptions, load};
use heft::requirements::parse_requirements_txt;

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
    Ok(load(&args.paths, &opts, &mut |_| {})?)
}

/// Writes text to stdout; a closed pipe (`heft report | head`) is not an error.
pub fn print(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}

/// Success.
pub fn ok() -> ExitCode {
    ExitCode::SUCCESS
}
