//! heft: why a Python deployment bundle is too big, and what to cut.
//!
//! The core never touches a terminal:
//! - [`model`]: the arena tree of paths with rolled-up sizes.
//! - [`zipsize`]: what files on disk would cost zipped by `zip -r -6`.

pub mod model;
pub mod zipsize;
