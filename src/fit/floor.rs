//! When nothing fits: the largest distributions left after every allowed cut, each with the
//! shortest chain of requirements that pulls it in.

use crate::bundle::Bundle;
use crate::exclusion::Exclusion;
use crate::insight::why::why_paths;
use crate::model::DistId;

/// A distribution the floor still holds, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needed {
    /// As METADATA spells it.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Unzipped bytes left after the cuts.
    pub bytes: u64,
    /// Zipped bytes left after the cuts.
    pub zipped: u64,
    /// `top level` or `required by a <- b` (nearest first).
    pub why: String,
}

/// The `n` largest distributions left after `ex`, by unzipped bytes.
pub fn needed_dists(bundle: &Bundle, ex: &Exclusion, n: usize) -> Vec<Needed> {
    let mut left: Vec<(u64, DistId)> = (0..bundle.dists.len())
        .map(|i| DistId(i as u32))
        .map(|d| (ex.dist_totals(bundle, d).after.bytes, d))
        .filter(|(b, _)| *b > 0)
        .collect();
    left.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.index().cmp(&b.1.index())));
    left.into_iter()
        .take(n)
        .map(|(bytes, d)| {
            let dist = bundle.dist(d);
            Needed {
                name: dist.name.clone(),
                version: dist.version.clone(),
                bytes,
                zipped: ex.dist_totals(bundle, d).after.zipped,
                why: why(bundle, d),
            }
        })
        .collect()
}

fn why(bundle: &Bundle, d: DistId) -> String {
    let paths = why_paths(bundle, d, 1);
    match paths.paths.first() {
        Some(p) if p.dists.len() > 1 => {
            let chain: Vec<&str> = p.dists[..p.dists.len() - 1]
                .iter()
                .rev()
                .map(|x| bundle.dist(*x).name.as_str())
                .collect();
            format!("required by {}", chain.join(" <- "))
        }
        _ => "top level (nothing installed requires it)".to_string(),
    }
}
