//! Module-level `why`: the shortest import chain from an entry to a module, and who imports
//! a module (or any module of a distribution), each link with `file:line` and its kind.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::finder::ModId;
use super::reach::Link;
use super::wire::root_path;
use super::{Imports, Reach};
use crate::bundle::Bundle;
use crate::model::DistId;

/// One link of a chain or one importer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkJson {
    /// The module this link reaches.
    pub module: String,
    /// The importing file, relative to its root (empty for an entry).
    pub file: String,
    /// Line of the import (0 for an entry or an implied parent).
    pub line: u32,
    /// `entry`, `parent` (importing `a.b` runs `a`), or the edge kind.
    pub kind: String,
}

/// Why a module is (or is not) in what the entries reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleWhy {
    /// The module.
    pub module: String,
    /// `reached`, `lazy` or `unreached`.
    pub reach: String,
    /// The entries walked from.
    pub entries: Vec<String>,
    /// Shortest chain from an entry (empty when unreached).
    pub chain: Vec<LinkJson>,
    /// Files importing it (or, for a distribution, importing any of its modules from outside).
    pub importers: Vec<LinkJson>,
}

impl Imports {
    /// The chain and importers of module `m`.
    pub fn why_module(&self, bundle: &Bundle, m: ModId) -> ModuleWhy {
        let name = self.graph.finder.module(m).name.to_string();
        ModuleWhy {
            reach: self
                .walk
                .of(m)
                .unwrap_or(Reach::Unreached)
                .as_str()
                .to_string(),
            chain: self.chain_json(bundle, m),
            importers: self.importers(bundle, |t| t == m, |_| true),
            module: name,
            entries: self.entries.clone(),
        }
    }

    /// For a distribution: its best-reached module's chain, and the files outside it that
    /// import any of its modules.
    pub fn why_dist(&self, bundle: &Bundle, dist: DistId) -> ModuleWhy {
        let tree = &bundle.tree;
        let owned = |m: ModId| {
            self.graph
                .finder
                .module(m)
                .file
                .is_some_and(|f| tree.node(f).owner() == Some(dist))
        };
        let best = (0..self.graph.finder.modules.len() as u32)
            .map(ModId)
            .filter(|m| owned(*m))
            .max_by_key(|m| (self.walk.of(*m), std::cmp::Reverse(self.chain(*m).len())));
        let importers = self.importers(bundle, owned, |f| tree.node(f).owner() != Some(dist));
        let (reach, chain) = match best {
            Some(m) => (
                self.walk.of(m).unwrap_or(Reach::Unreached),
                self.chain_json(bundle, m),
            ),
            None => (Reach::Unreached, Vec::new()),
        };
        ModuleWhy {
            module: bundle.dist(dist).key.clone(),
            reach: reach.as_str().to_string(),
            entries: self.entries.clone(),
            chain,
            importers,
        }
    }

    fn chain_json(&self, bundle: &Bundle, m: ModId) -> Vec<LinkJson> {
        let finder = &self.graph.finder;
        self.chain(m)
            .into_iter()
            .map(|(at, link)| {
                let module = finder.module(at).name.to_string();
                match link {
                    Link::Entry => LinkJson {
                        module,
                        file: String::new(),
                        line: 0,
                        kind: "entry".into(),
                    },
                    Link::Parent(_) => LinkJson {
                        module,
                        file: String::new(),
                        line: 0,
                        kind: "parent".into(),
                    },
                    Link::Edge(i) => {
                        let e = &self.graph.edges[i];
                        LinkJson {
                            module,
                            file: root_path(bundle, e.file).1,
                            line: e.line,
                            kind: e.kind.as_str().into(),
                        }
                    }
                }
            })
            .collect()
    }

    fn importers(
        &self,
        bundle: &Bundle,
        target: impl Fn(ModId) -> bool,
        from: impl Fn(crate::model::NodeId) -> bool,
    ) -> Vec<LinkJson> {
        let finder = &self.graph.finder;
        let mut out: Vec<LinkJson> = self
            .graph
            .edges
            .iter()
            .filter(|e| target(e.to) && from(e.file))
            .map(|e| LinkJson {
                module: finder.module(e.to).name.to_string(),
                file: root_path(bundle, e.file).1,
                line: e.line,
                kind: e.kind.as_str().into(),
            })
            .collect();
        out.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        out
    }
}

/// A chain as one line: `app -> chromadb (app.py:3, top) -> chromadb.api (…:12, top)`.
pub fn chain_line(chain: &[LinkJson]) -> String {
    let mut s = String::new();
    for (i, l) in chain.iter().enumerate() {
        if i > 0 {
            s.push_str(" -> ");
        }
        s.push_str(&l.module);
        match l.kind.as_str() {
            "entry" => {}
            "parent" => s.push_str(" (parent package)"),
            kind => {
                let _ = write!(s, " ({}:{}, {kind})", l.file, l.line);
            }
        }
    }
    s
}
