//! Export formats of a manifest: the manifest itself, a POSIX `sh` script, a `zip -x@`
//! exclude list, a Dockerfile `RUN` layer, serverless-python-requirements `slimPatterns`
//! and a gitignore-style pattern file. Every format names exactly the manifest's
//! (collapsed) excluded paths, quoted or escaped for its reader; a name a format cannot
//! express is refused rather than approximated. Text a user supplied (rules, the root's
//! path, dates) goes into comments with its control characters escaped.

use std::fmt::Write as _;

use super::{ExcludedPath, Manifest};
use crate::limits::human;

mod dockerfile;
mod sh;

use dockerfile::dockerfile;
#[cfg(test)]
pub(super) use sh::SH_HELPERS;
pub use sh::printf_quote;
use sh::sh;

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The `heft.manifest/1` JSON.
    Json,
    /// A POSIX shell script taking the root directories as arguments: checks, then deletes.
    Sh,
    /// Patterns for `zip -r out.zip . -x@LIST`, run in the root.
    ZipExclude,
    /// A Dockerfile snippet: `ARG HEFT_ROOT` and one `RUN` layer that checks, then deletes
    /// with `find -P -xdev`.
    Dockerfile,
    /// YAML for serverless-python-requirements `slimPatterns` (paths relative to the site).
    SlimPatterns,
    /// Anchored gitignore-style patterns, relative to the root.
    Gitignore,
}

impl Format {
    /// Every format with its name.
    pub const ALL: [(Format, &'static str); 6] = [
        (Format::Json, "json"),
        (Format::Sh, "sh"),
        (Format::ZipExclude, "zip-exclude"),
        (Format::Dockerfile, "dockerfile"),
        (Format::SlimPatterns, "slim-patterns"),
        (Format::Gitignore, "gitignore"),
    ];

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, n)| n)
    }
}

/// A manifest a format cannot express.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExportError {
    /// A path with characters the format has no way to write.
    #[error("{format} cannot express {path:?} (root {root}): {why}")]
    Unrepresentable {
        /// Format name.
        format: &'static str,
        /// Root index.
        root: usize,
        /// The path (lossy).
        path: String,
        /// Why.
        why: &'static str,
    },
    /// A single-root format and a manifest of several roots.
    #[error("{format} describes one root and the manifest has {count}: choose one with --root")]
    NeedsRoot {
        /// Format name.
        format: &'static str,
        /// Roots in the manifest.
        count: usize,
    },
    /// A root index past the manifest's roots.
    #[error("the manifest has no root {0}")]
    NoSuchRoot(usize),
}

/// Renders `manifest` as `format`; `root` picks one root (needed by every format but
/// `json` and `sh` when there are several).
pub fn render(
    manifest: &Manifest,
    format: Format,
    root: Option<usize>,
) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Json => Ok(manifest.to_json().into_bytes()),
        Format::Sh => {
            let roots = match root {
                Some(r) => vec![check_root(manifest, r)?],
                None => (0..manifest.roots.len()).collect(),
            };
            Ok(sh(manifest, &roots))
        }
        Format::ZipExclude => zip_exclude(manifest, one_root(manifest, format, root)?),
        Format::Dockerfile => dockerfile(manifest, one_root(manifest, format, root)?),
        Format::SlimPatterns => slim_patterns(manifest, one_root(manifest, format, root)?),
        Format::Gitignore => gitignore(manifest, one_root(manifest, format, root)?),
    }
}

fn check_root(m: &Manifest, r: usize) -> Result<usize, ExportError> {
    if r < m.roots.len() {
        Ok(r)
    } else {
        Err(ExportError::NoSuchRoot(r))
    }
}

fn one_root(m: &Manifest, format: Format, root: Option<usize>) -> Result<usize, ExportError> {
    match root {
        Some(r) => check_root(m, r),
        None if m.roots.len() == 1 => Ok(0),
        None => Err(ExportError::NeedsRoot {
            format: format.name(),
            count: m.roots.len(),
        }),
    }
}

/// The excluded paths of root `root` with their exact bytes.
fn paths(m: &Manifest, root: usize) -> Vec<(&ExcludedPath, Vec<u8>)> {
    m.excluded
        .iter()
        .filter(|e| e.root == root)
        .map(|e| (e, e.raw_path()))
        .collect()
}

/// Refuses names with a newline (every line-based format) and, when `utf8`, non-UTF-8.
fn plain_line(format: Format, e: &ExcludedPath, raw: &[u8], utf8: bool) -> Result<(), ExportError> {
    let bad = |why| ExportError::Unrepresentable {
        format: format.name(),
        root: e.root,
        path: e.path.clone(),
        why,
    };
    if raw.contains(&b'\n') || raw.contains(&b'\r') {
        return Err(bad("a newline in the name"));
    }
    if utf8 && std::str::from_utf8(raw).is_err() {
        return Err(bad("the name is not UTF-8"));
    }
    Ok(())
}

/// `'...'` with every `'` written as `'\''`: exact for any bytes but NUL in POSIX sh.
pub fn sh_quote(raw: &[u8]) -> Vec<u8> {
    let mut out = vec![b'\''];
    for &b in raw {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out.push(b'\'');
    out
}

/// `text` safe on one line of any format or terminal: backslashes and every control or
/// line-breaking character (C0, DEL, C1, U+2028, U+2029) written as a Rust-style escape,
/// so nothing a user typed can end a comment or move the cursor.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A comment block describing what the export removes.
fn header(m: &Manifest, prefix: &str, roots: &[usize]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{prefix}Written by heft {} from a {} made {}.",
        escape_controls(&m.heft_version),
        escape_controls(&m.schema),
        escape_controls(&m.created)
    );
    for &r in roots {
        let list = paths(m, r);
        let bytes: u64 = list
            .iter()
            .map(|(e, _)| e.bytes)
            .fold(0, u64::saturating_add);
        let files: u64 = list
            .iter()
            .map(|(e, _)| e.files)
            .fold(0, u64::saturating_add);
        let _ = writeln!(
            s,
            "{prefix}Root {r} ({}): deletes {} paths, {files} files, {} ({bytes} bytes).",
            escape_controls(&m.roots[r].path),
            list.len(),
            human(bytes)
        );
    }
    let _ = writeln!(
        s,
        "{prefix}Predicted after: {} files, {} bytes (before: {} files, {} bytes).",
        m.totals.after.files, m.totals.after.bytes, m.totals.before.files, m.totals.before.bytes
    );
    for rule in &m.rules {
        let _ = writeln!(
            s,
            "{prefix}Rule: {} [{}]",
            escape_controls(&rule.label()),
            rule.safety.as_str()
        );
    }
    for w in &m.warnings {
        let _ = writeln!(s, "{prefix}Warning: {}", escape_controls(w));
    }
    s
}

/// Escapes zip's wildcard characters (`*`, `?`, `[`) and its escape (`\`) with `\`.
fn zip_escape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for &b in raw {
        if matches!(b, b'*' | b'?' | b'[' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}

fn zip_exclude(m: &Manifest, root: usize) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    for (e, raw) in paths(m, root) {
        plain_line(Format::ZipExclude, e, &raw, false)?;
        out.extend_from_slice(&zip_escape(&raw));
        // zip's `*` crosses `/`, so `dir/*` takes the directory entry and all below it.
        if e.dir {
            out.extend_from_slice(b"/*");
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// The path relative to the deepest site of `root` holding it, if one does.
fn site_relative<'a>(m: &Manifest, root: usize, path: &'a str) -> Option<&'a str> {
    m.roots[root]
        .sites
        .iter()
        .filter_map(|site| {
            if site.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(site.as_str())?.strip_prefix('/')
            }
        })
        .min_by_key(|rel| rel.len())
}

/// Escapes glob (minimatch) metacharacters with `\`, and a leading `#`.
fn glob_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        if "*?[]{}()!+@\\".contains(c) || (i == 0 && c == '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A YAML flow scalar holding exactly `text`: single-quoted when every character is
/// printable, else double-quoted with escapes (YAML has no raw control characters).
fn yaml_quote(text: &str) -> String {
    let needs_escape = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    };
    if !text.chars().any(needs_escape) {
        return format!("'{}'", text.replace('\'', "''"));
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn slim_patterns(m: &Manifest, root: usize) -> Result<Vec<u8>, ExportError> {
    let mut s = header(m, "# ", &[root]);
    s.push_str(
        "# Paths are relative to the requirements directory (the site the plugin installs into).\n\
         # slimPatternsAppendDefaults: false drops the plugin's defaults, which delete *.dist-info\n\
         # (breaks importlib.metadata) and every __pycache__ (slower cold starts).\n\
         # strip: false because slim strips every .so, auditwheel's *.libs/ too, which corrupts them.\n",
    );
    let mut body = String::new();
    let mut outside = 0;
    for (e, raw) in paths(m, root) {
        plain_line(Format::SlimPatterns, e, &raw, true)?;
        let path = String::from_utf8_lossy(&raw);
        match site_relative(m, root, &path) {
            Some(rel) if !rel.is_empty() => {
                let _ = writeln!(body, "      - {}", yaml_quote(&glob_escape(rel)));
            }
            _ => outside += 1,
        }
    }
    if outside > 0 {
        let _ = writeln!(
            s,
            "# {outside} excluded paths lie outside every site and are not listed."
        );
    }
    s.push_str("custom:\n  pythonRequirements:\n    slim: true\n    strip: false\n    slimPatternsAppendDefaults: false\n");
    if body.is_empty() {
        s.push_str("    slimPatterns: []\n");
    } else {
        s.push_str("    slimPatterns:\n");
        s.push_str(&body);
    }
    Ok(s.into_bytes())
}

fn gitignore(m: &Manifest, root: usize) -> Result<Vec<u8>, ExportError> {
    let mut out = header(m, "# ", &[root]).into_bytes();
    for (e, raw) in paths(m, root) {
        plain_line(Format::Gitignore, e, &raw, false)?;
        out.push(b'/');
        let trailing = raw.iter().rev().take_while(|b| **b == b' ').count();
        for (i, &b) in raw.iter().enumerate() {
            if matches!(b, b'\\' | b'*' | b'?' | b'[') || (b == b' ' && i >= raw.len() - trailing) {
                out.push(b'\\');
            }
            out.push(b);
        }
        if e.dir {
            out.push(b'/');
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// `fmt::Write` into a byte buffer.
struct Str<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Str<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a
/// rename. Without `force` an existing `path` is left alone and the write fails.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8], force: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(
        ".{}.heft-tmp-{}",
        name.unwrap_or_else(|| "out".into()),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if force {
            std::fs::rename(&tmp, path)
        } else {
            // A hard link never replaces an existing file: no window where it is clobbered.
            match std::fs::hard_link(&tmp, path) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists && !path.exists() => {
                    // No hard links here (some network and FUSE file systems): rename.
                    std::fs::rename(&tmp, path)
                }
                Err(e) => Err(e),
                Ok(()) => std::fs::remove_file(&tmp),
            }
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
