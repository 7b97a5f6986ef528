//! The views as components: each handles its keys and answers with an effect for the app,
//! and the registry is the one list the shell reads.

use heft::tui::app::Scope;
use heft::tui::keymap::Action;
use heft::tui::views::{Effect, Item, View, ViewId};
use ratatui::layout::Rect;

use super::sample::{app, dist, press};

#[test]
fn enter_on_a_package_asks_the_app_to_open_the_tree_at_it_without_touching_the_app() {
    let mut app = app();
    app.prepare(Rect::new(0, 0, 120, 40));
    let k8s = dist(&app, "kubernetes");
    let mut packages = app.views.packages.clone();
    let effect = packages.on_action(Action::Enter, &app.props(), &app.screen);
    assert_eq!(effect, Effect::OpenTree(Scope::Dist(k8s)));
    assert_eq!(app.view, ViewId::Packages, "only the app switches views");
}

#[test]
fn space_in_a_view_asks_to_exclude_its_selection_and_in_rules_to_switch_the_rule() {
    let mut app = app();
    app.prepare(Rect::new(0, 0, 120, 40));
    let k8s = dist(&app, "kubernetes");
    let mut packages = app.views.packages.clone();
    let effect = packages.on_action(Action::ToggleExclude, &app.props(), &app.screen);
    assert_eq!(effect, Effect::Exclude(Item::Dist(k8s)));
    press(&mut app, "<Space>");
    let mut rules = app.views.rules;
    let effect = rules.on_action(Action::ToggleExclude, &app.props(), &app.screen);
    assert_eq!(effect, Effect::ToggleRule(0));
}

#[test]
fn the_tab_bar_shows_every_registered_view_in_order() {
    let mut app = app();
    app.prepare(Rect::new(0, 0, 160, 48));
    assert_eq!(app.screen.tabs.len(), ViewId::ALL.len());
    for (i, v) in ViewId::ALL.iter().enumerate() {
        press(&mut app, &(i + 1).to_string());
        assert_eq!(app.view, *v, "digit {} opens the {} view", i + 1, v.title());
    }
}
