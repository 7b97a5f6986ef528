//! Platform size limits: presets, `--limit` parsing and verdicts, all in exact u64 bytes.
//!
//! Sizes are 1024-based everywhere, as AWS writes them: "50 MB" is 52428800 bytes.
//! A limit is checked with "smaller than", as AWS's errors word it, so a bundle of
//! exactly the limit's bytes fails.

mod size;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use size::{human, parse_size};

/// What a limit is measured on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Counted {
    /// The bundle's unzipped contents (apparent file sizes).
    Unzipped,
    /// The .zip file.
    Zipped,
    /// An upload request carrying the .zip in base64 ([`request_bytes`]).
    Request,
}

impl Counted {
    /// A short phrase for what is measured, e.g. "unzipped contents".
    pub fn label(self) -> &'static str {
        match self {
            Self::Unzipped => "unzipped contents",
            Self::Zipped => "the .zip file",
            Self::Request => "the upload request",
        }
    }
}

/// A size limit of a deployment platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// Preset name such as "aws-lambda", or the `--limit` text for a custom limit.
    pub name: String,
    /// The bundle must be smaller than this many bytes.
    pub bytes: u64,
    /// What is measured against `bytes`.
    pub counted: Counted,
    /// One line for people.
    pub description: String,
    /// Where the number comes from (an error text, a docs page, or "command line").
    pub source: String,
}

/// Errors from parsing a `--limit` or a size.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LimitError {
    /// Nothing was given.
    #[error("empty size: expected a number such as 250MB")]
    Empty,
    /// The number part is malformed (signs, stray dots, over 18 decimals).
    #[error("`{input}` is not a size: expected a number such as 250MB or 1.5GB")]
    InvalidNumber {
        /// The text as given.
        input: String,
    },
    /// The unit after the number is not one heft knows.
    #[error(
        "unknown unit `{unit}` in `{input}`: use B, KB, MB or GB (1024-based; K, KiB, M, MiB, G, GiB too)"
    )]
    UnknownUnit {
        /// The text as given.
        input: String,
        /// The unit part.
        unit: String,
    },
    /// The size does not fit in 64 bits.
    #[error("`{input}` is too large: more than {max} bytes", max = u64::MAX)]
    Overflow {
        /// The text as given.
        input: String,
    },
    /// A name that is neither a preset nor a size.
    #[error("unknown limit `{name}`: use a preset ({known}) or a size such as 250MB or zip:50MB")]
    UnknownPreset {
        /// The text as given.
        name: String,
        /// The preset names, comma-separated.
        known: String,
    },
    /// The part before `:` is not a measure.
    #[error("unknown measure `{prefix}` in `{input}`: use unzipped:, zip: or request:")]
    UnknownCounted {
        /// The text as given.
        input: String,
        /// The part before `:`.
        prefix: String,
    },
    /// A limit of zero bytes, which nothing could pass.
    #[error("`{input}` is a limit of zero bytes")]
    ZeroLimit {
        /// The text as given.
        input: String,
    },
}

/// Bytes a `PublishLayerVersion` request adds around the base64 zip: JSON keys, a
/// description (at most 256 characters), licence info (at most 512), runtimes and
/// architectures, plus signed HTTP headers, rounded up to 2 KiB.
///
/// How 70167211 comes about: it is ceil(50 MiB * 4 / 3) + 256 KiB, base64 of a 50 MiB
/// zip plus a 256 KiB allowance (AWS quoted 69905067, the base64 alone, until about
/// 2020). A real request needs far less than 256 KiB, so with this estimate a zip up to
/// 52623870 bytes (about 52.6 MB decimal, 50.19 MiB) passes, as users observe.
pub const REQUEST_ENVELOPE_BYTES: u64 = 2048;

/// The presets, parsed once from the embedded `assets/limits.json`.
pub fn presets() -> &'static [Limit] {
    static PRESETS: OnceLock<Vec<Limit>> = OnceLock::new();
    PRESETS.get_or_init(|| {
        // The asset is compiled in and the `presets_parse` test parses it, so this
        // cannot fail in a build whose tests pass.
        serde_json::from_str(include_str!("../assets/limits.json"))
            .expect("assets/limits.json is valid (checked by a unit test)")
    })
}

/// The preset called `name` (case-insensitive).
pub fn preset(name: &str) -> Option<&'static Limit> {
    presets().iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// Resolves a `--limit` argument: a preset name, or a size with an optional measure.
///
/// Sizes follow [`parse_size`] (1024-based units). A custom size counts the unzipped
/// contents unless prefixed with a measure: `zip:50MB` (or `zipped:`) for the .zip file,
/// `request:` for the upload request, `unzipped:` to say the default. Zero is refused.
pub fn parse_limit(s: &str) -> Result<Limit, LimitError> {
    let text = s.trim();
    if let Some(found) = preset(text) {
        return Ok(found.clone());
    }
    let (counted, size_text) = split_counted(text)?;
    let bytes = parse_size(size_text).map_err(|e| misspelt_preset_or(text, e))?;
    if bytes == 0 {
        return Err(LimitError::ZeroLimit { input: text.into() });
    }
    Ok(Limit {
        name: text.into(),
        bytes,
        counted,
        description: format!(
            "custom limit of {} ({bytes} bytes) on {}",
            human(bytes),
            counted.label()
        ),
        source: "command line".into(),
    })
}

/// Splits an optional `measure:` prefix off a custom limit.
fn split_counted(text: &str) -> Result<(Counted, &str), LimitError> {
    let Some((prefix, size)) = text.split_once(':') else {
        return Ok((Counted::Unzipped, text));
    };
    let counted = match prefix.trim().to_ascii_lowercase().as_str() {
        "unzipped" => Counted::Unzipped,
        "zip" | "zipped" => Counted::Zipped,
        "request" => Counted::Request,
        _ => {
            return Err(LimitError::UnknownCounted {
                input: text.into(),
                prefix: prefix.into(),
            });
        }
    };
    Ok((counted, size))
}

/// Text with no number, measure or digits up front was most likely a misspelt preset.
fn misspelt_preset_or(text: &str, error: LimitError) -> LimitError {
    let is_word = text.starts_with(|c: char| c.is_ascii_alphabetic()) && !text.contains(':');
    if !is_word || !matches!(error, LimitError::InvalidNumber { .. }) {
        return error;
    }
    let known: Vec<&str> = presets().iter().map(|p| p.name.as_str()).collect();
    LimitError::UnknownPreset {
        name: text.into(),
        known: known.join(", "),
    }
}

/// The `PublishLayerVersion` request size for a zip of `zip_bytes`: its base64 length,
/// 4 * ceil(n / 3), plus [`REQUEST_ENVELOPE_BYTES`].
pub fn request_bytes(zip_bytes: u64) -> u64 {
    zip_bytes
        .div_ceil(3)
        .saturating_mul(4)
        .saturating_add(REQUEST_ENVELOPE_BYTES)
}

/// How a bundle stands against one limit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// The limit checked.
    pub limit: Limit,
    /// Bytes measured as the limit counts them, plus `reserve`.
    pub used: u64,
    /// Bytes set aside for what was not scanned (other layers, the function's code).
    pub reserve: u64,
    /// Whether `used` is smaller than the limit (equal fails, as AWS says "smaller than").
    pub ok: bool,
    /// Bytes that could still be added and pass: `limit - 1 - used`, 0 when over.
    pub headroom: u64,
    /// Bytes to cut to pass: `used - limit + 1`, 0 when within. Nonzero exactly when not ok.
    pub overrun: u64,
    /// `used` as a percentage of the limit (may exceed 100).
    pub percent: f64,
}

/// Checks a bundle of `unzipped` / `zipped` bytes, plus `reserve`, against `limit`.
///
/// The measure follows `limit.counted`: a request limit measures [`request_bytes`] of
/// `zipped`. A zero-byte limit (only constructible by hand) fails everything.
pub fn verdict(limit: &Limit, unzipped: u64, zipped: u64, reserve: u64) -> Verdict {
    let measured = match limit.counted {
        Counted::Unzipped => unzipped,
        Counted::Zipped => zipped,
        Counted::Request => request_bytes(zipped),
    };
    let used = measured.saturating_add(reserve);
    let ok = used < limit.bytes;
    let (headroom, overrun) = if ok {
        (limit.bytes - 1 - used, 0)
    } else {
        (0, (used - limit.bytes).saturating_add(1))
    };
    Verdict {
        limit: limit.clone(),
        used,
        reserve,
        ok,
        headroom,
        overrun,
        percent: used as f64 * 100.0 / limit.bytes.max(1) as f64,
    }
}

#[cfg(test)]
mod tests;

/// `1234567` -> `1,234,567`: exact byte counts, readable.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
