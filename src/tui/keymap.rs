//! Keys to actions: a pure function of the input mode and the key, so every binding is
//! unit-tested and the help overlay lists the same table the code uses.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What the direct sort keys sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Name, A first.
    Name,
    /// Size in the chosen measure, largest first.
    Size,
    /// Zipped size, largest first.
    Zipped,
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
    /// Jump to the view at this Tab position (digit key minus one).
    View(usize),
    /// Exclude or keep the selected item.
    ToggleExclude,
    /// Exclude a distribution with the dependencies only it needs.
    ExcludeWithDeps,
    /// Start typing a filter.
    Filter,
    /// Sort by a key; the same key again flips the direction.
    SortBy(SortKey),
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
    /// Show what is known about the selected item.
    Info,
    /// Scan the inputs again.
    Rescan,
    /// Choose a rule preset.
    Presets,
    /// Undo the last exclusion change.
    Undo,
    /// Redo it.
    Redo,
    /// Export the manifest.
    Export,
    /// Add the least risky presets that bring the gauged limits within bounds.
    Fit,
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
    // Digits open views by Tab position; the views' registry gives their help lines.
    if let KeyCode::Char(d @ '1'..='9') = code
        && !ctrl
    {
        return Some(Action::View(d as usize - '1' as usize));
    }
    BROWSE
        .iter()
        .find(|b| b.keys.iter().any(|k| k.code == code && k.ctrl == ctrl))
        .map(|b| b.action)
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
        KeyCode::Home | KeyCode::Char('g') => Action::Home,
        KeyCode::End | KeyCode::Char('G') => Action::End,
        _ => Action::Cancel,
    }
}

fn pick(code: KeyCode) -> Option<Action> {
    match code {
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Char(' ') => Some(Action::ToggleExclude),
        KeyCode::Enter => Some(Action::Accept),
        KeyCode::Esc | KeyCode::Char('q' | 'L' | 'p') => Some(Action::Cancel),
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

/// A key as a binding names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// With Ctrl held.
    pub ctrl: bool,
}

impl Key {
    /// How help writes it: `↑`, `Space`, `Ctrl-r`, `q`.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{name}")
        } else {
            name
        }
    }
}

const fn c(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        ctrl: false,
    }
}

const fn k(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        ctrl: true,
    }
}

/// One binding of browse mode: its keys, what they do, and the help line.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// Keys that trigger it.
    pub keys: &'static [Key],
    /// The action.
    pub action: Action,
    /// What help says it does.
    pub help: &'static str,
}

const fn bind(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help }
}

/// Browse mode's keys: [`action_for`] reads this table and help lists it, so the two
/// cannot drift apart.
pub const BROWSE: &[Binding] = &[
    bind(&[k(KeyCode::Up), c('k')], Action::Up, "move up"),
    bind(&[k(KeyCode::Down), c('j')], Action::Down, "move down"),
    bind(
        &[k(KeyCode::Enter)],
        Action::Enter,
        "open: a package's files, a directory, a tile",
    ),
    bind(
        &[k(KeyCode::Right), c('l')],
        Action::Right,
        "open, as Enter; in the Treemap: the tile to the right",
    ),
    bind(
        &[k(KeyCode::Left), c('h')],
        Action::Left,
        "out of a directory; in the Treemap: previous tile",
    ),
    bind(
        &[k(KeyCode::Backspace), k(KeyCode::Esc)],
        Action::Back,
        "back: parent directory, zoom out, clear the filter",
    ),
    bind(&[k(KeyCode::PageUp), ctrl('u')], Action::PageUp, "page up"),
    bind(
        &[k(KeyCode::PageDown), ctrl('d')],
        Action::PageDown,
        "page down",
    ),
    bind(&[k(KeyCode::Home), c('g')], Action::Home, "first row"),
    bind(&[k(KeyCode::End), c('G')], Action::End, "last row"),
    bind(&[k(KeyCode::Tab)], Action::NextView, "next view"),
    bind(&[k(KeyCode::BackTab)], Action::PrevView, "previous view"),
    bind(
        &[c(' ')],
        Action::ToggleExclude,
        "exclude / keep the selected item",
    ),
    bind(
        &[c('x')],
        Action::ExcludeWithDeps,
        "exclude a package with the dependencies only it needs",
    ),
    bind(
        &[c('i')],
        Action::Info,
        "item info (exact bytes, owners, rule); in Rules: what closes an overrun",
    ),
    bind(
        &[c('/')],
        Action::Filter,
        "filter as you type (Enter keeps, Esc drops)",
    ),
    bind(
        &[c('n')],
        Action::SortBy(SortKey::Name),
        "sort by name (again: flip)",
    ),
    bind(
        &[c('s')],
        Action::SortBy(SortKey::Size),
        "sort by size (again: flip)",
    ),
    bind(
        &[c('z')],
        Action::SortBy(SortKey::Zipped),
        "sort by zipped size (again: flip)",
    ),
    bind(&[c('o')], Action::SortNext, "next sort column"),
    bind(&[c('S')], Action::SortReverse, "reverse the sort order"),
    bind(
        &[c('a')],
        Action::CycleMeasure,
        "sizes: apparent, disk, zipped",
    ),
    bind(
        &[c('c')],
        Action::CycleColour,
        "treemap colours: by package / by safety",
    ),
    bind(&[c('w')], Action::ToggleWhy, "show or hide the why panel"),
    bind(&[c('L')], Action::Limits, "choose limits"),
    bind(
        &[c('p')],
        Action::Presets,
        "rule presets, with what each would save",
    ),
    bind(&[c('u'), ctrl('z')], Action::Undo, "undo"),
    bind(&[ctrl('r')], Action::Redo, "redo"),
    bind(
        &[c('e')],
        Action::Export,
        "export the manifest (or a script)",
    ),
    bind(
        &[c('f')],
        Action::Fit,
        "fit: add the least risky presets that fit the limits",
    ),
    bind(&[c('r')], Action::Rescan, "rescan the inputs"),
    bind(&[c('K')], Action::MoveUp, "Rules: move the rule up"),
    bind(&[c('J')], Action::MoveDown, "Rules: move the rule down"),
    bind(
        &[c('d'), k(KeyCode::Delete)],
        Action::Delete,
        "Rules: delete the rule",
    ),
    bind(&[c('?'), k(KeyCode::F(1))], Action::Help, "this help"),
    bind(
        &[c('q')],
        Action::Quit,
        "quit (asks if changes are not exported)",
    ),
];

/// Help lines for keys outside browse mode and for the mouse.
const OTHER_HELP: &[(&str, &str)] = &[
    ("Ctrl-c", "quit from anywhere (asks like q)"),
    ("mouse", "click selects (a tile: zooms), wheel scrolls"),
    ("dialogs", "↑↓ move, Space toggles, Enter or Esc closes"),
    ("export", "← → format, Tab next field, Enter writes"),
];

/// Every help line, keys and what they do: the browse table with `views` (the digit
/// keys' lines) after the Tab keys, then the rest.
pub fn help_lines(views: &[(String, &'static str)]) -> Vec<(String, &'static str)> {
    let mut lines: Vec<(String, &'static str)> = Vec::new();
    for b in BROWSE {
        let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
        lines.push((keys.join(" "), b.help));
        if b.action == Action::PrevView {
            lines.extend(views.iter().cloned());
        }
    }
    lines.extend(OTHER_HELP.iter().map(|(k, h)| ((*k).to_string(), *h)));
    lines
}

#[cfg(test)]
mod tests;
