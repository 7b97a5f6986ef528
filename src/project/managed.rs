//! AWS-managed layers heft recognises by ARN (`assets/managed-layers.json`): which
//! distributions they hold per runtime, so a copy in the function is found as a duplicate.
//! Sizes are only given where a public source states them; otherwise they are unknown.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::python::name::normalize;

/// A managed layer's published facts.
#[derive(Clone, Debug, Deserialize)]
pub struct Managed {
    /// `AWS SDK for pandas`.
    pub name: String,
    /// Layer names (the ARN part after `:layer:`) that start with one of these.
    pub layer_name_prefixes: Vec<String>,
    /// Python versions it is published for.
    pub python: Vec<String>,
    /// Distributions it installs (top level and extras; their own dependencies may add more).
    pub distributions: Vec<String>,
    /// `setuptools` is in the list only from this Python version on.
    #[serde(default)]
    pub setuptools_python: Option<String>,
    /// Unzipped bytes when a public source states them.
    pub unzipped_bytes: Option<u64>,
    /// Where the facts come from.
    pub sources: Vec<String>,
}

#[derive(Deserialize)]
struct File {
    layers: Vec<Managed>,
}

/// Every managed layer heft knows.
pub fn known() -> &'static [Managed] {
    static FILE: OnceLock<Vec<Managed>> = OnceLock::new();
    FILE.get_or_init(|| {
        // Compiled in and parsed by a unit test.
        serde_json::from_str::<File>(include_str!("../../assets/managed-layers.json"))
            .map(|f| f.layers)
            .expect("assets/managed-layers.json is valid (checked by a unit test)")
    })
}

/// The managed layer an ARN names (`arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION`).
pub fn recognise(arn: &str) -> Option<&'static Managed> {
    let name = arn.split(':').nth(6)?;
    known().iter().find(|m| {
        m.layer_name_prefixes
            .iter()
            .any(|p| name.starts_with(p.as_str()))
    })
}

impl Managed {
    /// Normalised names of the distributions it holds for Python `python` (`3.12`).
    pub fn dist_keys(&self, python: &str) -> Vec<String> {
        let with_setuptools = self
            .setuptools_python
            .as_deref()
            .is_none_or(|from| crate::python::version::compare(python, from).is_ge());
        self.distributions
            .iter()
            .filter(|d| with_setuptools || *d != "setuptools")
            .map(|d| normalize(d))
            .collect()
    }
}
