//! Command-line interface (clap derive); converts CLI values into core types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use heft::bundle::Target;

/// Why is your Python deployment bundle too big, and what can you cut?
#[derive(Debug, Parser)]
#[command(name = "heft", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without a command heft opens the explorer.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise a bundle: sizes per distribution, unowned files, missing requirements.
    Report(ReportArgs),
    /// Follow a directory while pip writes into it: one line per settled change.
    Watch(WatchArgs),
}

/// Inputs and target shared by every command.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// site-packages, a layer or function directory (packages under python/), a .zip, wheels.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Python version of the target runtime.
    #[arg(long, default_value = "3.12", value_name = "X.Y")]
    pub python: String,
    /// CPU architecture of the target runtime.
    #[arg(long, value_enum, default_value_t = Arch::X86_64)]
    pub arch: Arch,
    /// requirements.txt whose names are the top-level requirements (graph roots).
    #[arg(long, value_name = "FILE")]
    pub requirements: Option<PathBuf>,
}

/// Lambda architectures.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Arch {
    /// Intel/AMD 64-bit.
    #[value(name = "x86_64")]
    X86_64,
    /// Graviton (arm64).
    #[value(name = "aarch64", alias = "arm64")]
    Aarch64,
}

impl From<&InputArgs> for Target {
    fn from(args: &InputArgs) -> Self {
        let machine = match args.arch {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        };
        Target {
            python: args.python.clone(),
            platform: "linux".into(),
            machine: machine.into(),
        }
    }
}

/// `heft report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// Print the `heft.report/1` JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// How many distributions the text report lists.
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub top: usize,
}

/// `heft watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The directory to follow (site-packages, a layer's build dir); it may not exist yet.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Print `heft.watch/1` JSON lines instead of text.
    #[arg(long)]
    pub json: bool,
    /// Exit once the tree has been quiet this long after a change, printing the final line.
    #[arg(long, value_name = "SECS")]
    pub until_idle: Option<f64>,
    /// A limit to follow: a preset or a size such as 250MB or zip:50MB (repeatable;
    /// default aws-lambda and aws-lambda-zip).
    #[arg(long = "limit", value_name = "LIMIT")]
    pub limits: Vec<String>,
}
