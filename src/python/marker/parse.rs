//! Tokenizer and recursive-descent parser for PEP 508 marker text.
//!
//! Grammar: `or := and ("or" and)*`, `and := atom ("and" atom)*`,
//! `atom := "(" or ")" | operand op operand`, where an operand is a variable
//! or a string quoted with `'` or `"` (no escapes).

use super::{Marker, MarkerOp, Operand, Variable};

/// Parentheses deeper than this are refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// Operator symbols, longest first so `===` is not read as `==`.
const SYMBOLS: [(&str, MarkerOp); 8] = [
    ("===", MarkerOp::Arbitrary),
    ("==", MarkerOp::Equal),
    ("!=", MarkerOp::NotEqual),
    ("<=", MarkerOp::LessEqual),
    (">=", MarkerOp::GreaterEqual),
    ("~=", MarkerOp::Compatible),
    ("<", MarkerOp::Less),
    (">", MarkerOp::Greater),
];

/// Why a marker could not be parsed; positions are byte offsets into the marker text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkerError {
    /// The marker has no tokens at all.
    #[error("empty marker")]
    Empty,
    /// A quote opens a string that never closes.
    #[error("marker {marker:?}: string opened at byte {pos} is never closed")]
    UnterminatedString { marker: String, pos: usize },
    /// A character that starts no token.
    #[error("marker {marker:?}: unexpected character {found:?} at byte {pos}")]
    UnexpectedChar {
        marker: String,
        found: char,
        pos: usize,
    },
    /// A bare word that is not a PEP 508 variable.
    #[error("marker {marker:?}: unknown variable {name:?} at byte {pos}")]
    UnknownVariable {
        marker: String,
        name: String,
        pos: usize,
    },
    /// The grammar wanted something else here.
    #[error("marker {marker:?}: expected {expected} at byte {pos}, found {found}")]
    Expected {
        marker: String,
        expected: &'static str,
        found: String,
        pos: usize,
    },
    /// Parentheses nest too deeply.
    #[error("marker {marker:?}: parentheses nest deeper than {MAX_DEPTH} at byte {pos}")]
    TooDeep { marker: String, pos: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    LParen,
    RParen,
    Word(String),
    Str(String),
    Op(MarkerOp),
    End,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::LParen => "`(`".into(),
            Token::RParen => "`)`".into(),
            Token::Word(w) => format!("`{w}`"),
            Token::Str(s) => format!("string {s:?}"),
            Token::Op(op) => format!("`{}`", op.as_str()),
            Token::End => "the end of the marker".into(),
        }
    }
}

#[derive(Debug)]
struct Spanned {
    token: Token,
    pos: usize,
}

/// Parses marker text into a [`Marker`].
pub(super) fn parse(text: &str) -> Result<Marker, MarkerError> {
    let tokens = tokenize(text)?;
    if tokens.len() == 1 {
        return Err(MarkerError::Empty);
    }
    let mut parser = Parser {
        text,
        tokens,
        next: 0,
    };
    let marker = parser.or(0)?;
    match parser.peek() {
        Token::End => Ok(marker),
        _ => Err(parser.expected("`and`, `or` or the end of the marker")),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

fn tokenize(text: &str) -> Result<Vec<Spanned>, MarkerError> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        if c.is_whitespace() {
            pos += c.len_utf8();
            continue;
        }
        let (token, len) = next_token(text, pos, c)?;
        tokens.push(Spanned { token, pos });
        pos += len;
    }
    tokens.push(Spanned {
        token: Token::End,
        pos: text.len(),
    });
    Ok(tokens)
}

/// The token starting at `pos` (whose first character is `c`) and its length in bytes.
fn next_token(text: &str, pos: usize, c: char) -> Result<(Token, usize), MarkerError> {
    let rest = &text[pos..];
    match c {
        '(' => Ok((Token::LParen, 1)),
        ')' => Ok((Token::RParen, 1)),
        '\'' | '"' => match rest[1..].find(c) {
            Some(end) => Ok((Token::Str(rest[1..=end].to_string()), end + 2)),
            None => Err(MarkerError::UnterminatedString {
                marker: text.into(),
                pos,
            }),
        },
        _ if is_word_char(c) => {
            let len = rest.find(|c| !is_word_char(c)).unwrap_or(rest.len());
            Ok((Token::Word(rest[..len].to_string()), len))
        }
        _ => SYMBOLS
            .iter()
            .find(|(symbol, _)| rest.starts_with(symbol))
            .map(|(symbol, op)| (Token::Op(*op), symbol.len()))
            .ok_or_else(|| MarkerError::UnexpectedChar {
                marker: text.into(),
                found: c,
                pos,
            }),
    }
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Spanned>,
    next: usize,
}

impl Parser<'_> {
    fn current(&self) -> &Spanned {
        // The token list always ends with `End`, and `bump` never moves past it.
        &self.tokens[self.next.min(self.tokens.len() - 1)]
    }

    fn peek(&self) -> &Token {
        &self.current().token
    }

    fn bump(&mut self) -> Token {
        let index = self.next.min(self.tokens.len() - 1);
        if index + 1 < self.tokens.len() {
            self.next = index + 1;
            std::mem::replace(&mut self.tokens[index].token, Token::End)
        } else {
            Token::End
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(), Token::Word(w) if w == word);
        if found {
            self.bump();
        }
        found
    }

    fn expected(&self, expected: &'static str) -> MarkerError {
        let current = self.current();
        MarkerError::Expected {
            marker: self.text.into(),
            expected,
            found: current.token.describe(),
            pos: current.pos,
        }
    }

    fn or(&mut self, depth: usize) -> Result<Marker, MarkerError> {
        let mut parts = vec![self.and(depth)?];
        while self.eat_word("or") {
            parts.push(self.and(depth)?);
        }
        Ok(join(parts, false))
    }

    fn and(&mut self, depth: usize) -> Result<Marker, MarkerError> {
        let mut parts = vec![self.atom(depth)?];
        while self.eat_word("and") {
            parts.push(self.atom(depth)?);
        }
        Ok(join(parts, true))
    }

    fn atom(&mut self, depth: usize) -> Result<Marker, MarkerError> {
        if *self.peek() != Token::LParen {
            let left = self.operand()?;
            let op = self.op()?;
            let right = self.operand()?;
            return Ok(Marker::Compare { left, op, right });
        }
        if depth >= MAX_DEPTH {
            let pos = self.current().pos;
            return Err(MarkerError::TooDeep {
                marker: self.text.into(),
                pos,
            });
        }
        self.bump();
        let inner = self.or(depth + 1)?;
        if *self.peek() != Token::RParen {
            return Err(self.expected("`)`, `and` or `or`"));
        }
        self.bump();
        Ok(inner)
    }

    fn operand(&mut self) -> Result<Operand, MarkerError> {
        let pos = self.current().pos;
        match self.peek() {
            Token::Str(_) => match self.bump() {
                Token::Str(s) => Ok(Operand::Literal(s)),
                _ => Err(self.expected("a quoted string")),
            },
            Token::Word(w) if w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => {
                let name = w.clone();
                let variable =
                    Variable::from_name(&name).ok_or_else(|| MarkerError::UnknownVariable {
                        marker: self.text.into(),
                        name,
                        pos,
                    })?;
                self.bump();
                Ok(Operand::Variable(variable))
            }
            _ => Err(self.expected("a variable or a quoted string")),
        }
    }

    fn op(&mut self) -> Result<MarkerOp, MarkerError> {
        let op = match self.peek() {
            Token::Op(op) => *op,
            Token::Word(w) if w == "in" => MarkerOp::In,
            Token::Word(w) if w == "not" => {
                self.bump();
                if !matches!(self.peek(), Token::Word(w) if w == "in") {
                    return Err(self.expected("`in` after `not`"));
                }
                MarkerOp::NotIn
            }
            _ => return Err(self.expected("a comparison operator")),
        };
        self.bump();
        Ok(op)
    }
}

/// Joins parts into one `and` (or `or`), flattening nested ones of the same kind.
fn join(mut parts: Vec<Marker>, is_and: bool) -> Marker {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    let mut flat = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Marker::And(children) if is_and => flat.extend(children),
            Marker::Or(children) if !is_and => flat.extend(children),
            other => flat.push(other),
        }
    }
    if is_and {
        Marker::And(flat)
    } else {
        Marker::Or(flat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        match parse(text) {
            Ok(marker) => marker.to_string(),
            Err(e) => panic!("{text:?}: {e}"),
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let marker = parse(r#"os_name == "a" or os_name == "b" and os_name == "c""#)
            .expect("test input parses");
        let Marker::Or(children) = &marker else {
            panic!("expected or, got {marker:?}")
        };
        assert_eq!(children.len(), 2);
        assert!(matches!(children[1], Marker::And(_)));
    }

    #[test]
    fn display_is_canonical_with_double_quotes_and_needed_parens_only() {
        assert_eq!(
            canonical("python_version<'3.11'"),
            r#"python_version < "3.11""#
        );
        assert_eq!(
            canonical(r#"(sys_platform == "x" or os_name=="y") and extra=="z""#),
            r#"(sys_platform == "x" or os_name == "y") and extra == "z""#
        );
        assert_eq!(
            canonical(
                r#"((os_name == "a" and (os_name == "b"))) or (os_name == "c" or os_name == "d")"#
            ),
            r#"os_name == "a" and os_name == "b" or os_name == "c" or os_name == "d""#
        );
        assert_eq!(
            canonical("'3.8' not in python_full_version"),
            r#""3.8" not in python_full_version"#
        );
        assert_eq!(
            canonical(r#"os_name == 'say "hi"'"#),
            r#"os_name == 'say "hi"'"#
        );
    }

    #[test]
    fn canonical_text_parses_back_to_the_same_marker() {
        let text = r#"(sys_platform != "win32" and (sys_platform != "cygwin" and platform_python_implementation != "PyPy")) and extra == "standard""#;
        let marker = parse(text).expect("test input parses");
        assert_eq!(
            parse(&marker.to_string()).expect("test input parses"),
            marker
        );
    }

    #[test]
    fn legacy_dotted_variable_names_are_accepted() {
        assert_eq!(
            canonical(r#"sys.platform == "linux""#),
            r#"sys_platform == "linux""#
        );
        assert_eq!(
            canonical(r#"python_implementation == "CPython""#),
            r#"platform_python_implementation == "CPython""#
        );
    }

    #[test]
    fn errors_say_what_went_wrong_and_where() {
        let cases: [(&str, &str); 8] = [
            ("", "empty marker"),
            (r#"python_version < "3.9"#, "never closed"),
            (
                r#"pyton_version < "3.9""#,
                r#"unknown variable "pyton_version" at byte 0"#,
            ),
            (
                "python_version < 3.9",
                "expected a variable or a quoted string at byte 17",
            ),
            (
                r#"python_version "3.9""#,
                "expected a comparison operator at byte 15",
            ),
            (
                r#"os_name == "a" os_name"#,
                "expected `and`, `or` or the end of the marker at byte 15",
            ),
            (r#"(os_name == "a""#, "expected `)`, `and` or `or`"),
            (r#"os_name not "a""#, "expected `in` after `not`"),
        ];
        for (text, message) in cases {
            let error = parse(text).expect_err(text).to_string();
            assert!(
                error.contains(message),
                "{text:?} gave {error:?}, wanted {message:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_instead_of_overflowing() {
        let text = format!(
            "{}os_name == \"a\"{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        assert!(matches!(parse(&text), Err(MarkerError::TooDeep { .. })));
    }

    #[test]
    fn stray_characters_are_reported() {
        assert!(matches!(
            parse("os_name == 'a' & os_name == 'b'"),
            Err(MarkerError::UnexpectedChar {
                found: '&',
                pos: 15,
                ..
            })
        ));
    }
}
