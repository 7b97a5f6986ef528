//! The `heft` binary: parses the command line and dispatches.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

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
        None => cli::explore_options(&cli.explore).and_then(|opts| heft::tui::run(&opts)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heft: {e:#}");
            ExitCode::from(2)
        }
    }
}
