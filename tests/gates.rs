//! Gates that fail closed and options every command shares: `heft check` exits 2 on any
//! input it could not measure, saved scans are recognised by content everywhere, `watch`
//! refuses a file, `--requirements` names nothing installed are errors, and the same
//! flags mean the same thing in every command.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use heft::report::Report;
use heft::verdicts::{CheckReport, Outcome};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::fixture::{Fixture, dist, write_file};
use crate::rules::heft;

/// Only stops a command that would wait forever from hanging the suite.
const PATIENCE: Duration = Duration::from_secs(60);

/// A site-packages with `app` (small, requires `lib`) and `lib` (large).
fn site(fx: &Fixture) -> PathBuf {
    let site = fx.dir("site");
    dist("app", "1.0")
        .file("app/__init__.py", 100)
        .requires("lib")
        .install(&site);
    dist("lib", "2.0")
        .file("lib/__init__.py", 50_000)
        .file("lib/tests/test_x.py", 3_000)
        .install(&site);
    site
}

/// A small valid zip of a layer.
fn layer_zip(path: &Path) {
    let mut w = ZipWriter::new(fs::File::create(path).unwrap());
    w.start_file("python/m.py", SimpleFileOptions::default())
        .unwrap();
    w.write_all(&[b'x'; 5000]).unwrap();
    w.finish().unwrap();
}

/// Runs `heft check ARGS --format json`, returning the exit code and the parsed report.
fn check_json(args: &[&std::ffi::OsStr]) -> (i32, CheckReport) {
    let out = heft()
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .timeout(PATIENCE)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

fn stdout_of(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = heft().args(args).timeout(PATIENCE).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Broken inputs of every kind `report` lists as errors.
fn broken_inputs(fx: &Fixture) -> Vec<PathBuf> {
    let good = fx.path().join("good.zip");
    layer_zip(&good);
    let bytes = fs::read(&good).unwrap();
    let truncated = fx.path().join("truncated.zip");
    fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let random = fx.path().join("random.zip");
    let noise: Vec<u8> = (0..4000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(&random, noise).unwrap();
    let text = fx.path().join("notes.txt");
    fs::write(&text, "not an archive\n").unwrap();
    vec![truncated, random, text]
}

/// A tree whose paths outgrow what the kernel resolves at once (4,096 bytes), as a
/// 5,000-level tree's do: each round builds a fresh chain and moves the tree so far to its
/// end, so no path used is ever too long. Long names keep it 60 levels deep (a 5,000-level
/// tree fails the same way, but takes seconds to build and delete).
fn deep_tree(fx: &Fixture) -> PathBuf {
    let name = "d".repeat(100);
    let step: PathBuf = std::iter::repeat_n(name.as_str(), 30).collect();
    let work = fx.dir("deep-work");
    let mut tree: Option<PathBuf> = None;
    for round in 0..2 {
        let top = work.join(format!("t{round}"));
        fs::create_dir_all(top.join(&step)).unwrap();
        if let Some(so_far) = tree {
            fs::rename(&so_far, top.join(&step).join("below")).unwrap();
        }
        tree = Some(top);
    }
    let root = fx.path().join("deep");
    fs::rename(tree.unwrap(), &root).unwrap();
    root
}

#[test]
fn check_exits_2_with_the_error_listed_for_every_broken_input() {
    let fx = Fixture::new();
    let site = site(&fx);
    let broken = broken_inputs(&fx);
    for bad in &broken {
        let (code, report) = check_json(&[os(&site), os(bad)]);
        assert_eq!(code, 2, "{} must fail the gate", bad.display());
        assert_eq!(report.verdict, Outcome::Error);
        assert!(
            !report.errors.is_empty(),
            "{} lists no error: {report:?}",
            bad.display()
        );
    }
    let (code, text, _) = stdout_of(&[os("check".as_ref()), os(&broken[0])]);
    assert_eq!(code, 2);
    assert!(text.contains("error: "), "{text}");
    assert!(text.contains("verdict: ERROR"), "{text}");
    let github = ["check", "--format", "github"].map(|a| os(a.as_ref()));
    let (code, github, _) = stdout_of(&[&github[..], &[os(&broken[1])]].concat());
    assert_eq!(code, 2);
    assert!(
        github.contains("::error title=heft input error::"),
        "{github}"
    );
    let deep = deep_tree(&fx);
    let (code, report) = check_json(&[os(&deep), os("--limit=aws-lambda".as_ref())]);
    assert_eq!((code, report.verdict), (2, Outcome::Error));
    assert!(!report.errors.is_empty());
}

#[test]
fn check_exits_2_on_an_unreadable_directory() {
    let fx = Fixture::new();
    let site = site(&fx);
    let locked = site.join("lib/tests");
    set_mode(&locked, 0o000);
    let readable = fs::read_dir(&locked).is_ok();
    let (code, report) = check_json(&[os(&site)]);
    set_mode(&locked, 0o755);
    if readable {
        // Running as root: permissions do not stop reading, so there is nothing to test.
        return;
    }
    assert_eq!(code, 2);
    assert!(report.errors.iter().any(|e| e.path.ends_with("tests")));
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn allow_errors_lists_them_as_warnings_and_gives_a_partial_verdict() {
    let fx = Fixture::new();
    let site = site(&fx);
    let bad = fx.path().join("random.zip");
    fs::write(&bad, b"definitely not a zip").unwrap();
    let allow = os("--allow-errors".as_ref());
    let (code, report) = check_json(&[os(&site), os(&bad), allow]);
    assert_eq!(code, 0);
    assert_eq!(report.verdict, Outcome::Partial);
    assert!(report.errors.is_empty());
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("random.zip") && w.contains("--allow-errors")),
        "{:?}",
        report.warnings
    );
    let (code, text, _) = stdout_of(&[os("check".as_ref()), os(&site), os(&bad), allow]);
    assert_eq!(code, 0);
    assert!(text.contains("verdict: partial"), "{text}");
    let github = ["check", "--format=github"].map(|a| os(a.as_ref()));
    let (code, github, _) = stdout_of(&[&github[..], &[os(&site), os(&bad), allow]].concat());
    assert_eq!(code, 0);
    assert!(
        github.contains("::warning title=heft input error::"),
        "{github}"
    );
    assert!(
        github.contains("::warning title=heft partial::"),
        "{github}"
    );
    // Allowed errors never hide an overrun.
    let (code, report) = check_json(&[os(&site), os(&bad), allow, os("--limit=1KB".as_ref())]);
    assert_eq!((code, report.verdict), (1, Outcome::Over));
}

#[test]
fn without_a_zip_estimate_zipped_limits_are_not_measured_and_fail_the_gate() {
    let fx = Fixture::new();
    let site = site(&fx);
    let no_estimate = os("--no-zip-estimate".as_ref());
    let (code, report) = check_json(&[os(&site), no_estimate]);
    assert_eq!(code, 2);
    let zip = report
        .limits
        .iter()
        .find(|l| l.name == "aws-lambda-zip")
        .unwrap();
    assert!(!zip.measured && !zip.ok, "{zip:?}");
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.path == "aws-lambda-zip" && e.message.contains("not measured"))
    );
    let (_, text, _) = stdout_of(&[os("check".as_ref()), os(&site), no_estimate]);
    assert!(text.contains("not measured"), "{text}");
    // The verdict names what it rests on: a limit left unmeasured, not an unreadable input.
    let verdict = text.lines().last().unwrap();
    assert!(
        verdict.contains("1 limit not measured (aws-lambda-zip)")
            && !verdict.contains("input error"),
        "{verdict}"
    );
    // The unzipped limit was measured completely: nothing was unreadable, so its line does
    // not blame input errors (the verdict still fails on the zipped one).
    let unzipped = report
        .limits
        .iter()
        .find(|l| l.name == "aws-lambda")
        .unwrap();
    assert!(unzipped.measured && unzipped.verified, "{unzipped:?}");
    assert!(!text.contains("input errors"), "{text}");
    // Dropping the zipped limit leaves a complete measurement.
    let (code, report) = check_json(&[os(&site), no_estimate, os("--limit=aws-lambda".as_ref())]);
    assert_eq!((code, report.verdict), (0, Outcome::Ok));
    // An archive's zipped size is exact without any estimate.
    let zip_file = fx.path().join("layer.zip");
    layer_zip(&zip_file);
    let (code, report) = check_json(&[os(&zip_file), no_estimate]);
    assert_eq!((code, report.verdict), (0, Outcome::Ok));
}

#[test]
fn saved_scans_are_recognised_by_content_in_every_command() {
    let fx = Fixture::new();
    let site = site(&fx);
    let expected = report_json(&[os(&site)]);
    for name in ["scan.heftscan.gz", "scan.heftscan"] {
        let saved = fx.path().join(name);
        heft()
            .arg("report")
            .arg(&site)
            .arg("--save")
            .arg(&saved)
            .assert()
            .success();
        // Named like an archive, it is still a saved scan.
        let disguised = fx.path().join(format!("{name}.zip"));
        fs::copy(&saved, &disguised).unwrap();
        for path in [&saved, &disguised] {
            let r = report_json(&[os(path)]);
            assert_eq!(r.totals.files, expected.totals.files, "{}", path.display());
            assert_eq!(r.totals.bytes, expected.totals.bytes);
            assert_eq!(r.distributions.len(), 2);
            let limit = format!("--limit={}", expected.totals.bytes + 1);
            let (code, check) = check_json(&[os(path), os(limit.as_ref())]);
            assert_eq!(
                (code, check.totals.before.bytes),
                (0, expected.totals.bytes)
            );
            heft().arg("why").arg("lib").arg(path).assert().success();
            let out = fx.path().join("m.json");
            heft()
                .arg("export")
                .arg(path)
                .args([
                    "--format",
                    "json",
                    "--force",
                    "--preset",
                    "tests-dirs",
                    "-o",
                ])
                .arg(&out)
                .assert()
                .success();
        }
    }
    // A saved scan is a whole bundle: not one input among others, and nothing to prune.
    let saved = fx.path().join("scan.heftscan.gz");
    let (code, _, err) = stdout_of(&[os("report".as_ref()), os(&saved), os(&site)]);
    assert_eq!(code, 2);
    assert!(err.contains("is a saved scan"), "{err}");
    let manifest = fx.path().join("m.json");
    let (code, _, err) = stdout_of(&[
        os("prune".as_ref()),
        os("--manifest".as_ref()),
        os(&manifest),
        os(&saved),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("is a saved scan"), "{err}");
    // A zip named like a saved scan is read as the zip it is.
    let zip_named_scan = fx.path().join("layer.heftscan");
    layer_zip(&zip_named_scan);
    assert_eq!(report_json(&[os(&zip_named_scan)]).totals.files, 1);
}

fn report_json(args: &[&std::ffi::OsStr]) -> Report {
    let out = crate::rules::succeeded(
        heft()
            .arg("report")
            .args(args)
            .arg("--json")
            .timeout(PATIENCE),
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn watch_refuses_a_file_at_once() {
    let fx = Fixture::new();
    let file = fx.path().join("layer.zip");
    layer_zip(&file);
    let (code, _, err) = stdout_of(&[os("watch".as_ref()), os(&file)]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a directory"), "{err}");
    let (code, _, err) = stdout_of(&[os("--watch".as_ref()), os(&file)]);
    assert_eq!(code, 2, "the explorer's --watch refuses it too: {err}");
    let (code, _, err) = stdout_of(&[os("watch".as_ref()), os(&file.join("python"))]);
    assert_eq!(code, 2, "nothing can appear under a file: {err}");
}

#[test]
fn a_required_name_nothing_installed_is_missing_and_an_error_for_check() {
    let fx = Fixture::new();
    let site = site(&fx);
    let reqs = fx.path().join("requirements.txt");
    fs::write(&reqs, "nosuch-package>=1\n").unwrap();
    let unparsable = fx.path().join("unparsable.txt");
    fs::write(&unparsable, "app\nthis is not a requirement!\n").unwrap();
    let (code, check) = check_json(&[os(&site), os("--requirements".as_ref()), os(&unparsable)]);
    assert_eq!(
        code, 2,
        "a requirements line heft cannot read fails the gate"
    );
    assert!(check.errors.iter().any(|e| e.message.contains("line 2")));
    let with_reqs = [os(&site), os("--requirements".as_ref()), os(&reqs)];
    let r = report_json(&with_reqs);
    assert!(
        r.missing
            .iter()
            .any(|m| m.name == "nosuch-package" && m.required_by == heft::report::TOP_LEVEL),
        "{:?}",
        r.missing
    );
    let (code, check) = check_json(&with_reqs);
    assert_eq!(code, 2);
    assert!(
        check
            .errors
            .iter()
            .any(|e| e.message.contains("nosuch-package"))
    );
    let mut allowed = with_reqs.to_vec();
    allowed.push(os("--allow-errors".as_ref()));
    assert_eq!(check_json(&allowed).0, 0);
}

#[test]
fn a_distribution_another_one_requires_is_never_made_a_root() {
    let fx = Fixture::new();
    let site = site(&fx);
    let reqs = fx.path().join("requirements.txt");
    // Names nothing installed: both distributions are unreached, and `lib` is the larger.
    fs::write(&reqs, "nosuch-package\n").unwrap();
    let r = report_json(&[os(&site), os("--requirements".as_ref()), os(&reqs)]);
    let root = |key: &str| {
        r.distributions
            .iter()
            .find(|d| d.key == key)
            .unwrap()
            .is_root
    };
    assert!(root("app"));
    assert!(!root("lib"), "lib is required by app");
}

#[test]
fn a_missing_path_is_named_once_with_the_os_error() {
    let (code, _, err) = stdout_of(&[os("report".as_ref()), os("/nonexistent/heft".as_ref())]);
    assert_eq!(code, 2);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert!(err.contains("/nonexistent/heft"), "{err}");
}

#[test]
fn a_mistyped_command_gets_a_hint_instead_of_being_read_as_a_path() {
    let fx = Fixture::new();
    let site = site(&fx);
    let (code, _, err) = stdout_of(&[os("reprot".as_ref()), os(&site)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown command `reprot`") && err.contains("heft report"),
        "{err}"
    );
}

#[test]
fn python_versions_must_be_3_y() {
    let fx = Fixture::new();
    let site = site(&fx);
    for bad in ["2", "3.9.1", "3", "3.x", "4.0", "3.012", "3.100"] {
        let flag = format!("--python={bad}");
        let (code, _, err) = stdout_of(&[os("report".as_ref()), os(&site), os(flag.as_ref())]);
        assert_eq!(code, 2, "--python {bad} must be refused");
        assert!(err.contains("expected a Python 3 version"), "{err}");
        // The explorer resolves options the same way, before opening anything.
        let (code, _, _) = stdout_of(&[os(flag.as_ref()), os(&site)]);
        assert_eq!(code, 2, "the explorer refuses --python {bad}");
    }
    for good in ["3.9", "3.11", "3.14"] {
        let flag = format!("--python={good}");
        let r = report_json(&[os(&site), os(flag.as_ref())]);
        assert_eq!(r.target.python, good);
    }
}

#[test]
fn exclusions_that_match_nothing_are_warnings_alike() {
    let fx = Fixture::new();
    let site = site(&fx);
    for rule in [
        "--exclude-path=nosuch",
        "--exclude-dist=nosuch",
        "--exclude=nosuch/",
    ] {
        let (code, report) = check_json(&[os(&site), os(rule.as_ref())]);
        assert_eq!(code, 0, "{rule}");
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("nosuch") && w.contains("matches nothing")),
            "{rule}: {:?}",
            report.warnings
        );
    }
}

#[test]
fn watch_accepts_the_options_check_takes_and_follows_totals_after_rules() {
    let fx = Fixture::new();
    let site = site(&fx);
    let reqs = fx.path().join("requirements.txt");
    fs::write(&reqs, "app\n").unwrap();
    let rules = fx.path().join("rules.json");
    fs::write(
        &rules,
        r#"[{"kind": "dist", "value": "app", "safety": "caution", "reason": "test"}]"#,
    )
    .unwrap();
    let empty_layer = fx.dir("empty-layer");
    let decide: Vec<&std::ffi::OsStr> = [
        os("--python=3.11".as_ref()),
        os("--arch=arm64".as_ref()),
        os("--requirements".as_ref()),
        os(&reqs),
        os("--preset=tests-dirs".as_ref()),
        os("--exclude-path=lib/__init__.py".as_ref()),
        os("--rules".as_ref()),
        os(&rules),
        os("--reserve=1MB".as_ref()),
        os("--limit=aws-lambda".as_ref()),
        os("--attached".as_ref()),
        os(&empty_layer),
        os("--no-zip-estimate".as_ref()),
    ]
    .to_vec();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("heft"));
    cmd.env("XDG_CACHE_HOME", crate::rules::test_cache_home())
        .arg("watch")
        .arg(&site)
        .args(["--json", "--until-idle", "0.3"])
        .args(&decide)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert!(first.contains("heft.watch/1"), "{first}");
    // --until-idle counts from a change: make one (unowned, so the rules keep it).
    write_file(&site.join("extra.txt"), 10);
    let deadline = std::time::Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "heft watch did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("differed from the full rescan"),
        "live and final sizes are both counted without an estimate: {stderr}"
    );
    let text = rest;
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["final"], true);
    let r = report_json(&[os(&site)]);
    let lib = r.distributions.iter().find(|d| d.key == "lib").unwrap();
    let app = r.distributions.iter().find(|d| d.key == "app").unwrap();
    // The rules leave lib's metadata only.
    let kept = r.totals.bytes - app.bytes - 50_000 - 3_000;
    assert_eq!(last["totals"]["bytes"], kept, "{text}");
    assert!(lib.bytes > 53_000);
    let limit = &last["limits"][0];
    assert_eq!(limit["used"], kept + 1024 * 1024, "{limit}");
    // `check` with the same options measures the same tree the same way.
    let mut same = vec![os(&site)];
    same.extend(&decide);
    let (code, check) = check_json(&same);
    assert_eq!(code, 0);
    assert_eq!(last["totals"]["bytes"], check.totals.after.bytes);
    assert_eq!(
        last["totals"]["zipped_bytes"], check.totals.after.zipped_bytes,
        "zipped bytes without an estimate count headers only, live and final"
    );
}

#[test]
fn the_explorer_resolves_every_option_as_check_does_before_opening() {
    let fx = Fixture::new();
    let site = site(&fx);
    let missing = fx.path().join("missing.json");
    for (flag, says) in [
        ("--preset=nosuch", "unknown preset"),
        ("--limit=12XB", "--limit 12XB"),
        ("--reserve=lots", "--reserve lots"),
        ("--exclude=[", "bad pattern"),
    ] {
        let (code, _, err) = stdout_of(&[os(flag.as_ref()), os(&site)]);
        assert_eq!(code, 2, "{flag}: {err}");
        assert!(err.contains(says), "{flag}: {err}");
        let (code, _, check_err) = stdout_of(&[os("check".as_ref()), os(&site), os(flag.as_ref())]);
        assert_eq!(code, 2);
        assert!(check_err.contains(says), "check {flag}: {check_err}");
    }
    let (code, _, err) = stdout_of(&[os("--manifest".as_ref()), os(&missing), os(&site)]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "{err}");
}

#[test]
fn with_input_errors_no_limit_line_says_ok_in_any_format() {
    let fx = Fixture::new();
    let site = site(&fx);
    let bad = fx.path().join("random.zip");
    fs::write(&bad, b"definitely not a zip").unwrap();
    let inputs = [os(&site), os(&bad)];
    let (code, report) = check_json(&inputs);
    assert_eq!((code, report.verdict), (2, Outcome::Error));
    for l in &report.limits {
        assert!(
            !l.ok && !l.verified,
            "{} must not read as ok: {l:?}",
            l.name
        );
    }
    let (_, text, _) = stdout_of(&[&[os("check".as_ref())][..], &inputs].concat());
    assert!(!text.contains("ok:"), "{text}");
    assert!(text.contains("unverified (input errors)"), "{text}");
    let github = ["check", "--format=github"].map(|a| os(a.as_ref()));
    let (_, github, _) = stdout_of(&[&github[..], &inputs].concat());
    assert!(!github.contains("::notice"), "{github}");
    assert!(!github.contains("ok:"), "{github}");
    // Allowed errors still leave every limit unverified, and the verdict partial.
    let allow = os("--allow-errors".as_ref());
    let (code, report) = check_json(&[os(&site), os(&bad), allow]);
    assert_eq!((code, report.verdict), (0, Outcome::Partial));
    assert!(report.limits.iter().all(|l| !l.verified));
    let (_, text, _) = stdout_of(&[os("check".as_ref()), os(&site), os(&bad), allow]);
    assert!(!text.contains("ok:"), "{text}");
    // A complete measurement is verified.
    let (code, report) = check_json(&[os(&site)]);
    assert_eq!(code, 0);
    assert!(report.limits.iter().all(|l| l.ok && l.verified));
}

#[test]
fn a_path_rule_with_a_newline_cannot_forge_a_line_of_the_check_output() {
    let fx = Fixture::new();
    let site = site(&fx);
    let forged = "nosuch\nverdict: ok (forged)\n\u{1b}[2J";
    let out = heft()
        .arg("check")
        .arg(&site)
        .arg(format!("--exclude-path={forged}"))
        .timeout(PATIENCE)
        .output()
        .unwrap();
    for text in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(text);
        assert!(
            !text.lines().any(|l| l.starts_with("verdict: ok (forged)")),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "{text}");
    }
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("path nosuch\\nverdict: ok (forged)"),
        "the warning names the rule, escaped: {out:?}"
    );
}

#[test]
fn what_a_wheel_folder_holds_besides_wheels_is_an_error_not_silently_left_out() {
    let fx = Fixture::new();
    let folder = fx.dir("wheels");
    let mut w = ZipWriter::new(fs::File::create(folder.join("w-1.0-py3-none-any.whl")).unwrap());
    w.start_file("w/__init__.py", SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"x = 1\n").unwrap();
    w.finish().unwrap();
    write_file(&folder.join("extra/big.py"), 100_000);
    let (code, report) = check_json(&[os(&folder)]);
    assert_eq!((code, report.verdict), (2, Outcome::Error));
    assert!(
        report.errors.iter().any(|e| e.path.ends_with("extra")),
        "{:?}",
        report.errors
    );
}

#[test]
fn report_names_a_broken_input_once_per_error_line() {
    let fx = Fixture::new();
    let bad = fx.path().join("fifo.zip");
    crate::bounded::make_fifo(&bad);
    let (_, text, _) = stdout_of(&[os("report".as_ref()), os(&bad)]);
    let line = text
        .lines()
        .find(|l| l.contains("FIFO"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(line.matches("fifo.zip").count(), 1, "{text}");
}

#[test]
fn check_refuses_a_manifest_whose_excluded_paths_are_not_valid() {
    let fx = Fixture::new();
    let site = site(&fx);
    let json = fx.path().join("m.json");
    heft()
        .arg("export")
        .arg(&site)
        .args(["--exclude", "tests/", "--format", "json", "-o"])
        .arg(&json)
        .assert()
        .success();
    let good: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let entry = good["excluded"][0].clone();
    for (field, value) in [
        ("root", serde_json::json!(1)),
        ("path", serde_json::json!("../outside")),
    ] {
        let mut bad = good.clone();
        let mut e = entry.clone();
        e[field] = value;
        bad["excluded"].as_array_mut().unwrap().push(e);
        let tampered = fx.path().join("tampered.json");
        fs::write(&tampered, serde_json::to_string(&bad).unwrap()).unwrap();
        let manifest = os("--manifest".as_ref());
        let (code, _, err) = stdout_of(&[os("check".as_ref()), os(&site), manifest, os(&tampered)]);
        assert_eq!(code, 2, "a tampered {field} fails the gate: {err}");
        assert!(err.contains("refusing manifest path"), "{err}");
    }
}

#[test]
fn why_names_the_inputs_it_could_not_read_when_a_name_is_not_found() {
    let fx = Fixture::new();
    let broken = fx.path().join("broken.zip");
    fs::write(&broken, b"not a zip at all").unwrap();
    let (code, _, err) = stdout_of(&[os(Path::new("why")), os(Path::new("numpy")), os(&broken)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no distribution named `numpy`"), "{err}");
    assert!(
        err.contains("broken.zip") && err.contains("not read, so not searched"),
        "the unread input must be named: {err}"
    );
}
