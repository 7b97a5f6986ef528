//! Byte sizes as people write them ("180MB", "1.5GB") and as AWS prints them ("250 MB").

use humansize::{FormatSizeOptions, WINDOWS, format_size};

use super::LimitError;

/// Most decimals a size may carry; 10^18 keeps the exact maths inside u128.
const MAX_DECIMALS: usize = 18;

/// Parses a size into exact bytes: a number, optional spaces, an optional unit.
///
/// Units are case-insensitive and ALL 1024-based, as AWS writes them: B (or none),
/// K/KB/KiB = 1024, M/MB/MiB = 1024^2, G/GB/GiB = 1024^3. Decimals are exact, not
/// floating point: "1.5GB" is 1610612736. A fraction of a byte rounds to the nearest
/// byte, halves up ("1.1KB" is 1126).
pub fn parse_size(s: &str) -> Result<u64, LimitError> {
    let text = s.trim();
    if text.is_empty() {
        return Err(LimitError::Empty);
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if number.is_empty() {
        return Err(LimitError::InvalidNumber { input: text.into() });
    }
    let unit = unit.trim_start();
    let multiplier = unit_bytes(unit).ok_or_else(|| LimitError::UnknownUnit {
        input: text.into(),
        unit: unit.into(),
    })?;
    scaled(number, multiplier, text)
}

/// Bytes in one `unit` (case-insensitive), or `None` for an unknown unit.
fn unit_bytes(unit: &str) -> Option<u128> {
    let power = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 1,
        "m" | "mb" | "mib" => 2,
        "g" | "gb" | "gib" => 3,
        _ => return None,
    };
    Some(1024u128.pow(power))
}

/// `number` (digits, optionally one `.` and more digits) times `multiplier`, in bytes.
fn scaled(number: &str, multiplier: u128, input: &str) -> Result<u64, LimitError> {
    let invalid = || LimitError::InvalidNumber {
        input: input.into(),
    };
    let overflow = || LimitError::Overflow {
        input: input.into(),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let has_dot = number.contains('.');
    if whole.is_empty() || (has_dot && fraction.is_empty()) || fraction.contains('.') {
        return Err(invalid());
    }
    if fraction.len() > MAX_DECIMALS {
        return Err(invalid());
    }
    // Only digits remain, so parsing fails only by overflowing u128.
    let whole: u128 = whole.parse().map_err(|_| overflow())?;
    let part = if fraction.is_empty() {
        0
    } else {
        let digits: u128 = fraction.parse().map_err(|_| invalid())?;
        let scale = 10u128.pow(fraction.len() as u32);
        (2 * digits * multiplier + scale) / (2 * scale)
    };
    let bytes = whole
        .checked_mul(multiplier)
        .and_then(|b| b.checked_add(part))
        .ok_or_else(overflow)?;
    u64::try_from(bytes).map_err(|_| overflow())
}

/// Formats bytes the way AWS writes them: 1024-based with KB/MB/GB, one decimal when
/// not whole ("250 MB", "50 MB", "1.5 KB", "52.6 MB"). Exact bytes belong beside it
/// wherever one byte matters.
pub fn human(bytes: u64) -> String {
    // humansize's WINDOWS style divides by 1024 and prints decimal-style units, but
    // spells kilo "kB"; AWS writes "KB".
    let options = FormatSizeOptions::from(WINDOWS).decimal_places(1);
    format_size(bytes, options).replace("kB", "KB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_to_exact_1024_based_bytes() {
        let table: &[(&str, u64)] = &[
            ("262144000", 262_144_000),
            ("0", 0),
            ("180MB", 180 * 1024 * 1024),
            ("180 mb", 180 * 1024 * 1024),
            ("50MiB", 52_428_800),
            ("50m", 52_428_800),
            ("1.5GB", 1_610_612_736),
            ("1.5g", 1_610_612_736),
            ("10GiB", 10_737_418_240),
            ("500KB", 512_000),
            ("500K", 512_000),
            ("500kib", 512_000),
            ("7B", 7),
            ("  42  ", 42),
            ("1.1KB", 1126),
            ("0.5B", 1),
            ("52.6MB", 55_155_098),
            ("18446744073709551615", u64::MAX),
        ];
        for &(text, bytes) in table {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn malformed_sizes_are_refused_with_the_reason() {
        let invalid = |s: &str| LimitError::InvalidNumber { input: s.into() };
        let overflow = |s: &str| LimitError::Overflow { input: s.into() };
        let table: Vec<(&str, LimitError)> = vec![
            ("", LimitError::Empty),
            ("   ", LimitError::Empty),
            (
                "12XB",
                LimitError::UnknownUnit {
                    input: "12XB".into(),
                    unit: "XB".into(),
                },
            ),
            (
                "5TB",
                LimitError::UnknownUnit {
                    input: "5TB".into(),
                    unit: "TB".into(),
                },
            ),
            ("-5", invalid("-5")),
            ("MB", invalid("MB")),
            (".5MB", invalid(".5MB")),
            ("5.MB", invalid("5.MB")),
            ("1.2.3MB", invalid("1.2.3MB")),
            ("1.0000000000000000001", invalid("1.0000000000000000001")),
            ("18446744073709551616", overflow("18446744073709551616")),
            ("17179869184GB", overflow("17179869184GB")),
            (
                "999999999999999999999999999999999999999999",
                overflow("999999999999999999999999999999999999999999"),
            ),
        ];
        for (text, error) in table {
            assert_eq!(parse_size(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn human_sizes_read_like_aws() {
        assert_eq!(human(262_144_000), "250 MB");
        assert_eq!(human(52_428_800), "50 MB");
        assert_eq!(human(1536), "1.5 KB");
        assert_eq!(human(10_737_418_240), "10 GB");
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1023), "1023 B");
    }
}
