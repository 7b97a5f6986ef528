//! PEP 508 requirements: one `Requires-Dist` line split into name, extras,
//! version specifier or URL, and marker.

use std::collections::BTreeSet;

use super::marker::{Env, Marker, MarkerError};
use super::name::normalize;
use super::version;

/// A parsed dependency such as `google-auth[aiohttp]<3.0.0,>=2.14.1; extra == "async-rest"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The name as written (the METADATA spelling, for display).
    pub name: String,
    /// The PEP 503 normalised name, for joining edges.
    pub key: String,
    /// The requested extras, normalised, in the order written.
    pub extras: Vec<String>,
    /// The version specifier without whitespace or old-style parentheses, e.g. `>=2.14.1,<3.0.0`; empty if none.
    pub specifier: String,
    /// The direct reference after `@`, if any.
    pub url: Option<String>,
    /// The environment marker after `;`, if any.
    pub marker: Option<Marker>,
    /// The original text, trimmed.
    pub text: String,
}

/// Why a requirement line could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequirementError {
    /// The line is blank.
    #[error("empty requirement")]
    Empty,
    /// The line does not start with a valid distribution name.
    #[error("requirement {text:?}: expected a distribution name at byte {pos}")]
    BadName { text: String, pos: usize },
    /// `[` without a closing `]`.
    #[error("requirement {text:?}: extras opened at byte {pos} are never closed with `]`")]
    UnclosedExtras { text: String, pos: usize },
    /// An extra that is not a valid name.
    #[error("requirement {text:?}: {extra:?} is not a valid extra name")]
    BadExtra { text: String, extra: String },
    /// `@` with nothing after it.
    #[error("requirement {text:?}: expected a URL after `@` at byte {pos}")]
    MissingUrl { text: String, pos: usize },
    /// `(` without a closing `)` around the specifier.
    #[error(
        "requirement {text:?}: version specifier opened at byte {pos} is never closed with `)`"
    )]
    UnclosedParen { text: String, pos: usize },
    /// A specifier clause that does not start with a comparison operator.
    #[error("requirement {text:?}: {clause:?} is not a version specifier clause (e.g. `>=1.0`)")]
    BadSpecifier { text: String, clause: String },
    /// Text left over where only `;` and a marker may follow.
    #[error("requirement {text:?}: expected `;` or the end at byte {pos}")]
    Trailing { text: String, pos: usize },
    /// `;` with no marker after it.
    #[error("requirement {text:?}: expected a marker after `;`")]
    EmptyMarker { text: String },
    /// The marker after `;` does not parse.
    #[error("requirement {text:?}: {error}")]
    Marker { text: String, error: MarkerError },
}

/// What follows the name and extras: a URL or a specifier, then the marker text.
struct Tail<'a> {
    specifier: String,
    url: Option<String>,
    marker: Option<&'a str>,
}

impl Requirement {
    /// Parses one PEP 508 requirement, also accepting the old `name (>=1.0)` form.
    pub fn parse(s: &str) -> Result<Requirement, RequirementError> {
        let text = s.trim();
        if text.is_empty() {
            return Err(RequirementError::Empty);
        }
        let name = parse_name(text)?;
        let (extras, rest) = parse_extras(text, text[name.len()..].trim_start())?;
        let tail = match rest.strip_prefix('@') {
            Some(after) => parse_url(text, after)?,
            None => parse_specifier(text, rest)?,
        };
        let marker = tail.marker.map(|m| parse_marker(text, m)).transpose()?;
        Ok(Requirement {
            name: name.to_string(),
            key: normalize(name),
            extras,
            specifier: tail.specifier,
            url: tail.url,
            marker,
            text: text.to_string(),
        })
    }

    /// Whether this dependency applies in `env` with `extras` (normalised) active on the dependent.
    pub fn applies(&self, env: &Env, extras: &BTreeSet<String>) -> bool {
        self.marker.as_ref().is_none_or(|m| m.evaluate(env, extras))
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A name starts and ends with a letter or digit and has only `-_.` in between.
fn is_valid_name(name: &str) -> bool {
    let ends_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    ends_ok(name.chars().next()) && ends_ok(name.chars().last()) && name.chars().all(is_name_char)
}

fn parse_name(text: &str) -> Result<&str, RequirementError> {
    let len = text.find(|c| !is_name_char(c)).unwrap_or(text.len());
    let name = &text[..len];
    if is_valid_name(name) {
        Ok(name)
    } else {
        let pos = if name.is_empty() {
            0
        } else {
            len.saturating_sub(1)
        };
        Err(RequirementError::BadName {
            text: text.into(),
            pos,
        })
    }
}

/// Parses an optional `[a, b]` at the start of `rest`; returns the extras and what follows.
fn parse_extras<'a>(text: &str, rest: &'a str) -> Result<(Vec<String>, &'a str), RequirementError> {
    let Some(inside) = rest.strip_prefix('[') else {
        return Ok((Vec::new(), rest));
    };
    let pos = text.len() - rest.len();
    let end = inside
        .find(']')
        .ok_or_else(|| RequirementError::UnclosedExtras {
            text: text.into(),
            pos,
        })?;
    let mut extras = Vec::new();
    for extra in inside[..end].split(',').map(str::trim) {
        if extra.is_empty() && inside[..end].trim().is_empty() {
            continue;
        }
        if !is_valid_name(extra) {
            return Err(RequirementError::BadExtra {
                text: text.into(),
                extra: extra.into(),
            });
        }
        extras.push(normalize(extra));
    }
    Ok((extras, inside[end + 1..].trim_start()))
}

/// `@ URL` then optionally `; marker`. PEP 508 wants a space before the `;`,
/// but a URL ending in `;` is taken to mean the marker starts there.
fn parse_url<'a>(text: &str, after: &'a str) -> Result<Tail<'a>, RequirementError> {
    let after = after.trim_start();
    let end = after.find(char::is_whitespace).unwrap_or(after.len());
    let (url, rest) = (&after[..end], after[end..].trim_start());
    let (url, marker) = match (url.strip_suffix(';'), rest.strip_prefix(';')) {
        (Some(url), _) => (url, Some(rest)),
        (None, Some(marker)) => (url, Some(marker)),
        (None, None) if rest.is_empty() => (url, None),
        (None, None) => {
            let pos = text.len() - rest.len();
            return Err(RequirementError::Trailing {
                text: text.into(),
                pos,
            });
        }
    };
    if url.is_empty() {
        let pos = text.len() - after.len();
        return Err(RequirementError::MissingUrl {
            text: text.into(),
            pos,
        });
    }
    Ok(Tail {
        specifier: String::new(),
        url: Some(url.to_string()),
        marker,
    })
}

/// A specifier (bare or in parentheses) then optionally `; marker`.
fn parse_specifier<'a>(text: &str, rest: &'a str) -> Result<Tail<'a>, RequirementError> {
    let (spec, marker) = match rest.split_once(';') {
        Some((spec, marker)) => (spec.trim(), Some(marker)),
        None => (rest.trim(), None),
    };
    let spec = match spec.strip_prefix('(') {
        Some(inner) => inner
            .strip_suffix(')')
            .ok_or_else(|| RequirementError::UnclosedParen {
                text: text.into(),
                pos: text.len() - rest.len(),
            })?,
        None => spec,
    };
    let specifier: String = spec.chars().filter(|c| !c.is_whitespace()).collect();
    let bad = specifier.split(',').find(|clause| !is_clause(clause));
    if let (false, Some(clause)) = (specifier.is_empty(), bad) {
        return Err(RequirementError::BadSpecifier {
            text: text.into(),
            clause: clause.into(),
        });
    }
    Ok(Tail {
        specifier,
        url: None,
        marker,
    })
}

/// An operator followed by version characters, e.g. `>=2.14.1` or `!=0.41.*`.
fn is_clause(clause: &str) -> bool {
    version::split_operator(clause).is_some_and(|(_, v)| {
        v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_'))
    })
}

fn parse_marker(text: &str, marker: &str) -> Result<Marker, RequirementError> {
    if marker.trim().is_empty() {
        return Err(RequirementError::EmptyMarker { text: text.into() });
    }
    Marker::parse(marker.trim()).map_err(|error| RequirementError::Marker {
        text: text.into(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Requirement {
        Requirement::parse(line).unwrap_or_else(|e| panic!("{line:?} should parse: {e}"))
    }

    /// (Requires-Dist line, key, extras, specifier, applies on Lambda without extras,
    /// applies with the extras its marker mentions).
    type Case = (
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static str,
        bool,
        bool,
    );

    #[rustfmt::skip]
    const REAL_LINES: &[Case] = &[
        (r#"google-auth[aiohttp]<3.0.0,>=2.14.1; extra == "async-rest""#, "google-auth", &["aiohttp"], "<3.0.0,>=2.14.1", false, true),
        ("zope.interface (>3.5.0)", "zope-interface", &[], ">3.5.0", true, true),
        ("six (>=1.5)", "six", &[], ">=1.5", true, true),
        (r#"numpy>=1.22.5; python_version >= "3.9""#, "numpy", &[], ">=1.22.5", true, true),
        (r#"importlib-metadata>=4.6; python_version < "3.10""#, "importlib-metadata", &[], ">=4.6", false, false),
        (r#"pywin32>=226; sys_platform == "win32""#, "pywin32", &[], ">=226", false, false),
        ("tomli; python_version<'3.11'", "tomli", &[], "", false, false),
        ("uvicorn[standard]>=0.18.3", "uvicorn", &["standard"], ">=0.18.3", true, true),
        ("chroma-hnswlib==0.7.6", "chroma-hnswlib", &[], "==0.7.6", true, true),
        ("onnxruntime>=1.14.1", "onnxruntime", &[], ">=1.14.1", true, true),
        ("opentelemetry-instrumentation-fastapi>=0.41b0", "opentelemetry-instrumentation-fastapi", &[], ">=0.41b0", true, true),
        ("typing_extensions>=4.5.0", "typing-extensions", &[], ">=4.5.0", true, true),
        ("websocket-client!=0.40.0,!=0.41.*,!=0.42.*,>=0.32.0", "websocket-client", &[], "!=0.40.0,!=0.41.*,!=0.42.*,>=0.32.0", true, true),
        (r#"adal>=1.0.2; extra == "adal""#, "adal", &[], ">=1.0.2", false, true),
        ("cachetools<6.0,>=2.0.0", "cachetools", &[], "<6.0,>=2.0.0", true, true),
        (r#"pyopenssl>=20.0.0; extra == "enterprise-cert""#, "pyopenssl", &[], ">=20.0.0", false, true),
        (r#"grpcio<2.0.0,>=1.49.1; python_version >= "3.11" and extra == "grpc""#, "grpcio", &[], "<2.0.0,>=1.49.1", false, true),
        ("charset_normalizer<4,>=2", "charset-normalizer", &[], "<4,>=2", true, true),
        (r#"PySocks!=1.5.7,>=1.5.6; extra == "socks""#, "pysocks", &[], "!=1.5.7,>=1.5.6", false, true),
        (r#"chardet<6,>=3.0.2; extra == "use_chardet_on_py3""#, "chardet", &[], "<6,>=3.0.2", false, true),
        (r#"brotli>=1.0.9; platform_python_implementation == "CPython" and extra == "brotli""#, "brotli", &[], ">=1.0.9", false, true),
        (r#"brotlicffi>=0.8.0; platform_python_implementation != "CPython" and extra == "brotli""#, "brotlicffi", &[], ">=0.8.0", false, false),
        ("pydantic-core==2.27.2", "pydantic-core", &[], "==2.27.2", true, true),
        (r#"tzdata; (python_version >= "3.9" and platform_system == "Windows") and extra == "timezone""#, "tzdata", &[], "", false, false),
        (r#"typing-extensions>=4.0; python_version < "3.11""#, "typing-extensions", &[], ">=4.0", false, false),
        (r#"colorama>=0.4; sys_platform == "win32" and extra == "standard""#, "colorama", &[], ">=0.4", false, false),
        (r#"uvloop!=0.15.0,!=0.15.1,>=0.14.0; (sys_platform != "win32" and (sys_platform != "cygwin" and platform_python_implementation != "PyPy")) and extra == "standard""#, "uvloop", &[], "!=0.15.0,!=0.15.1,>=0.14.0", false, true),
        ("mpmath<1.4,>=1.1.0", "mpmath", &[], "<1.4,>=1.1.0", true, true),
        ("importlib-metadata<=8.5.0,>=6.0", "importlib-metadata", &[], "<=8.5.0,>=6.0", true, true),
        ("opentelemetry-semantic-conventions==0.50b0", "opentelemetry-semantic-conventions", &[], "==0.50b0", true, true),
        ("botocore<1.36.0,>=1.35.90", "botocore", &[], "<1.36.0,>=1.35.90", true, true),
        (r#"botocore[crt]<2.0a.0,>=1.21.0; extra == "crt""#, "botocore", &["crt"], "<2.0a.0,>=1.21.0", false, true),
        ("coloredlogs", "coloredlogs", &[], "", true, true),
        ("protobuf!=3.20.0,!=3.20.1,!=4.21.0,<6.0.0.dev0,>=3.19.5", "protobuf", &[], "!=3.20.0,!=3.20.1,!=4.21.0,<6.0.0.dev0,>=3.19.5", true, true),
        ("httpcore==1.*", "httpcore", &[], "==1.*", true, true),
        (r#"numpy>=1.26.0; python_version >= "3.12""#, "numpy", &[], ">=1.26.0", true, true),
        (r#"numpy>=1.23.2; python_version == "3.11""#, "numpy", &[], ">=1.23.2", false, false),
        (r#"aiodns>=3.2.0; (sys_platform == "linux" or sys_platform == "darwin") and extra == "speedups""#, "aiodns", &[], ">=3.2.0", false, true),
        (r#"async-timeout<6.0,>=4.0; python_version < "3.11""#, "async-timeout", &[], "<6.0,>=4.0", false, false),
        (r#"pytest>=7.1.0; extra == "dev""#, "pytest", &[], ">=7.1.0", false, true),
        ("  requests [ socks , Security ] ( >= 2.0 , < 3 ) ;  python_version >= '3.8'  ", "requests", &["socks", "security"], ">=2.0,<3", true, true),
    ];

    #[test]
    fn real_requires_dist_lines_parse_and_evaluate_on_lambda() {
        let env = Env::lambda("3.12", "x86_64");
        for &(line, key, extras, specifier, base, with_extras) in REAL_LINES {
            let req = parse(line);
            assert_eq!(req.key, key, "key of {line:?}");
            assert_eq!(req.extras, extras, "extras of {line:?}");
            assert_eq!(req.specifier, specifier, "specifier of {line:?}");
            assert_eq!(req.url, None, "url of {line:?}");
            assert_eq!(req.text, line.trim(), "text of {line:?}");
            assert_eq!(
                req.applies(&env, &BTreeSet::new()),
                base,
                "{line:?} without extras"
            );
            let mentioned = req.marker.as_ref().map(Marker::extras).unwrap_or_default();
            let active = mentioned.into_iter().collect();
            assert_eq!(
                req.applies(&env, &active),
                with_extras,
                "{line:?} with its extras"
            );
        }
        assert!(REAL_LINES.len() >= 25);
    }

    #[test]
    fn the_name_keeps_its_metadata_spelling() {
        let req = parse("PySocks!=1.5.7");
        assert_eq!(
            (req.name.as_str(), req.key.as_str()),
            ("PySocks", "pysocks")
        );
    }

    #[test]
    fn a_url_requirement_keeps_the_url_and_its_marker() {
        let req = parse(r#"foo @ https://x/y.whl ; python_version<"3.9""#);
        assert_eq!(req.url.as_deref(), Some("https://x/y.whl"));
        assert_eq!(req.specifier, "");
        assert_eq!(
            req.marker.map(|m| m.to_string()).as_deref(),
            Some(r#"python_version < "3.9""#)
        );
        let bare = parse("foo[bar]@ file:///tmp/foo-1.0.tar.gz");
        assert_eq!(bare.url.as_deref(), Some("file:///tmp/foo-1.0.tar.gz"));
        assert_eq!(bare.extras, ["bar"]);
        let glued = parse("foo @ https://x/y.whl; os_name == 'posix'");
        assert_eq!(glued.url.as_deref(), Some("https://x/y.whl"));
        assert!(glued.marker.is_some());
    }

    #[test]
    fn empty_extras_brackets_mean_no_extras() {
        assert!(parse("foo[]>=1").extras.is_empty());
    }

    #[test]
    fn broken_lines_are_errors_that_point_at_the_problem() {
        let cases: [(&str, &str); 9] = [
            ("   ", "empty requirement"),
            (">=1.0", "expected a distribution name at byte 0"),
            ("foo[bar>=1", "never closed with `]`"),
            ("foo[b@r]", r#""b@r" is not a valid extra name"#),
            ("foo @ ", "expected a URL after `@`"),
            ("foo (>=1.0", "never closed with `)`"),
            ("foo 1.0", r#""1.0" is not a version specifier clause"#),
            ("foo>=1;", "expected a marker after `;`"),
            (
                "foo>=1; python_version <",
                "expected a variable or a quoted string",
            ),
        ];
        for (line, message) in cases {
            let error = Requirement::parse(line).expect_err(line).to_string();
            assert!(
                error.contains(message),
                "{line:?} gave {error:?}, wanted {message:?}"
            );
        }
    }

    #[test]
    fn text_after_a_url_must_be_a_marker() {
        let error = Requirement::parse("foo @ https://x/y.whl extra").expect_err("trailing text");
        assert!(
            matches!(error, RequirementError::Trailing { pos: 22, .. }),
            "{error:?}"
        );
    }
}
