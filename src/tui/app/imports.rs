//! The import graph in the explorer: asked for when a scan ends, analysed on a worker
//! ([`crate::tui::importwork`]), then handed to the exclusions, so excluding what kept
//! code imports warns (`breaks` / `caution`, with the importer's `file:line`).

use std::fmt::Write as _;
use std::sync::Arc;

use crate::imports::Imports;
use crate::limits::group;

use super::App;
use crate::tui::bus::ImportsDone;
use crate::tui::importwork::ImportsJob;

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
}

impl ImportsState {
    /// The graph, once known.
    pub fn ready(&self) -> Option<&Imports> {
        match &self.status {
            ImportsStatus::Ready(i) => Some(i),
            _ => None,
        }
    }

    /// Whether a worker is reading the sources.
    pub fn is_analysing(&self) -> bool {
        matches!(self.status, ImportsStatus::Analysing)
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

impl App {
    /// Asks for the import graph of the finished bundle; the shell runs the job. A saved
    /// scan or the demo has no sources to read, and watch mode's ids move with every batch.
    pub(super) fn plan_imports(&mut self) {
        self.imports.generation += 1;
        self.imports.job = None;
        self.imports.status = if self.is_watching() || matches!(self.data, super::Data::Live(_)) {
            ImportsStatus::Off("not analysed while watching")
        } else if self.data.is_scanning() {
            ImportsStatus::Waiting
        } else if self.inputs.is_empty() {
            ImportsStatus::Off("a saved scan has no sources to read")
        } else {
            self.imports.job = Some(ImportsJob {
                bundle: Box::new(self.data.bundle().clone()),
                entries: self.imports.entries.clone(),
                generation: self.imports.generation,
            });
            ImportsStatus::Analysing
        };
    }

    /// Forgets the graph (a rescan starts); an answer still under way is dropped.
    pub(super) fn forget_imports(&mut self) {
        self.imports.generation += 1;
        self.imports.job = None;
        self.imports.status = ImportsStatus::Waiting;
        if let Some(bundle) = self.data.complete() {
            self.exclusions.set_imports(bundle, None);
        }
    }

    /// The analysis to start, once, for the shell to hand to a worker.
    pub fn take_imports_job(&mut self) -> Option<ImportsJob> {
        self.imports.job.take()
    }

    /// The worker could not start: the explorer goes on without the graph.
    pub fn imports_failed(&mut self, error: &anyhow::Error) {
        self.imports.status = ImportsStatus::Off("the analysis could not start");
        self.say(format!("imports not analysed: {error:#}"));
    }

    /// The graph arrived: import warnings, import presets and the views follow.
    pub(super) fn on_imports(&mut self, done: ImportsDone) {
        if done.generation != self.imports.generation {
            return;
        }
        let Some(bundle) = self.data.complete() else {
            return;
        };
        self.exclusions
            .set_imports(bundle, Some(Arc::clone(&done.imports)));
        self.imports.status = ImportsStatus::Ready(done.imports);
        let added = self.apply_import_presets();
        self.refresh_views();
        self.say(self.imports_summary(added));
    }

    /// `imports: 412 modules reached from entries: chromadb (default: ...)`, and what
    /// followed from it.
    fn imports_summary(&self, preset_rules: usize) -> String {
        let Some(imports) = self.imports.ready() else {
            return String::new();
        };
        let reached = imports.walk.reach.iter().filter(|r| r.is_some()).count();
        let mut text = format!(
            "imports: {} modules reached from {}",
            group(reached as u64),
            self.imports.entries_note().unwrap_or_default()
        );
        if preset_rules > 0 {
            let rules = super::count(preset_rules, "rule", "rules");
            let _ = write!(text, "; {rules} of the unreached presets applied");
        }
        let warned = self
            .exclusions
            .alerts()
            .lines
            .iter()
            .filter(|l| l.starts_with("breaks:") || l.starts_with("caution:"))
            .count();
        if warned > 0 {
            let n = super::count(warned, "import warning", "import warnings");
            let _ = write!(text, "; {n} (4 Rules)");
        }
        text
    }

    /// Adds the rules of `--preset unreached` (and `unreached-lazy`) once the graph is known,
    /// as given on the command line (not an edit to undo).
    /// Returns how many rules were added.
    fn apply_import_presets(&mut self) -> usize {
        let presets = std::mem::take(&mut self.imports.presets);
        let (Some(bundle), Some(imports)) = (self.data.complete(), self.imports.ready()) else {
            return 0;
        };
        let rules: Vec<_> = presets
            .iter()
            .flat_map(|p| imports.preset_rules(bundle, p))
            .collect();
        let count = rules.len();
        if count > 0 {
            // Saved as given, so they alone do not count as unexported changes.
            self.saved.extend(rules.iter().map(|r| (r.clone(), true)));
            self.exclusions.edit(bundle, |ex| {
                for rule in rules {
                    let _ = ex.push(bundle, rule);
                }
            });
            self.unexported = self.exclusions.snapshot() != self.saved;
        }
        count
    }
}
