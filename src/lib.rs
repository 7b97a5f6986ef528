//! heft: why a Python deployment bundle is too big, and what to cut.
//!
//! The core never touches a terminal:
//! - [`model`]: the arena tree of paths with rolled-up sizes.
//! - [`scan`]: scanners that turn inputs into shards of entries over a channel.
//! - [`bundle`]: roots merged into one tree, with distributions and the graph.
//! - [`load`]: classifies inputs and runs a whole load (scan, attribution, graph).
//! - [`ownership`]: which distribution owns each file (RECORD, egg-info).
//! - [`python`]: Python packaging formats (RECORD, METADATA, requirements, markers).
//! - [`deps`]: the dependency graph after markers and extras.
//! - [`requirements`]: top-level names from a requirements.txt.
//! - [`report`]: the `heft.report/1` JSON wire types.
//! - [`limits`]: platform size limits, `--limit` parsing and verdicts in exact bytes.
//! - [`treemap`]: squarified treemap layout of weights into terminal-cell tiles.
//! - [`archive`]: a wheel or zip read from its central directory, never extracted.
//! - [`zipsize`]: what files on disk would cost zipped by `zip -r -6`.
//! - [`watch`]: keeps a bundle in sync with a directory while pip writes into it.

pub mod archive;
pub mod bundle;
pub mod deps;
pub mod limits;
pub mod load;
pub mod model;
pub mod ownership;
pub mod python;
pub mod report;
pub mod requirements;
pub mod scan;
pub mod treemap;
pub mod watch;
pub mod zipsize;
