//! Every screen as a named snapshot at 80x24 and 160x48, and no panics at any size.

use heft::bundle::{Builder, RootKind, Target};
use heft::load::LoadOptions;
use heft::model::NodeKind;
use heft::scan::{BASE, Progress, ScanEvent, Shard};
use heft::tui::app::{App, Data, SourceInfo};
use heft::tui::event::{Event, draw, run};
use heft::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};

use super::sample::{app, default_limits, press};

pub const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

pub fn screen(app: &mut App, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    draw(&mut terminal, app).unwrap();
    terminal.backend().clone()
}

/// Snapshots the app after `keys` at both sizes as `name_WxH`.
pub fn snap(name: &str, keys: &str) {
    for (w, h) in SIZES {
        let mut app = app();
        // Lay out at the final size first so scrolling and tiles match it.
        screen(&mut app, w, h);
        press(&mut app, keys);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&mut app, w, h));
    }
}

#[test]
fn packages_view_over_the_limit() {
    snap("packages", "");
}

#[test]
fn packages_view_after_excluding_kubernetes_with_its_dependencies() {
    snap("packages_excluded", "x");
}

#[test]
fn packages_view_sorted_by_name_with_a_filter() {
    snap("packages_filtered", "n/o<Enter>");
}

#[test]
fn why_panel_for_a_package_two_chains_pull_in() {
    snap("packages_why", "jjj");
}

#[test]
fn tree_view_at_the_root() {
    snap("tree", "2");
}

#[test]
fn tree_view_of_one_package_with_an_excluded_directory() {
    snap("tree_package", "<Enter><Enter>j<Space>");
}

#[test]
fn tree_view_filtered_below_the_root() {
    snap("tree_filter", "2/test");
}

#[test]
fn treemap_of_all_packages() {
    snap("treemap", "3");
}

#[test]
fn treemap_zoomed_into_a_package() {
    snap("treemap_zoomed", "3<Enter>");
}

#[test]
fn rules_view_after_some_exclusions() {
    snap("rules", "x2jjj<Space>p<Space><Enter>4");
}

#[test]
fn preset_picker_with_savings() {
    snap("presets", "p");
}

#[test]
fn help_overlay() {
    snap("help", "?");
}

#[test]
fn limits_chooser_with_exact_bytes() {
    snap("limits", "L");
}

#[test]
fn export_dialog() {
    snap("export", "<Space>e");
}

#[test]
fn quit_confirmation() {
    snap("confirm_quit", "<Space>q");
}

#[test]
fn item_info_for_a_package() {
    snap("info_package", "<Space>i");
}

#[test]
fn item_info_for_a_directory() {
    snap("info_directory", "2i");
}

#[test]
fn suggestions_to_close_the_overrun() {
    snap("suggestions", "4i");
}

#[test]
fn treemap_small_items_listed() {
    snap("treemap_small_items", "3G<Enter>");
}

#[test]
fn treemap_by_safety() {
    snap("treemap_safety", "3c");
}

#[test]
fn help_scrolled_down() {
    snap("help_scrolled", "?jjjjjjjjjj");
}

#[test]
fn rules_view_with_warnings_and_the_tree_marking_one() {
    snap("tree_warning", "2/testing<Enter><Space>");
}

#[test]
fn the_demo_says_so_in_the_title() {
    for (w, h) in SIZES {
        let info = SourceInfo {
            label: "a chromadb Lambda layer".into(),
            demo: true,
        };
        let data = Data::Ready(Box::new(super::sample::bundle()));
        let mut app = App::new(info, data, &default_limits(), Theme::mono());
        let backend = screen(&mut app, w, h);
        insta::assert_snapshot!(format!("demo_{w}x{h}"), backend);
    }
}

/// A scan that has merged one shard and counted some progress.
pub fn scanning_app() -> App {
    let mut builder = Builder::new(Target::default());
    builder.add_root("/layer".into(), RootKind::SitePackages, 0);
    let mut shard = Shard::new(0, Vec::new());
    let numpy = shard.push(BASE, b"numpy", NodeKind::Dir, 0, 0, 0);
    shard.push(numpy, b"core.so", NodeKind::File, 30 << 20, 30 << 20, 0);
    shard.push(BASE, b"six.py", NodeKind::File, 34_000, 36_864, 0);
    let info = SourceInfo {
        label: "/layer".into(),
        demo: false,
    };
    let data = Data::scanning(builder, LoadOptions::default());
    let mut app = App::new(info, data, &default_limits(), Theme::mono());
    app.on_event(Event::Scan(ScanEvent::Shard(shard)));
    let progress = Progress {
        files: 2,
        dirs: 1,
        bytes: (30 << 20) + 34_000,
    };
    app.on_event(Event::Scan(ScanEvent::Progress(progress)));
    app.tick(std::time::Duration::from_secs(2));
    app
}

#[test]
fn scanning_shows_progress_and_a_growing_tree() {
    for (w, h) in SIZES {
        let mut app = scanning_app();
        insta::assert_snapshot!(format!("scanning_{w}x{h}"), screen(&mut app, w, h));
        press(&mut app, "2");
        insta::assert_snapshot!(format!("scanning_tree_{w}x{h}"), screen(&mut app, w, h));
    }
}

#[test]
fn every_view_and_overlay_draws_at_any_size_without_panicking() {
    let scripts = [
        "",
        "2",
        "2<Enter>",
        "3",
        "3<Enter>",
        "4",
        "x4",
        "?",
        "L",
        "e",
        "<Space>q",
        "/n",
        "i",
        "2i",
        "4i",
        "3G<Enter>",
        "3c",
        "?jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj",
        "p",
    ];
    for keys in scripts {
        for (w, h) in [
            (1, 1),
            (2, 2),
            (10, 3),
            (20, 6),
            (40, 10),
            (79, 23),
            (80, 24),
            (81, 25),
            (300, 90),
        ] {
            let mut app = app();
            screen(&mut app, w, h);
            press(&mut app, keys);
            screen(&mut app, w, h);
        }
    }
}

#[test]
fn the_event_loop_applies_keys_in_order_and_stops_on_quit() {
    let (tx, rx) = crossbeam_channel::unbounded();
    for c in ['j', 'j', 'q'] {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        tx.send(Event::Input(TermEvent::Key(key))).unwrap();
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut app = app();
    run(&mut terminal, &mut app, &rx, None).unwrap();
    assert!(app.should_quit());
    assert_eq!(app.views.packages.list.selected, 2);
}

#[test]
fn the_event_loop_ends_when_every_source_is_gone() {
    let (tx, rx) = crossbeam_channel::unbounded();
    tx.send(Event::Input(TermEvent::Resize(100, 30))).unwrap();
    drop(tx);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut app = app();
    run(&mut terminal, &mut app, &rx, None).unwrap();
    assert!(!app.should_quit());
    assert_eq!(app.size.width, 100);
}

#[test]
fn excluded_rows_are_struck_through_in_the_buffer() {
    let mut app = app();
    screen(&mut app, 80, 24);
    press(&mut app, "<Space>j");
    let backend = screen(&mut app, 80, 24);
    let rows = app.layout().packages_rows;
    let cell = &backend.buffer()[(3, rows.y)];
    assert!(
        cell.modifier
            .contains(ratatui::style::Modifier::CROSSED_OUT),
        "{cell:?}"
    );
}

#[test]
fn a_saved_scan_with_huge_sizes_draws_every_view_without_panicking() {
    let mut file = heft::scanfile::capture(&super::sample::bundle());
    for column in [
        &mut file.nodes.bytes,
        &mut file.nodes.disk,
        &mut file.nodes.zipped,
    ] {
        column.fill(u64::MAX / 3);
    }
    let bundle = heft::scanfile::restore(&file).unwrap();
    let info = SourceInfo {
        label: "huge.heftscan".into(),
        demo: false,
    };
    let data = Data::Ready(Box::new(bundle));
    let mut app = App::new(info, data, &default_limits(), Theme::mono());
    for keys in ["", "<Tab>", "<Tab>", "<Tab>", "<Down><Enter>", "x", "t"] {
        press(&mut app, keys);
        screen(&mut app, 120, 40);
    }
}
