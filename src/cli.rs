//! Command-line interface (clap derive); converts CLI values into core types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Rescan as the inputs change (e.g. while pip installs into them).
    #[arg(long)]
    pub watch: bool,
    /// Target, requirements and zipped estimate.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Rules, limits and a manifest to start from.
    #[command(flatten)]
    pub decide: DecideArgs,
    /// Compare two builds (directories, zips, wheels or saved scans) instead of exploring one.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["paths", "watch"])]
    pub diff: Option<Vec<PathBuf>>,
}

/// Headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise a bundle: sizes per distribution, unowned files, missing requirements.
    Report(ReportArgs),
    /// Show every path from the top level to one distribution, and what removing it frees.
    Why(WhyArgs),
    /// Check the bundle (after rules) against platform limits: exit 0 within, 1 over, 2 error.
    Check(CheckArgs),
    /// Save rules as a heft.manifest/1 or as a script/list your build can apply.
    Export(ExportArgs),
    /// Delete a manifest's excluded paths from directories (dry run unless --apply).
    Prune(PruneArgs),
    /// Follow a directory while pip writes into it: one line per settled change.
    Watch(WatchArgs),
    /// The least risky set of cuts that brings every limit within bounds (exit 1: none fits).
    Fit(crate::cmd::fit::FitArgs),
    /// Split a bundle's distributions into at most N layers that each upload (exit 1: none fits).
    Split(crate::cmd::split::SplitArgs),
    /// Compare two builds: what was added, removed, upgraded, grew or shrank, and why.
    Diff(DiffArgs),
    /// What the code imports: reached, lazily reached, data and unreached bytes from entries.
    Imports(ImportsArgs),
}

/// `heft imports`.
#[derive(Debug, Args)]
pub struct ImportsArgs {
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// Entries.
    #[command(flatten)]
    pub entries: EntryArgs,
    /// Print the `heft.imports/1` JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// How many distributions and missing imports the text lists.
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub top: usize,
}

/// Entry modules for import reachability.
#[derive(Debug, Args, Clone, Default)]
pub struct EntryArgs {
    /// An entry (repeatable): a module (`app`), Lambda's handler `module.function`, or a .py
    /// file. Default: the import names of the top-level distributions.
    #[arg(long = "entry", value_name = "MODULE|FILE")]
    pub entries: Vec<String>,
}

/// Inputs and target shared by every command.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// site-packages, a layer or function directory (packages under python/), a .zip, wheels,
    /// or one saved scan (.heftscan / .heftscan.gz, recognised by content).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Target, requirements and zipped estimate.
    #[command(flatten)]
    pub target: TargetArgs,
}

/// The target runtime and how to read the inputs, shared by every command and the explorer.
#[derive(Debug, Args, Clone)]
pub struct TargetArgs {
    /// Python version of the target runtime (3.Y).
    #[arg(long, default_value = "3.12", value_name = "X.Y")]
    pub python: String,
    /// CPU architecture of the target runtime.
    #[arg(long, value_enum, default_value_t = Arch::X86_64)]
    pub arch: Arch,
    /// requirements.txt whose names are the top-level requirements (graph roots).
    #[arg(long, value_name = "FILE")]
    pub requirements: Option<PathBuf>,
    /// Skip compressing directory roots to estimate their zipped size (zipped bytes of
    /// directories then count headers only, and `check` calls zipped limits not measured).
    #[arg(long)]
    pub no_zip_estimate: bool,
    /// Contents of a layer a project names only by ARN (repeatable): ARN=PATH.
    #[arg(long = "layer", value_name = "ARN=PATH")]
    pub layer_paths: Vec<String>,
}

/// What `check`, `export`, `watch` and the explorer decide with: rules, limits and a
/// manifest, resolved once by `cmd::options::resolve`.
#[derive(Debug, Args, Clone, Default)]
pub struct DecideArgs {
    /// Rules on the command line.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Limits and reserve.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Apply a heft.manifest/1's rules (and its limits when no --limit is given).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
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

/// `heft report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format, file and limits shown.
    #[command(flatten)]
    pub doc: DocArgs,
    /// How many distributions the text report lists.
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub top: usize,
    /// Entries: the JSON then gains per-distribution reached/lazy/data/unreached bytes.
    #[command(flatten)]
    pub entries: EntryArgs,
    /// Also save the scan (tree, distributions, graph inputs) to FILE for `heft FILE`;
    /// gzip-compressed when FILE ends in .gz.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

/// `heft why`.
#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The distribution to explain (case and the separators - _ . do not matter), or a module
    /// (`numpy.testing`) or file (`numpy/testing/__init__.py`) for its import chain.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// Entries the import chain starts from.
    #[command(flatten)]
    pub entries: EntryArgs,
    /// Print JSON (`{"target": key, "paths": [[key, ...], ...], ...}`) instead of text.
    #[arg(long)]
    pub json: bool,
    /// How many paths to list; the rest are counted.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max: usize,
}

/// Rules given on the command line, applied in this order: file, presets, paths, patterns,
/// distributions.
#[derive(Debug, Args, Clone, Default)]
pub struct RuleArgs {
    /// Rules from a JSON file: a heft.manifest/1 (its rules) or a list of rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// A rule preset (repeatable): tests-dirs, type-stubs, c-sources, bin-scripts,
    /// docs-examples, pycache, pyc-other-python, dist-info, strip-so, botocore-data,
    /// runtime-provided; from the import graph: unreached, unreached-lazy.
    #[arg(long = "preset", value_name = "NAME")]
    pub presets: Vec<String>,
    /// An entry for import reachability (repeatable): a module, `module.function` or a .py
    /// file. With it (or an unreached preset), excluding imported modules warns.
    #[arg(long = "entry", value_name = "MODULE|FILE")]
    pub entries: Vec<String>,
    /// Exclude a file or directory, relative to its root (repeatable).
    #[arg(long = "exclude-path", value_name = "PATH")]
    pub exclude_paths: Vec<String>,
    /// Exclude what a gitignore-like pattern matches (repeatable): '**/tests/', '*.pyi'.
    #[arg(long = "exclude", value_name = "PATTERN")]
    pub excludes: Vec<String>,
    /// Exclude a distribution (repeatable).
    #[arg(long = "exclude-dist", value_name = "NAME")]
    pub exclude_dists: Vec<String>,
    /// Exclude a distribution and the dependencies only it needs (repeatable).
    #[arg(long = "exclude-deps", value_name = "NAME")]
    pub exclude_deps: Vec<String>,
}

/// Limits to check and what the scan leaves out.
#[derive(Debug, Args, Clone, Default)]
pub struct LimitArgs {
    /// A limit preset or size (repeatable): aws-lambda, aws-lambda-zip, aws-layer-request,
    /// 180MB, zip:50MB. Default: aws-lambda and aws-lambda-zip.
    #[arg(long = "limit", value_name = "LIMIT")]
    pub limits: Vec<String>,
    /// Unzipped bytes taken by what was not scanned (the function, other layers): 40MB.
    #[arg(long, value_name = "SIZE")]
    pub reserve: Option<String>,
    /// A layer attached to the same function (repeatable): scanned, its unzipped bytes
    /// added to the reserve.
    #[arg(long, value_name = "LAYER")]
    pub attached: Vec<PathBuf>,
}

/// Output of `heft check`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum CheckFormat {
    /// One line per limit.
    #[default]
    Text,
    /// GitHub Actions `::error::` / `::warning::` annotations.
    Github,
    /// The `heft.check/1` JSON.
    Json,
}

/// `heft check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// Rules, limits and a manifest.
    #[command(flatten)]
    pub decide: DecideArgs,
    /// Warn when a limit is this full: 90% (or 0.9).
    #[arg(long = "warn-at", value_name = "PERCENT")]
    pub warn_at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// The build to measure growth against: a saved scan (`heft report --save`) or inputs.
    #[arg(long, value_name = "SCAN", requires = "max_growth")]
    pub baseline: Option<PathBuf>,
    /// The most the bundle may grow over --baseline (repeatable): 5MB, 2%, zip:1MB, zip:2%.
    #[arg(long = "max-growth", value_name = "GROWTH", requires = "baseline")]
    pub max_growth: Vec<String>,
    /// List input errors (unreadable files, broken archives, unmeasured limits, missing
    /// requirements) as warnings and give a partial verdict instead of exiting 2.
    #[arg(long)]
    pub allow_errors: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// The heft.manifest/1 JSON.
    Json,
    /// A POSIX sh script of `rm -rf --` lines; takes the root directories as arguments.
    Sh,
    /// A list for `zip -r out.zip . -x@LIST`, run inside the root.
    ZipExclude,
    /// A Dockerfile snippet with one `RUN` layer that checks, then deletes (`find -P -xdev`).
    Dockerfile,
    /// YAML for serverless-python-requirements `slimPatterns`.
    SlimPatterns,
    /// Anchored gitignore-style patterns.
    Gitignore,
}

impl From<ExportFormat> for heft::manifest::export::Format {
    fn from(f: ExportFormat) -> Self {
        use heft::manifest::export::Format;
        match f {
            ExportFormat::Json => Format::Json,
            ExportFormat::Sh => Format::Sh,
            ExportFormat::ZipExclude => Format::ZipExclude,
            ExportFormat::Dockerfile => Format::Dockerfile,
            ExportFormat::SlimPatterns => Format::SlimPatterns,
            ExportFormat::Gitignore => Format::Gitignore,
        }
    }
}

/// `heft export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// Rules (a manifest's included), and the limits recorded in the manifest.
    #[command(flatten)]
    pub decide: DecideArgs,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write (`-` for stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
    /// The root a single-root format describes (index, from 0).
    #[arg(long, value_name = "N")]
    pub root: Option<usize>,
}

/// `heft prune`.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// The heft.manifest/1 to apply.
    #[arg(long, value_name = "FILE")]
    pub manifest: PathBuf,
    /// The directories the manifest was made from, in the same order.
    #[command(flatten)]
    pub input: InputArgs,
    /// Delete (without it, only print what would go).
    #[arg(long)]
    pub apply: bool,
    /// Apply even when the tree does not match the manifest's fingerprint.
    #[arg(long)]
    pub force: bool,
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
    /// Target, requirements and zipped estimate.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Rules, limits and a manifest (totals and limits are followed after the rules).
    #[command(flatten)]
    pub decide: DecideArgs,
}

/// Output of `heft diff` and `heft report`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum DocFormat {
    /// Plain text for a terminal.
    #[default]
    Text,
    /// JSON (`heft.diff/1` or `heft.report/1`).
    Json,
    /// GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
    Markdown,
    /// One self-contained HTML page (treemap, tables, gauges; works offline).
    Html,
}

/// `heft diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old build: a directory, .zip, wheels or a saved scan (.heftscan / .heftscan.gz).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new build, likewise.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format, file and limits shown.
    #[command(flatten)]
    pub doc: DocArgs,
    /// How many changes the text and Markdown tables list.
    #[arg(long, default_value_t = 15, value_name = "N")]
    pub top: usize,
    /// Exit 0 even when paths of either side could not be read (they are still reported).
    #[arg(long)]
    pub allow_errors: bool,
    /// Target, requirements and zipped estimate (both sides).
    #[command(flatten)]
    pub target: TargetArgs,
}

impl DiffArgs {
    /// The inputs of one side, with the shared target options.
    pub fn side(&self, path: &std::path::Path) -> InputArgs {
        InputArgs {
            paths: vec![path.to_path_buf()],
            target: self.target.clone(),
        }
    }
}

/// How `report` and `diff` print: format, destination and the limits they show.
#[derive(Debug, Args, Clone)]
pub struct DocArgs {
    /// Print the JSON (`heft.report/1`, `heft.diff/1`) instead of text: --format json.
    #[arg(long)]
    pub json: bool,
    /// Output format: text, json, markdown or html (one self-contained page).
    #[arg(long, value_enum, default_value_t = DocFormat::Text)]
    pub format: DocFormat,
    /// Write to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Limits shown (as for `check`); default aws-lambda and aws-lambda-zip.
    #[arg(long = "limit", value_name = "LIMIT")]
    pub limits: Vec<String>,
}

impl DocArgs {
    /// The format asked for (`--json` wins).
    pub fn format(&self) -> DocFormat {
        if self.json {
            DocFormat::Json
        } else {
            self.format
        }
    }
}
