//! The explorer's state and the one place it changes: [`App::apply`] turns an
//! [`Action`](super::keymap::Action) into short method calls, handing browsing actions to
//! the view shown (through [`View`]) and carrying out the
//! [`Effect`](super::views::Effect) it returns; events from the scan and estimate threads
//! arrive through [`App::on_event`]. The app holds the domain (bundle, exclusions and
//! their undo, limits, insight), the active view with every view's state
//! ([`Views`]) and the shell (overlays, status, layout). Rendering
//! only reads an `App`.

/// Borrows the parts of an `App` the views' [`Props`] hold, field by field, so the
/// views stay free to mutate.
macro_rules! props {
    ($app:expr) => {
        $crate::tui::views::Props {
            bundle: $app.data.bundle(),
            exclusions: &$app.exclusions,
            measure: $app.measure,
            scanning: $app.data.is_scanning(),
            insight: $app.insight.as_ref(),
            why: $app.why.as_ref(),
            duplicates: &$app.duplicates,
            activity: $app.activity.as_ref(),
            safety: $app.safety.as_deref(),
            theme: &$app.theme,
            zipping: $app.is_zipping(),
            reach: &$app.imports,
        }
    };
}

mod actions;
mod data;
mod dialogs;
mod edits;
mod events;
mod imports;
mod info;
mod overlay;
mod watching;

use std::time::Duration;

use crate::bundle::Bundle;
use crate::insight::{Insight, InsightOptions, WhyPaths};
use crate::limits::Limit;
use crate::model::Sizes;
use ratatui::crossterm::event::{Event as TermEvent, KeyEvent, MouseEvent};
use ratatui::layout::Rect;

pub use super::views::{
    ColourBy, Focus, ListState, Measure, PackagesView, PkgColumn, PkgRow, Scope, TileInfo,
    TileItem, TreeRow, TreeSort, TreeView, TreemapView, count, exclusion_level, scope,
};
pub use data::{Data, Scan};
pub use dialogs::{ExportDialog, ExportField, Overlay, PresetChoice};
pub use overlay::pane_rows;

use super::bus::Event;
use super::exclusions::{Exclusions, Snapshot};
use super::keymap::{Mode, action_for};
use super::theme::Theme;
use super::views::{View, ViewId, Views};

/// Most paths the why panel keeps for one package.
const WHY_PATHS: usize = 12;

/// Where the bundle came from, for the title bar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceInfo {
    /// Inputs or file, as shown.
    pub label: String,
    /// Whether this is the built-in demo.
    pub demo: bool,
}

/// A limit the gauge may show.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitChoice {
    /// The limit.
    pub limit: Limit,
    /// Whether it is gauged.
    pub active: bool,
}

/// The whole explorer state.
pub struct App {
    /// Title-bar information.
    pub info: SourceInfo,
    /// The bundle, or the scan building it.
    pub data: Data,
    /// Exclusions and kept sizes.
    pub exclusions: Exclusions,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// Limits to choose from; active ones are gauged.
    pub limits: Vec<LimitChoice>,
    /// The view shown.
    pub view: ViewId,
    /// Size measure of Tree and Treemap.
    pub measure: Measure,
    /// Every view's state (the registry in [`views`](super::views)).
    pub views: Views,
    /// Dialog or help over the view.
    pub overlay: Option<Overlay>,
    /// Whether keys go to the filter.
    pub filtering: bool,
    /// Whether the why panel is shown under the packages.
    pub show_why: bool,
    /// Styles.
    pub theme: Theme,
    /// Screen size.
    pub size: Rect,
    /// The layout of the last frame (recomputed before each one).
    pub screen: super::layout::Screen,
    /// One-line feedback in the status bar.
    pub message: Option<String>,
    /// Zipped estimates in progress.
    pub zip: crate::zipjob::ZipProgress,
    /// Whether exclusions changed since the last export.
    pub unexported: bool,
    /// The rule list as last exported (or as the manifest opened had it).
    saved: Snapshot,
    /// The file the export dialog suggests (the `--manifest` file when resuming).
    pub default_export: String,
    /// How sizes are measured against the limits (`--reserve`, `--no-zip-estimate`).
    pub budget: Budget,
    flags: Flags,
    zip_jobs: Option<Vec<crate::zipjob::ZipTask>>,
    /// The end of the scan, for the shell to hand to a worker.
    finish_job: Option<crate::finish::FinishJob>,
    /// Which scan the data comes from (a rescan counts up; older results are dropped).
    scan_number: u32,
    /// Views whose rows are out of date (one bit per view, in Tab order).
    stale_views: u8,
    /// Rules to apply when the scan ends (from `--manifest`).
    pending_rules: Vec<crate::rules::Rule>,
    /// Dependency insight (retained sizes, dominators, runtime marks) once loaded.
    pub insight: Option<Insight>,
    /// Paths from the roots to the distribution the why panel shows.
    pub why: Option<WhyPaths>,
    /// How safe excluding each node would be (computed when safety colours are first shown).
    pub safety: Option<Vec<u8>>,
    /// Watch mode's log, highlights and limit states (`heft --watch`).
    pub activity: Option<super::activity::Activity>,
    /// What takes a while right now (shown as a busy sign in the frame drawn before it).
    pub busy: Option<&'static str>,
    /// The paths scanned (empty for a saved scan or the demo), for `r`.
    pub inputs: Vec<std::path::PathBuf>,
    /// How they were loaded, for `r`.
    pub load: crate::load::LoadOptions,
    /// Distributions installed more than once (across roots), by key.
    pub duplicates: std::collections::HashMap<String, crate::report::DuplicateJson>,
    /// The manifest being resumed, checked against the tree once the scan ends.
    resumed: Option<crate::manifest::Manifest>,
    /// The import graph: entries asked for, and the graph once analysed.
    pub imports: super::reach::ImportsState,
}

/// How sizes are measured against the limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Unzipped bytes outside the bundle (`--reserve`, `--attached`), counted against
    /// limits on unzipped contents.
    pub reserve: u64,
    /// Whether directory files are deflated for zipped sizes (off: headers only).
    pub zip_estimate: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            reserve: 0,
            zip_estimate: true,
        }
    }
}

/// Bookkeeping flags of the app.
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    /// The user asked to quit.
    quit: bool,
    /// Scan or estimate data arrived; derived state is out of date.
    stale: bool,
    /// The signal that ended the explorer, if one did.
    signal: Option<i32>,
    /// The user asked for a rescan.
    rescan: bool,
}

impl App {
    /// An explorer over `data` gauging the `active` limits.
    pub fn new(info: SourceInfo, data: Data, active: &[Limit], theme: Theme) -> App {
        let mut app = App {
            info,
            data,
            exclusions: Exclusions::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            limits: limit_choices(active),
            view: ViewId::default(),
            measure: Measure::Apparent,
            views: Views::default(),
            overlay: None,
            filtering: false,
            show_why: true,
            theme,
            size: Rect::new(0, 0, 80, 24),
            screen: super::layout::Screen::default(),
            message: None,
            zip: crate::zipjob::ZipProgress::default(),
            unexported: false,
            saved: Snapshot::new(),
            default_export: "heft-manifest.json".into(),
            flags: Flags {
                stale: true,
                ..Flags::default()
            },
            zip_jobs: None,
            finish_job: None,
            scan_number: 0,
            budget: Budget::default(),
            pending_rules: Vec::new(),
            stale_views: u8::MAX,
            insight: None,
            why: None,
            safety: None,
            activity: None,
            inputs: Vec::new(),
            load: crate::load::LoadOptions::default(),
            busy: None,
            resumed: None,
            duplicates: std::collections::HashMap::new(),
            imports: super::reach::ImportsState::default(),
        };
        app.refresh_insight();
        app.reshape();
        app.start_rules(Vec::new());
        app.plan_imports();
        let home = scope::home(app.data.bundle(), &app.exclusions, Scope::All);
        app.views.tree.open(&props!(app), home, Scope::All, 1);
        app.refresh_views();
        app
    }

    /// `--reserve` when `limit` counts unzipped contents (what the reserve stands for), else 0.
    pub fn reserve_for(&self, limit: &Limit) -> u64 {
        if limit.counted == crate::limits::Counted::Unzipped {
            self.budget.reserve
        } else {
            0
        }
    }

    /// Whether the app wants to quit.
    pub fn should_quit(&self) -> bool {
        self.flags.quit
    }

    /// Whether the user asked for a rescan (the event loop starts it); clears the request.
    pub fn take_rescan(&mut self) -> bool {
        std::mem::take(&mut self.flags.rescan)
    }

    /// Starts over on a fresh scan, keeping the switched-on rules for when it ends.
    pub fn restart_scan(&mut self, data: Data) {
        let rules = self
            .exclusions
            .snapshot()
            .into_iter()
            .filter_map(|(r, on)| on.then_some(r))
            .collect();
        self.data = data;
        self.scan_number += 1;
        self.finish_job = None;
        self.busy = None;
        self.exclusions = Exclusions::default();
        self.undo.clear();
        self.redo.clear();
        self.insight = None;
        self.why = None;
        self.safety = None;
        self.zip = crate::zipjob::ZipProgress::default();
        let colour = self.views.treemap.colour;
        self.views.treemap = TreemapView::default();
        self.views.treemap.colour = colour;
        self.reshape();
        self.pending_rules = rules;
        self.forget_imports();
        let home = scope::home(self.data.bundle(), &self.exclusions, Scope::All);
        let h = usize::from(self.layout().tree_rows.height);
        self.views.tree.open(&props!(self), home, Scope::All, h);
        self.refresh_views();
        self.say("rescanning; the rules apply again when it ends");
    }

    /// The signal that ended the explorer, if one did (heft then exits with 128 + it).
    pub fn ended_by(&self) -> Option<i32> {
        self.flags.signal
    }

    /// The bundle (partial while scanning).
    pub fn bundle(&self) -> &Bundle {
        self.data.bundle()
    }

    /// The keyboard mode.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Some(Overlay::Help { .. } | Overlay::Text { .. }) => Mode::Help,
            Some(Overlay::Limits { .. } | Overlay::Presets { .. }) => Mode::Pick,
            Some(Overlay::Export(_)) => Mode::Input,
            Some(Overlay::ConfirmQuit | Overlay::ConfirmOverwrite(_)) => Mode::Confirm,
            None if self.filtering => Mode::Filter,
            None => Mode::Browse,
        }
    }

    /// Handles one event from any source.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Input(TermEvent::Key(key)) => self.on_key(key),
            Event::Input(TermEvent::Mouse(mouse)) => self.on_mouse(mouse),
            Event::Input(TermEvent::Resize(w, h)) => self.set_size(Rect::new(0, 0, w, h)),
            Event::Input(_) => {}
            Event::Scan(scan) => {
                self.data.apply(scan);
                self.flags.stale = true;
            }
            Event::ScanDone => self.on_scan_done(),
            Event::Finished(done) => self.on_finished(*done),
            Event::Zip(batch) => self.on_zip(&batch),
            Event::ZipDone => self.on_zip_done(),
            Event::Imports(done) => self.on_imports(done),
            Event::Tick(elapsed) => self.tick(elapsed),
            Event::Watch(e) => self.on_watch(e),
            Event::Signal(sig) => {
                self.flags.quit = true;
                self.flags.signal = Some(sig);
            }
        }
    }

    /// A label for events whose handling may take a while on big trees (presets and
    /// suggestions pricing every preset; the end of a scan is done on a worker).
    pub fn heavy_label(&self, event: &Event) -> Option<&'static str> {
        use super::keymap::Action;
        match event {
            Event::Input(TermEvent::Key(key)) => {
                match (action_for(self.mode(), *key)?, &self.overlay) {
                    // Undo and redo restore only the rules that differ (well under a
                    // frame at 200k files): no busy frame first.
                    (Action::Undo | Action::Redo, None) => None,
                    (Action::ToggleExclude, Some(Overlay::Presets { .. })) => {
                        Some("applying the preset")
                    }
                    (Action::Presets, None) => Some("working out what each preset saves"),
                    (Action::Fit, None) => Some("planning the cuts that fit"),
                    (action, None) => self.active().busy_label(action),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Handles a key press.
    pub fn on_key(&mut self, key: KeyEvent) {
        if let Some(action) = action_for(self.mode(), key) {
            self.apply(action);
        }
    }

    /// Handles a mouse event: clicks select, the wheel scrolls.
    pub fn on_mouse(&mut self, mouse: MouseEvent) {
        self.mouse(mouse);
    }

    /// Records the time since the scan started.
    pub fn tick(&mut self, elapsed: Duration) {
        if let Data::Scanning(scan) = &mut self.data {
            scan.elapsed = elapsed;
        }
        if let Some(a) = &mut self.activity {
            a.expire(std::time::Instant::now());
        }
    }

    /// Brings derived state up to date before a frame (scan batches only mark it stale).
    pub fn prepare(&mut self, size: Rect) {
        if size != self.size {
            self.set_size(size);
        }
        self.refresh_why();
        self.refresh_chain();
        if self.flags.stale {
            self.reshape();
            self.refresh_views();
        } else if self.stale_views & view_bit(self.view) != 0 {
            self.refresh_view(self.view);
        }
        self.screen = self.layout();
    }

    /// Recomputes dependency insight (after a load, or once zipped sizes are in).
    fn refresh_insight(&mut self) {
        self.insight = self
            .data
            .complete()
            .map(|bundle| Insight::compute(bundle, &InsightOptions::default()));
        self.duplicates = self
            .data
            .complete()
            .map(crate::report::duplicates)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.key.clone(), d))
            .collect();
        self.why = None;
    }

    /// Finds the import chain to the selection when the panel shows a new one.
    fn refresh_chain(&mut self) {
        let of = self
            .show_why
            .then(|| self.active().chain_target())
            .flatten();
        self.imports.explain(self.data.bundle(), of);
    }

    /// Finds the paths to the selected package when the why panel shows a new one.
    fn refresh_why(&mut self) {
        let wanted = match self.active().why_target() {
            Some(d) if self.show_why => d,
            _ => return,
        };
        if self.why.as_ref().is_some_and(|w| w.target == wanted) || self.insight.is_none() {
            return;
        }
        // Recomputed as the selection moves: a bounded search keeps every key within a frame.
        self.why = Some(crate::insight::why::why_paths_within(
            self.data.bundle(),
            wanted,
            WHY_PATHS,
            crate::insight::why::PANEL_STEP_BUDGET,
        ));
    }

    /// Sets the screen size and lays the treemap out again.
    pub fn set_size(&mut self, size: Rect) {
        self.size = size;
        self.refresh_views();
    }

    /// Re-reads the tree into the exclusion state after it changed.
    fn reshape(&mut self) {
        self.exclusions.reshape(self.data.bundle());
        self.imports.refresh(self.data.bundle());
        self.flags.stale = false;
    }

    /// Starts the rule list with `rules` (a manifest's) once the bundle is complete; while
    /// scanning they wait for the end of the scan.
    pub fn start_rules(&mut self, rules: Vec<crate::rules::Rule>) {
        let Some(bundle) = self.data.complete() else {
            self.pending_rules = rules;
            return;
        };
        let rules = if rules.is_empty() {
            std::mem::take(&mut self.pending_rules)
        } else {
            rules
        };
        let count = rules.len();
        if let Err(e) = self.exclusions.start(bundle, rules) {
            self.message = Some(format!("the manifest's rules do not apply: {e}"));
        } else if count > 0 {
            self.message = Some(format!("applied {count} rules given on the command line"));
        }
        self.saved = self.exclusions.snapshot();
        if let Some(m) = self.resumed.take() {
            self.report_resumed(&m);
        }
        self.refresh_views();
    }

    /// Resumes a manifest's decision: its rules apply once the bundle is complete, and the
    /// explorer says if it was made for another tree or if some rules match nothing.
    pub fn resume(&mut self, manifest: crate::manifest::Manifest, rules: Vec<crate::rules::Rule>) {
        self.resumed = Some(manifest);
        self.start_rules(rules);
    }

    /// Opens a pane when a resumed manifest does not fit this tree.
    fn report_resumed(&mut self, m: &crate::manifest::Manifest) {
        let mut lines = Vec::new();
        if let Err(e) = m.match_tree(self.data.bundle()) {
            lines.push(format!("⚠ {e}."));
            lines.push(
                "Its rules are applied by name; check every exclusion before exporting.".into(),
            );
        }
        let idle: Vec<String> = (0..self.exclusions.rule_count())
            .filter(|i| {
                self.exclusions
                    .exclusion()
                    .is_some_and(|ex| ex.hit_count(*i) == 0)
            })
            .map(|i| self.rule_name(i))
            .collect();
        if !idle.is_empty() {
            lines.push(format!("{} of its rules match nothing here:", idle.len()));
            lines.extend(idle.iter().map(|r| format!("  {r}")));
        }
        if !lines.is_empty() {
            self.overlay = Some(Overlay::Text {
                title: " the manifest and this tree ".into(),
                lines,
                scroll: 0,
            });
        }
    }

    /// Rebuilds every view's rows and the treemap's tiles from the current state.
    /// The view shown is rebuilt at once; the others when they are next shown, so an
    /// exclusion costs one view's rows, not four.
    fn refresh_views(&mut self) {
        self.stale_views = u8::MAX;
        self.refresh_view(self.view);
    }

    /// Marks every view's rows out of date; the one shown is rebuilt before the next frame.
    fn mark_views_stale(&mut self) {
        self.stale_views = u8::MAX;
    }

    /// Shows `view`, rebuilding it first if something changed while it was hidden.
    pub(super) fn show(&mut self, view: ViewId) {
        self.view = view;
        self.filtering = false;
        if self.stale_views & view_bit(view) != 0 {
            self.refresh_view(view);
        }
    }

    /// Rebuilds one view's rows (after a filter or sort change that touches no other).
    fn refresh_view(&mut self, view: ViewId) {
        self.stale_views &= !view_bit(view);
        let screen = self.layout();
        let p = props!(self);
        self.views.get_mut(view).refresh(&p, &screen);
    }

    /// The view shown.
    pub fn active(&self) -> &dyn View {
        self.views.get(self.view)
    }

    /// The layout for the current size and state.
    pub fn layout(&self) -> super::layout::Screen {
        super::layout::compute(&super::layout::LayoutProps {
            size: self.size,
            gauges: self.limits.iter().filter(|l| l.active).count() as u16,
            scanning: self.data.is_scanning(),
            watching: self.activity.is_some(),
            show_why: self.show_why,
            alerts: self.exclusions.alerts().len() as u16,
            chains: self.imports.ready().is_some() || self.imports.is_analysing(),
            tabs: ViewId::TITLES,
        })
    }

    /// A rule's label (`dist kubernetes`, `glob **/tests/`), for messages and notes.
    pub fn rule_name(&self, r: usize) -> String {
        self.props().rule_name(r)
    }

    /// The domain pieces the views read.
    pub fn props(&self) -> super::views::Props<'_> {
        props!(self)
    }

    /// Whether zipped sizes are still arriving: every zipped figure is a lower bound.
    pub fn is_zipping(&self) -> bool {
        self.zip.running().is_some()
            || matches!(&self.data, Data::Live(live) if live.zip_pending() > 0)
    }

    /// Total bytes (and zipped bytes) left after exclusions.
    pub fn kept_totals(&self) -> Sizes {
        self.exclusions.kept(self.bundle().top)
    }
}

/// A view's bit in [`App::stale_views`].
fn view_bit(view: ViewId) -> u8 {
    1 << view.index()
}

/// Every preset, plus custom `active` limits, with the `active` ones switched on.
fn limit_choices(active: &[Limit]) -> Vec<LimitChoice> {
    let mut v: Vec<LimitChoice> = crate::limits::presets()
        .iter()
        .map(|p| LimitChoice {
            active: active.iter().any(|a| a == p),
            limit: p.clone(),
        })
        .collect();
    for a in active {
        if !v.iter().any(|c| c.limit == *a) {
            v.push(LimitChoice {
                limit: a.clone(),
                active: true,
            });
        }
    }
    v
}
