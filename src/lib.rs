//! heft: why a Python deployment bundle is too big, and what to cut.
//!
//! The core never touches a terminal:
//! - [`model`]: the arena tree of paths with rolled-up sizes.
//! - [`python`]: Python packaging formats (RECORD, METADATA, requirements, markers).
//! - [`limits`]: platform size limits, `--limit` parsing and verdicts in exact bytes.
//! - [`treemap`]: squarified treemap layout of weights into terminal-cell tiles.

pub mod limits;
pub mod model;
pub mod python;
pub mod treemap;
