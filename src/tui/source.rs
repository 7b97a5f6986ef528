//! What to open when: paths given, a saved scan, or (with no path) the active
//! virtualenv, a layer or site-packages in the current directory, else the demo.

use std::path::{Path, PathBuf};

use crate::bundle::Bundle;
use crate::limits::Limit;
use crate::scanfile::{self, ScanFileError};
use crate::settings::Settings;

/// The built-in demo: a saved scan of a real chromadb Lambda layer.
const DEMO: &[u8] = include_bytes!("../../assets/demo.heftscan.gz");

/// Where the bundle comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Inputs to scan.
    Paths(Vec<PathBuf>),
    /// A saved scan file.
    Saved(PathBuf),
    /// The embedded demo.
    Demo,
}

/// Decides what to open from the paths given, `$VIRTUAL_ENV` and the current directory.
pub fn resolve(paths: &[PathBuf], venv: Option<&Path>, cwd: &Path) -> Source {
    if let [one] = paths
        && scanfile::is_scan_file(one)
    {
        return Source::Saved(one.clone());
    }
    if !paths.is_empty() {
        return Source::Paths(paths.to_vec());
    }
    if let Some(site) = venv.and_then(site_packages_in) {
        return Source::Paths(vec![site]);
    }
    if cwd.join("python").is_dir() {
        return Source::Paths(vec![cwd.to_path_buf()]);
    }
    let here = cwd.join("site-packages");
    if here.is_dir() {
        return Source::Paths(vec![here]);
    }
    for venv in [".venv", "venv"] {
        if let Some(site) = site_packages_in(&cwd.join(venv)) {
            return Source::Paths(vec![site]);
        }
    }
    Source::Demo
}

/// `lib/python3.*/site-packages` inside a virtualenv, if there is one.
fn site_packages_in(venv: &Path) -> Option<PathBuf> {
    let lib = std::fs::read_dir(venv.join("lib")).ok()?;
    let mut found: Vec<PathBuf> = lib
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .map(|e| e.path().join("site-packages"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found.pop()
}

/// The demo bundle.
pub fn demo() -> Result<Bundle, ScanFileError> {
    scanfile::parse(DEMO, "the built-in demo")
}

/// What `heft [PATH...]` was asked to open.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Everything resolved from the command line, as every command gets it: inputs (or
    /// one saved scan; none means "look around, else the demo"), target, limits, reserve,
    /// rules and the manifest to resume.
    pub settings: Settings,
    /// Rescan as inputs change.
    pub watch: bool,
}

/// The limits asked for, or aws-lambda and aws-lambda-zip.
pub fn default_limits(asked: &[Limit]) -> Vec<Limit> {
    if !asked.is_empty() {
        return asked.to_vec();
    }
    crate::settings::DEFAULT_LIMITS
        .iter()
        .filter_map(|n| crate::limits::preset(n).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn given_paths_are_scanned_and_a_lone_scan_file_is_opened() {
        let cwd = Path::new("/nowhere");
        assert_eq!(
            resolve(&["a".into(), "b".into()], None, cwd),
            Source::Paths(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            resolve(&["x.heftscan.gz".into()], None, cwd),
            Source::Saved("x.heftscan.gz".into())
        );
    }

    #[test]
    fn the_active_virtualenv_comes_before_the_current_directory() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("venv/lib/python3.12/site-packages");
        fs::create_dir_all(&site).unwrap();
        fs::create_dir_all(dir.path().join("cwd/python")).unwrap();
        let got = resolve(&[], Some(&dir.path().join("venv")), &dir.path().join("cwd"));
        assert_eq!(got, Source::Paths(vec![site]));
    }

    #[test]
    fn a_layer_directory_here_is_opened_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("python")).unwrap();
        assert_eq!(
            resolve(&[], None, dir.path()),
            Source::Paths(vec![dir.path().to_path_buf()])
        );
    }

    #[test]
    fn with_nothing_around_the_demo_opens() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(resolve(&[], None, dir.path()), Source::Demo);
    }

    #[test]
    fn the_demo_loads_and_has_packages() {
        let bundle = demo().unwrap();
        assert!(bundle.dists.len() > 10);
        assert!(bundle.dist_by_key("chromadb").is_some());
    }
}
