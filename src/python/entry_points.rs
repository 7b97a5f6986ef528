//! `entry_points.txt`: the console and GUI scripts pip writes into `bin/` when it installs
//! a wheel, and the size of the wrapper it generates for each.

/// A script pip generates: its name in `bin/` and the `module:attr` it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// File name under `bin/`.
    pub name: String,
    /// `module` to import from.
    pub module: String,
    /// `attr` or `attr.sub`: what the wrapper calls.
    pub call: String,
}

/// The interpreter line heft assumes for generated wrappers: pip writes the path of the
/// Python that ran it, which differs per machine, so wrapper sizes are estimates.
pub const SHEBANG: &str = "#!/var/lang/bin/python3";

/// The `[console_scripts]` and `[gui_scripts]` entries of an `entry_points.txt`, in order.
/// Lines that are not `name = module:attr` (optionally with `[extras]`) are skipped.
pub fn scripts(bytes: &[u8]) -> Vec<Script> {
    let text = String::from_utf8_lossy(bytes);
    let mut in_scripts = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_scripts = matches!(section.trim(), "console_scripts" | "gui_scripts");
            continue;
        }
        if in_scripts && let Some(script) = parse_entry(line) {
            out.push(script);
        }
    }
    out
}

fn parse_entry(line: &str) -> Option<Script> {
    let (name, value) = line.split_once('=')?;
    // Extras (`module:attr [extra]`) do not change the wrapper.
    let value = value.split('[').next().unwrap_or(value).trim();
    let (module, call) = value.split_once(':')?;
    let (name, module, call) = (name.trim(), module.trim(), call.trim());
    let is_dotted = |s: &str| {
        !s.is_empty()
            && s.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    };
    let safe_name = !name.is_empty() && !name.contains(['/', '\\', '\0']) && name != "..";
    (safe_name && is_dotted(module) && is_dotted(call)).then(|| Script {
        name: name.to_owned(),
        module: module.to_owned(),
        call: call.to_owned(),
    })
}

/// The wrapper pip (distlib's template) writes for `script`, with [`SHEBANG`].
pub fn wrapper(script: &Script) -> String {
    let import = script.call.split('.').next().unwrap_or(&script.call);
    format!(
        "{SHEBANG}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {} import {import}\n\
         if __name__ == '__main__':\n    \
         sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    \
         sys.exit({}())\n",
        script.module, script.call
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_and_gui_scripts_are_read_and_other_groups_ignored() {
        let text = b"[console_scripts]\nchroma=chromadb.cli.cli:app\nx = a.b:c.d [extra]\n\n\
            [pytest11]\nplug = p:q\n[gui_scripts]\n; comment\nwin = w:main\nbad = nocolon\n";
        let names: Vec<String> = scripts(text).into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["chroma", "x", "win"]);
    }

    #[test]
    fn the_wrapper_matches_what_pip_wrote_but_for_the_interpreter_line() {
        // bin/chroma from a real `pip install -t` (pyenv Python 3.11.7), 237 bytes.
        let pip = "#!/root/.pyenv/versions/3.11.7/bin/python3\n# -*- coding: utf-8 -*-\n\
            import re\nimport sys\nfrom chromadb.cli.cli import app\n\
            if __name__ == '__main__':\n    \
            sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    \
            sys.exit(app())\n";
        let script = &scripts(b"[console_scripts]\nchroma=chromadb.cli.cli:app\n")[0];
        let ours = wrapper(script);
        let shebang = pip.lines().next().unwrap();
        assert_eq!(ours.replacen(SHEBANG, shebang, 1), pip);
    }

    #[test]
    fn names_that_would_leave_bin_are_skipped() {
        assert!(scripts(b"[console_scripts]\n../x = a:b\na/b = a:b\n").is_empty());
    }
}
