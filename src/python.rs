//! Python packaging formats, read from bytes already in memory (no I/O here).
//!
//! - [`name`]: PEP 503 name normalisation.
//! - [`version`]: PEP 440 ordering and specifier checks.

pub mod name;
pub mod version;
