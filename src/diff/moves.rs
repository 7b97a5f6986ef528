//! Files present in both builds at the same place that changed owner or root. A file's
//! place is its path below its package directory (a root's site, a wheel), so
//! `python/numpy/x.py` in a layer and `numpy/x.py` in a site-packages are the same file.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::model::NodeId;

/// How many example paths a group of moved files lists.
const EXAMPLES: usize = 3;

/// Where a file lives: its owner and root.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// Owning distribution's key; null when no RECORD lists the file.
    pub dist: Option<String>,
    /// Root index.
    pub root: usize,
}

/// Files that moved from one place to another.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct MovedJson {
    /// In the old build.
    pub from: Place,
    /// In the new build.
    pub to: Place,
    /// Files.
    pub files: u64,
    /// Their apparent bytes in the new build.
    pub bytes: u64,
    /// A few of their paths (below the package directory), sorted.
    pub examples: Vec<String>,
}

/// Calls `f(root index, path below the package directory, node)` for every file and link.
/// One walk per root, carrying the package directory down (a wheel set has thousands).
pub(crate) fn for_each_file(bundle: &Bundle, mut f: impl FnMut(usize, Vec<u8>, NodeId)) {
    for (i, root) in bundle.roots.iter().enumerate() {
        let sites: HashSet<NodeId> = root.sites.iter().copied().collect();
        let mut stack = vec![(root.node, root.node)];
        while let Some((id, base)) = stack.pop() {
            let base = if sites.contains(&id) { id } else { base };
            if bundle.tree.node(id).is_dir() {
                stack.extend(bundle.tree.children(id).iter().map(|c| (*c, base)));
            } else {
                f(i, bundle.tree.rel_path(base, id), id);
            }
        }
    }
}

/// Every file of a build by its place key; a path found twice (two layers) is left out,
/// since which copy went where cannot be told.
fn files(bundle: &Bundle) -> HashMap<Vec<u8>, (Place, u64)> {
    let mut out: HashMap<Vec<u8>, Option<(Place, u64)>> = HashMap::new();
    for_each_file(bundle, |root, path, id| {
        let n = bundle.tree.node(id);
        let place = Place {
            dist: n.owner().map(|d| bundle.dist(d).key.clone()),
            root,
        };
        out.entry(path)
            .and_modify(|v| *v = None)
            .or_insert(Some((place, n.own.bytes)));
    });
    out.into_iter().filter_map(|(k, v)| Some((k, v?))).collect()
}

/// Groups of files whose owner or root differ between the builds, most bytes first.
pub fn moved(before: &Bundle, after: &Bundle) -> Vec<MovedJson> {
    let old = files(before);
    let mut groups: BTreeMap<(Place, Place), (u64, u64, Vec<String>)> = BTreeMap::new();
    for (path, (to, bytes)) in files(after) {
        let Some((from, _)) = old.get(&path) else {
            continue;
        };
        if *from == to {
            continue;
        }
        let g = groups.entry((from.clone(), to)).or_default();
        g.0 += 1;
        g.1 += bytes;
        g.2.push(String::from_utf8_lossy(&path).into_owned());
    }
    let mut out: Vec<MovedJson> = groups
        .into_iter()
        .map(|((from, to), (files, bytes, mut paths))| {
            paths.sort();
            paths.truncate(EXAMPLES);
            MovedJson {
                from,
                to,
                files,
                bytes,
                examples: paths,
            }
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.from.cmp(&b.from)));
    out
}
