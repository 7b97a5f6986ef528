//! heft: why a Python deployment bundle is too big, and what to cut.
//!
//! The core never touches a terminal:
//! - [`model`]: the arena tree of paths with rolled-up sizes.
//! - [`python`]: Python packaging formats (RECORD, METADATA, requirements, markers).

pub mod model;
pub mod python;
