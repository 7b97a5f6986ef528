//! The real binary in tmux: start it on a fixture, send keys, read the screen.

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::fixture::{Fixture, dist};

fn tmux(args: &[&str]) -> Option<String> {
    let out = Command::new("tmux").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Waits until the pane shows `text`, returning the screen (or the last one on timeout).
fn wait_for(session: &str, text: &str) -> String {
    let started = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", session]).unwrap_or_default();
        if screen.contains(text) || started.elapsed() > Duration::from_secs(20) {
            return screen;
        }
        sleep(Duration::from_millis(100));
    }
}

/// Starts `command` in a detached 100x30 tmux session named `session`. Two tests starting
/// the first tmux server at once can race; the second try attaches.
fn start(session: &str, command: &[&str]) {
    let mut args = vec!["new-session", "-d", "-s", session, "-x", "100", "-y", "30"];
    args.extend_from_slice(command);
    if tmux(&args).is_none() {
        sleep(Duration::from_millis(500));
        tmux(&args).expect("tmux starts");
    }
}

fn site(dir: &Path) {
    dist("bigpkg", "1.0")
        .file("bigpkg/__init__.py", 4000)
        .file("bigpkg/data/blob.bin", 300_000)
        .requires("smallpkg")
        .install(dir);
    dist("smallpkg", "2.0")
        .file("smallpkg/__init__.py", 900)
        .install(dir);
}

/// A fixture site and a cache directory, or `None` (said) without tmux.
fn setup() -> Option<(Fixture, std::path::PathBuf, std::path::PathBuf)> {
    if tmux(&["-V"]).is_none() {
        eprintln!("skipping: tmux is not installed");
        return None;
    }
    let fx = Fixture::new();
    let dir = fx.dir("site");
    site(&dir);
    let cache = fx.dir("cache");
    Some((fx, dir, cache))
}

#[test]
fn the_binary_opens_browses_excludes_and_quits_in_tmux() {
    let Some((_fx, dir, cache)) = setup() else {
        return;
    };
    let session = format!("heft-e2e-{}", std::process::id());
    let command = format!(
        "XDG_CACHE_HOME={} {} {}",
        cache.display(),
        env!("CARGO_BIN_EXE_heft"),
        dir.display()
    );
    start(&session, &[&command]);
    let screen = wait_for(&session, "smallpkg");
    assert!(screen.contains("bigpkg"), "packages listed:\n{screen}");
    assert!(screen.contains("aws-lambda"), "the gauge shows:\n{screen}");
    tmux(&["send-keys", "-t", &session, "2"]);
    let screen = wait_for(&session, "bigpkg/");
    assert!(
        screen.contains("bigpkg/"),
        "the tree shows directories:\n{screen}"
    );
    tmux(&["send-keys", "-t", &session, "1", "Space"]);
    let screen = wait_for(&session, "excluded");
    assert!(screen.contains("excluded"), "Space excludes:\n{screen}");
    tmux(&["send-keys", "-t", &session, "q"]);
    let screen = wait_for(&session, "Quit anyway");
    assert!(screen.contains("Quit anyway"), "q asks first:\n{screen}");
    tmux(&["send-keys", "-t", &session, "y"]);
    let started = Instant::now();
    while tmux(&["has-session", "-t", &session]).is_some()
        && started.elapsed() < Duration::from_secs(10)
    {
        sleep(Duration::from_millis(100));
    }
    let alive = tmux(&["has-session", "-t", &session]).is_some();
    if alive {
        tmux(&["kill-session", "-t", &session]);
    }
    assert!(!alive, "heft quit and the session closed");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_in_tmux() {
    let Some((_fx, dir, cache)) = setup() else {
        return;
    };
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let session = format!("heft-sig-{signal}-{}", std::process::id());
        // heft runs as the shell's child; the shell then prints its exit code and waits.
        let command = format!(
            "XDG_CACHE_HOME={} {} {}; echo rc=$?; sleep 60",
            cache.display(),
            env!("CARGO_BIN_EXE_heft"),
            dir.display()
        );
        start(&session, &["sh", "-c", &command]);
        wait_for(&session, "smallpkg");
        tmux(&["send-keys", "-t", &session, "Space"]);
        wait_for(&session, "excluded");
        let flags = || {
            tmux(&[
                "display-message",
                "-p",
                "-t",
                &session,
                "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
            ])
            .unwrap_or_default()
        };
        assert_eq!(flags().trim(), "1 1 0", "heft runs full screen");
        let shell = tmux(&["display-message", "-p", "-t", &session, "#{pane_pid}"]).unwrap();
        let children = format!("/proc/{0}/task/{0}/children", shell.trim());
        let heft = std::fs::read_to_string(children).unwrap();
        Command::new("kill")
            .args([&format!("-{signal}"), heft.trim()])
            .status()
            .unwrap();
        let screen = wait_for(&session, "rc=");
        let after = flags();
        tmux(&["kill-session", "-t", &session]);
        assert!(
            screen.contains(&format!("rc={code}")),
            "SIG{signal}:\n{screen}"
        );
        assert_eq!(
            after.trim(),
            "0 0 1",
            "SIG{signal}: main screen, mouse off, cursor shown"
        );
    }
}
