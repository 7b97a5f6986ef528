//! File lists that say which paths a distribution owns: a wheel install's
//! `*.dist-info/RECORD` and an egg-info's `installed-files.txt` / `SOURCES.txt`.

use std::borrow::Cow;

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

/// One row of a RECORD as it sits in the file: fields borrow the file's bytes unless quoting
/// forced a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRef<'a> {
    /// The path's bytes as written (may start with `../`).
    pub path: Cow<'a, [u8]>,
    /// The hash field's bytes (empty for RECORD itself and `.pyc` files).
    pub hash: Cow<'a, [u8]>,
    /// The size in bytes; `None` when empty.
    pub size: Option<u64>,
    /// The 1-based line the row starts on.
    pub line: usize,
}

/// Parses a RECORD file. Never fails: CRLF, quoted fields, blank lines and
/// non-UTF-8 bytes (decoded lossily) are fine; malformed rows land in `bad_rows`.
pub fn parse_record(bytes: &[u8]) -> Record {
    let mut record = Record::default();
    for_each_row(bytes, |row| match row {
        Ok(row) => record.rows.push(RecordRow {
            path: String::from_utf8_lossy(&row.path).into_owned(),
            hash: (!is_blank(&row.hash)).then(|| String::from_utf8_lossy(&row.hash).into_owned()),
            size: row.size,
            line: row.line,
        }),
        Err(bad) => record.bad_rows.push(bad),
    });
    record
}

/// Calls `on_row` with every non-blank row of a RECORD, in file order: the row, or its
/// 1-based line and why it is malformed. The same rules as [`parse_record`], without an
/// allocation per field (ownership reads every RECORD of a bundle: a 200k-file tree spent a
/// third of its time allocating and freeing fields).
pub fn for_each_row<'a>(
    bytes: &'a [u8],
    mut on_row: impl FnMut(Result<RowRef<'a>, (usize, String)>),
) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rows = CsvRows {
        bytes,
        i: 0,
        line: 1,
    };
    // Reused across rows, so a row costs no allocation unless a field is quoted.
    let mut fields: Vec<Cow<'a, [u8]>> = Vec::with_capacity(4);
    while let Some(line) = rows.next_row(&mut fields) {
        if fields.iter().all(|f| is_blank(f)) {
            continue;
        }
        on_row(parse_row(&mut fields, line).map_err(|message| (line, message)));
    }
}

fn parse_row<'a>(fields: &mut Vec<Cow<'a, [u8]>>, line: usize) -> Result<RowRef<'a>, String> {
    if fields.len() != 3 {
        let count = fields.len();
        return Err(format!("expected 3 fields (path,hash,size), found {count}"));
    }
    let mut drain = fields.drain(..);
    let (Some(path), Some(hash), Some(size)) = (drain.next(), drain.next(), drain.next()) else {
        return Err("expected 3 fields (path,hash,size)".into());
    };
    if path.is_empty() {
        return Err("empty path".into());
    }
    let size = match String::from_utf8_lossy(&size).trim() {
        "" => None,
        text => Some(
            text.parse()
                .map_err(|_| format!("size {text:?} is not a number"))?,
        ),
    };
    Ok(RowRef {
        path,
        hash,
        size,
        line,
    })
}

/// Whether a field is empty or white space (as `str::trim` sees it, on the lossy text).
fn is_blank(field: &[u8]) -> bool {
    match std::str::from_utf8(field) {
        Ok(text) => text.trim().is_empty(),
        Err(_) => String::from_utf8_lossy(field).trim().is_empty(),
    }
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

impl<'a> CsvRows<'a> {
    /// Reads the next row's fields into `fields` (cleared first); returns the line it starts
    /// on, or `None` at the end.
    fn next_row(&mut self, fields: &mut Vec<Cow<'a, [u8]>>) -> Option<usize> {
        if self.i >= self.bytes.len() {
            return None;
        }
        fields.clear();
        let start = self.line;
        loop {
            let (field, row_ended) = self.field();
            fields.push(field);
            if row_ended {
                return Some(start);
            }
        }
    }

    /// Reads one field; returns it and whether it also ended the row. An unquoted field is
    /// a slice of the input; only a quoted one is copied (to undo `""`).
    fn field(&mut self) -> (Cow<'a, [u8]>, bool) {
        let bytes = self.bytes;
        let start = self.i;
        if bytes.get(start) != Some(&b'"') {
            let end = bytes[start..]
                .iter()
                .position(|b| matches!(b, b',' | b'\r' | b'\n' | b'"'))
                .map_or(bytes.len(), |n| start + n);
            match bytes.get(end) {
                None => {
                    self.i = end;
                    return (Cow::Borrowed(&bytes[start..end]), true);
                }
                Some(b',') => {
                    self.i = end + 1;
                    return (Cow::Borrowed(&bytes[start..end]), false);
                }
                Some(&b @ (b'\r' | b'\n')) => {
                    self.i = end + 1;
                    self.end_line(b);
                    return (Cow::Borrowed(&bytes[start..end]), true);
                }
                // A quote inside an unquoted field: the byte-by-byte reader decides.
                Some(_) => {}
            }
        }
        let (field, ended) = self.quoted_field();
        (Cow::Owned(field), ended)
    }

    /// Reads one field byte by byte, undoing quotes.
    fn quoted_field(&mut self) -> (Vec<u8>, bool) {
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

    #[test]
    fn unquoted_fields_borrow_the_file_and_quoted_ones_are_unescaped() {
        let mut rows = Vec::new();
        for_each_row(b"a/b.py,sha256=x,3\n\"q\"\"x.py\",,\n", |row| {
            rows.push(row.unwrap());
        });
        assert!(matches!(rows[0].path, Cow::Borrowed(b"a/b.py")));
        assert!(matches!(rows[0].hash, Cow::Borrowed(b"sha256=x")));
        assert_eq!(rows[1].path.as_ref(), b"q\"x.py");
        assert_eq!((rows[0].size, rows[1].size), (Some(3), None));
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_kept() {
        let record = parse_record(b"a\"b.py,,1\n");
        assert_eq!(record.rows[0].path, "a\"b.py");
    }
}
