//! The explorer's state and the one place it changes: [`App::apply`] turns an
//! [`Action`](super::keymap::Action) into short method calls; events from the scan and estimate threads
//! arrive through [`App::on_event`]. Rendering only reads an `App`.

/// Borrows the parts of an `App` a [`Ctx`] needs, field by field, so the view states
/// stay free to mutate.
macro_rules! ctx {
    ($app:expr) => {
        Ctx {
            bundle: $app.data.bundle(),
            exclusions: &$app.exclusions,
            measure: $app.measure,
            scanning: $app.data.is_scanning(),
            insight: $app.insight.as_ref(),
        }
    };
}

mod actions;
mod data;
mod dialogs;
mod edits;
mod events;
mod info;
mod list;
mod overlay;
mod packages;
mod scope;
mod tree;
mod treemap;
mod watching;

use std::time::Duration;

use crate::bundle::Bundle;
use crate::insight::{Insight, InsightOptions, RuntimeProvided, WhyPaths};
use crate::limits::Limit;
use crate::model::{DistId, NodeId, Sizes};
use ratatui::crossterm::event::{Event as TermEvent, KeyEvent, MouseEvent};
use ratatui::layout::Rect;

pub use data::{Data, Scan};
pub use dialogs::{ExportDialog, ExportField, Overlay, PresetChoice};
pub use info::count;
pub use list::ListState;
pub use overlay::pane_rows;
pub use packages::{PackagesState, PkgColumn, PkgRow, exclusion_level};
pub use scope::Scope;
pub use tree::{TreeRow, TreeSort, TreeState};
pub use treemap::{ColourBy, Focus, TileInfo, TileItem, TreemapState};

use super::bus::Event;
use super::exclusions::{Exclusions, Reason, Snapshot};
use super::keymap::{Mode, ViewId, action_for};
use super::theme::Theme;

/// Most paths the why panel keeps for one package.
const WHY_PATHS: usize = 12;

/// Which size the Tree and Treemap show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Measure {
    /// Apparent bytes (what Lambda counts).
    #[default]
    Apparent,
    /// Disk usage.
    Disk,
    /// Zipped bytes.
    Zipped,
}

impl Measure {
    /// The chosen figure of `s`.
    pub fn of(self, s: &Sizes) -> u64 {
        match self {
            Measure::Apparent => s.bytes,
            Measure::Disk => s.disk,
            Measure::Zipped => s.zipped,
        }
    }

    /// The next measure.
    #[must_use]
    pub fn next(self) -> Measure {
        match self {
            Measure::Apparent => Measure::Disk,
            Measure::Disk => Measure::Zipped,
            Measure::Zipped => Measure::Apparent,
        }
    }

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Apparent => "apparent",
            Measure::Disk => "disk",
            Measure::Zipped => "zipped",
        }
    }
}

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

/// Progress of the background zipped-size estimates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZipProgress {
    /// Files estimated.
    pub done: u64,
    /// Files to estimate (0 when nothing runs).
    pub total: u64,
}

impl ZipProgress {
    /// Percent done while estimates run, `None` otherwise.
    pub fn running(&self) -> Option<u8> {
        (self.total > 0 && self.done < self.total).then(|| (self.done * 100 / self.total) as u8)
    }
}

/// Borrowed inputs the view states need to rebuild their rows.
pub struct Ctx<'a> {
    /// The bundle.
    pub bundle: &'a Bundle,
    /// Exclusions and kept sizes.
    pub exclusions: &'a Exclusions,
    /// Size measure.
    pub measure: Measure,
    /// Whether the scan still runs (distributions are not known yet).
    pub scanning: bool,
    /// Dependency insight, once the bundle is loaded.
    pub insight: Option<&'a Insight>,
}

impl Ctx<'_> {
    /// Bytes freed by dropping a distribution with everything only it needs.
    pub fn retained(&self, d: DistId) -> Option<u64> {
        self.insight
            .and_then(|i| i.per_dist.get(d.index()))
            .map(|i| i.retained.bytes)
    }

    /// The runtime that already provides a distribution, if the target's does.
    pub fn runtime_provided(&self, d: DistId) -> Option<&RuntimeProvided> {
        self.insight
            .and_then(|i| i.per_dist.get(d.index()))
            .and_then(|i| i.runtime_provided.as_ref())
    }

    /// The rule excluding a distribution as a whole, if any.
    pub fn status_reason(&self, d: DistId) -> Reason {
        self.exclusions
            .dist_rule(d)
            .map_or(Reason::Kept, Reason::Rule)
    }
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
    /// Packages view state.
    pub packages: PackagesState,
    /// Tree view state.
    pub tree: TreeState,
    /// Treemap view state.
    pub treemap: TreemapState,
    /// Rules view selection.
    pub rules: ListState,
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
    pub zip: ZipProgress,
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
            view: ViewId::Packages,
            measure: Measure::Apparent,
            packages: PackagesState::default(),
            tree: TreeState::default(),
            treemap: TreemapState::default(),
            rules: ListState::default(),
            overlay: None,
            filtering: false,
            show_why: true,
            theme,
            size: Rect::new(0, 0, 80, 24),
            screen: super::layout::Screen::default(),
            message: None,
            zip: ZipProgress::default(),
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
        };
        app.refresh_insight();
        app.reshape();
        app.start_rules(Vec::new());
        let home = scope::home(app.data.bundle(), &app.exclusions, Scope::All);
        app.tree.open(&ctx!(app), home, Scope::All, 1);
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
        self.zip = ZipProgress::default();
        let colour = self.treemap.colour;
        self.treemap = TreemapState::default();
        self.treemap.colour = colour;
        self.reshape();
        self.pending_rules = rules;
        let home = scope::home(self.data.bundle(), &self.exclusions, Scope::All);
        let h = self.list_heights().1;
        self.tree.open(&ctx!(self), home, Scope::All, h);
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
                    (Action::Undo, None) => Some("undoing"),
                    (Action::Redo, None) => Some("redoing"),
                    (Action::ToggleExclude, Some(Overlay::Presets { .. })) => {
                        Some("applying the preset")
                    }
                    (Action::Info, None) if self.view == ViewId::Rules => {
                        Some("finding what closes the overrun")
                    }
                    (Action::Presets, None) => Some("working out what each preset saves"),
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

    /// Finds the paths to the selected package when the why panel shows a new one.
    fn refresh_why(&mut self) {
        let wanted = match self.packages.selected() {
            Some(PkgRow::Dist(d)) if self.show_why && self.view == ViewId::Packages => d,
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
        let heights = self.list_heights();
        let ctx = ctx!(self);
        match view {
            ViewId::Packages => self.packages.refresh(&ctx, heights.0),
            ViewId::Tree => self.tree.refresh(&ctx, heights.1),
            ViewId::Treemap => {
                let area = self.treemap_area();
                self.treemap.relayout(&ctx!(self), area);
            }
            ViewId::Rules => self.rules.reveal(self.rule_count(), heights.2),
        }
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
        })
    }

    /// Visible rows of the packages table, the tree list and the rules list.
    fn list_heights(&self) -> (usize, usize, usize) {
        let l = self.layout();
        (
            usize::from(l.packages_rows.height),
            usize::from(l.tree_rows.height),
            usize::from(l.rules_rows.height),
        )
    }

    fn treemap_area(&self) -> crate::treemap::Rect {
        let r = self.layout().treemap;
        crate::treemap::Rect::new(r.x, r.y, r.width, r.height)
    }

    /// A rule's label (`dist kubernetes`, `glob **/tests/`), for messages and notes.
    pub fn rule_name(&self, r: usize) -> String {
        self.exclusions
            .rule(r)
            .map_or_else(|| format!("#{r}"), crate::rules::Rule::label)
    }

    /// Total bytes (and zipped bytes) left after exclusions.
    pub fn kept_totals(&self) -> Sizes {
        self.exclusions.kept(self.bundle().top)
    }

    /// Names of the distributions requiring `d`, sorted.
    pub fn required_by_names(&self, d: DistId) -> Vec<&str> {
        let b = self.bundle();
        let mut by: Vec<&str> = b
            .graph
            .required_by(d)
            .map(|r| b.dist(r).name.as_str())
            .collect();
        by.sort_unstable();
        by
    }

    /// "installed 2 times (/a, /b): 20.1 MB paid twice", for a duplicated distribution.
    pub fn duplicate_note(&self, d: DistId) -> Option<String> {
        let b = self.bundle();
        let dup = self.duplicates.get(&b.dist(d).key)?;
        let mut roots: Vec<String> = dup
            .roots
            .iter()
            .filter_map(|r| b.roots.get(*r))
            .map(|r| r.path.display().to_string())
            .collect();
        roots.dedup();
        Some(format!(
            "installed {} times ({}): {} paid twice",
            dup.roots.len(),
            roots.join(", "),
            crate::limits::human(dup.bytes)
        ))
    }

    /// The node the tree view calls home for its scope.
    fn tree_home(&self) -> NodeId {
        scope::home(self.data.bundle(), &self.exclusions, self.tree.scope)
    }
}

/// A view's bit in [`App::stale_views`].
fn view_bit(view: ViewId) -> u8 {
    1 << ViewId::ALL.iter().position(|v| *v == view).unwrap_or(0)
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
