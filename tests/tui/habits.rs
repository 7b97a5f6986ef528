//! What ncdu, dua and gdu users expect: l/→ enter, n/s/z sort, item info, help that
//! scrolls, suggestions for an overrun, r rescans.

use heft::tui::app::{Data, Overlay, PkgColumn, PkgRow, Scope};
use heft::tui::event::Event;
use heft::tui::views::ViewId;

use super::sample::{app, dist, press};
use super::truth::{lines, shows};
use crate::fixture::{Fixture, dist as installed};

#[test]
fn l_and_right_open_a_package_and_a_directory_like_enter() {
    let mut app = app();
    press(&mut app, "l");
    assert_eq!(app.view, ViewId::Tree);
    assert_eq!(app.views.tree.scope, Scope::Dist(dist(&app, "kubernetes")));
    let dir = app.views.tree.dir;
    press(&mut app, "<Right>");
    assert_ne!(app.views.tree.dir, dir, "→ descends");
    press(&mut app, "h");
    assert_eq!(app.views.tree.dir, dir, "h comes back");
}

#[test]
fn capital_l_opens_the_limit_chooser() {
    let mut app = app();
    press(&mut app, "L");
    assert!(matches!(app.overlay, Some(Overlay::Limits { .. })));
}

#[test]
fn n_s_and_z_sort_directly_and_again_flips_the_direction() {
    let mut app = app();
    press(&mut app, "n");
    assert_eq!(
        (app.views.packages.sort, app.views.packages.reversed),
        (PkgColumn::Name, false)
    );
    let first = app.views.packages.rows[0];
    press(&mut app, "n");
    assert!(app.views.packages.reversed, "n again flips");
    assert_ne!(app.views.packages.rows[0], first);
    press(&mut app, "z");
    assert_eq!(
        (app.views.packages.sort, app.views.packages.reversed),
        (PkgColumn::Zipped, false)
    );
    press(&mut app, "s");
    assert_eq!(app.views.packages.sort, PkgColumn::Bytes);
    press(&mut app, "2z");
    assert_eq!(
        app.measure.label(),
        "zipped",
        "z in the Tree sorts by zipped size"
    );
}

#[test]
fn i_shows_item_info_with_exact_bytes_owner_rule_and_what_x_takes() {
    let mut app = app();
    press(&mut app, "i");
    let Some(Overlay::Text { lines: info, .. }) = &app.overlay else {
        panic!("info opens: {:?}", app.overlay)
    };
    let text = info.join("\n");
    assert!(text.contains(" B)\ndisk"), "exact bytes: {text}");
    assert!(text.contains("required by chromadb"), "{text}");
    assert!(
        text.contains("x excludes it with 3 dependencies only it needs"),
        "{text}"
    );
    press(&mut app, "<Esc>2<Down>/so<Enter>i");
    let Some(Overlay::Text { lines: info, .. }) = &app.overlay else {
        panic!("info opens in the Tree")
    };
    let text = info.join("\n");
    assert!(text.contains("owned by"), "{text}");
}

#[test]
fn help_scrolls_with_a_position_and_stops_at_the_end() {
    let mut app = app();
    press(&mut app, "?");
    let screen = lines(&mut app, 80, 24);
    assert!(
        shows(&screen, "1-20 of"),
        "position in the title: {}",
        screen[2]
    );
    assert!(shows(&screen, "↓ more"));
    press(&mut app, &"<Down>".repeat(200));
    let Some(Overlay::Help { scroll }) = app.overlay else {
        panic!("help stays open while scrolling")
    };
    // Rows as drawn at 80 columns: long descriptions take two.
    let total = heft::tui::text::help_rows(&heft::tui::views::help_lines(), 80).len();
    assert_eq!(scroll, total - 20, "never past the end");
    let screen = lines(&mut app, 80, 24);
    assert!(shows(&screen, &format!("of {total} ↑")), "{screen:#?}");
}

#[test]
fn every_browse_binding_is_in_help() {
    let help = heft::tui::views::help_lines();
    for b in heft::tui::keymap::BROWSE {
        assert!(help.iter().any(|(_, h)| *h == b.help), "{}", b.help);
    }
}

#[test]
fn the_rules_view_i_suggests_what_closes_the_overrun() {
    let mut app = app();
    press(&mut app, "4i");
    let Some(Overlay::Text { lines: s, .. }) = &app.overlay else {
        panic!("suggestions open")
    };
    let text = s.join("\n");
    assert!(text.contains("aws-lambda: over by"), "{text}");
    assert!(text.contains("kubernetes"), "{text}");
}

/// Starts over on a scan of `paths`, as `r` does, and applies its events to the end.
fn rescan(app: &mut heft::tui::app::App, paths: &[std::path::PathBuf]) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let data = heft::tui::scanwork::start(paths, &app.load.clone(), &tx).unwrap();
    app.restart_scan(data);
    assert!(matches!(app.data, Data::Scanning(_)));
    for e in &rx {
        let done = matches!(e, Event::ScanDone);
        app.on_event(e);
        if done {
            break;
        }
    }
    super::sample::finish_scan(app);
}

#[test]
fn r_rescans_the_inputs_and_applies_the_rules_again() {
    let fx = Fixture::new();
    let dir = fx.dir("site");
    installed("bigpkg", "1.0")
        .file("bigpkg/__init__.py", 40_000)
        .install(&dir);
    installed("smallpkg", "2.0")
        .file("smallpkg/__init__.py", 900)
        .install(&dir);
    let mut app = app();
    press(&mut app, "r");
    assert!(!app.take_rescan(), "nothing to rescan without inputs");
    assert!(
        app.message
            .as_deref()
            .unwrap_or("")
            .contains("cannot be rescanned")
    );
    app.inputs = vec![dir.clone()];
    press(&mut app, "r");
    assert!(app.take_rescan());
    let inputs = app.inputs.clone();
    rescan(&mut app, &inputs);
    assert!(
        app.bundle().dist_by_key("bigpkg").is_some(),
        "the new scan is shown"
    );
    assert_eq!(
        app.views.packages.rows.first(),
        Some(&PkgRow::Dist(dist(&app, "bigpkg")))
    );
}

#[test]
fn the_scan_summary_counts_the_files_inside_a_zip_layer() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    installed("bigpkg", "1.0")
        .file("bigpkg/__init__.py", 40_000)
        .install(&site);
    let layer = fx.path().join("layer.zip");
    crate::bundles::zip_dir(&site, "python/", &layer);
    let mut app = app();
    rescan(&mut app, &[layer]);
    let said = app.message.clone().unwrap_or_default();
    let files = app.bundle().totals().files;
    assert!(files >= 3, "{files}");
    assert!(
        said.starts_with(&format!("scanned {files} files, ")),
        "{said}"
    );
    press(&mut app, "2a");
    let screen = lines(&mut app, 120, 30);
    let heading = screen.iter().find(|l| l.contains("disk sizes")).unwrap();
    assert!(
        heading.contains("is the .zip itself"),
        "the zip's own disk bytes are named: {heading}"
    );
}

#[test]
fn a_totals_bar_shows_before_excluded_after_the_sort_and_the_row_in_every_view() {
    let mut app = app();
    press(&mut app, "<Space>jj");
    for view in ["1", "2", "3", "4"] {
        press(&mut app, view);
        let screen = lines(&mut app, 120, 30);
        let bar = &screen[28];
        assert!(
            bar.contains("before 323.1 MB · excluded 117.3 MB (36.3%) · after"),
            "view {view}: {bar}"
        );
    }
    press(&mut app, "1");
    let screen = lines(&mut app, 120, 30);
    assert!(screen[28].contains("sort bytes▼"), "{}", screen[28]);
    assert!(screen[28].contains("row 3/9"), "{}", screen[28]);
}

#[test]
fn the_readme_key_table_names_every_key_binding() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table: String = readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .collect::<Vec<_>>()
        .join("\n");
    for b in heft::tui::keymap::BROWSE {
        for k in b.keys {
            let label = k.label();
            let named = table.contains(&format!("`{label}"))
                || table.contains(&format!(" {label}`"))
                || table.contains(&format!("`{label}`"))
                || (label.len() == 1 && label.chars().all(|c| c.is_ascii_digit()));
            assert!(named, "README's key table lacks {label} ({})", b.help);
        }
    }
}

#[test]
fn the_why_panel_previews_what_x_would_take() {
    let mut app = app();
    let screen = lines(&mut app, 120, 40);
    assert!(
        shows(
            &screen,
            "x would also exclude: oauthlib, requests-oauthlib, urllib3"
        ),
        "{screen:#?}"
    );
}
