//! The import graph in the explorer: asked for when a scan ends, analysed on a worker
//! ([`crate::tui::importwork`]), then handed to the exclusions, so excluding what kept
//! code imports warns (`breaks` / `caution`, with the importer's `file:line`), and to the
//! views through [`crate::tui::reach`].

use std::fmt::Write as _;

use crate::limits::group;

use super::App;
use crate::tui::bus::ImportsDone;
use crate::tui::reach::ImportsJob;

impl App {
    /// Asks for the import graph of the finished bundle; the shell runs the job. A saved
    /// scan or the demo has no sources to read, and watch mode's ids move with every batch.
    pub(super) fn plan_imports(&mut self) {
        let bundle = if self.is_watching() || matches!(self.data, super::Data::Live(_)) {
            Err(Some("not analysed while watching"))
        } else if self.data.is_scanning() {
            Err(None)
        } else if self.inputs.is_empty() {
            Err(Some("a saved scan has no sources to read"))
        } else {
            Ok(self.data.bundle())
        };
        self.imports.plan(bundle);
    }

    /// Forgets the graph (a rescan starts); an answer still under way is dropped.
    pub(super) fn forget_imports(&mut self) {
        self.imports.plan(Err(None));
        if let Some(bundle) = self.data.complete() {
            self.exclusions.set_imports(bundle, None);
        }
    }

    /// The analysis to start, once, for the shell to hand to a worker.
    pub fn take_imports_job(&mut self) -> Option<ImportsJob> {
        self.imports.take_job()
    }

    /// The worker could not start: the explorer goes on without the graph.
    pub fn imports_failed(&mut self, error: &anyhow::Error) {
        self.imports.fail("the analysis could not start");
        self.say(format!("imports not analysed: {error:#}"));
    }

    /// The graph arrived: import warnings, import presets and the views follow.
    pub(super) fn on_imports(&mut self, done: ImportsDone) {
        let Some(bundle) = self.data.complete() else {
            return;
        };
        let Some(imports) = self.imports.accept(done, bundle) else {
            return;
        };
        self.exclusions.set_imports(bundle, Some(imports));
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
