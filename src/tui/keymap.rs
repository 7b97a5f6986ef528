//! Keys to actions: a pure function of the input mode and the key, so every binding is
//! unit-tested and the help overlay lists the same table the code uses.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The views, in Tab order (keys `1`-`4`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ViewId {
    /// Distributions table (the default).
    #[default]
    Packages,
    /// ncdu-style directory browser.
    Tree,
    /// Squarified treemap.
    Treemap,
    /// Exclusions and rules in order.
    Rules,
}

impl ViewId {
    /// All views in Tab order.
    pub const ALL: [ViewId; 4] = [
        ViewId::Packages,
        ViewId::Tree,
        ViewId::Treemap,
        ViewId::Rules,
    ];

    /// The tab title.
    pub fn title(self) -> &'static str {
        match self {
            ViewId::Packages => "Packages",
            ViewId::Tree => "Tree",
            ViewId::Treemap => "Treemap",
            ViewId::Rules => "Rules",
        }
    }

    /// The view after this one, wrapping.
    #[must_use]
    pub fn next(self) -> ViewId {
        let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The view before this one, wrapping.
    #[must_use]
    pub fn prev(self) -> ViewId {
        let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

/// What the keyboard is talking to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Moving around a view.
    Browse,
    /// Typing a filter.
    Filter,
    /// The help overlay.
    Help,
    /// A list dialog (limits, presets).
    Pick,
    /// A dialog with a text field (export).
    Input,
    /// A yes/no question.
    Confirm,
}

/// A user intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Quit, asking first if there are unexported changes.
    Quit,
    /// Quit from any mode (Ctrl-c), asking first as `q` does; asked, Ctrl-c again quits.
    Interrupt,
    /// Move up one row (or tile).
    Up,
    /// Move down one row (or tile).
    Down,
    /// Move left (treemap) or out of a directory (tree).
    Left,
    /// Move right (treemap) or into a directory (tree).
    Right,
    /// One page up.
    PageUp,
    /// One page down.
    PageDown,
    /// First row.
    Home,
    /// Last row.
    End,
    /// Open: a package's files, a directory, a tile.
    Enter,
    /// Back out: parent directory, zoom out, clear filter.
    Back,
    /// Next view.
    NextView,
    /// Previous view.
    PrevView,
    /// Jump to a view.
    View(ViewId),
    /// Exclude or keep the selected item.
    ToggleCut,
    /// Exclude a distribution with the dependencies only it needs.
    CutWithDeps,
    /// Start typing a filter.
    Filter,
    /// Next sort column.
    SortNext,
    /// Reverse the sort order.
    SortReverse,
    /// Cycle apparent / disk / zipped sizes.
    CycleMeasure,
    /// Cycle treemap colouring (distribution / safety).
    CycleColour,
    /// Choose limits.
    Limits,
    /// Choose a rule preset.
    Presets,
    /// Undo the last exclusion change.
    Undo,
    /// Redo it.
    Redo,
    /// Export the manifest.
    Export,
    /// Show or hide help.
    Help,
    /// Show or hide the why/chains panel.
    ToggleWhy,
    /// Move the selected rule up.
    MoveUp,
    /// Move the selected rule down.
    MoveDown,
    /// Delete the selected rule.
    Delete,
    /// Type a character into a text field.
    Type(char),
    /// Delete the character before the cursor.
    Erase,
    /// Next field in a dialog.
    NextField,
    /// Confirm a dialog or accept a filter.
    Accept,
    /// Close a dialog or drop a filter.
    Cancel,
    /// Answer yes.
    Yes,
    /// Answer no.
    No,
}

/// The action `key` means in `mode`, if any (key releases mean nothing).
pub fn action_for(mode: Mode, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Interrupt);
    }
    match mode {
        Mode::Browse => browse(key.code, ctrl),
        Mode::Filter => filter(key.code, ctrl),
        Mode::Help => Some(help(key.code)),
        Mode::Pick => pick(key.code),
        Mode::Input => input(key.code, ctrl),
        Mode::Confirm => confirm(key.code),
    }
}

fn browse(code: KeyCode, ctrl: bool) -> Option<Action> {
    use Action as A;
    if ctrl {
        return match code {
            KeyCode::Char('r') => Some(A::Redo),
            KeyCode::Char('z') => Some(A::Undo),
            KeyCode::Char('d') => Some(A::PageDown),
            KeyCode::Char('u') => Some(A::PageUp),
            _ => None,
        };
    }
    let action = match code {
        KeyCode::Char('q') => A::Quit,
        KeyCode::Up | KeyCode::Char('k') => A::Up,
        KeyCode::Down | KeyCode::Char('j') => A::Down,
        KeyCode::Left | KeyCode::Char('h') => A::Left,
        KeyCode::Right => A::Right,
        KeyCode::PageUp => A::PageUp,
        KeyCode::PageDown => A::PageDown,
        KeyCode::Home | KeyCode::Char('g') => A::Home,
        KeyCode::End | KeyCode::Char('G') => A::End,
        KeyCode::Enter => A::Enter,
        KeyCode::Backspace | KeyCode::Esc => A::Back,
        KeyCode::Tab => A::NextView,
        KeyCode::BackTab => A::PrevView,
        KeyCode::Char(c @ '1'..='4') => A::View(ViewId::ALL[(c as usize) - ('1' as usize)]),
        KeyCode::Char(' ') => A::ToggleCut,
        KeyCode::Char('x') => A::CutWithDeps,
        KeyCode::Char('/') => A::Filter,
        KeyCode::Char('s') => A::SortNext,
        KeyCode::Char('S') => A::SortReverse,
        KeyCode::Char('a') => A::CycleMeasure,
        KeyCode::Char('c') => A::CycleColour,
        KeyCode::Char('l') => A::Limits,
        KeyCode::Char('p') => A::Presets,
        KeyCode::Char('u') => A::Undo,
        KeyCode::Char('e') => A::Export,
        KeyCode::Char('?') | KeyCode::F(1) => A::Help,
        KeyCode::Char('w') => A::ToggleWhy,
        KeyCode::Char('K') => A::MoveUp,
        KeyCode::Char('J') => A::MoveDown,
        KeyCode::Char('d') | KeyCode::Delete => A::Delete,
        _ => return None,
    };
    Some(action)
}

fn filter(code: KeyCode, ctrl: bool) -> Option<Action> {
    match code {
        KeyCode::Char('u') if ctrl => Some(Action::Cancel),
        KeyCode::Char(c) if !ctrl => Some(Action::Type(c)),
        KeyCode::Backspace => Some(Action::Erase),
        KeyCode::Enter => Some(Action::Accept),
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        _ => None,
    }
}

fn help(code: KeyCode) -> Action {
    match code {
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        _ => Action::Cancel,
    }
}

fn pick(code: KeyCode) -> Option<Action> {
    match code {
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Char(' ') => Some(Action::ToggleCut),
        KeyCode::Enter => Some(Action::Accept),
        KeyCode::Esc | KeyCode::Char('q' | 'l' | 'p') => Some(Action::Cancel),
        _ => None,
    }
}

fn input(code: KeyCode, ctrl: bool) -> Option<Action> {
    match code {
        KeyCode::Char('u') if ctrl => Some(Action::Cancel),
        KeyCode::Char(c) if !ctrl => Some(Action::Type(c)),
        KeyCode::Backspace => Some(Action::Erase),
        KeyCode::Tab | KeyCode::Up | KeyCode::Down => Some(Action::NextField),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        KeyCode::Enter => Some(Action::Accept),
        KeyCode::Esc => Some(Action::Cancel),
        _ => None,
    }
}

fn confirm(code: KeyCode) -> Option<Action> {
    match code {
        KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(Action::Yes),
        KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => Some(Action::No),
        _ => None,
    }
}

/// One line of the help overlay: keys and what they do.
pub const HELP: &[(&str, &str)] = &[
    ("↑↓ j k", "move up / down"),
    ("← h  →", "out of / into a directory; between tiles"),
    ("PgUp PgDn", "page up / down (also Ctrl-u / Ctrl-d)"),
    ("Home End g G", "first / last row"),
    ("Enter", "open: a package's files, a directory, a tile"),
    ("Bksp Esc", "back: parent directory, zoom out, clear filter"),
    ("Tab S-Tab", "next / previous view"),
    ("1 2 3 4", "Packages, Tree, Treemap, Rules"),
    ("Space", "exclude / keep the selected item"),
    ("x", "exclude a package with the dependencies only it needs"),
    ("/", "filter as you type (Enter keeps it, Esc drops it)"),
    ("s S", "next sort column / reverse the order"),
    ("a", "sizes: apparent, disk, zipped"),
    ("c", "treemap colours: by package / by safety"),
    ("w", "show or hide the why panel (chains to a package)"),
    ("l", "choose limits (l is not 'right': use → or Enter)"),
    ("p", "rule presets, with what each would save"),
    ("u  Ctrl-r", "undo / redo exclusions"),
    ("e", "export the manifest"),
    ("J K d", "rules: move down / up, delete"),
    ("?", "this help"),
    ("q  Ctrl-c", "quit (q asks if changes are unexported)"),
    ("mouse", "click selects (a tile: zooms), wheel scrolls"),
];

#[cfg(test)]
mod tests;
