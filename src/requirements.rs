//! `requirements.txt` files: the names a user asked for become the graph's roots.

use crate::deps::TopLevel;
use crate::python::requirement::Requirement;

/// Parses the top-level requirements of a requirements file. Options (`-r`, `-e`,
/// `--index-url` ...), comments and blank lines are skipped; lines that are not PEP 508
/// requirements are returned as errors with their line number.
pub fn parse_requirements_txt(text: &str) -> (Vec<TopLevel>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let joined = text.replace("\\\n", " ");
    for (n, raw) in joined.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        // Hash pins and per-line options come after the requirement.
        let line = line.split(" --").next().unwrap_or(line).trim();
        match Requirement::parse(line) {
            Ok(r) => out.push(TopLevel {
                key: r.key,
                extras: r.extras,
            }),
            Err(e) => errors.push(format!("line {}: {e}", n + 1)),
        }
    }
    (out, errors)
}
