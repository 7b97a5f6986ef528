use ratatui::crossterm::event::KeyModifiers;

use super::*;
use crate::diff::compare;
use crate::diff::tests::{new, old};

fn view() -> DiffView {
    let (o, n) = (old(), new());
    DiffView::new(compare(&o, &n, &[]), &o, &n, Theme::mono())
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn screen(v: &DiffView, width: u16, height: u16) -> String {
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    v.render(area, &mut buf);
    (0..height)
        .map(|y| (0..width).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn keys_map_to_diff_actions() {
    assert_eq!(action_for(key('d')), Some(DiffAction::CycleSize));
    assert_eq!(action_for(key('q')), Some(DiffAction::Quit));
    assert_eq!(action_for(key('3')), Some(DiffAction::Show(Pane::Treemap)));
    assert_eq!(action_for(key('x')), None);
}

#[test]
fn d_cycles_new_old_and_delta_sizes_and_resorts() {
    let mut v = view();
    let first = |v: &DiffView| v.rows()[0].name.clone();
    assert_eq!(first(&v), "SymPy", "largest in the new build");
    v.apply(DiffAction::CycleSize);
    assert_eq!(v.mode, SizeMode::Old);
    assert_eq!(first(&v), "lib", "largest in the old build");
    v.apply(DiffAction::CycleSize);
    assert_eq!(v.mode, SizeMode::Delta);
    assert_eq!(first(&v), "SymPy");
    assert_eq!(v.rows().last().unwrap().name, "six", "unchanged last");
    v.apply(DiffAction::CycleSize);
    assert_eq!(v.mode, SizeMode::New);
}

#[test]
fn the_package_list_shows_old_new_and_delta_with_marks() {
    let v = view();
    let s = screen(&v, 110, 14);
    let sympy = s.lines().find(|l| l.contains("SymPy")).unwrap();
    assert!(
        sympy.contains("0 B") && sympy.contains("▲") && sympy.contains("added"),
        "{sympy}"
    );
    let six = s.lines().find(|l| l.contains(" six ")).unwrap();
    assert!(!six.contains('▲') && !six.contains('▼'), "{six}");
    assert!(
        s.contains("+109.7 KB"),
        "the header shows the total growth:\n{s}"
    );
}

#[test]
fn the_treemap_pane_draws_a_tile_per_package_marked_by_growth() {
    let mut v = view();
    v.apply(DiffAction::Show(Pane::Treemap));
    let s = screen(&v, 100, 20);
    assert!(s.contains("▲SymPy"), "{s}");
    v.apply(DiffAction::Quit);
    assert!(v.is_done());
}

#[test]
fn the_tree_pane_walks_directories_with_old_new_and_delta() {
    let mut v = view();
    v.apply(DiffAction::Show(Pane::Tree));
    let s = screen(&v, 110, 14);
    let lib = s.lines().find(|l| l.contains(" lib/")).unwrap();
    assert!(lib.contains("▲") && lib.contains("+1.3 KB"), "{lib}");
    v.apply(DiffAction::CycleSize);
    v.apply(DiffAction::CycleSize);
    assert_eq!(v.mode, SizeMode::Delta);
    v.apply(DiffAction::Open);
    assert_eq!(v.tree_path(), "SymPy", "the largest change first");
    let s = screen(&v, 110, 14);
    assert!(s.contains("sympy/"), "{s}");
    v.apply(DiffAction::Back);
    assert_eq!(v.tree_path(), "");
}
