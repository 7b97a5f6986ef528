//! Overlays on top of the views: help, limit and preset pickers, the export dialog and
//! yes/no questions.

use super::ListState;
use crate::model::Sizes;
use crate::rules::Safety;

/// Which field of the export dialog has the keyboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExportField {
    /// The format list (Space or arrows pick).
    Format,
    /// The path text.
    #[default]
    Path,
}

/// The export dialog's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportDialog {
    /// Index into the export formats.
    pub format: usize,
    /// Where to write.
    pub path: String,
    /// Focused field.
    pub field: ExportField,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        Self {
            format: 0,
            path: "heft-manifest.json".into(),
            field: ExportField::Path,
            error: None,
        }
    }
}

impl ExportDialog {
    /// Switches to format `to`, retargeting a default file name.
    pub fn pick_format(&mut self, to: usize) {
        self.path = crate::tui::export::retarget(&self.path, self.format, to);
        self.format = to;
    }
}

/// A preset as the picker shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetChoice {
    /// Its name.
    pub name: String,
    /// Its safety level.
    pub safety: Safety,
    /// Why it is safe or not.
    pub reason: String,
    /// What it saves: on top of the current rules, or (in use) what its rules are credited.
    pub saving: Sizes,
    /// Whether its rules are in the list.
    pub in_use: bool,
}

/// What is drawn over the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// The key list.
    Help {
        /// First line shown.
        scroll: usize,
    },
    /// Choose active limits.
    Limits {
        /// Highlighted limit.
        list: ListState,
    },
    /// Choose a rule preset.
    Presets {
        /// Highlighted preset.
        list: ListState,
        /// Every preset with what it would save now.
        choices: Vec<PresetChoice>,
    },
    /// Export the manifest.
    Export(ExportDialog),
    /// A read-only text pane: item info, overrun suggestions.
    Text {
        /// Its title.
        title: String,
        /// Its lines.
        lines: Vec<String>,
        /// First line shown.
        scroll: usize,
    },
    /// Quit with unexported changes?
    ConfirmQuit,
    /// Overwrite an existing file?
    ConfirmOverwrite(ExportDialog),
}
