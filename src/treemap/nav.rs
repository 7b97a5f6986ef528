//! Moving between laid-out tiles: arrow-key neighbours and mouse hits.

use super::{Rect, Tile};

/// An arrow-key direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Towards row 0.
    Up,
    /// Towards the bottom row.
    Down,
    /// Towards column 0.
    Left,
    /// Towards the rightmost column.
    Right,
}

/// The tile across the `dir` edge of tile `from`, for arrow-key navigation.
///
/// Candidates share a stretch of that edge (touching at a corner is not enough). Among
/// them wins the one whose centre is nearest to `from`'s centre measured along the edge,
/// then the lowest index; distance across the edge is ignored so a wide neighbour does
/// not lose to a narrow one. Empty tiles are skipped. `None` at the area's border.
pub fn neighbor(tiles: &[Tile], from: usize, dir: Direction) -> Option<usize> {
    let origin = tiles.get(from)?.rect;
    if origin.is_empty() {
        return None;
    }
    tiles
        .iter()
        .enumerate()
        .filter(|&(i, t)| i != from && touches(origin, t.rect, dir))
        .min_by_key(|&(i, t)| (offset_along_edge(origin, t.rect, dir), i))
        .map(|(i, _)| i)
}

/// The tile containing cell (`x`, `y`), for mouse clicks.
pub fn hit(tiles: &[Tile], x: u16, y: u16) -> Option<usize> {
    tiles.iter().position(|t| t.rect.contains(x, y))
}

/// Whether `b` lies right across `a`'s `dir` edge and shares part of it.
fn touches(a: Rect, b: Rect, dir: Direction) -> bool {
    if b.is_empty() {
        return false;
    }
    let rows_overlap = overlaps(a.y.into(), a.bottom(), b.y.into(), b.bottom());
    let columns_overlap = overlaps(a.x.into(), a.right(), b.x.into(), b.right());
    match dir {
        Direction::Right => u32::from(b.x) == a.right() && rows_overlap,
        Direction::Left => b.right() == u32::from(a.x) && rows_overlap,
        Direction::Down => u32::from(b.y) == a.bottom() && columns_overlap,
        Direction::Up => b.bottom() == u32::from(a.y) && columns_overlap,
    }
}

/// Whether the half-open ranges `[a0, a1)` and `[b0, b1)` share a point.
fn overlaps(a0: u32, a1: u32, b0: u32, b1: u32) -> bool {
    a0 < b1 && b0 < a1
}

/// Distance between the centres of `a` and `b` along the `dir` edge, in half cells.
fn offset_along_edge(a: Rect, b: Rect, dir: Direction) -> u32 {
    match dir {
        Direction::Left | Direction::Right => {
            (a.bottom() + u32::from(a.y)).abs_diff(b.bottom() + u32::from(b.y))
        }
        Direction::Up | Direction::Down => {
            (a.right() + u32::from(a.x)).abs_diff(b.right() + u32::from(b.x))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::treemap::TileKind;

    /// A (0,0 10x10) on the left; B (10,0 10x3) above C (10,3 10x7) on the right.
    fn three_tiles() -> Vec<Tile> {
        [
            Rect::new(0, 0, 10, 10),
            Rect::new(10, 0, 10, 3),
            Rect::new(10, 3, 10, 7),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, rect)| Tile {
            kind: TileKind::Item(i),
            rect,
        })
        .collect()
    }

    #[test]
    fn moving_right_picks_the_neighbour_whose_centre_is_nearest_along_the_edge() {
        assert_eq!(neighbor(&three_tiles(), 0, Direction::Right), Some(2));
    }

    #[test]
    fn moving_left_from_either_right_tile_reaches_the_tall_tile() {
        let tiles = three_tiles();
        assert_eq!(neighbor(&tiles, 1, Direction::Left), Some(0));
        assert_eq!(neighbor(&tiles, 2, Direction::Left), Some(0));
    }

    #[test]
    fn moving_up_and_down_crosses_the_shared_horizontal_edge() {
        let tiles = three_tiles();
        assert_eq!(neighbor(&tiles, 1, Direction::Down), Some(2));
        assert_eq!(neighbor(&tiles, 2, Direction::Up), Some(1));
    }

    #[test]
    fn moving_off_the_border_or_from_a_missing_tile_finds_nothing() {
        let tiles = three_tiles();
        assert_eq!(neighbor(&tiles, 0, Direction::Left), None);
        assert_eq!(neighbor(&tiles, 0, Direction::Up), None);
        assert_eq!(neighbor(&tiles, 2, Direction::Right), None);
        assert_eq!(neighbor(&tiles, 9, Direction::Right), None);
    }

    #[test]
    fn tiles_touching_only_at_a_corner_are_not_neighbours() {
        let tiles: Vec<Tile> = [Rect::new(0, 0, 2, 2), Rect::new(2, 2, 2, 2)]
            .into_iter()
            .map(|rect| Tile {
                kind: TileKind::Item(0),
                rect,
            })
            .collect();
        assert_eq!(neighbor(&tiles, 0, Direction::Right), None);
        assert_eq!(neighbor(&tiles, 0, Direction::Down), None);
    }

    #[test]
    fn hit_finds_the_tile_under_a_cell_and_nothing_outside() {
        let tiles = three_tiles();
        assert_eq!(hit(&tiles, 0, 0), Some(0));
        assert_eq!(hit(&tiles, 9, 9), Some(0));
        assert_eq!(hit(&tiles, 10, 2), Some(1));
        assert_eq!(hit(&tiles, 19, 9), Some(2));
        assert_eq!(hit(&tiles, 20, 0), None);
        assert_eq!(hit(&tiles, 0, 10), None);
    }
}
