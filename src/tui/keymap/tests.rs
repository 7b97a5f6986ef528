use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn browse(code: KeyCode) -> Option<Action> {
    action_for(Mode::Browse, key(code))
}

#[test]
fn arrows_and_vi_keys_move_in_browse_mode() {
    assert_eq!(browse(KeyCode::Up), Some(Action::Up));
    assert_eq!(browse(KeyCode::Char('k')), Some(Action::Up));
    assert_eq!(browse(KeyCode::Char('j')), Some(Action::Down));
    assert_eq!(browse(KeyCode::Char('h')), Some(Action::Left));
    assert_eq!(browse(KeyCode::Left), Some(Action::Left));
}

#[test]
fn l_right_and_enter_open_as_in_ncdu_and_capital_l_chooses_limits() {
    for code in [KeyCode::Char('l'), KeyCode::Right] {
        assert_eq!(browse(code), Some(Action::Right), "{code:?}");
    }
    assert_eq!(browse(KeyCode::Enter), Some(Action::Enter));
    assert_eq!(browse(KeyCode::Char('L')), Some(Action::Limits));
}

#[test]
fn n_s_and_z_sort_directly() {
    assert_eq!(
        browse(KeyCode::Char('n')),
        Some(Action::SortBy(SortKey::Name))
    );
    assert_eq!(
        browse(KeyCode::Char('s')),
        Some(Action::SortBy(SortKey::Size))
    );
    assert_eq!(
        browse(KeyCode::Char('z')),
        Some(Action::SortBy(SortKey::Zipped))
    );
}

#[test]
fn no_key_is_bound_twice_in_browse_mode() {
    let mut seen = Vec::new();
    for b in BROWSE {
        for k in b.keys {
            assert!(!seen.contains(k), "{} is bound twice", k.label());
            seen.push(*k);
        }
    }
}

#[test]
fn digits_jump_to_views_in_tab_order() {
    assert_eq!(browse(KeyCode::Char('1')), Some(Action::View(0)));
    assert_eq!(browse(KeyCode::Char('3')), Some(Action::View(2)));
    assert_eq!(browse(KeyCode::Char('4')), Some(Action::View(3)));
    // Digits past the last view mean nothing to the app (it checks the registry).
    assert_eq!(browse(KeyCode::Char('5')), Some(Action::View(4)));
}

#[test]
fn tab_cycles_views_both_ways_and_wraps() {
    assert_eq!(browse(KeyCode::Tab), Some(Action::NextView));
    assert_eq!(browse(KeyCode::BackTab), Some(Action::PrevView));
}

#[test]
fn undo_and_redo_are_u_and_ctrl_r() {
    assert_eq!(browse(KeyCode::Char('u')), Some(Action::Undo));
    assert_eq!(action_for(Mode::Browse, ctrl('r')), Some(Action::Redo));
}

#[test]
fn ctrl_c_means_quit_from_every_mode() {
    for mode in [
        Mode::Browse,
        Mode::Filter,
        Mode::Help,
        Mode::Pick,
        Mode::Input,
        Mode::Confirm,
    ] {
        assert_eq!(
            action_for(mode, ctrl('c')),
            Some(Action::Interrupt),
            "{mode:?}"
        );
    }
}

#[test]
fn typing_in_a_filter_types_letters_that_browse_would_act_on() {
    assert_eq!(
        action_for(Mode::Filter, key(KeyCode::Char('q'))),
        Some(Action::Type('q'))
    );
    assert_eq!(
        action_for(Mode::Filter, key(KeyCode::Backspace)),
        Some(Action::Erase)
    );
    assert_eq!(
        action_for(Mode::Filter, key(KeyCode::Esc)),
        Some(Action::Cancel)
    );
}

#[test]
fn any_other_key_closes_help() {
    assert_eq!(
        action_for(Mode::Help, key(KeyCode::Char('?'))),
        Some(Action::Cancel)
    );
    assert_eq!(
        action_for(Mode::Help, key(KeyCode::Char('j'))),
        Some(Action::Down)
    );
}

#[test]
fn confirm_takes_y_or_enter_as_yes_and_n_or_esc_as_no() {
    assert_eq!(
        action_for(Mode::Confirm, key(KeyCode::Char('y'))),
        Some(Action::Yes)
    );
    assert_eq!(
        action_for(Mode::Confirm, key(KeyCode::Enter)),
        Some(Action::Yes)
    );
    assert_eq!(
        action_for(Mode::Confirm, key(KeyCode::Esc)),
        Some(Action::No)
    );
    assert_eq!(action_for(Mode::Confirm, key(KeyCode::Char('x'))), None);
}

#[test]
fn key_releases_do_nothing() {
    let mut release = key(KeyCode::Char('q'));
    release.kind = KeyEventKind::Release;
    assert_eq!(action_for(Mode::Browse, release), None);
}

#[test]
fn the_help_table_mentions_every_browse_key() {
    let text: String = help_lines(&[])
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    for k in [
        "Space", "x", "/", "s", "n", "z", "a", "l", "L", "i", "p", "u", "Ctrl-r", "e", "q", "?",
        "Tab", "w", "r",
    ] {
        assert!(text.split_whitespace().any(|w| w == k), "help lacks {k}");
    }
}
