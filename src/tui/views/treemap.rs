//! The Treemap view: what is zoomed in on, the laid-out tiles for the current screen
//! area, the selected tile, the way back out, its keys and (in `render`) its drawing.

use ratatui::buffer::Buffer;

use crate::model::{DistId, NodeId, Sizes};
use crate::treemap::{self, Direction, Item, LayoutOptions, Rect, Tile, TileKind};

use super::pages;
use super::scope::{self, Scope};
use super::{Effect, Item as Selected, Props, View};
use crate::tui::keymap::Action;
use crate::tui::layout::Screen;

mod render;

/// What a tile stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileItem {
    /// A distribution (top level).
    Dist(DistId),
    /// The files nobody owns (top level).
    Unowned,
    /// A file or directory.
    Node(NodeId),
}

/// One item that may get a tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileInfo {
    /// What it is.
    pub item: TileItem,
    /// Sizes under the scope.
    pub full: Sizes,
    /// Left after exclusions.
    pub kept: Sizes,
}

/// What the treemap shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    /// Every distribution and the unowned files.
    #[default]
    Packages,
    /// The children of a directory, under a scope.
    Node(NodeId, Scope),
}

/// How tiles are coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColourBy {
    /// By owning distribution.
    #[default]
    Package,
    /// By how safe excluding it is (needs rules).
    Safety,
}

/// Zoom, tiles and selection of the Treemap view.
#[derive(Clone, Debug, Default)]
pub struct TreemapView {
    /// What is shown.
    pub focus: Focus,
    /// Items, indexed by [`TileKind::Item`] ids.
    pub items: Vec<TileInfo>,
    /// Laid-out tiles in screen cells.
    pub tiles: Vec<Tile>,
    /// Index of the selected tile.
    pub selected: usize,
    /// The area the tiles were laid out in.
    pub area: Rect,
    /// Tile colours.
    pub colour: ColourBy,
    trail: Vec<(Focus, usize)>,
}

impl TreemapView {
    /// Recomputes items and tiles for the focus in `area`, keeping the selected item.
    pub fn relayout(&mut self, ctx: &Props, area: Rect) {
        let keep = self.selected_item();
        self.area = area;
        self.items = items(ctx, self.focus);
        let weights: Vec<Item> = self
            .items
            .iter()
            .enumerate()
            .map(|(id, info)| Item {
                id,
                weight: ctx.measure.of(&info.full),
            })
            .collect();
        self.tiles = treemap::layout(&weights, area, &LayoutOptions::default());
        self.selected = keep
            .and_then(|k| self.tiles.iter().position(|t| self.item_of(t) == Some(k)))
            .unwrap_or(0)
            .min(self.tiles.len().saturating_sub(1));
    }

    /// The item behind a tile (none for the folded rest).
    pub fn item_of(&self, tile: &Tile) -> Option<TileItem> {
        match tile.kind {
            TileKind::Item(i) => self.items.get(i).map(|info| info.item),
            TileKind::Rest { .. } => None,
        }
    }

    /// The info of the selected tile's item.
    pub fn selected_info(&self) -> Option<&TileInfo> {
        match self.tiles.get(self.selected)?.kind {
            TileKind::Item(i) => self.items.get(i),
            TileKind::Rest { .. } => None,
        }
    }

    /// The selected tile's item.
    pub fn selected_item(&self) -> Option<TileItem> {
        self.selected_info().map(|i| i.item)
    }

    /// Items folded into the small-items tile, largest first.
    pub fn folded(&self) -> Vec<&TileInfo> {
        let tiled: std::collections::HashSet<usize> = self
            .tiles
            .iter()
            .filter_map(|t| match t.kind {
                TileKind::Item(i) => Some(i),
                TileKind::Rest { .. } => None,
            })
            .collect();
        let mut v: Vec<&TileInfo> = (0..self.items.len())
            .filter(|i| !tiled.contains(i))
            .map(|i| &self.items[i])
            .collect();
        v.sort_by_key(|info| std::cmp::Reverse(info.full.bytes));
        v
    }

    /// Whether the small-items tile is selected.
    pub fn is_rest_selected(&self) -> bool {
        matches!(
            self.tiles.get(self.selected).map(|t| t.kind),
            Some(TileKind::Rest { .. })
        )
    }

    /// Moves the selection `pages` steps of five tiles in layout order (largest first);
    /// huge values reach the first or last tile (Home, End).
    pub fn page(&mut self, pages: isize) {
        let last = self.tiles.len().saturating_sub(1);
        let step = pages.saturating_mul(5);
        self.selected = self.selected.saturating_add_signed(step).min(last);
    }

    /// Moves the selection to the neighbouring tile.
    pub fn step(&mut self, dir: Direction) {
        if let Some(i) = treemap::neighbor(&self.tiles, self.selected, dir) {
            self.selected = i;
        }
    }

    /// Zooms into the selected tile; false when it cannot be opened.
    pub fn zoom(&mut self, ctx: &Props) -> bool {
        let next = match self.selected_item() {
            Some(TileItem::Dist(d)) => {
                let s = Scope::Dist(d);
                Focus::Node(scope::home(ctx.bundle, ctx.exclusions, s), s)
            }
            Some(TileItem::Unowned) => {
                let s = Scope::Unowned;
                Focus::Node(scope::home(ctx.bundle, ctx.exclusions, s), s)
            }
            Some(TileItem::Node(n)) if ctx.bundle.tree.node(n).is_dir() => {
                let Focus::Node(_, s) = self.focus else {
                    return false;
                };
                Focus::Node(n, s)
            }
            _ => return false,
        };
        self.trail.push((self.focus, self.selected));
        self.focus = next;
        self.selected = 0;
        self.relayout(ctx, self.area);
        true
    }

    /// Zooms out one level; false at the top.
    pub fn unzoom(&mut self, ctx: &Props) -> bool {
        let Some((focus, selected)) = self.trail.pop() else {
            return false;
        };
        self.focus = focus;
        self.selected = 0;
        self.relayout(ctx, self.area);
        self.selected = selected.min(self.tiles.len().saturating_sub(1));
        true
    }

    /// Selects the tile under a screen cell; returns whether it was already selected.
    pub fn click(&mut self, x: u16, y: u16) -> Option<bool> {
        let i = treemap::hit(&self.tiles, x, y)?;
        let again = i == self.selected;
        self.selected = i;
        Some(again)
    }

    /// The names of the zoom levels from the top, for the breadcrumb.
    pub fn depth(&self) -> usize {
        self.trail.len()
    }
}

/// The items shown at a focus.
fn items(ctx: &Props, focus: Focus) -> Vec<TileInfo> {
    match focus {
        Focus::Packages => {
            let mut v: Vec<TileInfo> = ctx
                .bundle
                .dists
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let id = DistId(i as u32);
                    TileInfo {
                        item: TileItem::Dist(id),
                        full: d.sizes,
                        kept: ctx.exclusions.dist_kept(ctx.bundle, id),
                    }
                })
                .collect();
            let (full, kept) = ctx.exclusions.unowned();
            v.push(TileInfo {
                item: TileItem::Unowned,
                full,
                kept,
            });
            v
        }
        Focus::Node(dir, s) => scope::children(ctx.bundle, ctx.exclusions, dir, s)
            .into_iter()
            .map(|(id, full, kept)| TileInfo {
                item: TileItem::Node(id),
                full,
                kept,
            })
            .collect(),
    }
}

impl View for TreemapView {
    fn refresh(&mut self, p: &Props, screen: &Screen) {
        let r = screen.treemap;
        self.relayout(p, Rect::new(r.x, r.y, r.width, r.height));
    }

    fn on_action(&mut self, action: Action, p: &Props, _screen: &Screen) -> Effect {
        if let Some(n) = pages(action) {
            self.page(n);
            return Effect::None;
        }
        match action {
            Action::Up => self.step(Direction::Up),
            Action::Down => self.step(Direction::Down),
            Action::Left => self.step(Direction::Left),
            Action::Right => self.step(Direction::Right),
            Action::Enter if self.is_rest_selected() => return Effect::ListFolded,
            Action::Enter => {
                if !self.zoom(p) {
                    return Effect::say("a file cannot be opened: i shows what is known about it");
                }
            }
            Action::Back => {
                self.unzoom(p);
            }
            Action::Info if self.selected_item().is_none() => {
                return Effect::say("the small-items tile: Enter lists them");
            }
            _ => return self.shared_effect(action, p),
        }
        Effect::None
    }

    fn item(&self) -> Option<Selected> {
        Some(match self.selected_item()? {
            TileItem::Dist(d) => Selected::Dist(d),
            TileItem::Node(n) => Selected::Node(n),
            TileItem::Unowned => Selected::Unowned,
        })
    }

    fn selected_dist(&self, p: &Props) -> Option<DistId> {
        match self.selected_item()? {
            TileItem::Dist(d) => Some(d),
            TileItem::Node(n) => match self.focus {
                Focus::Node(_, Scope::Dist(d)) => Some(d),
                _ => p.bundle.tree.node(n).owner(),
            },
            TileItem::Unowned => None,
        }
    }

    fn focused_path(&self, p: &Props) -> String {
        let bundle = p.bundle;
        match self.selected_item() {
            Some(TileItem::Dist(d)) => bundle.dist(d).name.clone(),
            Some(TileItem::Unowned) => "(unowned files)".into(),
            Some(TileItem::Node(n)) => bundle.tree.path(n).display().to_string(),
            None => "small items folded together".into(),
        }
    }

    fn figures(&self, _p: &Props) -> (String, Option<String>) {
        (
            format!("{} tiles for {} items", self.tiles.len(), self.items.len()),
            None,
        )
    }

    fn on_click(&mut self, x: u16, y: u16, _p: &Props, _screen: &Screen) -> Effect {
        if self.click(x, y).is_some() {
            Effect::Enter
        } else {
            Effect::None
        }
    }

    fn render(&self, p: &Props, screen: &Screen, buf: &mut Buffer) {
        render::render(self, p, screen.body, buf);
    }
}
