//! PEP 508 environment markers: the parsed expression, the target environment and evaluation.
//!
//! Parsing lives in the private `parse` submodule; this module owns the tree, its canonical text and
//! what it means for a given environment and set of active extras.

mod parse;

use std::collections::BTreeSet;
use std::fmt;

use super::name::normalize;
use super::version;

pub use parse::MarkerError;

/// A parsed PEP 508 marker expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// Every child holds (at least two children; never a direct `And` child).
    And(Vec<Marker>),
    /// Some child holds (at least two children; never a direct `Or` child).
    Or(Vec<Marker>),
    /// One comparison, e.g. `python_version < "3.11"` or `"3.8" < python_version`.
    Compare {
        /// The left operand.
        left: Operand,
        /// The operator.
        op: MarkerOp,
        /// The right operand.
        right: Operand,
    },
}

/// One side of a marker comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// An environment variable such as `python_version`.
    Variable(Variable),
    /// A quoted string, without its quotes.
    Literal(String),
}

/// A marker comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerOp {
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `~=`
    Compatible,
    /// `===`
    Arbitrary,
    /// `in`: the left string occurs in the right one.
    In,
    /// `not in`
    NotIn,
}

impl MarkerOp {
    /// The operator as written in canonical marker text.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerOp::Equal => "==",
            MarkerOp::NotEqual => "!=",
            MarkerOp::Less => "<",
            MarkerOp::LessEqual => "<=",
            MarkerOp::Greater => ">",
            MarkerOp::GreaterEqual => ">=",
            MarkerOp::Compatible => "~=",
            MarkerOp::Arbitrary => "===",
            MarkerOp::In => "in",
            MarkerOp::NotIn => "not in",
        }
    }
}

/// A PEP 508 marker variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variable {
    /// `python_version`, e.g. `3.12`.
    PythonVersion,
    /// `python_full_version`, e.g. `3.12.0`.
    PythonFullVersion,
    /// `os_name`, e.g. `posix`.
    OsName,
    /// `sys_platform`, e.g. `linux`.
    SysPlatform,
    /// `platform_system`, e.g. `Linux`.
    PlatformSystem,
    /// `platform_machine`, e.g. `x86_64`.
    PlatformMachine,
    /// `platform_release`: the kernel release.
    PlatformRelease,
    /// `platform_version`: the kernel build string.
    PlatformVersion,
    /// `platform_python_implementation`, e.g. `CPython`.
    PlatformPythonImplementation,
    /// `implementation_name`, e.g. `cpython`.
    ImplementationName,
    /// `implementation_version`, e.g. `3.12.0`.
    ImplementationVersion,
    /// `extra`: which optional feature set is being installed.
    Extra,
}

impl Variable {
    /// Looks a variable up by name, accepting the legacy dotted spellings (`sys.platform`).
    pub fn from_name(name: &str) -> Option<Variable> {
        Some(match name {
            "python_version" => Variable::PythonVersion,
            "python_full_version" => Variable::PythonFullVersion,
            "os_name" | "os.name" => Variable::OsName,
            "sys_platform" | "sys.platform" => Variable::SysPlatform,
            "platform_system" => Variable::PlatformSystem,
            "platform_machine" | "platform.machine" => Variable::PlatformMachine,
            "platform_release" => Variable::PlatformRelease,
            "platform_version" | "platform.version" => Variable::PlatformVersion,
            "platform_python_implementation"
            | "platform.python_implementation"
            | "python_implementation" => Variable::PlatformPythonImplementation,
            "implementation_name" => Variable::ImplementationName,
            "implementation_version" => Variable::ImplementationVersion,
            "extra" => Variable::Extra,
            _ => return None,
        })
    }

    /// The canonical PEP 508 name.
    pub fn name(self) -> &'static str {
        match self {
            Variable::PythonVersion => "python_version",
            Variable::PythonFullVersion => "python_full_version",
            Variable::OsName => "os_name",
            Variable::SysPlatform => "sys_platform",
            Variable::PlatformSystem => "platform_system",
            Variable::PlatformMachine => "platform_machine",
            Variable::PlatformRelease => "platform_release",
            Variable::PlatformVersion => "platform_version",
            Variable::PlatformPythonImplementation => "platform_python_implementation",
            Variable::ImplementationName => "implementation_name",
            Variable::ImplementationVersion => "implementation_version",
            Variable::Extra => "extra",
        }
    }

    /// Whether values compare as PEP 440 versions (when both sides parse as such).
    fn is_version(self) -> bool {
        matches!(
            self,
            Variable::PythonVersion
                | Variable::PythonFullVersion
                | Variable::ImplementationVersion
                | Variable::PlatformRelease
        )
    }

    /// The variable's value in `env`; `extra` is handled by the caller and reads as "".
    fn value(self, env: &Env) -> &str {
        match self {
            Variable::PythonVersion => &env.python_version,
            Variable::PythonFullVersion => &env.python_full_version,
            Variable::OsName => &env.os_name,
            Variable::SysPlatform => &env.sys_platform,
            Variable::PlatformSystem => &env.platform_system,
            Variable::PlatformMachine => &env.platform_machine,
            Variable::PlatformRelease => &env.platform_release,
            Variable::PlatformVersion => &env.platform_version,
            Variable::PlatformPythonImplementation => &env.platform_python_implementation,
            Variable::ImplementationName => &env.implementation_name,
            Variable::ImplementationVersion => &env.implementation_version,
            Variable::Extra => "",
        }
    }
}

/// The target environment markers are evaluated against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `python_version`: major.minor, e.g. `3.12`.
    pub python_version: String,
    /// `python_full_version`, e.g. `3.12.0`.
    pub python_full_version: String,
    /// `os_name`, e.g. `posix`.
    pub os_name: String,
    /// `sys_platform`, e.g. `linux`.
    pub sys_platform: String,
    /// `platform_system`, e.g. `Linux`.
    pub platform_system: String,
    /// `platform_machine`, e.g. `x86_64` or `aarch64`.
    pub platform_machine: String,
    /// `platform_release`: the kernel release (empty when unknown).
    pub platform_release: String,
    /// `platform_version`: the kernel build string (empty when unknown).
    pub platform_version: String,
    /// `platform_python_implementation`, e.g. `CPython`.
    pub platform_python_implementation: String,
    /// `implementation_name`, e.g. `cpython`.
    pub implementation_name: String,
    /// `implementation_version`, e.g. `3.12.0`.
    pub implementation_version: String,
}

impl Env {
    /// The AWS Lambda runtime for `python` (`3.12` or `3.12.7`) on `machine` (`x86_64`/`aarch64`).
    /// A bare `3.12` gets the full version `3.12.0`; the kernel release and version,
    /// which AWS changes under running functions, are left empty.
    pub fn lambda(python: &str, machine: &str) -> Env {
        let python = python.trim();
        let parts: Vec<&str> = python.split('.').collect();
        let python_version = parts.iter().take(2).copied().collect::<Vec<_>>().join(".");
        let full = match parts.len() {
            1 => format!("{python}.0.0"),
            2 => format!("{python}.0"),
            _ => python.to_string(),
        };
        Env {
            python_version,
            python_full_version: full.clone(),
            os_name: "posix".into(),
            sys_platform: "linux".into(),
            platform_system: "Linux".into(),
            platform_machine: machine.trim().into(),
            platform_release: String::new(),
            platform_version: String::new(),
            platform_python_implementation: "CPython".into(),
            implementation_name: "cpython".into(),
            implementation_version: full,
        }
    }
}

impl Marker {
    /// Parses a marker such as `python_version < "3.11" and extra == "socks"`.
    pub fn parse(s: &str) -> Result<Marker, MarkerError> {
        parse::parse(s)
    }

    /// Evaluates the marker. `extra == "x"` is true iff `normalize(x)` is in `extras`
    /// (already-normalised names); `extra != "x"` is its negation.
    pub fn evaluate(&self, env: &Env, extras: &BTreeSet<String>) -> bool {
        match self {
            Marker::And(children) => children.iter().all(|m| m.evaluate(env, extras)),
            Marker::Or(children) => children.iter().any(|m| m.evaluate(env, extras)),
            Marker::Compare { left, op, right } => compare(left, *op, right, env, extras),
        }
    }

    /// The normalised extra names this marker mentions, in order of first mention.
    pub fn extras(&self) -> Vec<String> {
        let mut found = Vec::new();
        self.collect_extras(&mut found);
        found
    }

    fn collect_extras(&self, found: &mut Vec<String>) {
        match self {
            Marker::And(children) | Marker::Or(children) => {
                for child in children {
                    child.collect_extras(found);
                }
            }
            Marker::Compare { left, right, .. } => {
                let ((Operand::Variable(Variable::Extra), Operand::Literal(literal))
                | (Operand::Literal(literal), Operand::Variable(Variable::Extra))) = (left, right)
                else {
                    return;
                };
                let name = normalize(literal);
                if !found.contains(&name) {
                    found.push(name);
                }
            }
        }
    }
}

fn compare(
    left: &Operand,
    op: MarkerOp,
    right: &Operand,
    env: &Env,
    extras: &BTreeSet<String>,
) -> bool {
    match (left, right) {
        (Operand::Variable(Variable::Extra), other) => {
            compare_extra(op, other.value(env), true, extras)
        }
        (other, Operand::Variable(Variable::Extra)) => {
            compare_extra(op, other.value(env), false, extras)
        }
        _ => {
            let versioned = left.is_version() || right.is_version();
            compare_values(left.value(env), op, right.value(env), versioned)
        }
    }
}

/// `extra` stands for each active extra in turn; equality tests set membership.
fn compare_extra(
    op: MarkerOp,
    other: &str,
    extra_on_left: bool,
    extras: &BTreeSet<String>,
) -> bool {
    match op {
        MarkerOp::Equal => extras.contains(&normalize(other)),
        MarkerOp::NotEqual => !extras.contains(&normalize(other)),
        _ => extras.iter().any(|extra| {
            let (l, r) = if extra_on_left {
                (extra.as_str(), other)
            } else {
                (other, extra.as_str())
            };
            compare_values(l, op, r, false)
        }),
    }
}

/// Compares two values as versions when asked and both parse, else as strings.
fn compare_values(left: &str, op: MarkerOp, right: &str, versioned: bool) -> bool {
    match op {
        MarkerOp::In => return right.contains(left),
        MarkerOp::NotIn => return !right.contains(left),
        _ => {}
    }
    let clause = format!("{}{right}", op.as_str());
    if let Some(result) = versioned
        .then(|| version::check_clause(left, &clause))
        .flatten()
    {
        return result;
    }
    match op {
        MarkerOp::Equal | MarkerOp::Arbitrary => left == right,
        MarkerOp::NotEqual => left != right,
        MarkerOp::Less => left < right,
        MarkerOp::LessEqual => left <= right,
        MarkerOp::Greater => left > right,
        MarkerOp::GreaterEqual => left >= right,
        // `~=` has no meaning between plain strings.
        MarkerOp::Compatible | MarkerOp::In | MarkerOp::NotIn => false,
    }
}

impl Operand {
    fn is_version(&self) -> bool {
        matches!(self, Operand::Variable(v) if v.is_version())
    }

    fn value<'a>(&'a self, env: &'a Env) -> &'a str {
        match self {
            Operand::Variable(v) => v.value(env),
            Operand::Literal(s) => s,
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Variable(v) => f.write_str(v.name()),
            // PEP 508 strings have no escapes: pick the quote the text does not contain.
            Operand::Literal(s) if s.contains('"') => write!(f, "'{s}'"),
            Operand::Literal(s) => write!(f, "\"{s}\""),
        }
    }
}

impl fmt::Display for Marker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Marker::Compare { left, op, right } => write!(f, "{left} {} {right}", op.as_str()),
            Marker::And(children) => write_joined(f, children, " and "),
            Marker::Or(children) => write_joined(f, children, " or "),
        }
    }
}

/// Joins children with `sep`; only an `or` inside an `and` needs parentheses.
fn write_joined(f: &mut fmt::Formatter<'_>, children: &[Marker], sep: &str) -> fmt::Result {
    for (i, child) in children.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if sep == " and " && matches!(child, Marker::Or(_)) {
            write!(f, "({child})")?;
        } else {
            write!(f, "{child}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda() -> Env {
        Env::lambda("3.12", "x86_64")
    }

    fn holds(text: &str, extras: &[&str]) -> bool {
        let extras = extras.iter().map(|e| (*e).to_string()).collect();
        let marker = Marker::parse(text).unwrap_or_else(|e| panic!("{e}"));
        marker.evaluate(&lambda(), &extras)
    }

    #[test]
    fn lambda_env_fills_the_linux_cpython_values() {
        let env = Env::lambda("3.12", "aarch64");
        assert_eq!(env.python_version, "3.12");
        assert_eq!(env.python_full_version, "3.12.0");
        assert_eq!(env.implementation_version, "3.12.0");
        assert_eq!(env.platform_machine, "aarch64");
        assert_eq!(
            (env.sys_platform.as_str(), env.platform_system.as_str()),
            ("linux", "Linux")
        );
        assert_eq!(env.os_name, "posix");
        let patch = Env::lambda("3.11.9", "x86_64");
        assert_eq!(
            (
                patch.python_version.as_str(),
                patch.python_full_version.as_str()
            ),
            ("3.11", "3.11.9")
        );
    }

    #[test]
    fn python_versions_compare_as_pep_440_not_as_text() {
        assert!(holds(r#"python_version >= "3.9""#, &[]));
        assert!(holds(r#"python_version > "3.9""#, &[]));
        assert!(!holds(r#"python_version < "3.10""#, &[]));
        assert!(holds(r#"python_version == "3.12.0""#, &[]));
        assert!(holds(r#"python_full_version >= "3.12.0rc1""#, &[]));
        assert!(holds(r#"python_version == "3.*""#, &[]));
        assert!(holds(r#"python_version != "3.11.*""#, &[]));
    }

    #[test]
    fn reversed_operands_keep_their_meaning() {
        assert!(holds("'3.8' < python_version", &[]));
        assert!(!holds(r#""3.13" <= python_version"#, &[]));
        assert!(holds(r#""linux" == sys_platform"#, &[]));
        assert!(holds(r#""async" == extra"#, &["async"]));
    }

    #[test]
    fn compatible_and_arbitrary_equality_follow_pep_440() {
        assert!(holds(r#"python_version ~= "3.8""#, &[]));
        assert!(!holds(r#"python_full_version ~= "3.11.0""#, &[]));
        assert!(holds(r#"python_full_version === "3.12.0""#, &[]));
        assert!(!holds(r#"python_version === "3.12.0""#, &[]));
        assert!(!holds(r#"sys_platform ~= "linux""#, &[]));
    }

    #[test]
    fn in_and_not_in_are_substring_tests() {
        assert!(holds(r#"platform_machine in "x86_64 aarch64""#, &[]));
        assert!(holds(r#""64" in platform_machine"#, &[]));
        assert!(holds(r#"sys_platform not in "win32 cygwin""#, &[]));
        assert!(!holds(r#"python_version in "3.10 3.11""#, &[]));
    }

    #[test]
    fn and_binds_tighter_than_or_when_evaluating() {
        // true or (false and false) is true; (true or false) and false would be false.
        assert!(holds(
            r#"os_name == "posix" or os_name == "nt" and sys_platform == "win32""#,
            &[]
        ));
        assert!(!holds(
            r#"(os_name == "posix" or os_name == "nt") and sys_platform == "win32""#,
            &[]
        ));
    }

    #[test]
    fn extras_match_by_normalised_name() {
        assert!(holds(
            r#"extra == "Use_Chardet.on-py3""#,
            &["use-chardet-on-py3"]
        ));
        assert!(!holds(r#"extra == "socks""#, &[]));
        assert!(holds(r#"extra != "socks""#, &[]));
        assert!(!holds(r#"extra != "socks""#, &["socks"]));
        assert!(holds(r#"extra == "a" or extra == "b""#, &["b"]));
    }

    #[test]
    fn other_variables_compare_as_strings() {
        assert!(holds(r#"platform_python_implementation == "CPython""#, &[]));
        assert!(!holds(r#"implementation_name == "pypy""#, &[]));
        assert!(holds(r#"platform_machine > "aarch64""#, &[]));
        assert!(!holds(r#"platform_release >= "5""#, &[]));
    }

    #[test]
    fn extras_lists_each_mentioned_extra_once_normalised() {
        let marker = Marker::parse(
            r#"(extra == "Brotli" or python_version < "3.9") and (extra == "brotli" or "zstd_x" == extra)"#,
        )
        .expect("test input parses");
        assert_eq!(
            marker.extras(),
            vec!["brotli".to_string(), "zstd-x".to_string()]
        );
        assert!(
            Marker::parse(r#"python_version < "3.9""#)
                .expect("test input parses")
                .extras()
                .is_empty()
        );
    }
}
