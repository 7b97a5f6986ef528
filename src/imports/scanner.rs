//! Reads one Python source for what it imports: import statements, literal
//! `importlib.import_module` / `__import__` calls, and module-name strings of PEP 562 lazy
//! modules, each with its line and the scope that decides when it runs.
//!
//! Scope comes from indentation: a block opened at indent `i` lasts until a logical line
//! at indent `i` or less. It is not a parser: a file that is not valid Python (Python 2,
//! syntax errors, templates) still yields every statement that looks like an import.

use super::EdgeKind;
use super::lexer::{Tok, Token, for_each_line};

/// One import found in a source file, before resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawImport {
    /// Leading dots of a relative import (0 for absolute).
    pub level: u32,
    /// The dotted module (empty for `from . import x`).
    pub module: String,
    /// Names of a `from` import (empty for `import a.b` and `from a import *`).
    pub names: Vec<String>,
    /// An f-string or concatenation prefix: every module whose name starts with it.
    pub prefix: bool,
    /// Physical line of the statement.
    pub line: u32,
    /// When it runs.
    pub kind: EdgeKind,
}

/// What a source file imports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    /// Imports in source order.
    pub imports: Vec<RawImport>,
    /// Module-name-like strings of a lazy module (PEP 562 `__getattr__`, or `import_module`
    /// on a computed name), each with its line; empty for other modules.
    pub literals: Vec<(String, u32)>,
}

/// Strings longer than this are never module names.
const MAX_LITERAL: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Def,
    Class,
    Try(usize),
    Except(usize),
    TypeChecking,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Block {
    indent: u32,
    kind: BlockKind,
}

// Flags of the blocks around an import, folded into its kind once every handler is known.
#[allow(clippy::struct_excessive_bools)]
struct Pending {
    import: RawImport,
    call: bool,
    deferred: bool,
    type_only: bool,
    in_except: bool,
    tries: Vec<usize>,
}

#[derive(Default)]
struct Scanner {
    blocks: Vec<Block>,
    /// Per `try`: whether a handler catches import errors.
    tries: Vec<bool>,
    pending: Vec<Pending>,
    literals: Vec<(String, u32)>,
    lazy: bool,
}

/// Scans Python source (any bytes) for imports.
pub fn scan(src: &[u8]) -> Scanned {
    let mut s = Scanner::default();
    match latin1_as_utf8(src) {
        Some(text) => for_each_line(text.as_bytes(), |indent, toks| s.line(indent, toks)),
        None => for_each_line(src, |indent, toks| s.line(indent, toks)),
    }
    s.finish()
}

/// A source whose first or second line declares a Latin-1 encoding (PEP 263) and that holds
/// non-ASCII bytes, decoded as `CPython` would; other sources are read as UTF-8 (bad bytes
/// become U+FFFD), which only matters for non-ASCII identifiers.
fn latin1_as_utf8(src: &[u8]) -> Option<String> {
    if src.is_ascii() {
        return None;
    }
    let declares = src
        .split(|b| *b == b'\n')
        .take(2)
        .any(|line| declared_coding(line).is_some_and(|c| is_latin1(&c)));
    declares.then(|| src.iter().map(|b| char::from(*b)).collect())
}

/// The encoding a `# ... coding[:=] NAME` comment line declares, lower-cased, `_` as `-`.
fn declared_coding(line: &[u8]) -> Option<String> {
    let line = String::from_utf8_lossy(line);
    let comment = line.trim_start().strip_prefix('#')?;
    let at = comment.find("coding")?;
    let rest = comment[at + 6..].strip_prefix([':', '='])?;
    Some(
        rest.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .map(|c| {
                if c == '_' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
    )
}

/// Latin-1 and its close kin (cp1252 and Latin-9 are read as Latin-1: they differ in a few
/// code points only).
fn is_latin1(coding: &str) -> bool {
    matches!(
        coding,
        "latin-1"
            | "latin1"
            | "iso-8859-1"
            | "iso8859-1"
            | "l1"
            | "cp819"
            | "cp1252"
            | "windows-1252"
            | "iso-8859-15"
            | "latin-9"
    )
}

impl Scanner {
    fn line(&mut self, indent: u32, toks: &[Token<'_>]) {
        let mut popped = None;
        while let Some(b) = self.blocks.last().copied() {
            if b.indent < indent {
                break;
            }
            self.blocks.pop();
            popped = Some(b);
        }
        self.statement(indent, toks, popped);
    }

    fn statement(&mut self, indent: u32, toks: &[Token<'_>], popped: Option<Block>) {
        let first = toks[0].name().unwrap_or_default();
        let keyword = match first {
            b"async" => toks.get(1).and_then(Token::name).unwrap_or_default(),
            w => w,
        };
        let ends_with_colon = toks.last().is_some_and(|t| t.is_op(b':'));
        let is_header = matches!(
            keyword,
            b"def"
                | b"class"
                | b"if"
                | b"elif"
                | b"else"
                | b"try"
                | b"except"
                | b"finally"
                | b"for"
                | b"while"
                | b"with"
        ) || (matches!(keyword, b"match" | b"case") && ends_with_colon);
        let colon = toks.iter().position(|t| t.depth == 0 && t.is_op(b':'));
        let (true, Some(colon)) = (is_header, colon) else {
            self.simple_statements(toks);
            return;
        };
        let header = &toks[..colon];
        if keyword == b"def"
            && self.at_module_scope()
            && header.iter().any(|t| t.name() == Some(b"__getattr__"))
        {
            self.lazy = true;
        }
        if !matches!(keyword, b"def" | b"class") {
            self.strings_and_calls(header);
        }
        let kind = self.block_kind(keyword, header, popped.filter(|b| b.indent == indent));
        self.blocks.push(Block { indent, kind });
        if colon + 1 < toks.len() {
            self.simple_statements(&toks[colon + 1..]);
        }
    }

    fn block_kind(
        &mut self,
        keyword: &[u8],
        header: &[Token<'_>],
        prev: Option<Block>,
    ) -> BlockKind {
        let has = |name: &[u8]| header.iter().any(|t| t.name() == Some(name));
        match keyword {
            b"def" => BlockKind::Def,
            b"class" => BlockKind::Class,
            b"try" => {
                self.tries.push(false);
                BlockKind::Try(self.tries.len() - 1)
            }
            b"except" => {
                let Some(BlockKind::Try(id) | BlockKind::Except(id)) = prev.map(|b| b.kind) else {
                    return BlockKind::Other;
                };
                let bare = header.iter().filter(|t| t.name().is_some()).count() == 1;
                let catches = bare
                    || [
                        &b"ImportError"[..],
                        b"ModuleNotFoundError",
                        b"Exception",
                        b"BaseException",
                    ]
                    .iter()
                    .any(|n| has(n));
                self.tries[id] |= catches;
                BlockKind::Except(id)
            }
            b"if" if has(b"TYPE_CHECKING") && !has(b"not") => BlockKind::TypeChecking,
            b"with" if has(b"suppress") && (has(b"ImportError") || has(b"ModuleNotFoundError")) => {
                self.tries.push(true);
                BlockKind::Try(self.tries.len() - 1)
            }
            _ => BlockKind::Other,
        }
    }

    fn at_module_scope(&self) -> bool {
        !self
            .blocks
            .iter()
            .any(|b| matches!(b.kind, BlockKind::Def | BlockKind::Class))
    }

    fn simple_statements(&mut self, toks: &[Token<'_>]) {
        for stmt in toks.split(|t| t.depth == 0 && t.is_op(b';')) {
            match stmt.first().and_then(Token::name) {
                Some(b"import") => self.import_statement(stmt),
                Some(b"from") => self.import_from(stmt),
                Some(_) | None => {
                    if self.at_module_scope()
                        && stmt.iter().any(|t| t.name() == Some(b"__getattr__"))
                    {
                        self.lazy = true;
                    }
                    self.strings_and_calls(stmt);
                }
            }
        }
    }

    /// `import a.b as c, d`.
    fn import_statement(&mut self, stmt: &[Token<'_>]) {
        let line = stmt[0].line;
        for part in stmt[1..].split(|t| t.is_op(b',')) {
            let module = dotted(part);
            if !module.is_empty() {
                self.push(
                    RawImport {
                        level: 0,
                        module,
                        names: Vec::new(),
                        prefix: false,
                        line,
                        kind: EdgeKind::Top,
                    },
                    false,
                );
            }
        }
    }

    /// `from ..a.b import (c as d, e)`, `from . import x`, `from a import *`.
    fn import_from(&mut self, stmt: &[Token<'_>]) {
        let line = stmt[0].line;
        let Some(at) = stmt.iter().position(|t| t.name() == Some(b"import")) else {
            return;
        };
        let source = &stmt[1..at];
        let level = source.iter().take_while(|t| t.is_op(b'.')).count() as u32;
        let module = dotted(&source[level as usize..]);
        if level == 0 && module.is_empty() {
            return;
        }
        let names = stmt[at + 1..]
            .split(|t| t.is_op(b','))
            .filter_map(|part| match part.iter().find(|t| t.name().is_some())?.tok {
                Tok::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
                _ => None,
            })
            .collect();
        self.push(
            RawImport {
                level,
                module,
                names,
                prefix: false,
                line,
                kind: EdgeKind::Top,
            },
            false,
        );
    }

    /// Literal `import_module(...)` / `__import__(...)` calls, and module-like strings.
    fn strings_and_calls(&mut self, stmt: &[Token<'_>]) {
        for (i, t) in stmt.iter().enumerate() {
            match t.tok {
                Tok::Name(b"import_module" | b"__import__")
                    if stmt.get(i + 1).is_some_and(|t| t.is_op(b'(')) =>
                {
                    self.call(&stmt[i + 2..], t.line);
                }
                Tok::Str {
                    text,
                    complete: true,
                } if text
                    .iter()
                    .find(|c| **c != b'.')
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                    && is_module_like(text)
                    && self.literals.len() < 100_000 =>
                {
                    self.literals
                        .push((String::from_utf8_lossy(text).into_owned(), t.line));
                }
                _ => {}
            }
        }
    }

    /// The arguments of an import call, from just after its `(`.
    fn call(&mut self, args: &[Token<'_>], line: u32) {
        let Some(Tok::Str { text, complete }) = args.first().map(|t| t.tok) else {
            self.lazy = true;
            return;
        };
        let concatenated = args.get(1).is_some_and(|t| t.is_op(b'+'));
        let prefix = !complete || concatenated;
        if !is_module_like(text) || (prefix && text.is_empty()) {
            self.lazy = true;
            return;
        }
        let text = String::from_utf8_lossy(text);
        let level = text.bytes().take_while(|c| *c == b'.').count();
        let mut module = text[level..].to_string();
        let mut level = level as u32;
        // `import_module(".x", "pkg")`: relative to a literal anchor package.
        let anchor = match (args.get(1), args.get(2)) {
            (
                Some(comma),
                Some(Token {
                    tok:
                        Tok::Str {
                            text,
                            complete: true,
                        },
                    ..
                }),
            ) if comma.is_op(b',') && is_module_like(text) && !text.is_empty() => {
                Some(String::from_utf8_lossy(text).into_owned())
            }
            _ => None,
        };
        if let (Some(anchor), true) = (anchor, level > 0) {
            let parts: Vec<&str> = anchor.split('.').collect();
            let keep = parts.len().saturating_sub(level as usize - 1);
            let mut base = parts[..keep].join(".");
            if !module.is_empty() && !base.is_empty() {
                base.push('.');
            }
            base.push_str(&module);
            module = base;
            level = 0;
        }
        self.push(
            RawImport {
                level,
                module,
                names: Vec::new(),
                prefix,
                line,
                kind: EdgeKind::Dynamic,
            },
            true,
        );
    }

    fn push(&mut self, import: RawImport, call: bool) {
        let mut p = Pending {
            import,
            call,
            deferred: false,
            type_only: false,
            in_except: false,
            tries: Vec::new(),
        };
        for b in &self.blocks {
            match b.kind {
                BlockKind::Def => p.deferred = true,
                BlockKind::TypeChecking => p.type_only = true,
                BlockKind::Try(id) => p.tries.push(id),
                BlockKind::Except(_) => p.in_except = true,
                BlockKind::Class | BlockKind::Other => {}
            }
        }
        self.pending.push(p);
    }

    fn finish(self) -> Scanned {
        let tries = self.tries;
        let imports = self
            .pending
            .into_iter()
            .map(|p| {
                let mut import = p.import;
                let guarded = p.in_except || p.tries.iter().any(|t| tries[*t]);
                // A call with a whole literal name at module scope runs at import, as an
                // import statement does; elsewhere (or optional, or naming a prefix) it is lazy.
                import.kind = if p.type_only {
                    EdgeKind::TypeOnly
                } else if p.call && (p.deferred || guarded || import.prefix) {
                    EdgeKind::Dynamic
                } else if p.deferred {
                    EdgeKind::Deferred
                } else if guarded {
                    EdgeKind::Guarded
                } else {
                    EdgeKind::Top
                };
                import
            })
            .collect();
        Scanned {
            imports,
            literals: if self.lazy { self.literals } else { Vec::new() },
        }
    }
}

/// `a.b.c` from name and dot tokens, stopping at `as` or anything else.
fn dotted(toks: &[Token<'_>]) -> String {
    let mut out = String::new();
    for t in toks {
        match t.tok {
            Tok::Name(b"as") => break,
            Tok::Name(n) => out.push_str(&String::from_utf8_lossy(n)),
            Tok::Op(b'.') => out.push('.'),
            Tok::Op(b'(' | b')') => {}
            _ => break,
        }
    }
    out
}

/// Dotted identifiers only (an empty text passes: `f"{x}"` has an empty prefix).
fn is_module_like(text: &[u8]) -> bool {
    text.len() <= MAX_LITERAL
        && text
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
}

#[cfg(test)]
#[path = "scanner_tests.rs"]
mod tests;
