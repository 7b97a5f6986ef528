//! Scripted journeys: keys in, state (and the exported file) checked.

use heft::tui::app::{Overlay, PkgColumn, PkgRow, Scope, TileItem};
use heft::tui::exclusions::Reason;
use heft::tui::views::ViewId;
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::sample::{app, dist, press};

#[test]
fn space_excludes_the_selected_package_and_undo_redo_move_the_gauge_back_and_forth() {
    let mut app = app();
    let total = app.kept_totals().bytes;
    let k8s = dist(&app, "kubernetes");
    assert_eq!(
        app.views.packages.selected(),
        Some(PkgRow::Dist(k8s)),
        "largest package first"
    );
    let k8s_bytes = app.bundle().dist(k8s).sizes.bytes;
    press(&mut app, "<Space>");
    assert_eq!(excluded(&app), ["kubernetes"]);
    let pycache = 300_001;
    let after = total - k8s_bytes - pycache;
    assert_eq!(
        app.kept_totals().bytes,
        after,
        "the gauge drops by the package's bytes and the __pycache__ only it had"
    );
    press(&mut app, "u");
    assert_eq!(app.kept_totals().bytes, total, "undo keeps it again");
    press(&mut app, "<C-r>");
    assert_eq!(app.kept_totals().bytes, after, "redo excludes it again");
    assert!(app.unexported, "changes are marked unexported");
}

#[test]
fn x_excludes_a_package_with_only_the_dependencies_nothing_else_needs() {
    let mut app = app();
    press(&mut app, "x");
    assert_eq!(
        excluded(&app),
        ["kubernetes", "urllib3", "requests-oauthlib", "oauthlib"]
    );
    assert_eq!(app.rule_count(), 1, "one dist-deps rule");
    let onnx = dist(&app, "onnxruntime");
    let row = app
        .views
        .packages
        .rows
        .iter()
        .position(|r| *r == PkgRow::Dist(onnx))
        .unwrap();
    app.views.packages.list.selected = row;
    press(&mut app, "x");
    assert!(excluded(&app).contains(&"onnxruntime".to_string()));
    assert!(
        !excluded(&app).contains(&"numpy".to_string()),
        "chromadb still needs numpy"
    );
    press(&mut app, "x");
    assert!(
        !excluded(&app).contains(&"onnxruntime".to_string()),
        "x again drops the rule"
    );
}

/// Keys of the distributions with no file left.
fn excluded(app: &heft::tui::app::App) -> Vec<String> {
    let b = app.bundle();
    (0..b.dists.len())
        .map(|i| heft::model::DistId(i as u32))
        .filter(|d| app.exclusions.dist_kept(b, *d).files == 0)
        .map(|d| b.dist(d).key.clone())
        .collect()
}

#[test]
fn o_cycles_sort_columns_and_capital_s_reverses_the_order() {
    let mut app = app();
    press(&mut app, "ooo");
    assert_eq!(app.views.packages.sort, PkgColumn::Name);
    let names: Vec<String> = app
        .views
        .packages
        .rows
        .iter()
        .filter_map(|r| match r {
            PkgRow::Dist(d) => Some(app.bundle().dist(*d).name.clone()),
            PkgRow::Unowned => None,
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "sorted by name, A first");
    press(&mut app, "S");
    assert_eq!(
        app.views.packages.rows.first(),
        Some(&PkgRow::Dist(dist(&app, "urllib3"))),
        "reversed: Z first"
    );
    assert_eq!(
        app.views.packages.rows.last(),
        Some(&PkgRow::Unowned),
        "the unowned files stay last"
    );
}

#[test]
fn enter_on_a_package_opens_its_files_in_the_tree_and_backspace_returns_to_all_files() {
    let mut app = app();
    let k8s = dist(&app, "kubernetes");
    press(&mut app, "<Enter>");
    assert_eq!(app.view, ViewId::Tree);
    assert_eq!(app.views.tree.scope, Scope::Dist(k8s));
    let names: Vec<String> = app
        .views
        .tree
        .rows
        .iter()
        .map(|r| app.bundle().tree.display_name(r.id).into_owned())
        .collect();
    assert_eq!(names, ["kubernetes", "kubernetes-37.0.2.dist-info"]);
    let pyc = app
        .views
        .tree
        .sizes(&app.exclusions, &app.views.tree.rows[0])
        .0
        .bytes;
    assert_eq!(
        pyc,
        117 * 1024 * 1024,
        "the unowned __pycache__ inside does not count"
    );
    press(&mut app, "<Bksp>");
    assert_eq!(
        app.views.tree.scope,
        Scope::All,
        "out of the package's files, onto all files"
    );
}

#[test]
fn tree_enter_descends_and_backspace_comes_back_to_the_same_row() {
    let mut app = app();
    press(&mut app, "2j");
    let second = app.views.tree.selected().unwrap();
    press(&mut app, "<Enter>");
    assert_eq!(app.views.tree.dir, second);
    press(&mut app, "<Bksp>");
    assert_eq!(
        app.views.tree.selected(),
        Some(second),
        "the directory just left is selected"
    );
}

#[test]
fn excluding_a_directory_in_the_tree_marks_it_and_its_package_as_partly_excluded() {
    let mut app = app();
    press(&mut app, "2<Enter>");
    let test_dir = app
        .views
        .tree
        .rows
        .iter()
        .find(|r| app.bundle().tree.name(r.id) == b"test")
        .unwrap()
        .id;
    let row = app
        .views
        .tree
        .rows
        .iter()
        .position(|r| r.id == test_dir)
        .unwrap();
    app.views.tree.list.selected = row;
    press(&mut app, "<Space>");
    assert_eq!(app.exclusions.reason(test_dir), Reason::Rule(0));
    assert_eq!(app.rule_name(0), "path kubernetes/test (root 0)");
    let k8s = dist(&app, "kubernetes");
    let kept = app.exclusions.dist_kept(app.bundle(), k8s).bytes;
    assert_eq!(app.bundle().dist(k8s).sizes.bytes - kept, 7 * 1024 * 1024);
    press(&mut app, "4");
    assert_eq!(app.rule_count(), 1, "the Rules view lists the exclusion");
    press(&mut app, "d");
    assert_eq!(
        app.exclusions.reason(test_dir),
        Reason::Kept,
        "deleting it there keeps the files again"
    );
}

#[test]
fn treemap_arrows_move_enter_zooms_into_a_package_and_backspace_zooms_out() {
    let mut app = app();
    app.set_size(Rect::new(0, 0, 120, 40));
    press(&mut app, "3");
    assert_eq!(
        app.views.treemap.selected_item(),
        Some(TileItem::Dist(dist(&app, "kubernetes")))
    );
    press(&mut app, "<Right>");
    assert_ne!(
        app.views.treemap.selected, 0,
        "an arrow moves to a neighbouring tile"
    );
    press(&mut app, "<Left><Enter>");
    assert!(matches!(
        app.views.treemap.focus,
        heft::tui::app::Focus::Node(_, Scope::Dist(_))
    ));
    assert!(app.views.treemap.tiles.len() >= 2);
    press(&mut app, "<Bksp>");
    assert_eq!(app.views.treemap.focus, heft::tui::app::Focus::Packages);
}

#[test]
fn filtering_as_you_type_narrows_rows_and_escape_drops_the_filter() {
    let mut app = app();
    press(&mut app, "/num");
    assert_eq!(app.views.packages.rows, [PkgRow::Dist(dist(&app, "numpy"))]);
    press(&mut app, "<Enter>");
    assert!(
        !app.filtering,
        "Enter keeps the filter and returns to browsing"
    );
    press(&mut app, "<Esc>");
    assert!(app.views.packages.rows.len() > 5, "Esc drops the filter");
    press(&mut app, "2/test");
    let paths: Vec<String> = app
        .views
        .tree
        .rows
        .iter()
        .map(|r| app.views.tree.label(&app.bundle().tree, r))
        .collect();
    assert!(paths.contains(&"kubernetes/test".to_string()), "{paths:?}");
    assert!(paths.contains(&"numpy/testing".to_string()), "{paths:?}");
    assert!(paths.iter().all(|p| p.contains("test")));
}

#[test]
fn export_writes_atomically_and_asks_before_overwriting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exclusions.json");
    let mut app = app();
    press(&mut app, "<Space>e");
    let Some(Overlay::Export(d)) = &app.overlay else {
        panic!("the export dialog opens")
    };
    assert_eq!(d.path, "heft-manifest.json", "the default file name");
    let erase = "<Bksp>".repeat(d.path.len());
    press(&mut app, &format!("{erase}{}<Enter>", path.display()));
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(!app.unexported);
    let text = std::fs::read_to_string(&path).unwrap();
    let manifest = heft::manifest::Manifest::from_json(&text).unwrap();
    assert_eq!(
        manifest.rules,
        [heft::rules::Rule::dist("kubernetes", false)]
    );
    assert!(
        manifest.excluded.iter().any(|e| e.path == "kubernetes"),
        "{:?}",
        manifest.excluded
    );
    press(&mut app, "e");
    press(&mut app, &format!("{erase}{}<Enter>", path.display()));
    assert!(
        matches!(app.overlay, Some(Overlay::ConfirmOverwrite(_))),
        "an existing file is not overwritten silently"
    );
    press(&mut app, "n");
    assert!(
        matches!(app.overlay, Some(Overlay::Export(_))),
        "no goes back to the dialog"
    );
    press(&mut app, "<Enter>y");
    assert!(app.overlay.is_none());
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temp file is left behind");
}

#[test]
fn rules_switch_off_move_and_presets_add_their_rules() {
    let mut app = app();
    press(&mut app, "<Space>j<Space>");
    assert_eq!(app.rule_count(), 2);
    let both = app.kept_totals().bytes;
    press(&mut app, "4<Space>");
    assert!(
        app.kept_totals().bytes > both,
        "the first rule is switched off"
    );
    press(&mut app, "J");
    assert_eq!(
        app.views.rules.list.selected, 1,
        "the selection follows the moved rule"
    );
    assert_eq!(app.rule_name(1), "dist kubernetes");
    press(&mut app, "p");
    let Some(Overlay::Presets { choices, .. }) = &app.overlay else {
        panic!("presets open")
    };
    let tests = choices.iter().position(|c| c.name == "tests-dirs").unwrap();
    assert!(
        choices[tests].saving.bytes > 0,
        "tests-dirs would save something: {choices:?}"
    );
    let before = app.kept_totals().bytes;
    press(
        &mut app,
        &format!("{}<Space><Enter>", "<Down>".repeat(tests)),
    );
    assert!(app.overlay.is_none());
    assert!(app.kept_totals().bytes < before, "the preset's rules apply");
    assert!(app.rule_count() > 2);
}

#[test]
fn an_exported_manifest_resumes_the_same_decision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let mut first = app();
    press(&mut first, "x2jjj<Space>");
    let kept = first.kept_totals();
    let erase = "<Bksp>".repeat(first.default_export.len());
    press(&mut first, &format!("e{erase}{}<Enter>", path.display()));
    let manifest =
        heft::manifest::Manifest::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut second = app();
    second.start_rules(manifest.rules);
    assert_eq!(
        second.kept_totals(),
        kept,
        "the same rules leave the same bytes"
    );
    assert_eq!(second.rule_count(), 2);
}

#[test]
fn safety_colours_mark_test_directories_as_caution() {
    let mut app = app();
    press(&mut app, "3c");
    let levels = app.safety.as_ref().expect("computed on first use");
    let b = app.bundle();
    let tests = b.tree.resolve(b.roots[0].node, b"kubernetes/test").unwrap();
    assert_eq!(levels[tests.index()], 1);
}

#[test]
fn quitting_with_unexported_changes_asks_first() {
    let mut app = app();
    press(&mut app, "<Space>q");
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    press(&mut app, "n");
    assert!(!app.should_quit());
    press(&mut app, "qy");
    assert!(app.should_quit());
}

#[test]
fn quitting_without_changes_needs_no_answer() {
    let mut app = app();
    press(&mut app, "q");
    assert!(app.should_quit());
}

#[test]
fn the_limits_chooser_switches_gauges_on_and_off() {
    let mut app = app();
    let active = |app: &heft::tui::app::App| app.limits.iter().filter(|l| l.active).count();
    assert_eq!(active(&app), 2);
    press(&mut app, "L<Down><Down><Space><Esc>");
    assert_eq!(active(&app), 3);
    assert!(app.overlay.is_none());
}

#[test]
fn a_measure_toggle_changes_what_the_tree_sorts_and_shows() {
    let mut app = app();
    press(&mut app, "2aa");
    assert_eq!(app.measure, heft::tui::app::Measure::Zipped);
    press(&mut app, "a");
    assert_eq!(app.measure, heft::tui::app::Measure::Apparent);
}

#[test]
fn clicking_a_row_selects_it_and_clicking_it_again_opens_it() {
    let mut app = app();
    let rows = app.layout().packages_rows;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 3,
        row: rows.y + 2,
        modifiers: KeyModifiers::NONE,
    };
    app.on_mouse(click);
    assert_eq!(app.views.packages.list.selected, 2);
    app.on_mouse(click);
    assert_eq!(app.view, ViewId::Tree, "a second click opens the package");
}

#[test]
fn the_wheel_scrolls_the_list() {
    let mut app = app();
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 3,
        row: 8,
        modifiers: KeyModifiers::NONE,
    };
    app.set_size(Rect::new(0, 0, 80, 10));
    app.on_mouse(wheel);
    assert!(app.views.packages.list.offset > 0);
}
