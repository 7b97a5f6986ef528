//! What the entries reach, as the explorer keeps it: the import graph once a worker has
//! analysed it (on the `importwork` thread), per-node classes rolled up to directories,
//! per-distribution sizes by class, and the module chain to what is selected. A leaf
//! module: views read it, the app drives it.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::bundle::Bundle;
use crate::imports::finder::ModId;
use crate::imports::why::ModuleWhy;
use crate::imports::{Imports, Reach, ReachSizes};
use crate::model::{DistId, NodeId};

/// The import graph of the bundle, analysed off the UI thread.
#[derive(Clone, Debug)]
pub struct ImportsDone {
    /// Which analysis it answers (a rescan makes older ones stale).
    pub generation: u64,
    /// The graph and what the entries reach.
    pub imports: Arc<Imports>,
}

/// One analysis to run: a copy of the finished bundle (the UI keeps changing sizes in its
/// own; the graph depends only on names and files) and the entries.
#[derive(Debug)]
pub struct ImportsJob {
    /// The bundle as the scan left it.
    pub bundle: Box<Bundle>,
    /// Entries as given (empty: the default entries).
    pub entries: Vec<String>,
    /// Which analysis this is, echoed in the answer.
    pub generation: u64,
}

/// Where the import graph stands.
#[derive(Clone, Debug, Default)]
pub enum ImportsStatus {
    /// The scan still runs.
    #[default]
    Waiting,
    /// Not analysed, and why.
    Off(&'static str),
    /// A worker reads the sources.
    Analysing,
    /// Known.
    Ready(Arc<Imports>),
}

/// What was asked of the import analysis and what is known.
#[derive(Debug, Default)]
pub struct ImportsState {
    /// `--entry` values (empty: the default entries).
    pub entries: Vec<String>,
    /// Presets computed from the graph (`--preset unreached`), applied once it is known.
    pub presets: Vec<String>,
    /// Where it stands.
    pub status: ImportsStatus,
    /// Bumped by every new analysis, so an answer to an older one is dropped.
    generation: u64,
    /// The analysis for the shell to start.
    job: Option<ImportsJob>,
    /// Per node: its class, directories taking the highest class under them.
    rolled: Vec<Reach>,
    /// Per distribution: sizes per class (kept current as zipped estimates arrive).
    dist_sizes: Vec<ReachSizes>,
    /// The same for the files no distribution owns (the function's own code, caches).
    unowned_sizes: ReachSizes,
    /// What the module chain panel shows.
    pub chain: Option<ModuleChain>,
}

/// What the module chain panel explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainOf {
    /// A distribution: its best-reached module.
    Dist(DistId),
    /// A file or directory: its module, or the module of the package it lies in.
    Node(NodeId),
}

/// The import chain to what is selected, as the why panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleChain {
    /// What it explains.
    pub of: ChainOf,
    /// The module's chain and importers (none: no module there).
    pub why: Option<ModuleWhy>,
    /// The selected node's own class, when it is not the module's (data, a directory).
    pub reach: Option<Reach>,
}

impl ModuleChain {
    /// Lines for people: the module and how it is reached, one link per line with
    /// `file:line` and its kind, then who imports it.
    pub fn lines(&self, most: usize) -> Vec<String> {
        let Some(w) = &self.why else {
            let what = match self.reach {
                Some(Reach::Unreached) | None => "no module here: nothing imports it",
                Some(r) => r.as_str(),
            };
            return vec![what.to_string()];
        };
        let mut out = vec![format!(
            "{}: {} from {}",
            w.module,
            w.reach,
            w.entries.join(", ")
        )];
        if let Some(r) = self.reach.filter(|r| r.as_str() != w.reach) {
            let _ = write!(out[0], " (this: {})", r.as_str());
        }
        for (i, l) in w.chain.iter().enumerate() {
            let arrow = if i == 0 { "  " } else { "  → " };
            let at = match l.kind.as_str() {
                "entry" => "entry".to_string(),
                "parent" => "parent package".to_string(),
                kind => format!("{}:{} {kind}", l.file, l.line),
            };
            out.push(format!("{arrow}{}  {at}", l.module));
        }
        match w.importers.len() {
            0 => out.push("  nothing in the bundle imports it".into()),
            n => {
                let first = &w.importers[0];
                let more = if n > 1 {
                    format!(" and {} more", n - 1)
                } else {
                    String::new()
                };
                out.push(format!(
                    "  imported by {}:{} ({}){more}",
                    first.file, first.line, first.kind
                ));
            }
        }
        if out.len() > most && most > 1 {
            let hidden = out.len() - most + 1;
            out.truncate(most - 1);
            out.push(format!("  … {hidden} more lines: heft why {}", w.module));
        }
        out.truncate(most.max(1));
        out
    }
}

impl ImportsState {
    /// Asks for an analysis of `bundle`, or says why there is none; an answer to an
    /// earlier one is dropped from now on.
    pub fn plan(&mut self, bundle: Result<&Bundle, Option<&'static str>>) {
        self.generation += 1;
        self.job = None;
        self.rolled.clear();
        self.chain = None;
        self.status = match bundle {
            Ok(bundle) => {
                self.job = Some(ImportsJob {
                    bundle: Box::new(bundle.clone()),
                    entries: self.entries.clone(),
                    generation: self.generation,
                });
                ImportsStatus::Analysing
            }
            Err(Some(why)) => ImportsStatus::Off(why),
            Err(None) => ImportsStatus::Waiting,
        };
    }

    /// The analysis to start, once, for the shell to hand to a worker.
    pub fn take_job(&mut self) -> Option<ImportsJob> {
        self.job.take()
    }

    /// Takes the graph if it answers the latest analysis (of `bundle`); returns it then.
    pub fn accept(&mut self, done: ImportsDone, bundle: &Bundle) -> Option<Arc<Imports>> {
        if done.generation != self.generation {
            return None;
        }
        self.status = ImportsStatus::Ready(Arc::clone(&done.imports));
        self.rolled.clear();
        self.chain = None;
        self.refresh(bundle);
        Some(done.imports)
    }

    /// The graph was asked for but none will come.
    pub fn fail(&mut self, why: &'static str) {
        self.job = None;
        self.status = ImportsStatus::Off(why);
    }

    /// The graph, once known.
    pub fn ready(&self) -> Option<&Imports> {
        match &self.status {
            ImportsStatus::Ready(i) => Some(i),
            _ => None,
        }
    }

    /// The graph, once known, to hold on to while the app changes.
    pub fn ready_arc(&self) -> Option<Arc<Imports>> {
        match &self.status {
            ImportsStatus::Ready(i) => Some(Arc::clone(i)),
            _ => None,
        }
    }

    /// Whether a worker is reading the sources.
    pub fn is_analysing(&self) -> bool {
        matches!(self.status, ImportsStatus::Analysing)
    }

    /// The class of a node (a directory: the highest class under it), once known.
    pub fn reach_of(&self, id: NodeId) -> Option<Reach> {
        self.ready()?;
        self.rolled.get(id.index()).copied()
    }

    /// Sizes per class of a distribution, once known.
    pub fn dist_sizes(&self, d: DistId) -> Option<&ReachSizes> {
        self.ready()?;
        self.dist_sizes.get(d.index())
    }

    /// Sizes per class of the files no distribution owns, once known.
    pub fn unowned_sizes(&self) -> Option<&ReachSizes> {
        self.ready()?;
        Some(&self.unowned_sizes)
    }

    /// Recomputes what is derived from the graph and the bundle's sizes.
    pub fn refresh(&mut self, bundle: &Bundle) {
        let ImportsStatus::Ready(imports) = &self.status else {
            return;
        };
        let tree = &bundle.tree;
        if self.rolled.len() != tree.len() {
            let mut rolled: Vec<Reach> = (0..tree.len())
                .map(|i| imports.of(NodeId(i as u32)))
                .collect();
            let order: Vec<NodeId> = tree.descendants(bundle.top).collect();
            for &id in order.iter().rev() {
                if let Some(p) = tree.parent(id) {
                    // A source that could not be read is kept, not known reached.
                    let r = rolled[id.index()].min(Reach::Reached);
                    rolled[p.index()] = rolled[p.index()].max(r);
                }
            }
            self.rolled = rolled;
        }
        let (per, mut unowned) = imports.sizes(bundle);
        for d in &per {
            unowned.reached.sub(&d.reached);
            unowned.lazy.sub(&d.lazy);
            unowned.data.sub(&d.data);
            unowned.unreached.sub(&d.unreached);
            unowned.unparsed.sub(&d.unparsed);
        }
        self.dist_sizes = per;
        self.unowned_sizes = unowned;
    }

    /// The chain panel's contents for `of`, worked out again only when `of` changes.
    pub fn explain(&mut self, bundle: &Bundle, of: Option<ChainOf>) {
        let Some(of) = of else {
            self.chain = None;
            return;
        };
        if self.chain.as_ref().is_some_and(|c| c.of == of) {
            return;
        }
        let Some(imports) = self.ready() else {
            self.chain = None;
            return;
        };
        let (why, reach) = match of {
            ChainOf::Dist(d) => (Some(imports.why_dist(bundle, d)), None),
            ChainOf::Node(n) => {
                let why = module_near(imports, bundle, n).map(|m| imports.why_module(bundle, m));
                (why, self.rolled.get(n.index()).copied())
            }
        };
        self.chain = Some(ModuleChain { of, why, reach });
    }

    /// `chromadb, fastapi +3`: the entries, short enough for a title bar.
    pub fn short_entries(&self) -> Option<String> {
        let imports = self.ready()?;
        let names = &imports.entries;
        Some(match names.len() {
            0 => "none".into(),
            1 | 2 => names.join(", "),
            n => format!("{}, {} +{}", names[0], names[1], n - 2),
        })
    }

    /// `entries: chromadb (default: top-level distributions)`.
    pub fn entries_note(&self) -> Option<String> {
        let imports = self.ready()?;
        let mut note = format!("entries: {}", imports.entries.join(", "));
        if imports.entries.is_empty() {
            note.push_str("none");
        }
        if imports.default_entries {
            note.push_str(" (default: top-level distributions; --entry to choose)");
        }
        if !imports.unresolved.is_empty() {
            let _ = write!(note, "; not found: {}", imports.unresolved.join(", "));
        }
        Some(note)
    }
}

/// `62%`, `12%+30%` (reached or kept with reached code, then only lazily reached), `0%`,
/// or `-` when there are no bytes in this measure: the reached column of the Packages view.
pub fn reached_share(s: &ReachSizes, of: impl Fn(&crate::model::Sizes) -> u64) -> String {
    let used = of(&s.reached) + of(&s.data) + of(&s.unparsed);
    let lazy = of(&s.lazy);
    let total = used + lazy + of(&s.unreached);
    if total == 0 {
        return "-".into();
    }
    let pct = |n: u64| match n * 100 / total {
        0 if n > 0 => "<1%".to_string(),
        p => format!("{p}%"),
    };
    if lazy > 0 {
        format!("{}+{}", pct(used), pct(lazy))
    } else {
        pct(used)
    }
}

/// The module a node is, or the module of the nearest package around it.
fn module_near(imports: &Imports, bundle: &Bundle, n: NodeId) -> Option<ModId> {
    let tree = &bundle.tree;
    let mut at = Some(n);
    while let Some(id) = at {
        let init = tree
            .node(id)
            .is_dir()
            .then(|| tree.child(id, b"__init__.py"))
            .flatten();
        if let Some(m) = imports
            .module_of_file(id)
            .or_else(|| init.and_then(|i| imports.module_of_file(i)))
        {
            return Some(m);
        }
        at = tree.parent(id);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, load};

    /// `app` imports `a` at module scope; `a/unused/` is never imported; `a/data.json` is data.
    fn state(dir: &tempfile::TempDir) -> (Bundle, ImportsState) {
        for (path, text) in [
            ("app.py", "import a\n"),
            ("a/__init__.py", ""),
            ("a/data.json", "{}"),
            ("a/unused/__init__.py", ""),
            ("a/unused/x.py", ""),
        ] {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
        }
        let b = load(
            &[dir.path().to_path_buf()],
            &LoadOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        let mut s = ImportsState {
            entries: vec!["app".into()],
            ..ImportsState::default()
        };
        s.plan(Ok(&b));
        let job = s.take_job().unwrap();
        let done = ImportsDone {
            generation: job.generation,
            imports: Arc::new(Imports::analyze(&job.bundle, &job.entries)),
        };
        assert!(s.accept(done, &b).is_some());
        (b, s)
    }

    fn node(b: &Bundle, path: &str) -> NodeId {
        b.tree.resolve(b.roots[0].node, path.as_bytes()).unwrap()
    }

    #[test]
    fn a_directory_takes_the_highest_class_under_it() {
        let dir = tempfile::tempdir().unwrap();
        let (b, s) = state(&dir);
        assert_eq!(s.reach_of(node(&b, "a")), Some(Reach::Reached));
        assert_eq!(s.reach_of(node(&b, "a/unused")), Some(Reach::Unreached));
        assert_eq!(s.reach_of(node(&b, "a/data.json")), Some(Reach::Data));
    }

    #[test]
    fn the_chain_of_a_file_names_each_link_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let (b, mut s) = state(&dir);
        s.explain(&b, Some(ChainOf::Node(node(&b, "a/data.json"))));
        let lines = s.chain.as_ref().unwrap().lines(10);
        assert_eq!(lines[0], "a: reached from app (this: data)");
        assert_eq!(lines[1], "  app  entry");
        assert_eq!(lines[2], "  → a  app.py:1 top");
        assert_eq!(lines[3], "  imported by app.py:1 (top)");
    }

    #[test]
    fn a_chain_too_long_for_its_room_says_where_the_rest_is() {
        let dir = tempfile::tempdir().unwrap();
        let (b, mut s) = state(&dir);
        s.explain(&b, Some(ChainOf::Node(node(&b, "a/data.json"))));
        let lines = s.chain.as_ref().unwrap().lines(3);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2], "  … 2 more lines: heft why a");
    }

    #[test]
    fn an_answer_to_an_older_analysis_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let (b, mut s) = state(&dir);
        let old = ImportsDone {
            generation: 0,
            imports: Arc::new(Imports::analyze(&b, &[])),
        };
        s.plan(Err(None));
        assert!(s.accept(old, &b).is_none());
        assert!(s.ready().is_none());
    }
}
