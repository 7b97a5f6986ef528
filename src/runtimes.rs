//! AWS Lambda Python runtimes and the distributions each already provides (boto3 and its
//! dependencies), from the embedded `assets/runtimes.json` with a source for every version.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::python::name::normalize;

/// The embedded table.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RuntimeTable {
    /// `heft.runtimes/1`.
    pub schema: String,
    /// What the table means and how far to trust it.
    pub about: String,
    /// AWS's advice on bundling your own copies.
    pub advice: String,
    /// Where the advice comes from.
    pub advice_source: String,
    /// Why these distributions are the ones provided.
    pub provides_source: String,
    /// One entry per runtime.
    pub runtimes: Vec<Runtime>,
}

/// One Lambda runtime.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Runtime {
    /// Runtime identifier, e.g. `python3.12`.
    pub id: String,
    /// Python version, e.g. `3.12`.
    pub python: String,
    /// Operating system, where a source gives it.
    pub os: Option<String>,
    /// Distributions on the runtime's own path.
    pub provides: Vec<Provided>,
}

/// A distribution a runtime provides.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Provided {
    /// Distribution name.
    pub name: String,
    /// Version, where a public source reported it.
    pub version: Option<String>,
    /// When the source reported it (`YYYY-MM`).
    #[serde(default)]
    pub as_of: Option<String>,
    /// Where the version comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// Caveats, or why the version is unknown.
    #[serde(default)]
    pub note: Option<String>,
}

/// The table, parsed once from `assets/runtimes.json`.
pub fn table() -> &'static RuntimeTable {
    static TABLE: OnceLock<RuntimeTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Compiled in and parsed by a unit test, so this cannot fail in a tested build.
        serde_json::from_str(include_str!("../assets/runtimes.json"))
            .expect("assets/runtimes.json is valid (checked by a unit test)")
    })
}

/// The runtime called `id` (`python3.12`) or for Python version `id` (`3.12`).
pub fn runtime(id: &str) -> Option<&'static Runtime> {
    let id = id.trim().to_ascii_lowercase();
    table()
        .runtimes
        .iter()
        .find(|r| r.id == id || r.python == id)
}

impl Runtime {
    /// What the runtime provides of the distribution with normalised name `key`.
    pub fn provided(&self, key: &str) -> Option<&Provided> {
        self.provides.iter().find(|p| normalize(&p.name) == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_covers_python_3_9_to_3_14() {
        let ids: Vec<&str> = table().runtimes.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "python3.9",
                "python3.10",
                "python3.11",
                "python3.12",
                "python3.13",
                "python3.14"
            ]
        );
    }

    #[test]
    fn every_known_version_names_its_source_and_date() {
        for r in &table().runtimes {
            for p in &r.provides {
                if p.version.is_some() {
                    assert!(p.source.is_some(), "{} {} has no source", r.id, p.name);
                    assert!(p.as_of.is_some(), "{} {} has no date", r.id, p.name);
                } else {
                    assert!(p.note.is_some(), "{} {} says nothing", r.id, p.name);
                }
            }
        }
    }

    #[test]
    fn runtimes_are_found_by_id_or_python_version() {
        assert_eq!(runtime("3.12").map(|r| r.id.as_str()), Some("python3.12"));
        assert_eq!(runtime("python3.9").map(|r| r.python.as_str()), Some("3.9"));
        assert!(runtime("3.8").is_none());
    }

    #[test]
    fn every_runtime_provides_boto3_and_its_dependencies() {
        for r in &table().runtimes {
            for key in [
                "boto3",
                "botocore",
                "s3transfer",
                "jmespath",
                "python-dateutil",
                "six",
                "urllib3",
            ] {
                assert!(r.provided(key).is_some(), "{} lacks {key}", r.id);
            }
        }
    }
}
