//! Python packaging formats, read from bytes already in memory (no I/O here).
//!
//! - [`name`]: PEP 503 name normalisation.
//! - [`version`]: PEP 440 ordering and specifier checks.
//! - [`marker`]: PEP 508 environment markers and the target [`Env`].

pub mod marker;
pub mod name;
pub mod version;

pub use marker::{Env, Marker, MarkerError};
