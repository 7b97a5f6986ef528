//! Command-line interface (clap derive); converts CLI values into core types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use heft::bundle::Target;

/// Why is your Python deployment bundle too big, and what can you cut?
#[derive(Debug, Parser)]
#[command(name = "heft", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without a command heft opens the explorer.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The explorer's inputs and options (used when no command is given).
    #[command(flatten)]
    pub explore: ExploreArgs,
}

/// `heft [PATH...]`: the interactive explorer.
#[derive(Debug, Args, Clone)]
pub struct ExploreArgs {
    /// Inputs as for `report`, or a saved scan (.heftscan / .heftscan.gz). Without any:
    /// the active virtualenv's site-packages, else ./python or a site-packages here, else a demo.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Open with a saved manifest's rules applied, to resume and refine a decision.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Rescan as the inputs change (e.g. while pip installs into them).
    #[arg(long)]
    pub watch: bool,
    /// Limits to gauge (preset name or size such as zip:50MB); default aws-lambda and aws-lambda-zip.
    #[arg(long = "limit", value_name = "LIMIT")]
    pub limits: Vec<String>,
    /// Python version of the target runtime.
    #[arg(long, default_value = "3.12", value_name = "X.Y")]
    pub python: String,
    /// CPU architecture of the target runtime.
    #[arg(long, value_enum, default_value_t = Arch::X86_64)]
    pub arch: Arch,
}

/// Headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise a bundle: sizes per distribution, unowned files, missing requirements.
    Report(ReportArgs),
    /// Show every path from the top level to one distribution, and what removing it frees.
    Why(WhyArgs),
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
    /// Skip compressing directory roots to estimate their zipped size (zipped bytes of
    /// directories then count headers only).
    #[arg(long)]
    pub no_zip_estimate: bool,
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
        target(&args.python, args.arch)
    }
}

impl From<&ExploreArgs> for Target {
    fn from(args: &ExploreArgs) -> Self {
        target(&args.python, args.arch)
    }
}

/// The explorer's options from its arguments (limits parsed, target built).
pub fn explore_options(args: &ExploreArgs) -> anyhow::Result<heft::tui::Options> {
    let limits = args
        .limits
        .iter()
        .map(|l| heft::limits::parse_limit(l))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(heft::tui::Options {
        paths: args.paths.clone(),
        manifest: args.manifest.clone(),
        watch: args.watch,
        limits,
        target: args.into(),
    })
}

/// The Lambda target for a Python version and architecture.
fn target(python: &str, arch: Arch) -> Target {
    let machine = match arch {
        Arch::X86_64 => "x86_64",
        Arch::Aarch64 => "aarch64",
    };
    Target {
        python: python.to_string(),
        platform: "linux".into(),
        machine: machine.into(),
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
    /// Also save the scan (tree, distributions, graph inputs) to FILE for `heft FILE`;
    /// gzip-compressed when FILE ends in .gz.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

/// `heft why`.
#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The distribution to explain; case and the separators - _ . do not matter.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON (`{"target": key, "paths": [[key, ...], ...], ...}`) instead of text.
    #[arg(long)]
    pub json: bool,
    /// How many paths to list; the rest are counted.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max: usize,
}
