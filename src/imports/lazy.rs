//! Lazy code by top-level name: the subtrees of each site that only deferred, guarded or
//! dynamic imports reach, with the import that makes each lazy. They are what the
//! `unreached` preset keeps beyond the code that runs at start-up, and what a user who knows
//! that import never runs for them can cut (as a `caution`, naming that import).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::finder::ModId;
use super::reach::Link;
use super::why::LinkJson;
use super::wire::root_path;
use super::{EdgeKind, Imports, Reach};
use crate::bundle::Bundle;
use crate::model::NodeId;

/// One top-level subtree whose code is only lazily reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LazyPathJson {
    /// Root index.
    pub root: usize,
    /// Path relative to its root (what `--exclude-path` takes).
    pub path: String,
    /// Bytes of its lazy files.
    pub lazy_bytes: u64,
    /// The first import on the shortest chain to it that does not run at start-up.
    pub via: Option<LinkJson>,
}

impl Imports {
    /// Top-level subtrees of every site with lazy files and no reached, data or unparsed
    /// file, most lazy bytes first.
    pub fn lazy_paths(&self, bundle: &Bundle) -> Vec<LazyPathJson> {
        let tree = &bundle.tree;
        let top_modules: HashMap<&str, ModId> = self
            .graph
            .finder
            .modules
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.name.contains('.'))
            .map(|(i, m)| (m.name, ModId(i as u32)))
            .collect();
        let mut out = Vec::new();
        for site in bundle.roots.iter().flat_map(|r| r.sites.iter().copied()) {
            for &child in tree.children(site) {
                let name = tree.display_name(child);
                // Metadata goes with its distribution's code; it is no cut of its own.
                if name.ends_with(".dist-info") || name.ends_with(".egg-info") {
                    continue;
                }
                let Some(lazy_bytes) = self.only_lazy_bytes(bundle, child) else {
                    continue;
                };
                let stem = name.split('.').next().unwrap_or_default();
                let via = top_modules.get(stem).and_then(|m| self.gate(bundle, *m));
                let (root, path) = root_path(bundle, child);
                out.push(LazyPathJson {
                    root,
                    path,
                    lazy_bytes,
                    via,
                });
            }
        }
        out.sort_by(|a, b| b.lazy_bytes.cmp(&a.lazy_bytes).then(a.path.cmp(&b.path)));
        out
    }

    /// Lazy bytes under `id` if it has some and nothing kept for other reasons.
    fn only_lazy_bytes(&self, bundle: &Bundle, id: NodeId) -> Option<u64> {
        let tree = &bundle.tree;
        let mut lazy = 0;
        for n in tree.descendants(id) {
            if tree.node(n).is_dir() {
                continue;
            }
            match self.of(n) {
                Reach::Lazy => lazy += tree.node(n).own.bytes,
                Reach::Unreached => {}
                _ => return None,
            }
        }
        (lazy > 0).then_some(lazy)
    }

    /// The first link of `m`'s chain that is an import not run at start-up.
    fn gate(&self, bundle: &Bundle, m: ModId) -> Option<LinkJson> {
        let finder = &self.graph.finder;
        self.chain(m).into_iter().find_map(|(at, link)| {
            let Link::Edge(i) = link else { return None };
            let e = &self.graph.edges[i];
            (e.kind != EdgeKind::Top).then(|| LinkJson {
                module: finder.module(at).name.to_string(),
                file: root_path(bundle, e.file).1,
                line: e.line,
                kind: e.kind.as_str().into(),
            })
        })
    }
}
