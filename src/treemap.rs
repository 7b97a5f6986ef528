//! Squarified treemap layout over plain numbers: weights in, terminal-cell tiles out.
//!
//! The algorithm is Bruls, Huizing and van Wijk, "Squarified Treemaps" (2000): items,
//! largest first, are laid in rows along the shorter side of the space left, and a row
//! grows while that improves its worst aspect ratio. Aspect ratios are measured with a
//! cell's height counted `cell_aspect` times its width, because terminal cells are tall.
//!
//! Every cut is rounded to whole cells once, as a cumulative boundary, so the tiles cover
//! the area exactly: no gaps, no overlaps. Items too small to get a readable tile are
//! folded into one [`TileKind::Rest`] tile, so no weight is ever lost.
//!
//! Cost: sorting is O(n log n); one layout pass is O(k) for the k tiles shown, and k is
//! at most `area / (min_width * min_height)`, whatever n is. Tiles that round below the
//! minimum send the smallest items to the rest tile and trigger another pass: a handful
//! as a rule (11 for 10k file-size-like weights on a 200x60 screen), never more than
//! k + log2(area). So 10k items cost one sort plus a few passes over at most a few
//! thousand tiles.

mod nav;

pub use nav::{Direction, hit, neighbor};

/// Height of a terminal cell divided by its width.
pub const CELL_ASPECT: f64 = 2.0;

/// A rectangle of terminal cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rect {
    /// Leftmost column.
    pub x: u16,
    /// Topmost row.
    pub y: u16,
    /// Columns covered.
    pub width: u16,
    /// Rows covered.
    pub height: u16,
}

impl Rect {
    /// A rectangle at (`x`, `y`) of `width` by `height` cells.
    pub const fn new(x: u16, y: u16, width: u16, height: u16) -> Self {
        Self {
            x,
            y,
            width,
            height,
        }
    }

    /// Number of cells covered.
    pub fn area(self) -> u32 {
        u32::from(self.width) * u32::from(self.height)
    }

    /// Whether the rectangle covers no cell.
    pub fn is_empty(self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// One past the rightmost column (wide enough never to overflow).
    pub fn right(self) -> u32 {
        u32::from(self.x) + u32::from(self.width)
    }

    /// One past the bottom row (wide enough never to overflow).
    pub fn bottom(self) -> u32 {
        u32::from(self.y) + u32::from(self.height)
    }

    /// Whether cell (`x`, `y`) lies inside.
    pub fn contains(self, x: u16, y: u16) -> bool {
        x >= self.x && u32::from(x) < self.right() && y >= self.y && u32::from(y) < self.bottom()
    }

    /// Shrinks the rectangle so its right and bottom edges fit in a `u16`.
    fn clipped(self) -> Self {
        Self {
            width: self.width.min(u16::MAX - self.x),
            height: self.height.min(u16::MAX - self.y),
            ..self
        }
    }
}

/// One thing to lay out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// The caller's key, handed back in [`TileKind::Item`].
    pub id: usize,
    /// Relative size; the tile's area is proportional to it.
    pub weight: u64,
}

/// What a tile stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileKind {
    /// One item, by the caller's id.
    Item(usize),
    /// Items too small for a tile of their own, folded together.
    Rest {
        /// How many items were folded.
        count: usize,
        /// Their total weight.
        weight: u64,
    },
}

/// A laid-out tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tile {
    /// The item (or folded items) shown.
    pub kind: TileKind,
    /// The cells it covers.
    pub rect: Rect,
}

/// How [`layout`] shapes and culls tiles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    /// Height of a cell divided by its width, for aspect ratios ([`CELL_ASPECT`]).
    pub cell_aspect: f64,
    /// Narrowest tile worth showing, in columns (0 counts as 1).
    pub min_width: u16,
    /// Shortest tile worth showing, in rows (0 counts as 1).
    pub min_height: u16,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        Self {
            cell_aspect: CELL_ASPECT,
            min_width: 4,
            min_height: 1,
        }
    }
}

impl LayoutOptions {
    /// Whether a tile of this shape is big enough to show on its own.
    fn fits(&self, rect: Rect) -> bool {
        rect.width >= self.min_width.max(1) && rect.height >= self.min_height.max(1)
    }

    /// Cells in the smallest acceptable tile.
    fn min_cells(&self) -> u32 {
        u32::from(self.min_width.max(1)) * u32::from(self.min_height.max(1))
    }
}

/// Lays `items` (any order) out in `area` as squarified tiles, largest first.
///
/// - Items whose tile would be narrower than `min_width` or shorter than `min_height` are
///   folded into one [`TileKind::Rest`] tile holding their count and total weight. The rest
///   tile is drawn at least minimum size, so it may cover more than its share. A rest of a
///   single item is shown as that item.
/// - Zero-weight items are omitted: they have no area to show. Every other weight lands in
///   exactly one tile, so the tiles' weights sum to the input's.
/// - The tiles cover `area` exactly. A lone tile fills the area even when it is smaller
///   than the minimum; an empty area yields one tile with that empty rectangle holding all
///   the weight. An area running past `u16::MAX` is clipped.
///
/// Cost: O(n log n) for the sort plus a few O(k) passes over the k tiles shown (see the
/// module docs); 10k items is one sort and a few passes over a few thousand tiles.
pub fn layout(items: &[Item], area: Rect, opts: &LayoutOptions) -> Vec<Tile> {
    let sorted = sorted_by_weight(items);
    if sorted.is_empty() {
        return Vec::new();
    }
    let area = area.clipped();
    let keep = if area.is_empty() {
        0
    } else {
        initial_keep(&sorted, area, opts)
    };
    let mut plan = Plan {
        keep,
        rest_cells: opts.min_cells(),
    };
    loop {
        let (entries, rest_at) = entries(&sorted, plan, area.area());
        let tiles = place(&entries, area, opts.cell_aspect);
        match refine(plan, &tiles, rest_at, area, opts) {
            Some(next) => plan = next,
            None => return tiles,
        }
    }
}

/// Which items get their own tile, and how many cells the rest tile asks for.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// The heaviest `keep` items get a tile each; the others are folded.
    keep: usize,
    /// Cells the rest tile is given at least.
    rest_cells: u32,
}

/// The plan to try next when some tile came out too small, or `None` when `tiles` stand.
///
/// Too-small items move to the rest (smallest first); a too-small rest asks for twice
/// the cells, until it would take half the area and so takes everything. Each step
/// shrinks `keep` or doubles `rest_cells`, so the loop ends.
fn refine(
    plan: Plan,
    tiles: &[Tile],
    rest_at: Option<usize>,
    area: Rect,
    opts: &LayoutOptions,
) -> Option<Plan> {
    if plan.keep == 0 {
        return None;
    }
    let small_items = tiles
        .iter()
        .enumerate()
        .filter(|&(i, t)| Some(i) != rest_at && !opts.fits(t.rect))
        .count();
    if small_items > 0 {
        let keep = plan.keep.saturating_sub(small_items);
        return Some(Plan { keep, ..plan });
    }
    let rest_fits = rest_at.is_none_or(|i| opts.fits(tiles[i].rect));
    if rest_fits {
        None
    } else if plan.rest_cells >= area.area() / 2 {
        Some(Plan { keep: 0, ..plan })
    } else {
        let rest_cells = plan.rest_cells * 2;
        Some(Plan { rest_cells, ..plan })
    }
}

/// The items with weight, heaviest first (ties by id, so layouts are deterministic).
fn sorted_by_weight(items: &[Item]) -> Vec<Item> {
    let mut sorted: Vec<Item> = items.iter().copied().filter(|i| i.weight > 0).collect();
    sorted.sort_unstable_by(|a, b| b.weight.cmp(&a.weight).then(a.id.cmp(&b.id)));
    sorted
}

/// How many of the heaviest items deserve at least a minimum tile's share of the area.
fn initial_keep(sorted: &[Item], area: Rect, opts: &LayoutOptions) -> usize {
    let total: u128 = sorted.iter().map(|i| u128::from(i.weight)).sum();
    let cells = u128::from(area.area());
    let min_cells = u128::from(opts.min_cells());
    let by_share = sorted
        .iter()
        .take_while(|i| u128::from(i.weight) * cells >= min_cells * total)
        .count();
    by_share.min((cells / min_cells) as usize)
}

/// One box to place: its tile kind and the weight its area is computed from.
#[derive(Clone, Copy, Debug)]
struct Entry {
    kind: TileKind,
    weight: u128,
}

/// The tile kind standing for `folded`: the item itself when it is alone.
fn rest_kind(folded: &[Item]) -> TileKind {
    match folded {
        [only] => TileKind::Item(only.id),
        _ => TileKind::Rest {
            count: folded.len(),
            weight: folded
                .iter()
                .fold(0u64, |sum, i| sum.saturating_add(i.weight)),
        },
    }
}

/// The kept items plus one rest entry for the others, heaviest first, and where the
/// rest entry sits. The rest weighs at least enough to be given `plan.rest_cells`.
fn entries(sorted: &[Item], plan: Plan, cells: u32) -> (Vec<Entry>, Option<usize>) {
    let (kept, folded) = sorted.split_at(plan.keep);
    let mut entries: Vec<Entry> = kept
        .iter()
        .map(|i| Entry {
            kind: TileKind::Item(i.id),
            weight: u128::from(i.weight),
        })
        .collect();
    if folded.is_empty() {
        return (entries, None);
    }
    let actual: u128 = folded.iter().map(|i| u128::from(i.weight)).sum();
    let kept_weight: u128 = entries.iter().map(|e| e.weight).sum();
    let rest = Entry {
        kind: rest_kind(folded),
        weight: actual.max(weight_for_cells(kept_weight, plan.rest_cells, cells)),
    };
    let at = entries.partition_point(|e| e.weight >= rest.weight);
    entries.insert(at, rest);
    (entries, Some(at))
}

/// The weight that, added to `kept`, would be given `want` of `cells` cells.
fn weight_for_cells(kept: u128, want: u32, cells: u32) -> u128 {
    let (want, cells) = (u128::from(want), u128::from(cells));
    if want >= cells {
        return kept.max(1);
    }
    (kept * want).div_ceil(cells - want)
}

/// Squarifies `entries` (heaviest first) into `area`; one tile per entry, same order.
fn place(entries: &[Entry], area: Rect, cell_aspect: f64) -> Vec<Tile> {
    let mut tiles = Vec::with_capacity(entries.len());
    let mut space = area;
    let mut left: u128 = entries.iter().map(|e| e.weight).sum();
    let mut start = 0;
    while start < entries.len() {
        let end = row_end(entries, start, space, left, cell_aspect);
        let row = &entries[start..end];
        let row_weight: u128 = row.iter().map(|e| e.weight).sum();
        let along_height = is_wide(space, cell_aspect);
        let (strip, rest) = cut_strip(space, row_weight, left, along_height);
        fill_strip(row, strip, row_weight, along_height, &mut tiles);
        space = rest;
        left -= row_weight;
        start = end;
    }
    tiles
}

/// Whether `space` looks at least as wide as tall, so the next row runs down its height.
fn is_wide(space: Rect, cell_aspect: f64) -> bool {
    f64::from(space.width) >= f64::from(space.height) * cell_aspect
}

/// One past the last entry of the row starting at `start`: the row grows while its worst
/// aspect ratio improves.
fn row_end(entries: &[Entry], start: usize, space: Rect, left: u128, cell_aspect: f64) -> usize {
    if space.is_empty() {
        return entries.len();
    }
    let (w, h) = (
        f64::from(space.width),
        f64::from(space.height) * cell_aspect,
    );
    let side = w.min(h);
    let scale = w * h / left as f64;
    let largest = entries[start].weight as f64 * scale;
    let mut sum = largest;
    let mut worst = worst_ratio(side, sum, largest, largest);
    let mut end = start + 1;
    while let Some(next) = entries.get(end) {
        let area = next.weight as f64 * scale;
        let candidate = worst_ratio(side, sum + area, largest, area);
        if candidate > worst {
            break;
        }
        (sum, worst, end) = (sum + area, candidate, end + 1);
    }
    end
}

/// The worst aspect ratio in a row of total area `sum` laid along `side` (Bruls et al.).
fn worst_ratio(side: f64, sum: f64, largest: f64, smallest: f64) -> f64 {
    let (side2, sum2) = (side * side, sum * sum);
    (side2 * largest / sum2).max(sum2 / (side2 * smallest))
}

/// `num / den` rounded to the nearest integer, halves up.
fn round_div(num: u128, den: u128) -> u128 {
    (2 * num + den) / (2 * den)
}

/// Splits off the strip for a row weighing `row_weight` of the `left` still to place:
/// a column at the left when `along_height`, else a band at the top.
fn cut_strip(space: Rect, row_weight: u128, left: u128, along_height: bool) -> (Rect, Rect) {
    let Rect {
        x,
        y,
        width,
        height,
    } = space;
    let total = if along_height { width } else { height };
    // round_div never exceeds `total` because row_weight <= left.
    let thick = round_div(u128::from(total) * row_weight, left) as u16;
    if along_height {
        let strip = Rect::new(x, y, thick, height);
        (strip, Rect::new(x + thick, y, width - thick, height))
    } else {
        let strip = Rect::new(x, y, width, thick);
        (strip, Rect::new(x, y + thick, width, height - thick))
    }
}

/// Divides `strip` among `row` by cumulative boundaries, pushing one tile per entry.
fn fill_strip(
    row: &[Entry],
    strip: Rect,
    row_weight: u128,
    along_height: bool,
    out: &mut Vec<Tile>,
) {
    let len = u128::from(if along_height {
        strip.height
    } else {
        strip.width
    });
    let (mut cum, mut prev) = (0u128, 0u16);
    for entry in row {
        cum += entry.weight;
        let edge = round_div(len * cum, row_weight) as u16;
        let rect = if along_height {
            Rect::new(strip.x, strip.y + prev, strip.width, edge - prev)
        } else {
            Rect::new(strip.x + prev, strip.y, edge - prev, strip.height)
        };
        out.push(Tile {
            kind: entry.kind,
            rect,
        });
        prev = edge;
    }
}

#[cfg(test)]
mod tests;
