//! The `heft` binary: parses the command line and dispatches.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Report(args)) => cmd::report::run(&args),
        Some(Command::Watch(args)) => cmd::watch::run(&args),
        Some(Command::Why(args)) => cmd::why::run(&args),
        Some(Command::Check(args)) => cmd::check::run(&args),
        Some(Command::Export(args)) => cmd::export::run(&args),
        Some(Command::Prune(args)) => cmd::prune::run(&args),
        Some(Command::Imports(args)) => cmd::imports::run(&args),
        Some(Command::Fit(args)) => cmd::fit::run(&args),
        Some(Command::Split(args)) => cmd::split::run(&args),
        Some(Command::Diff(args)) => cmd::diff::run(&args),
        None if cli.explore.diff.is_some() => cmd::diff::explore(&cli.explore),
        None => explore(&cli.explore),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heft: {}", error_text(&e));
            ExitCode::from(2)
        }
    }
}

/// The explorer, after the options every command resolves the same way.
fn explore(args: &cli::ExploreArgs) -> anyhow::Result<ExitCode> {
    if let Some(hint) = mistyped_command(&args.paths) {
        anyhow::bail!(hint);
    }
    let settings = cmd::decide::resolve(&args.paths, &args.target, &args.decide)?;
    let opts = heft::tui::Options {
        settings,
        watch: args.watch,
    };
    // A project opens on its function picker first.
    match heft::tui::picker::choose(&opts)? {
        Some(opts) => heft::tui::run(&opts),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// A hint when the first path does not exist and is spelled close to a command
/// (`heft reprot x`): it was meant as one, not as an input.
fn mistyped_command(paths: &[std::path::PathBuf]) -> Option<String> {
    let word = paths.first()?.to_str()?;
    if std::fs::symlink_metadata(word).is_ok() || word.contains(['/', '.']) {
        return None;
    }
    let app = Cli::command();
    let (distance, name) = app
        .get_subcommands()
        .map(|c| {
            (
                heft::insight::why::edit_distance(word, c.get_name()),
                c.get_name(),
            )
        })
        .min()?;
    (distance <= 2 || name.starts_with(word)).then(|| {
        format!("unknown command `{word}` (and no such path); did you mean `heft {name}`?")
    })
}

/// The error and its causes, each said once: a cause whose text its parent already
/// includes (an I/O error quoted in a message naming the path) is not repeated.
fn error_text(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}
