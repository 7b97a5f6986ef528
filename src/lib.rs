//! heft: why a Python deployment bundle is too big, and what to cut.
//!
//! The core never touches a terminal:
//! - [`model`]: the arena tree of paths with rolled-up sizes.
//! - [`chunked`]: a list grown in fixed chunks, never copied (the tree's and the module table's rows).
//! - [`scan`]: scanners that turn inputs into shards of entries over a channel.
//! - [`bundle`]: roots merged into one tree, with distributions and the graph.
//! - [`load`]: classifies inputs and runs a whole load (scan, attribution, graph).
//! - [`finish`]: the end of a load (ownership, graph, insight) as a job for a worker thread.
//! - [`ownership`]: which distribution owns each file (RECORD, egg-info).
//! - [`python`]: Python packaging formats (RECORD, METADATA, requirements, markers).
//! - [`deps`]: the dependency graph after markers and extras.
//! - [`insight`]: retained and shared sizes, depth, heavy chains and `why` paths.
//! - [`runtimes`]: what each AWS Lambda Python runtime already provides.
//! - [`requirements`]: top-level names from a requirements.txt.
//! - [`report`]: the `heft.report/1` JSON wire types.
//! - [`limits`]: platform size limits, `--limit` parsing and verdicts in exact bytes.
//! - [`treemap`]: squarified treemap layout of weights into terminal-cell tiles.
//! - [`archive`]: a wheel or zip read from its central directory, never extracted.
//! - [`zipsize`]: what files on disk would cost zipped by `zip -r -6`.
//! - [`watch`]: keeps a bundle in sync with a directory while pip writes into it.
//! - [`zipjob`]: background zipped-size estimates for directory roots.
//! - [`rules`]: exclusion rules, presets and safety levels; strip savings of `.so` files.
//! - [`exclusion`]: incremental evaluation of a rule list: per-node, per-distribution and
//!   bundle sizes after exclusions, and what they would break.
//! - [`fsops`]: deleting inside a root through directory descriptors (the only code that
//!   deletes).
//! - [`manifest`]: the `heft.manifest/1` prune manifest, its export formats and the safe
//!   on-disk pruner.
//! - [`verdicts`]: limits checked after exclusions, with candidates; `heft.check/1` JSON.
//! - [`imports`]: the static import graph and what entry modules reach.
//! - [`synthetic`]: in-memory bundles for tests and benchmarks.
//! - [`scanfile`]: saved scans (`heft.scan/1`) written and read back without the files.
//! - [`diff`]: two builds compared (`heft.diff/1`), and growth budgets against a baseline.
//! - [`render`]: Markdown and self-contained HTML documents of a report or a diff.
//! - [`settings`]: options resolved once for every command and the explorer.
//! - [`regular_file`]: opening regular files only (never a FIFO or device), reads capped.
//! - [`cachefile`]: cache files written under a temporary name and renamed into place whole.
//!
//! The shell around it lives here too so tests and benchmarks can drive it, but only
//! [`tui`] (the interactive explorer) names ratatui or crossterm; nothing in the core
//! depends on it.

pub mod archive;
pub mod bundle;
pub mod cachefile;
pub mod chunked;
pub mod deps;
pub mod diff;
pub mod exclusion;
pub mod finish;
pub mod fit;
pub mod fsops;
pub mod imports;
pub mod insight;
pub mod limits;
pub mod load;
pub mod manifest;
pub mod model;
pub mod ownership;
pub mod project;
pub mod python;
pub mod regular_file;
pub mod render;
pub mod report;
pub mod requirements;
pub mod rules;
pub mod runtimes;
pub mod scan;
pub mod scanfile;
pub mod settings;
pub mod split;
pub mod synthetic;
pub mod treemap;
pub mod tui;
pub mod verdicts;
pub mod watch;
pub mod zipjob;
pub mod zipsize;
