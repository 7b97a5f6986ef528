//! A tolerant Python lexer: splits any bytes into logical lines of names, strings and
//! operators. It never fails; it knows just enough (strings of every kind, comments,
//! brackets, line continuations) that the word `import` inside a string or a comment is
//! never mistaken for a statement.

/// One token of a logical line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// An identifier or keyword.
    Name(&'a [u8]),
    /// A string literal: its raw text between the quotes; for an f-string the text before
    /// the first replacement field, with `complete` false.
    Str { text: &'a [u8], complete: bool },
    /// One byte of punctuation (`...` is three `.`).
    Op(u8),
    /// A number.
    Number,
}

/// A token with where it sits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    /// What it is.
    pub tok: Tok<'a>,
    /// Physical line (from 1).
    pub line: u32,
    /// Bracket depth it sits at (0 outside any bracket).
    pub depth: u16,
}

impl Token<'_> {
    /// The name, if it is one.
    pub fn name(&self) -> Option<&[u8]> {
        match self.tok {
            Tok::Name(n) => Some(n),
            _ => None,
        }
    }

    /// Whether it is the operator `op`.
    pub fn is_op(&self, op: u8) -> bool {
        self.tok == Tok::Op(op)
    }
}

/// f-strings nest replacement fields; deeper than this they count as plain text.
const MAX_FSTRING_NESTING: u8 = 8;

struct Lexer<'a> {
    src: &'a [u8],
    at: usize,
    line: u32,
}

/// Calls `on_line(indent, tokens)` for every logical line that has tokens.
pub(crate) fn for_each_line<'a>(src: &'a [u8], mut on_line: impl FnMut(u32, &[Token<'a>])) {
    let mut lx = Lexer {
        src,
        at: usize::from(src.starts_with(b"\xef\xbb\xbf")) * 3,
        line: 1,
    };
    let mut tokens: Vec<Token<'a>> = Vec::new();
    let mut depth: u16 = 0;
    let mut indent = lx.indent();
    while lx.at < lx.src.len() {
        let c = lx.src[lx.at];
        match c {
            b'\n' | b'\r' => {
                lx.newline();
                // A line at column 0 that starts a statement while a bracket is open means
                // the bracket was never closed: recover instead of swallowing the file.
                let recover = depth > 0 && starts_statement(&lx.src[lx.at..]);
                if depth == 0 || recover {
                    depth = 0;
                    if !tokens.is_empty() {
                        on_line(indent, &tokens);
                        tokens.clear();
                    }
                    indent = lx.indent();
                }
            }
            b'\\' => {
                lx.at += 1;
                if matches!(lx.src.get(lx.at), Some(b'\n' | b'\r')) {
                    lx.newline();
                }
            }
            b'#' => lx.skip_comment(),
            b' ' | b'\t' | b'\x0c' => lx.at += 1,
            b'\'' | b'"' => {
                let line = lx.line;
                let tok = lx.string(false, 0);
                tokens.push(Token { tok, line, depth });
            }
            b'0'..=b'9' => {
                lx.skip_number();
                tokens.push(Token {
                    tok: Tok::Number,
                    line: lx.line,
                    depth,
                });
            }
            c if is_ident_start(c) => {
                let line = lx.line;
                let tok = lx.name_or_string();
                tokens.push(Token { tok, line, depth });
            }
            _ => {
                lx.at += 1;
                if matches!(c, b')' | b']' | b'}') {
                    depth = depth.saturating_sub(1);
                }
                tokens.push(Token {
                    tok: Tok::Op(c),
                    line: lx.line,
                    depth,
                });
                if matches!(c, b'(' | b'[' | b'{') {
                    depth = depth.saturating_add(1);
                }
            }
        }
    }
    if !tokens.is_empty() {
        on_line(indent, &tokens);
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Whether `rest` (the start of a physical line) begins with a statement keyword at column 0.
fn starts_statement(rest: &[u8]) -> bool {
    [&b"import "[..], b"from ", b"def ", b"class "]
        .iter()
        .any(|k| rest.starts_with(k))
}

impl<'a> Lexer<'a> {
    /// Measures the indentation of the line starting here (tabs to multiples of 8).
    fn indent(&mut self) -> u32 {
        let mut col = 0u32;
        while let Some(&c) = self.src.get(self.at) {
            match c {
                b' ' => col = col.saturating_add(1),
                b'\t' => col = (col / 8).saturating_add(1).saturating_mul(8),
                b'\x0c' => col = 0,
                _ => break,
            }
            self.at += 1;
        }
        col
    }

    /// Consumes one `\n`, `\r\n` or `\r`.
    fn newline(&mut self) {
        if self.src.get(self.at) == Some(&b'\r') {
            self.at += 1;
            if self.src.get(self.at) == Some(&b'\n') {
                self.at += 1;
            }
        } else {
            self.at += 1;
        }
        self.line = self.line.saturating_add(1);
    }

    fn skip_comment(&mut self) {
        let rest = &self.src[self.at..];
        self.at += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    }

    fn skip_number(&mut self) {
        while let Some(&c) = self.src.get(self.at) {
            // `1e-5`: the sign after an exponent belongs to the number.
            let sign =
                (c == b'-' || c == b'+') && matches!(self.src.get(self.at - 1), Some(b'e' | b'E'));
            if !(is_ident(c) || c == b'.' || sign) {
                break;
            }
            self.at += 1;
        }
    }

    /// An identifier, or a string when the identifier is a string prefix right before a quote.
    fn name_or_string(&mut self) -> Tok<'a> {
        let start = self.at;
        while self.src.get(self.at).is_some_and(|c| is_ident(*c)) {
            self.at += 1;
        }
        let word = &self.src[start..self.at];
        let quote = matches!(self.src.get(self.at), Some(b'\'' | b'"'));
        let prefix = word.len() <= 2 && word.iter().all(|c| b"rRbBuUfFtT".contains(c));
        if quote && prefix {
            let formatted = word.iter().any(|c| b"fFtT".contains(c));
            return self.string(formatted, 0);
        }
        Tok::Name(word)
    }

    /// A string starting at the opening quote. Unterminated single-quoted strings end at
    /// the line's end, triple-quoted ones at the end of the file.
    fn string(&mut self, formatted: bool, nesting: u8) -> Tok<'a> {
        let q = self.src[self.at];
        let triple = self.src[self.at..].starts_with(&[q, q, q]);
        self.at += if triple { 3 } else { 1 };
        let start = self.at;
        let mut first_field: Option<usize> = None;
        let end = loop {
            let Some(&c) = self.src.get(self.at) else {
                break self.at;
            };
            match c {
                b'\\' => {
                    self.at += 1;
                    match self.src.get(self.at) {
                        Some(b'\n' | b'\r') => self.newline(),
                        Some(_) => self.at += 1,
                        None => {}
                    }
                }
                b'\n' | b'\r' if !triple => break self.at,
                b'\n' | b'\r' => self.newline(),
                c if c == q && (!triple || self.src[self.at..].starts_with(&[q, q, q])) => {
                    let end = self.at;
                    self.at += if triple { 3 } else { 1 };
                    break end;
                }
                b'{' if formatted && nesting < MAX_FSTRING_NESTING => {
                    if self.src.get(self.at + 1) == Some(&b'{') {
                        self.at += 2;
                    } else {
                        first_field.get_or_insert(self.at);
                        self.at += 1;
                        self.replacement_field(nesting + 1);
                    }
                }
                // Plain text: jump to the next byte that can matter (most of a docstring).
                _ if formatted => self.at += 1,
                _ => {
                    let rest = &self.src[self.at + 1..];
                    let next = if triple {
                        memchr::memchr3(q, b'\\', b'\n', rest)
                    } else {
                        memchr::memchr3(q, b'\\', b'\n', rest)
                            .map(|i| memchr::memchr(b'\r', &rest[..i]).unwrap_or(i))
                    };
                    self.at += 1 + next.unwrap_or(rest.len());
                }
            }
        };
        match first_field {
            Some(f) => Tok::Str {
                text: &self.src[start..f],
                complete: false,
            },
            None => Tok::Str {
                text: &self.src[start..end],
                complete: true,
            },
        }
    }

    /// Skips an f-string replacement field up to its closing `}` (nested strings included).
    fn replacement_field(&mut self, nesting: u8) {
        let mut level = 0u32;
        while let Some(&c) = self.src.get(self.at) {
            match c {
                b'\'' | b'"' => {
                    self.string(true, nesting);
                    continue;
                }
                b'{' | b'(' | b'[' => level += 1,
                b'}' | b')' | b']' if level == 0 => {
                    self.at += 1;
                    return;
                }
                b'}' | b')' | b']' => level -= 1,
                b'\n' | b'\r' => {
                    self.newline();
                    continue;
                }
                _ => {}
            }
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &str) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::new();
        for_each_line(src.as_bytes(), |indent, toks| {
            let words = toks
                .iter()
                .map(|t| match t.tok {
                    Tok::Name(n) => String::from_utf8_lossy(n).into_owned(),
                    Tok::Str { text, complete } => {
                        let s = String::from_utf8_lossy(text);
                        if complete {
                            format!("'{s}'")
                        } else {
                            format!("f'{s}")
                        }
                    }
                    Tok::Op(c) => (c as char).to_string(),
                    Tok::Number => "#".into(),
                })
                .collect();
            out.push((indent, words));
        });
        out
    }

    #[test]
    fn brackets_and_backslashes_join_physical_lines() {
        let l = lines("from a import (\n  b,\n  c)\nx = 1 + \\\n  2\n");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].1, ["from", "a", "import", "(", "b", ",", "c", ")"]);
    }

    #[test]
    fn strings_and_comments_hide_their_contents() {
        let l = lines("s = '''\nimport os\n'''  # import sys\nt = r\"\\\"import x\"\n");
        assert_eq!(l.len(), 2, "{l:?}");
        assert_eq!(l[0].1, ["s", "=", "'\nimport os\n'"]);
    }

    #[test]
    fn fstrings_keep_the_text_before_the_first_field() {
        let l = lines("m = f\".{name}\" + f'{x[\"a\"]}' + f\"{{lit}}\"\n");
        assert_eq!(l[0].1, ["m", "=", "f'.", "+", "f'", "+", "'{{lit}}'"]);
    }

    #[test]
    fn indentation_counts_tabs_to_eight() {
        let l = lines("def f():\n\timport a\n        import b\n");
        assert_eq!(l[1].0, 8);
        assert_eq!(l[2].0, 8);
    }

    #[test]
    fn an_unclosed_bracket_ends_at_the_next_statement_at_column_zero() {
        let l = lines("x = foo(\nimport os\n");
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].1, ["import", "os"]);
    }

    #[test]
    fn unterminated_strings_end_at_the_line() {
        let l = lines("print 'oops\nimport os\n");
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].1, ["import", "os"]);
    }
}
