//! What the code imports: a static import graph over every `.py` file of a bundle,
//! resolved as CPython's path finder would on the Lambda `sys.path`, and what each file
//! is for a set of entry modules (reached, lazily reached, data or unreached).
//!
//! - [`scanner`]: a tolerant, tokenizer-level scan of one source for its imports.

mod lexer;
pub mod scanner;

use serde::Serialize;

/// When an import runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// At module scope: runs when the importing module is imported.
    Top,
    /// Inside a function or method: runs when it is called.
    Deferred,
    /// Inside `try` whose handler catches `ImportError` (or a broader error): optional.
    Guarded,
    /// Under `if TYPE_CHECKING:`: never runs.
    TypeOnly,
    /// A string literal (`importlib.import_module("x")`, a PEP 562 lookup table).
    Dynamic,
}

impl EdgeKind {
    /// The name used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Top => "top",
            EdgeKind::Deferred => "deferred",
            EdgeKind::Guarded => "guarded",
            EdgeKind::TypeOnly => "type-only",
            EdgeKind::Dynamic => "dynamic",
        }
    }
}
