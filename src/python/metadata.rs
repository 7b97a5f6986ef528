//! Core metadata of a distribution: `METADATA` / `PKG-INFO` headers and an
//! egg-info's `requires.txt`, turned into name, version and dependency lines.

use super::name::normalize;

/// The fields of a distribution's core metadata that heft uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// `Name`, as spelled in the file (for display).
    pub name: String,
    /// `Version`; empty if the header is missing.
    pub version: String,
    /// `Summary`, unless missing, empty or setuptools' `UNKNOWN`.
    pub summary: Option<String>,
    /// Every `Requires-Dist` value, in file order (PEP 508 strings).
    pub requires_dist: Vec<String>,
    /// Every `Provides-Extra` value, normalised, without duplicates.
    pub provides_extra: Vec<String>,
    /// `Requires-Python`, e.g. `>=3.8`.
    pub requires_python: Option<String>,
}

/// Why a metadata file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// No `Name` header before the first blank line.
    #[error(
        "metadata has no Name header among its {headers} headers (before the first blank line)"
    )]
    MissingName { headers: usize },
}

/// Parses `METADATA` or `PKG-INFO`: RFC 822 headers up to the first blank line
/// (the description body after it is ignored). Header names are case-insensitive,
/// continuation lines (leading space or tab) are folded into the previous header
/// with one space, CRLF is fine and bytes are decoded lossily.
pub fn parse_metadata(bytes: &[u8]) -> Result<Metadata, MetadataError> {
    let text = String::from_utf8_lossy(bytes);
    let headers = headers(text.trim_start_matches('\u{feff}'));
    let mut meta = Metadata::default();
    for (name, value) in &headers {
        meta.apply(&name.to_ascii_lowercase(), value);
    }
    if meta.name.is_empty() {
        return Err(MetadataError::MissingName {
            headers: headers.len(),
        });
    }
    Ok(meta)
}

impl Metadata {
    /// Takes in one header; the first `Name`/`Version`/`Summary` wins, as in the spec's single-use fields.
    fn apply(&mut self, name: &str, value: &str) {
        match name {
            "name" if self.name.is_empty() => self.name = value.to_string(),
            "version" if self.version.is_empty() => self.version = value.to_string(),
            "summary" if self.summary.is_none() => self.summary = known(value),
            "requires-python" if self.requires_python.is_none() => {
                self.requires_python = known(value);
            }
            "requires-dist" if !value.is_empty() => self.requires_dist.push(value.to_string()),
            "provides-extra" if !value.is_empty() => {
                let extra = normalize(value);
                if !self.provides_extra.contains(&extra) {
                    self.provides_extra.push(extra);
                }
            }
            _ => {}
        }
    }
}

/// setuptools writes `UNKNOWN` for fields a project left out.
fn known(value: &str) -> Option<String> {
    (!value.is_empty() && value != "UNKNOWN").then(|| value.to_string())
}

/// The `(name, value)` headers before the first empty line, values trimmed and unfolded.
fn headers(text: &str) -> Vec<(&str, String)> {
    let mut headers: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                let more = line.trim();
                if !more.is_empty() {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(more);
                }
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim(), value.trim().to_string()));
        }
        // A line that is neither is a defect; Python's email parser skips it too.
    }
    headers
}

/// Parses an egg-info `requires.txt`: plain lines are requirements; lines under
/// `[extra]`, `[extra:marker]` or `[:marker]` get `; extra == "x"`, `; marker` or
/// `; (marker) and extra == "x"` appended, as `importlib.metadata` does.
pub fn parse_requires_txt(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut condition: Option<String> = None;
    let mut requirements = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            condition = section_condition(section);
        } else {
            requirements.push(with_condition(line, condition.as_deref()));
        }
    }
    requirements
}

/// The marker a `[extra:marker]` section header stands for, if any.
fn section_condition(section: &str) -> Option<String> {
    let (extra, marker) = section.split_once(':').unwrap_or((section, ""));
    match (extra.trim(), marker.trim()) {
        ("", "") => None,
        (extra, "") => Some(format!("extra == \"{extra}\"")),
        ("", marker) => Some(marker.to_string()),
        (extra, marker) => Some(format!("({marker}) and extra == \"{extra}\"")),
    }
}

fn with_condition(line: &str, condition: Option<&str>) -> String {
    match (condition, line.split_once(';')) {
        (None, _) => line.to_string(),
        (Some(condition), None) => format!("{line}; {condition}"),
        (Some(condition), Some((requirement, own))) => {
            format!(
                "{}; ({}) and ({condition})",
                requirement.trim_end(),
                own.trim()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::python::marker::Env;
    use crate::python::requirement::Requirement;

    const GOOGLE_AUTH: &[u8] = b"Metadata-Version: 2.1\r\n\
Name: google-auth\r\n\
version: 2.37.0\r\n\
Summary: Google Authentication\r\n\
\tLibrary\r\n\
Home-page: https://github.com/googleapis/google-auth-library-python\r\n\
Requires-Python: >=3.7\r\n\
License-File: LICENSE\r\n\
Requires-Dist: cachetools<6.0,>=2.0.0\r\n\
REQUIRES-DIST: pyasn1-modules>=0.2.1\r\n\
Requires-Dist: aiohttp<4.0.0.dev0,>=3.6.2;\r\n\
\x20 extra == \"aiohttp\"\r\n\
Provides-Extra: aiohttp\r\n\
Provides-Extra: Enterprise_Cert\r\n\
Provides-Extra: enterprise-cert\r\n\
Description-Content-Type: text/markdown\r\n\
\r\n\
Google Auth Python Library\r\n\
Requires-Dist: not-a-header\r\n\
Name: also-not-a-header\r\n";

    #[test]
    fn metadata_headers_stop_at_the_first_blank_line() {
        let meta = parse_metadata(GOOGLE_AUTH).expect("has a name");
        assert_eq!(meta.name, "google-auth");
        assert_eq!(meta.version, "2.37.0");
        assert_eq!(
            meta.summary.as_deref(),
            Some("Google Authentication Library")
        );
        assert_eq!(meta.requires_python.as_deref(), Some(">=3.7"));
        assert_eq!(
            meta.requires_dist,
            vec![
                "cachetools<6.0,>=2.0.0",
                "pyasn1-modules>=0.2.1",
                "aiohttp<4.0.0.dev0,>=3.6.2; extra == \"aiohttp\"",
            ]
        );
        assert_eq!(meta.provides_extra, vec!["aiohttp", "enterprise-cert"]);
    }

    #[test]
    fn an_old_pkg_info_with_unknown_fields_and_a_folded_description_reads() {
        let pkg_info = b"Metadata-Version: 1.1\n\
Name: zope.interface\n\
Version: 3.6.0\n\
Summary: UNKNOWN\n\
Description: Interfaces for Python\n\
\x20       |\n\
\x20       | More text: with a colon\n\
Platform: UNKNOWN\n";
        let meta = parse_metadata(pkg_info).expect("has a name");
        assert_eq!(meta.name, "zope.interface");
        assert_eq!(meta.summary, None);
        assert_eq!(meta.version, "3.6.0");
        assert!(meta.requires_dist.is_empty());
    }

    #[test]
    fn a_name_only_in_the_body_is_an_error() {
        let error = parse_metadata(b"Metadata-Version: 2.1\nVersion: 1.0\n\nName: body\n")
            .expect_err("no name header");
        assert_eq!(error, MetadataError::MissingName { headers: 2 });
        assert!(
            error
                .to_string()
                .contains("no Name header among its 2 headers")
        );
        assert!(parse_metadata(b"").is_err());
    }

    #[test]
    fn requires_txt_sections_become_markers() {
        let text = b"requests>=2.0\r\nsix\r\n\r\n[:python_version < \"3.8\"]\r\nimportlib-metadata\r\n\r\n\
[socks]\r\nPySocks!=1.5.7,>=1.5.6\r\n\r\n[security:sys_platform == \"win32\"]\r\npywin32\r\n\r\n[]\r\nplain\r\n";
        assert_eq!(
            parse_requires_txt(text),
            vec![
                "requests>=2.0",
                "six",
                "importlib-metadata; python_version < \"3.8\"",
                "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"",
                "pywin32; (sys_platform == \"win32\") and extra == \"security\"",
                "plain",
            ]
        );
    }

    #[test]
    fn requires_txt_lines_parse_and_evaluate_as_requirements() {
        let text = b"six\n[:python_version < \"3.8\"]\nold\n[socks]\nPySocks\n[security:sys_platform == \"linux\"]\nlinuxonly\n";
        let env = Env::lambda("3.12", "x86_64");
        let with_extras: BTreeSet<String> = ["socks", "security"].map(String::from).into();
        let active: Vec<(String, bool, bool)> = parse_requires_txt(text)
            .iter()
            .map(|line| Requirement::parse(line).expect("requires.txt line parses"))
            .map(|r| {
                (
                    r.key.clone(),
                    r.applies(&env, &BTreeSet::new()),
                    r.applies(&env, &with_extras),
                )
            })
            .collect();
        let expected = [
            ("six", true, true),
            ("old", false, false),
            ("pysocks", false, true),
            ("linuxonly", false, true),
        ];
        assert_eq!(active, expected.map(|(k, a, b)| (k.to_string(), a, b)));
    }

    #[test]
    fn a_requires_txt_line_with_its_own_marker_keeps_both_conditions() {
        let lines = parse_requires_txt(b"[extra]\nfoo; os_name == 'nt'\n");
        assert_eq!(
            lines,
            vec!["foo; (os_name == 'nt') and (extra == \"extra\")"]
        );
    }
}
