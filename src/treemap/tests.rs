//! Layout tests: exact tiling, weights, folding, and squarified shapes.

use super::*;

/// A tiny deterministic generator (Knuth's MMIX constants), so tests need no rand crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Heavy-tailed weights, like file sizes: a few huge, many tiny, some zero.
fn random_items(rng: &mut Lcg, n: usize) -> Vec<Item> {
    (0..n)
        .map(|id| {
            let base = rng.below(1000);
            let weight = match rng.below(10) {
                0 => 0,
                1 => base * base * base,
                _ => base,
            };
            Item { id, weight }
        })
        .collect()
}

/// Panics unless every cell of `area` lies in exactly one tile and no tile leaves it.
fn assert_tiles_cover_exactly(tiles: &[Tile], area: Rect) {
    let (w, h) = (usize::from(area.width), usize::from(area.height));
    let mut hits = vec![0u8; w * h];
    for tile in tiles {
        let r = tile.rect;
        assert!(
            r.x >= area.x && r.right() <= area.right(),
            "{r:?} leaves {area:?}"
        );
        assert!(
            r.y >= area.y && r.bottom() <= area.bottom(),
            "{r:?} leaves {area:?}"
        );
        for y in r.y..r.y + r.height {
            for x in r.x..r.x + r.width {
                hits[usize::from(y - area.y) * w + usize::from(x - area.x)] += 1;
            }
        }
    }
    assert!(
        hits.iter().all(|&n| n == 1),
        "gaps or overlaps in {tiles:?}"
    );
    let total: u32 = tiles.iter().map(|t| t.rect.area()).sum();
    assert_eq!(total, area.area());
}

/// Total weight shown by `tiles`, looking item weights up by id.
fn shown_weight(tiles: &[Tile], items: &[Item]) -> u64 {
    tiles
        .iter()
        .map(|t| match t.kind {
            TileKind::Item(id) => items[id].weight,
            TileKind::Rest { weight, .. } => weight,
        })
        .sum()
}

fn folded_count(tiles: &[Tile]) -> usize {
    tiles
        .iter()
        .map(|t| match t.kind {
            TileKind::Item(_) => 1,
            TileKind::Rest { count, .. } => count,
        })
        .sum()
}

/// Worst width:height (either way round) with cell height counted `cell_aspect` times.
fn worst_aspect(tiles: &[Tile], cell_aspect: f64) -> f64 {
    tiles
        .iter()
        .map(|t| {
            let (w, h) = (
                f64::from(t.rect.width),
                f64::from(t.rect.height) * cell_aspect,
            );
            (w / h).max(h / w)
        })
        .fold(1.0, f64::max)
}

fn weights(ws: &[u64]) -> Vec<Item> {
    ws.iter()
        .enumerate()
        .map(|(id, &weight)| Item { id, weight })
        .collect()
}

#[test]
fn tiles_cover_the_area_exactly_and_keep_every_weight_for_random_inputs() {
    let mut rng = Lcg(42);
    for _ in 0..300 {
        let n = rng.below(400) as usize;
        let items = random_items(&mut rng, n);
        let area = Rect::new(
            rng.below(5) as u16,
            rng.below(5) as u16,
            1 + rng.below(150) as u16,
            1 + rng.below(60) as u16,
        );
        let opts = LayoutOptions {
            min_width: rng.below(8) as u16,
            min_height: rng.below(3) as u16,
            ..LayoutOptions::default()
        };
        let tiles = layout(&items, area, &opts);
        let nonzero: Vec<&Item> = items.iter().filter(|i| i.weight > 0).collect();
        assert_eq!(
            shown_weight(&tiles, &items),
            nonzero.iter().map(|i| i.weight).sum::<u64>()
        );
        assert_eq!(folded_count(&tiles), nonzero.len());
        if !nonzero.is_empty() {
            assert_tiles_cover_exactly(&tiles, area);
        }
        if tiles.len() > 1 {
            assert!(
                tiles.iter().all(|t| opts.fits(t.rect)),
                "a tile below minimum in {tiles:?}"
            );
        }
    }
}

#[test]
fn squarified_tiles_are_squarer_than_slice_and_dice_on_the_papers_example() {
    // Bruls et al.'s figure: weights 6 6 4 3 2 2 1 in a 6x4 rectangle, here 60x40 square cells.
    let ws = [6, 6, 4, 3, 2, 2, 1];
    let opts = LayoutOptions {
        cell_aspect: 1.0,
        min_width: 1,
        min_height: 1,
    };
    let tiles = layout(&weights(&ws), Rect::new(0, 0, 60, 40), &opts);
    assert_eq!(
        tiles[0].rect,
        Rect::new(0, 0, 30, 20),
        "the two 6s share the first column"
    );
    assert_eq!(tiles[1].rect, Rect::new(0, 20, 30, 20));
    let slice_and_dice = ws
        .iter()
        .map(|&w| {
            let width = 60.0 * w as f64 / 24.0;
            (width / 40.0).max(40.0 / width)
        })
        .fold(1.0, f64::max);
    let squarified = worst_aspect(&tiles, 1.0);
    assert!(squarified < 3.0, "worst squarified aspect {squarified}");
    assert!(
        squarified < slice_and_dice / 5.0,
        "{squarified} vs slice-and-dice {slice_and_dice}"
    );
}

#[test]
fn tall_terminal_cells_widen_the_tiles() {
    // Four equal items in a 40x20 area of 2:1 cells look like an 80x40 square: a 2x2 grid.
    let tiles = layout(
        &weights(&[1, 1, 1, 1]),
        Rect::new(0, 0, 40, 20),
        &LayoutOptions::default(),
    );
    assert!(
        tiles
            .iter()
            .all(|t| t.rect.width == 20 && t.rect.height == 10),
        "{tiles:?}"
    );
}

#[test]
fn many_tiny_items_collapse_into_one_rest_tile_with_their_count_and_weight() {
    let mut ws = vec![1_000_000, 500_000];
    ws.extend(std::iter::repeat_n(1, 1000));
    let tiles = layout(
        &weights(&ws),
        Rect::new(0, 0, 40, 10),
        &LayoutOptions::default(),
    );
    assert_eq!(tiles[0].kind, TileKind::Item(0));
    assert_eq!(tiles[1].kind, TileKind::Item(1));
    let rests: Vec<TileKind> = tiles
        .iter()
        .map(|t| t.kind)
        .filter(|k| matches!(k, TileKind::Rest { .. }))
        .collect();
    assert_eq!(
        rests,
        [TileKind::Rest {
            count: 1000,
            weight: 1000
        }]
    );
    assert!(
        tiles.iter().all(|t| LayoutOptions::default().fits(t.rect)),
        "the rest tile is visible"
    );
    assert_tiles_cover_exactly(&tiles, Rect::new(0, 0, 40, 10));
}

#[test]
fn a_rest_of_one_item_is_shown_as_that_item() {
    let tiles = layout(
        &weights(&[1000, 1]),
        Rect::new(0, 0, 40, 10),
        &LayoutOptions::default(),
    );
    let kinds: Vec<TileKind> = tiles.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, [TileKind::Item(0), TileKind::Item(1)]);
}

#[test]
fn empty_input_and_all_zero_weights_give_no_tiles() {
    let area = Rect::new(0, 0, 10, 10);
    assert!(layout(&[], area, &LayoutOptions::default()).is_empty());
    assert!(layout(&weights(&[0, 0]), area, &LayoutOptions::default()).is_empty());
}

#[test]
fn zero_area_folds_everything_into_one_empty_tile() {
    let area = Rect::new(3, 3, 0, 10);
    let tiles = layout(&weights(&[5, 7, 0]), area, &LayoutOptions::default());
    assert_eq!(
        tiles,
        [Tile {
            kind: TileKind::Rest {
                count: 2,
                weight: 12
            },
            rect: area
        }]
    );
}

#[test]
fn a_single_item_fills_the_area() {
    let area = Rect::new(2, 1, 30, 9);
    let tiles = layout(&weights(&[0, 123]), area, &LayoutOptions::default());
    assert_eq!(
        tiles,
        [Tile {
            kind: TileKind::Item(1),
            rect: area
        }]
    );
}

#[test]
fn an_area_below_the_minimum_still_shows_everything_in_one_tile() {
    let area = Rect::new(0, 0, 3, 1);
    let tiles = layout(&weights(&[9, 9, 9]), area, &LayoutOptions::default());
    assert_eq!(
        tiles,
        [Tile {
            kind: TileKind::Rest {
                count: 3,
                weight: 27
            },
            rect: area
        }]
    );
}

#[test]
fn an_area_past_the_coordinate_limit_is_clipped() {
    let tiles = layout(
        &weights(&[1, 1]),
        Rect::new(u16::MAX - 10, 0, 100, 5),
        &LayoutOptions::default(),
    );
    assert!(
        tiles.iter().all(|t| u16::try_from(t.rect.right()).is_ok()),
        "{tiles:?}"
    );
    assert_tiles_cover_exactly(&tiles, Rect::new(u16::MAX - 10, 0, 10, 5));
}

#[test]
fn ten_thousand_items_lay_out_into_a_full_screen() {
    // Speed belongs in benchmarks; this checks the large case stays exact.
    let items = random_items(&mut Lcg(7), 10_000);
    let area = Rect::new(0, 0, 200, 60);
    let tiles = layout(&items, area, &LayoutOptions::default());
    assert_tiles_cover_exactly(&tiles, area);
    assert_eq!(
        folded_count(&tiles),
        items.iter().filter(|i| i.weight > 0).count()
    );
}

#[test]
fn every_tile_off_the_border_has_a_neighbour_that_touches_it() {
    let items = random_items(&mut Lcg(3), 200);
    let area = Rect::new(0, 0, 120, 40);
    let tiles = layout(&items, area, &LayoutOptions::default());
    for (i, t) in tiles.iter().enumerate() {
        let r = t.rect;
        let right = neighbor(&tiles, i, Direction::Right);
        assert_eq!(right.is_some(), r.right() < area.right(), "right of {r:?}");
        if let Some(j) = right {
            assert_eq!(u32::from(tiles[j].rect.x), r.right());
        }
        let down = neighbor(&tiles, i, Direction::Down);
        assert_eq!(down.is_some(), r.bottom() < area.bottom(), "below {r:?}");
        assert_eq!(hit(&tiles, r.x, r.y), Some(i));
    }
}
