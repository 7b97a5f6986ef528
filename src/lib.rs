//! heft: why a Python deployment bundle is too big, and what to cut.
//!
//! The core never touches a terminal:
//! - [`model`]: the arena tree of paths with rolled-up sizes.
//! - [`archive`]: a wheel or zip read from its central directory, never extracted.
//! - [`zipsize`]: what files on disk would cost zipped by `zip -r -6`.

pub mod archive;
pub mod model;
pub mod zipsize;
