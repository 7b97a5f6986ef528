//! File lists that say which paths a distribution owns: a wheel install's
//! `*.dist-info/RECORD` and an egg-info's `installed-files.txt` / `SOURCES.txt`.

/// One `path,hash,size` row of a RECORD file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    /// The path as written, relative to the site directory (may start with `../`).
    pub path: String,
    /// The hash, e.g. `sha256=...`; `None` when empty (RECORD itself, `.pyc` files).
    pub hash: Option<String>,
    /// The size in bytes; `None` when empty.
    pub size: Option<u64>,
    /// The 1-based line the row starts on.
    pub line: usize,
}

/// A parsed RECORD: the rows that made sense and those that did not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Well-formed rows, in file order.
    pub rows: Vec<RecordRow>,
    /// Rows that were skipped: (1-based line, why).
    pub bad_rows: Vec<(usize, String)>,
}

/// Parses a RECORD file. Never fails: CRLF, quoted fields, blank lines and
/// non-UTF-8 bytes (decoded lossily) are fine; malformed rows land in `bad_rows`.
pub fn parse_record(bytes: &[u8]) -> Record {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut record = Record::default();
    let rows = CsvRows {
        bytes,
        i: 0,
        line: 1,
    };
    for (line, fields) in rows.filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty())) {
        match parse_row(fields, line) {
            Ok(row) => record.rows.push(row),
            Err(message) => record.bad_rows.push((line, message)),
        }
    }
    record
}

fn parse_row(fields: Vec<String>, line: usize) -> Result<RecordRow, String> {
    let count = fields.len();
    let Ok([path, hash, size]) = <[String; 3]>::try_from(fields) else {
        return Err(format!("expected 3 fields (path,hash,size), found {count}"));
    };
    if path.is_empty() {
        return Err("empty path".into());
    }
    let size = match size.trim() {
        "" => None,
        text => Some(
            text.parse()
                .map_err(|_| format!("size {text:?} is not a number"))?,
        ),
    };
    let hash = (!hash.trim().is_empty()).then_some(hash);
    Ok(RecordRow {
        path,
        hash,
        size,
        line,
    })
}

/// Splits CSV bytes into rows of fields, each with the 1-based line it starts on.
///
/// Hand-rolled rather than the `csv` crate because that crate's line numbers drift
/// on CRLF input and blank lines, and bad rows must point at the right line. It reads
/// like Python's `csv` module (which wrote the file): `"` quotes, `""` escapes,
/// CR, LF or CRLF ends a row outside quotes.
struct CsvRows<'a> {
    bytes: &'a [u8],
    i: usize,
    line: usize,
}

impl Iterator for CsvRows<'_> {
    type Item = (usize, Vec<String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.i >= self.bytes.len() {
            return None;
        }
        let start = self.line;
        let mut fields = Vec::new();
        loop {
            let (field, row_ended) = self.field();
            fields.push(String::from_utf8_lossy(&field).into_owned());
            if row_ended {
                return Some((start, fields));
            }
        }
    }
}

impl CsvRows<'_> {
    /// Reads one field; returns it and whether it also ended the row.
    fn field(&mut self) -> (Vec<u8>, bool) {
        let mut field = Vec::new();
        let mut quoted = false;
        while let Some(&b) = self.bytes.get(self.i) {
            self.i += 1;
            match (quoted, b) {
                (true, b'"') if self.bytes.get(self.i) == Some(&b'"') => {
                    field.push(b'"');
                    self.i += 1;
                }
                (true, b'"') => quoted = false,
                (false, b'"') if field.is_empty() => quoted = true,
                (false, b',') => return (field, false),
                (false, b'\r' | b'\n') => {
                    self.end_line(b);
                    return (field, true);
                }
                (true, b'\n') => {
                    self.line += 1;
                    field.push(b);
                }
                (_, b) => field.push(b),
            }
        }
        (field, true)
    }

    /// Counts a line ended by `b`, swallowing the LF of a CRLF.
    fn end_line(&mut self, b: u8) {
        if b == b'\r' && self.bytes.get(self.i) == Some(&b'\n') {
            self.i += 1;
        }
        self.line += 1;
    }
}

/// Parses an egg-info file list (`installed-files.txt`, relative to the egg-info
/// directory, or `SOURCES.txt`, relative to the project root): one path per line,
/// blank lines skipped, surrounding whitespace and CR trimmed, bytes decoded lossily.
pub fn parse_file_list(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, hash: Option<&str>, size: Option<u64>, line: usize) -> RecordRow {
        RecordRow {
            path: path.into(),
            hash: hash.map(Into::into),
            size,
            line,
        }
    }

    #[test]
    fn a_typical_record_with_crlf_and_empty_sizes_parses_every_row() {
        let text = b"six.py,sha256=abc,34549\r\n\
six-1.16.0.dist-info/RECORD,,\r\n\
__pycache__/six.cpython-312.pyc,,\r\n\
../../bin/normalizer,sha256=def,270\r\n";
        let record = parse_record(text);
        assert_eq!(record.bad_rows, vec![]);
        assert_eq!(
            record.rows,
            vec![
                row("six.py", Some("sha256=abc"), Some(34549), 1),
                row("six-1.16.0.dist-info/RECORD", None, None, 2),
                row("__pycache__/six.cpython-312.pyc", None, None, 3),
                row("../../bin/normalizer", Some("sha256=def"), Some(270), 4),
            ]
        );
    }

    #[test]
    fn quoted_paths_may_contain_commas_and_quotes() {
        let record = parse_record(b"\"data/a,b.txt\",sha256=x,5\n\"say \"\"hi\"\".txt\",,7\n");
        assert_eq!(record.rows[0].path, "data/a,b.txt");
        assert_eq!(record.rows[1].path, "say \"hi\".txt");
        assert_eq!(record.rows[1].size, Some(7));
    }

    #[test]
    fn blank_lines_are_skipped_and_line_numbers_stay_true() {
        let record = parse_record(b"\na.py,,1\n\n  \nb.py,,2\n");
        let lines: Vec<usize> = record.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 5]);
        assert!(record.bad_rows.is_empty());
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line_and_the_rest_survive() {
        let text = b"ok.py,sha256=a,1\nonly-a-path\na.py,sha256=b,12,extra\nc.py,sha256=c,twelve\n,sha256=d,3\nlast.py,,9\n";
        let record = parse_record(text);
        let paths: Vec<&str> = record.rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, vec!["ok.py", "last.py"]);
        let lines: Vec<usize> = record.bad_rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
        assert!(
            record.bad_rows[0].1.contains("found 1"),
            "{:?}",
            record.bad_rows[0]
        );
        assert!(
            record.bad_rows[1].1.contains("found 4"),
            "{:?}",
            record.bad_rows[1]
        );
        assert!(
            record.bad_rows[2].1.contains("\"twelve\" is not a number"),
            "{:?}",
            record.bad_rows[2]
        );
        assert_eq!(record.bad_rows[3].1, "empty path");
    }

    #[test]
    fn a_quoted_newline_keeps_the_row_whole_and_later_lines_counted() {
        let record = parse_record(b"\"odd\r\nname\",,1\r\nnext.py,,2\r\nlast.py,,3");
        assert_eq!(record.rows[0].path, "odd\r\nname");
        let lines: Vec<usize> = record.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 3, 4]);
    }

    #[test]
    fn non_utf8_bytes_are_decoded_lossily() {
        let record = parse_record(b"caf\xe9.py,,4\n");
        assert_eq!(record.rows[0].path, "caf\u{fffd}.py");
        assert_eq!(record.rows[0].size, Some(4));
    }

    #[test]
    fn a_byte_order_mark_does_not_end_up_in_the_first_path() {
        let record = parse_record(b"\xEF\xBB\xBFa.py,,1\n");
        assert_eq!(record.rows[0].path, "a.py");
    }

    #[test]
    fn file_lists_skip_blank_lines_and_trim_crlf() {
        let list =
            parse_file_list(b"../yaml/__init__.py\r\n\r\n../yaml/composer.py\r\nPKG-INFO\n  \n");
        assert_eq!(
            list,
            vec!["../yaml/__init__.py", "../yaml/composer.py", "PKG-INFO"]
        );
    }
}
