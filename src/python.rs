//! Python packaging formats, read from bytes already in memory (no I/O here).
//!
//! - [`name`]: PEP 503 name normalisation.
//! - [`version`]: PEP 440 ordering and specifier checks.
//! - [`marker`]: PEP 508 environment markers and the target [`Env`].
//! - [`requirement`]: PEP 508 requirements (`Requires-Dist` lines).
//! - [`record`]: RECORD and egg-info file lists: which paths a distribution owns.
//! - [`metadata`]: METADATA / PKG-INFO headers and egg-info `requires.txt`.
//! - [`entry_points`]: console scripts and the wrappers pip generates for them.

pub mod entry_points;
pub mod marker;
pub mod metadata;
pub mod name;
pub mod record;
pub mod requirement;
pub mod version;

pub use marker::{Env, Marker, MarkerError};
pub use metadata::{Metadata, MetadataError, parse_metadata, parse_requires_txt};
pub use record::{Record, RecordRow, parse_file_list, parse_record};
pub use requirement::{Requirement, RequirementError};
