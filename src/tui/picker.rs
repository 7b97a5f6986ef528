//! The function picker: `heft PROJECT` first lists every function of a project (SAM, CDK,
//! Serverless, Chalice, `heft.toml`) with a gauge of code + layers unzipped against
//! 262,144,000 bytes, worst first; Enter opens one as the usual multi-root bundle.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget};

use super::Options;
use crate::bundle::Target;
use crate::limits::human;
use crate::load::{LoadOptions, load};
use crate::project::gate::{self, ArtifactKind};
use crate::project::{Function, Project};

/// Lambda's unzipped limit for code and all layers.
const UNZIPPED: u64 = 262_144_000;

/// One function as the picker lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Function name.
    pub name: String,
    /// Code + local layers, unzipped.
    pub bytes: u64,
    /// Layers it uses.
    pub layers: usize,
    /// Layers known only by ARN (counted as 0).
    pub unknown: usize,
    /// `DepsLayer (also Worker)` for each layer shared with other functions.
    pub shared: Vec<String>,
}

/// What a key does in the picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Select this row.
    Select(usize),
    /// Open this row's function.
    Open(usize),
    /// Leave without opening anything.
    Quit,
}

/// The inputs of `f`, scanned without zip estimates (fast), as a row.
fn row(project: &Project, f: &Function, target: &Target) -> Result<Row> {
    let (paths, artifacts) = gate::inputs(project, f);
    let opts = LoadOptions {
        target: target.clone(),
        top_level: None,
    };
    let bundle =
        load(&paths, &opts, &mut |_| {}).with_context(|| format!("loading function {}", f.name))?;
    let layers: Vec<_> = artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Layer)
        .collect();
    Ok(Row {
        name: f.name.clone(),
        bytes: bundle.totals().bytes,
        layers: layers.len(),
        unknown: layers.iter().filter(|a| a.root.is_none()).count(),
        shared: layers
            .iter()
            .filter(|a| !a.shared_with.is_empty())
            .map(|a| format!("{} (also {})", a.name, a.shared_with.join(", ")))
            .collect(),
    })
}

/// Every function of `project`, worst (largest) first.
pub fn rows(project: &Project, target: &Target) -> Result<Vec<Row>> {
    let mut rows = project
        .functions
        .iter()
        .map(|f| row(project, f, target))
        .collect::<Result<Vec<_>>>()?;
    rows.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.name.cmp(&b.name)));
    Ok(rows)
}

/// The key's effect with `selected` of `len` rows highlighted.
pub fn choice(code: KeyCode, selected: usize, len: usize) -> Option<Choice> {
    let last = len.saturating_sub(1);
    match code {
        KeyCode::Up | KeyCode::Char('k') => Some(Choice::Select(selected.saturating_sub(1))),
        KeyCode::Down | KeyCode::Char('j') => Some(Choice::Select((selected + 1).min(last))),
        KeyCode::Enter if len > 0 => Some(Choice::Open(selected)),
        KeyCode::Esc | KeyCode::Char('q') => Some(Choice::Quit),
        _ => None,
    }
}

/// `[#####.....]` for `bytes` of the 250 MB limit, `width` cells inside the brackets.
fn gauge(bytes: u64, width: usize) -> String {
    let filled = ((u128::from(bytes) * width as u128) / u128::from(UNZIPPED)).min(width as u128);
    let filled = filled as usize;
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

/// The picker's lines: a gauge per function, the selected one reversed.
pub fn lines(rows: &[Row], selected: usize) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(
        "Functions, worst first: code + layers unzipped of 250 MB. Enter opens, q quits",
    )];
    for (i, r) in rows.iter().enumerate() {
        let state = if r.bytes < UNZIPPED { "ok" } else { "OVER" };
        let layers = if r.layers == 1 { "layer" } else { "layers" };
        let mut text = format!(
            "{} {:>9} {:<4} {}  {} {layers}",
            gauge(r.bytes, 20),
            human(r.bytes),
            state,
            r.name,
            r.layers
        );
        if r.unknown > 0 {
            let _ = write!(text, ", {} of unknown size", r.unknown);
        }
        if !r.shared.is_empty() {
            let _ = write!(text, "; shared: {}", r.shared.join(", "));
        }
        let style = if i == selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        out.push(Line::styled(text, style));
    }
    out
}

/// Draws the picker into `area`, scrolled so the selected function is in sight.
pub fn render(rows: &[Row], selected: usize, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered().title(" heft: pick a function ");
    // The heading line stays; the rows scroll under it.
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let first = (selected + 1).saturating_sub(visible);
    let mut lines = lines(rows, selected);
    if first > 0 && lines.len() > 1 {
        lines.drain(1..=first.min(lines.len() - 1));
    }
    Paragraph::new(lines).block(block).render(area, buf);
}

/// For a single project input: lets the user pick a function and returns the explorer's
/// options for it (its code and layers as roots, its runtime's Python); `None` when the user
/// quit. Anything else passes through unchanged.
pub fn choose(opts: &Options) -> Result<Option<Options>> {
    let [path] = opts.settings.paths.as_slice() else {
        return Ok(Some(opts.clone()));
    };
    let Some(project) = crate::project::open(path)? else {
        return Ok(Some(opts.clone()));
    };
    let rows = rows(&project, &opts.settings.load.target)?;
    let Some(index) = run(&rows)? else {
        return Ok(None);
    };
    let function = project
        .function(&rows[index].name)
        .context("the chosen function vanished")?;
    let mut chosen = opts.clone();
    chosen.settings.paths = gate::inputs(&project, function).0;
    if let Some(py) = function.python() {
        chosen.settings.load.target.python = py.to_string();
    }
    Ok(Some(chosen))
}

/// The picker's own small loop (the explorer starts after it restores the terminal).
fn run(rows: &[Row]) -> Result<Option<usize>> {
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let mut selected = 0;
    let picked = loop {
        let drawn = terminal.draw(|frame| render(rows, selected, frame.area(), frame.buffer_mut()));
        if let Err(e) = drawn {
            break Err(e).context("drawing");
        }
        let key = match event::read() {
            Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => k.code,
            Ok(_) => continue,
            Err(e) => break Err(e).context("reading input"),
        };
        match choice(key, selected, rows.len()) {
            Some(Choice::Select(i)) => selected = i,
            Some(Choice::Open(i)) => break Ok(Some(i)),
            Some(Choice::Quit) => break Ok(None),
            None => {}
        }
    };
    ratatui::restore();
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, bytes: u64) -> Row {
        Row {
            name: name.into(),
            bytes,
            layers: 1,
            unknown: 0,
            shared: vec!["Deps (also Other)".into()],
        }
    }

    #[test]
    fn keys_move_open_and_quit_within_the_list() {
        assert_eq!(choice(KeyCode::Down, 0, 2), Some(Choice::Select(1)));
        assert_eq!(choice(KeyCode::Down, 1, 2), Some(Choice::Select(1)));
        assert_eq!(choice(KeyCode::Up, 0, 2), Some(Choice::Select(0)));
        assert_eq!(choice(KeyCode::Enter, 1, 2), Some(Choice::Open(1)));
        assert_eq!(choice(KeyCode::Enter, 0, 0), None, "nothing to open");
        assert_eq!(choice(KeyCode::Char('q'), 0, 2), Some(Choice::Quit));
    }

    #[test]
    fn each_function_gets_a_gauge_its_state_and_the_layers_it_shares() {
        let rows = [row("Api", 300 * 1024 * 1024), row("Worker", 26_214_400)];
        let lines = lines(&rows, 1);
        let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert!(text[1].starts_with("[####################]"), "{}", text[1]);
        assert!(text[1].contains("OVER Api"), "{}", text[1]);
        assert!(text[2].starts_with("[##..................]"), "{}", text[2]);
        assert!(text[2].contains("shared: Deps (also Other)"), "{}", text[2]);
        assert_eq!(lines[2].style.add_modifier, Modifier::REVERSED);
    }
}
