//! The self-contained HTML page, loaded in headless Chromium: the numbers it shows, and
//! hostile names that must stay text. Skipped when Chromium is not installed.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use heft::limits::group;
use heft::report::Report;

use crate::diff::{builds, heft};
use crate::fixture::Fixture;

/// `chromium` (or `chromium-browser`, `google-chrome`) on PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
    })
}

/// The DOM after the page's script ran.
fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let out = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The value of `data-NAME="..."` on the self-check element.
fn check<'a>(dom: &'a str, name: &str) -> &'a str {
    let at = dom
        .find("id=\"heft-selfcheck\"")
        .expect("the page's script ran");
    let key = format!("data-{name}=\"");
    let start = at + dom[at..].find(&key).unwrap() + key.len();
    &dom[start..start + dom[start..].find('"').unwrap()]
}

/// A distribution whose METADATA name and files are markup.
fn install_hostile(site: &Path) {
    let info = site.join("evil-1.0.dist-info");
    std::fs::create_dir_all(&info).unwrap();
    std::fs::create_dir_all(site.join("<")).unwrap();
    let files = [
        "</script><script>document.title='pwned'",
        "<img src=x onerror=\"document.title='pwned'\">",
    ];
    let mut record = String::new();
    for f in files {
        std::fs::write(site.join(f), vec![b'x'; 4000]).unwrap();
        record.push_str(&format!("\"{f}\",,4000\n"));
    }
    let meta = "Metadata-Version: 2.1\nName: </script><script>document.title='pwned'</script>\nVersion: 1.0\n";
    std::fs::write(info.join("METADATA"), meta).unwrap();
    record.push_str("evil-1.0.dist-info/METADATA,,\nevil-1.0.dist-info/RECORD,,\n");
    std::fs::write(info.join("RECORD"), record).unwrap();
}

#[test]
fn the_report_page_shows_the_reports_numbers_in_a_browser_and_names_stay_text() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let fx = Fixture::new();
    let (_, site) = builds(&fx);
    install_hostile(&site);
    let page = fx.path().join("heft-report.html");
    heft(&fx)
        .arg("report")
        .arg(&site)
        .args(["--format", "html", "-o"])
        .arg(&page)
        .assert()
        .success();
    let out = heft(&fx)
        .arg("report")
        .arg(&site)
        .arg("--json")
        .output()
        .unwrap();
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    let dom = dump_dom(&browser, &page, &fx.dir("profile"));
    assert_eq!(check(&dom, "total-bytes"), report.totals.bytes.to_string());
    let shown = format!(
        "<span id=\"total-bytes\">{}</span>",
        group(report.totals.bytes)
    );
    assert!(
        dom.contains(&shown),
        "the header shows the exact total: {shown}"
    );
    assert_eq!(check(&dom, "rows"), report.distributions.len().to_string());
    assert_eq!(check(&dom, "tree"), "consistent");
    assert_eq!(check(&dom, "gauges"), "2");
    assert!(check(&dom, "tiles").parse::<usize>().unwrap() >= 5);
    assert_eq!(check(&dom, "scripts"), "2", "no injected script element");
    assert_eq!(
        check(&dom, "zoom"),
        "works",
        "a click zooms in, the path zooms out"
    );
    assert_eq!(check(&dom, "sort"), "works", "a click on a heading sorts");
    assert_eq!(
        check(&dom, "hover"),
        "works",
        "hovering shows exact bytes and the owner"
    );
    let title = &dom[dom.find("<title>").unwrap()..dom.find("</title>").unwrap()];
    assert!(!title.contains("pwned"), "{title}");
    assert!(!dom.contains("<img"), "a file name became an element");
    assert!(
        dom.contains("<td>&lt;/script&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;</td>"),
        "the hostile name is shown as text in the table"
    );
}

#[test]
fn the_diff_page_shows_the_growth_in_a_browser() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let fx = Fixture::new();
    let (old, new) = builds(&fx);
    let page = fx.path().join("diff.html");
    heft(&fx)
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "html", "-o"])
        .arg(&page)
        .assert()
        .success();
    let out = heft(&fx)
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .arg("--json")
        .output()
        .unwrap();
    let d: heft::diff::Diff = serde_json::from_slice(&out.stdout).unwrap();
    let dom = dump_dom(&browser, &page, &fx.dir("profile"));
    assert_eq!(check(&dom, "rows"), d.distributions.len().to_string());
    assert_eq!(check(&dom, "tree"), "consistent");
    let delta = heft::render::signed_human(d.delta.bytes);
    assert!(
        dom.contains(&format!(
            "<span class=\"up\" id=\"total-delta\">{delta}</span>"
        )),
        "the header shows the growth {delta}"
    );
}
