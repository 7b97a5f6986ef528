//! Wheel layout: where pip installs each member of a `.whl`, and what its file name says.

/// Where pip puts one wheel member when it installs the wheel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstallPlace {
    /// A path relative to site-packages (or the `--target` directory).
    SitePackages(String),
    /// A console or plain script, as `bin/NAME` relative to the install prefix.
    Scripts(String),
    /// A C header, relative to the distribution's own headers directory
    /// (`include/python/{dist}/` under a `--target` home, `include/site/pythonX.Y/{dist}/` in a venv).
    Headers(String),
    /// A data file, relative to the install prefix (the `--target` directory itself).
    Data(String),
}

/// Maps a wheel member name to where pip installs it: `{dist}.data/purelib/x` and `platlib/x` => site x; `.data/scripts/x` => Scripts("bin/x"); headers/data => their own places; anything else => site as-is.
///
/// Like pip, any top-level directory whose name ends in `.data` counts as the
/// data directory. An unknown scheme under it (pip refuses those) stays where it is.
pub fn wheel_install_place(member: &str) -> InstallPlace {
    let site = || InstallPlace::SitePackages(member.to_owned());
    let Some((top, rest)) = member.split_once('/') else {
        return site();
    };
    // pip's rule is a case-sensitive `.endswith(".data")` on the first component.
    if top.strip_suffix(".data").is_none_or(str::is_empty) {
        return site();
    }
    let Some((scheme, path)) = rest.split_once('/') else {
        return site();
    };
    match scheme {
        "purelib" | "platlib" => InstallPlace::SitePackages(path.to_owned()),
        "scripts" => InstallPlace::Scripts(format!("bin/{path}")),
        "headers" => InstallPlace::Headers(path.to_owned()),
        "data" => InstallPlace::Data(path.to_owned()),
        _ => site(),
    }
}

/// The parts of a wheel file name that heft shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WheelName {
    /// Distribution name as spelled in the file name (escaped: `-` became `_`).
    pub name: String,
    /// Version as spelled in the file name.
    pub version: String,
    /// The compatibility tags, `{python}-{abi}-{platform}` (build tag left out).
    pub tags: String,
}

/// Parses `{name}-{version}(-{build})?-{py}-{abi}-{plat}.whl` filename.
///
/// A directory part is ignored. A build tag must start with a digit, as the
/// binary distribution format requires; anything else is not a wheel name.
pub fn parse_wheel_filename(file_name: &str) -> Option<WheelName> {
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    let stem = base.strip_suffix(".whl")?;
    let parts: Vec<&str> = stem.split('-').collect();
    if parts.iter().any(|part| part.is_empty()) {
        return None;
    }
    let (name, version, tags) = match parts.as_slice() {
        [name, version, py, abi, plat] => (name, version, [py, abi, plat]),
        [name, version, build, py, abi, plat]
            if build.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            (name, version, [py, abi, plat])
        }
        _ => return None,
    };
    Some(WheelName {
        name: (*name).to_owned(),
        version: (*version).to_owned(),
        tags: tags.map(|tag| *tag).join("-"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str) -> InstallPlace {
        InstallPlace::SitePackages(path.to_owned())
    }

    #[test]
    fn purelib_and_platlib_members_land_in_site_packages() {
        assert_eq!(
            wheel_install_place("foo-1.0.data/purelib/foo/a.py"),
            site("foo/a.py")
        );
        assert_eq!(
            wheel_install_place("foo-1.0.data/platlib/_foo.so"),
            site("_foo.so")
        );
    }

    #[test]
    fn scripts_land_in_bin() {
        assert_eq!(
            wheel_install_place("foo-1.0.data/scripts/foo-cli"),
            InstallPlace::Scripts("bin/foo-cli".to_owned())
        );
    }

    #[test]
    fn headers_and_data_keep_their_relative_paths() {
        assert_eq!(
            wheel_install_place("foo-1.0.data/headers/foo.h"),
            InstallPlace::Headers("foo.h".to_owned())
        );
        assert_eq!(
            wheel_install_place("foo-1.0.data/data/share/man/foo.1"),
            InstallPlace::Data("share/man/foo.1".to_owned())
        );
    }

    #[test]
    fn ordinary_members_and_dist_info_stay_as_they_are() {
        assert_eq!(
            wheel_install_place("foo/__init__.py"),
            site("foo/__init__.py")
        );
        assert_eq!(
            wheel_install_place("foo-1.0.dist-info/RECORD"),
            site("foo-1.0.dist-info/RECORD")
        );
        assert_eq!(wheel_install_place("setup.py"), site("setup.py"));
    }

    #[test]
    fn a_data_lookalike_or_unknown_scheme_is_not_remapped() {
        assert_eq!(
            wheel_install_place(".data/purelib/x"),
            site(".data/purelib/x")
        );
        assert_eq!(
            wheel_install_place("foo.data/weird/x"),
            site("foo.data/weird/x")
        );
        assert_eq!(
            wheel_install_place("pkg/foo.data/purelib/x"),
            site("pkg/foo.data/purelib/x")
        );
    }

    #[test]
    fn a_plain_wheel_name_parses_into_name_version_and_tags() {
        let parsed = parse_wheel_filename(
            "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        );
        assert_eq!(
            parsed,
            Some(WheelName {
                name: "numpy".to_owned(),
                version: "2.1.3".to_owned(),
                tags: "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64".to_owned(),
            })
        );
    }

    #[test]
    fn a_build_tag_is_skipped_and_a_directory_ignored() {
        let parsed = parse_wheel_filename("dist/foo_bar-1.0-1b-py3-none-any.whl");
        assert_eq!(
            parsed,
            Some(WheelName {
                name: "foo_bar".to_owned(),
                version: "1.0".to_owned(),
                tags: "py3-none-any".to_owned(),
            })
        );
    }

    #[test]
    fn names_that_are_not_wheels_are_refused() {
        for bad in [
            "foo-1.0.tar.gz",
            "foo-1.0-py3-none.whl",
            "foo-1.0-x-py3-none-any.whl",
            "foo--1.0-py3-none-any.whl",
            "a-b-c-d-e-f-g.whl",
            "foo-1.0-py3-none-any.WHL",
        ] {
            assert_eq!(parse_wheel_filename(bad), None, "{bad} should not parse");
        }
    }
}
