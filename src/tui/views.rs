//! The explorer's views (Packages, Tree, Treemap, Rules): one file each, a type that owns
//! its rows, selection, sort and filter, handles the browsing actions and draws itself
//! from [`Props`], the borrowed domain pieces it needs. The shell never matches on a
//! view: it goes through the [`View`] trait and the `registry!` below, the one list
//! of views (Tab order, digit keys, titles, help lines all follow from it).
//!
//! A view never changes the domain: it returns an [`Effect`] (open the Tree at a
//! package, exclude this, say that) that the app carries out.
//!
//! Views import no shell module (`app`, `widgets`, `event`); only leaf modules with
//! shared types (`keymap`, `layout`, `theme`, `text`, `exclusions`, `activity`).

pub mod list;
pub mod packages;
pub mod rules;
pub mod scope;
pub mod tree;
pub mod treemap;

use std::collections::HashMap;

use ratatui::buffer::Buffer;

use crate::bundle::Bundle;
use crate::insight::{Insight, RuntimeProvided, WhyPaths};
use crate::model::{DistId, NodeId, Sizes};
use crate::report::DuplicateJson;

use super::activity::Activity;
use super::exclusions::{Exclusions, Reason};
use super::keymap::Action;
use super::layout::Screen;
use super::theme::Theme;

pub use list::ListState;
pub use packages::{PackagesView, PkgColumn, PkgRow, exclusion_level};
pub use rules::RulesView;
pub use scope::Scope;
pub use tree::{TreeRow, TreeSort, TreeView};
pub use treemap::{ColourBy, Focus, TileInfo, TileItem, TreemapView};

/// Lists every view once: its id, the field of [`Views`] holding it, its type, tab title
/// and help line. Tab order, digit keys (`1` is the first), the tab bar and help follow
/// this order. Adding a view: a file in `views/` with a type implementing [`View`], its
/// `pub mod` line above and one line here.
macro_rules! registry {
    ($($id:ident => $field:ident: $ty:ty, $title:literal, $help:literal;)+) => {
        /// The views, in Tab order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ViewId {
            $(
                #[doc = concat!("The ", $title, " view.")]
                $id,
            )+
        }

        impl ViewId {
            /// All views in Tab order.
            pub const ALL: &[ViewId] = &[$(ViewId::$id),+];

            /// Their tab titles, in Tab order.
            pub const TITLES: &[&str] = &[$($title),+];

            /// The tab title.
            pub fn title(self) -> &'static str {
                match self {
                    $(ViewId::$id => $title,)+
                }
            }

            /// What help says its digit key does.
            pub fn help(self) -> &'static str {
                match self {
                    $(ViewId::$id => $help,)+
                }
            }
        }

        /// Every view's state, one field per registered view.
        #[derive(Default)]
        pub struct Views {
            $(
                #[doc = concat!("The ", $title, " view.")]
                pub $field: $ty,
            )+
        }

        impl Views {
            /// The view with id `id`.
            pub fn get(&self, id: ViewId) -> &dyn View {
                match id {
                    $(ViewId::$id => &self.$field,)+
                }
            }

            /// The view with id `id`, to change.
            pub fn get_mut(&mut self, id: ViewId) -> &mut dyn View {
                match id {
                    $(ViewId::$id => &mut self.$field,)+
                }
            }
        }
    };
}

registry! {
    Packages => packages: PackagesView, "Packages", "Packages view";
    Tree => tree: TreeView, "Tree", "Tree view";
    Treemap => treemap: TreemapView, "Treemap", "Treemap view";
    Rules => rules: RulesView, "Rules", "Rules view (and every warning)";
}

impl Default for ViewId {
    fn default() -> ViewId {
        ViewId::ALL[0]
    }
}

impl ViewId {
    /// The view at Tab position `i` (digit key `i + 1`), if there is one.
    pub fn at(i: usize) -> Option<ViewId> {
        Self::ALL.get(i).copied()
    }

    /// Its Tab position (digit key minus one).
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    /// The view after this one, wrapping.
    #[must_use]
    pub fn next(self) -> ViewId {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    /// The view before this one, wrapping.
    #[must_use]
    pub fn prev(self) -> ViewId {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// Help lines of the digit keys: ("1", "Packages view"), ...
    pub fn digit_lines() -> Vec<(String, &'static str)> {
        Self::ALL
            .iter()
            .map(|v| ((v.index() + 1).to_string(), v.help()))
            .collect()
    }
}

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

/// The domain pieces the views read, borrowed from the app field by field.
pub struct Props<'a> {
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
    /// Paths to the package the why panel shows, once found.
    pub why: Option<&'a WhyPaths>,
    /// Distributions installed more than once, by key.
    pub duplicates: &'a HashMap<String, DuplicateJson>,
    /// Watch mode's recent changes (size trends).
    pub activity: Option<&'a Activity>,
    /// Safety level of excluding each node, once the Treemap is coloured by safety.
    pub safety: Option<&'a [u8]>,
    /// Styles.
    pub theme: &'a Theme,
    /// Whether zipped sizes are still being estimated (each zipped figure a lower bound).
    pub zipping: bool,
    /// What the entries reach, once the import graph is known.
    pub reach: &'a super::reach::ImportsState,
}

impl Props<'_> {
    /// `n` bytes in the current measure, marked `≥` while zipped sizes are still arriving.
    pub fn size_text(&self, n: u64) -> String {
        let size = crate::limits::human(n);
        if self.zipping && self.measure == Measure::Zipped {
            format!("≥{size}")
        } else {
            size
        }
    }

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

    /// A rule's label (`dist kubernetes`, `glob **/tests/`), for messages and notes.
    pub fn rule_name(&self, r: usize) -> String {
        self.exclusions
            .rule(r)
            .map_or_else(|| format!("#{r}"), crate::rules::Rule::label)
    }

    /// Names of the distributions requiring `d`, sorted.
    pub fn required_by_names(&self, d: DistId) -> Vec<&str> {
        let b = self.bundle;
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
        let b = self.bundle;
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
}

/// What a selection stands for: Space excludes it, `i` describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// A distribution.
    Dist(DistId),
    /// A file or directory.
    Node(NodeId),
    /// The files no RECORD lists.
    Unowned,
}

/// What a view asks the app to do after an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing more.
    None,
    /// Show a one-line message.
    Say(String),
    /// Show the files of a scope in the Tree view.
    OpenTree(Scope),
    /// Exclude (or keep again) an item with a rule.
    Exclude(Item),
    /// Exclude a distribution with the dependencies only it needs (or keep it again).
    ExcludeWithDeps(DistId),
    /// Open the info pane about an item.
    Info(Item),
    /// Open what would close each overrun.
    Suggestions,
    /// List the items folded into the treemap's small-items tile.
    ListFolded,
    /// Start typing a filter.
    Filter,
    /// Switch every view to another size measure.
    Measure(Measure),
    /// Switch a rule on or off.
    ToggleRule(usize),
    /// Delete a rule.
    DeleteRule(usize),
    /// Move a rule from one position to another.
    MoveRule(usize, usize),
    /// Carry out Enter (a second click on the selected row).
    Enter,
}

impl Effect {
    /// A message.
    pub fn say(text: &str) -> Effect {
        Effect::Say(text.into())
    }

    /// Enter when a click landed on the row already selected, else nothing.
    pub fn enter_if(again: bool) -> Effect {
        if again { Effect::Enter } else { Effect::None }
    }
}

/// One view: state, actions, and drawing from [`Props`] into the rectangles the layout
/// gave this frame ([`Screen`]).
pub trait View {
    /// Rebuilds rows, tiles or selection after the domain or the screen changed.
    fn refresh(&mut self, p: &Props, screen: &Screen);

    /// Handles a browsing action (movement, Enter, back, sort, filter, Space ...); the
    /// view changes itself and returns what the app should do.
    fn on_action(&mut self, action: Action, p: &Props, screen: &Screen) -> Effect;

    /// What the selection stands for, if anything.
    fn item(&self) -> Option<Item> {
        None
    }

    /// The distribution the selection belongs to (what `x` acts on).
    fn selected_dist(&self, p: &Props) -> Option<DistId> {
        match self.item()? {
            Item::Dist(d) => Some(d),
            Item::Node(n) => p.bundle.tree.node(n).owner(),
            Item::Unowned => None,
        }
    }

    /// The filter text, for views that filter.
    fn filter_mut(&mut self) -> Option<&mut String> {
        None
    }

    /// The filter being typed, for views that filter.
    fn filter(&self) -> Option<&str> {
        None
    }

    /// The full path (or name) of what is focused, for the status line.
    fn focused_path(&self, p: &Props) -> String;

    /// The totals bar's figures: what is shown (rows, sort) and the position in it.
    fn figures(&self, p: &Props) -> (String, Option<String>);

    /// Scrolls by `delta` rows (mouse wheel).
    fn on_wheel(&mut self, _delta: isize, _p: &Props, _screen: &Screen) {}

    /// A left click at a cell of the view.
    fn on_click(&mut self, _x: u16, _y: u16, _p: &Props, _screen: &Screen) -> Effect {
        Effect::None
    }

    /// Draws the view into its part of the screen.
    fn render(&self, p: &Props, screen: &Screen, buf: &mut Buffer);

    /// What the status line says while an action runs long in this view, if it does.
    fn busy_label(&self, _action: Action) -> Option<&'static str> {
        None
    }

    /// The package the why panel explains, for a view that shows the panel.
    fn why_target(&self) -> Option<DistId> {
        None
    }

    /// What the import chain panel explains, for a view that shows one.
    fn chain_target(&self) -> Option<super::reach::ChainOf> {
        None
    }

    /// What the actions every view shares mean here: Space, `x` and `i` act on the
    /// selection; filtering and sorting are refused with a word. Views call this for the
    /// actions they do not handle themselves.
    fn shared_effect(&self, action: Action, p: &Props) -> Effect {
        match action {
            Action::ToggleExclude => match self.item() {
                Some(item @ (Item::Dist(_) | Item::Node(_))) => Effect::Exclude(item),
                _ => Effect::say("nothing to exclude here (unowned files: open them in the Tree)"),
            },
            Action::ExcludeWithDeps => match self.selected_dist(p) {
                Some(d) => Effect::ExcludeWithDeps(d),
                None => Effect::say("select a package to exclude it with its dependencies"),
            },
            Action::Info => match self.item() {
                Some(item) => Effect::Info(item),
                None => Effect::say("nothing selected"),
            },
            Action::Filter => Effect::say("filter works in the Packages and Tree views"),
            Action::SortBy(_) => Effect::say("n, s and z sort the Packages and Tree views"),
            _ => Effect::None,
        }
    }
}

/// The import chain of `of` as the panels show it: `imports: ` and the chain's lines, or
/// that the graph is still being analysed; nothing when there is no graph. At most `most` lines.
pub fn chain_lines(p: &Props, of: super::reach::ChainOf, most: usize) -> Vec<String> {
    if p.reach.is_analysing() {
        return vec!["imports: analysing…".into()];
    }
    match &p.reach.chain {
        Some(c) if c.of == of => {
            let mut lines = c.lines(most);
            if let Some(first) = lines.first_mut() {
                first.insert_str(0, "imports: ");
            }
            lines
        }
        _ => Vec::new(),
    }
}

/// Every help line: the browse keys with the views' digit keys among them, then the rest.
pub fn help_lines() -> Vec<(String, &'static str)> {
    super::keymap::help_lines(&ViewId::digit_lines())
}

/// Rows to move for a movement action (`Up`, `Down`).
pub fn step(action: Action) -> Option<isize> {
    match action {
        Action::Up => Some(-1),
        Action::Down => Some(1),
        _ => None,
    }
}

/// Pages to move for a paging action (`Home` and `End` go as far as there is).
pub fn pages(action: Action) -> Option<isize> {
    match action {
        Action::PageUp => Some(-1),
        Action::PageDown => Some(1),
        Action::Home => Some(-1_000_000),
        Action::End => Some(1_000_000),
        _ => None,
    }
}

/// "1 file", "3 files", "3,869 files".
pub fn count(n: usize, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", crate::limits::group(n as u64))
}

/// "row 3/120" when the list has rows.
pub fn position(selected: usize, len: usize) -> Option<String> {
    (len > 0).then(|| format!("row {}/{len}", (selected + 1).min(len)))
}

/// "sort bytes▼": the sort key and its direction (▼ largest or A first when natural).
pub fn sort_text(title: &str, descends: bool, reversed: bool) -> String {
    let arrow = if descends == reversed { "▲" } else { "▼" };
    format!("sort {title}{arrow}")
}

/// A page of `pages` times the visible rows (less one, so a row stays in view).
pub fn page_step(pages: isize, height: usize) -> isize {
    pages.saturating_mul(isize::try_from(height.saturating_sub(1).max(1)).unwrap_or(1))
}

#[cfg(test)]
mod tests;
