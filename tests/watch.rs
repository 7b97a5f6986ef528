//! Watch mode: a live bundle follows bursts of writes, renames from outside and deletes to
//! the same state a fresh scan finds; `heft watch --json` lines parse back.
//!
//! Timeouts here only stop a broken watcher from hanging the suite; nothing asserts speed.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use heft::load::{LoadOptions, load};
use heft::report::Report;
use heft::watch::live::LiveBundle;
use heft::watch::summary::Snapshot;
use heft::watch::wire::{SCHEMA, WatchLine};
use heft::watch::{BatchKind, Watch, WatchEvent, WatchOptions};
use heft::zipjob::estimate_blocking;
use heft::zipsize::ZipCache;

use crate::fixture::{Fixture, dist, write_file};

/// Long enough for any machine; only reached when the watcher is broken.
const PATIENCE: Duration = Duration::from_secs(90);

/// A watcher and the live bundle it feeds, as a consumer runs them.
struct Follower {
    watch: Watch,
    live: LiveBundle,
    cache: Arc<ZipCache>,
    kinds: Vec<BatchKind>,
}

impl Follower {
    fn start(root: &Path) -> Follower {
        let cache = Arc::new(ZipCache::new());
        let watch = Watch::spawn(root, WatchOptions::default(), Arc::clone(&cache)).unwrap();
        let live = LiveBundle::new(watch.root().to_path_buf(), LoadOptions::default());
        let mut f = Follower {
            watch,
            live,
            cache,
            kinds: Vec::new(),
        };
        f.catch_up(root);
        f
    }

    fn pump(&mut self, wait: Duration) -> bool {
        match self.watch.events.recv_timeout(wait) {
            Ok(WatchEvent::Batch(batch)) => {
                self.kinds.push(batch.kind);
                if self.live.apply(batch).needs_rescan {
                    self.watch.rescan();
                }
                true
            }
            Ok(WatchEvent::Zipped(sizes)) => {
                self.live.apply_zipped(sizes);
                true
            }
            Ok(other) => panic!("unexpected watch event {other:?}"),
            Err(_) => false,
        }
    }

    /// Applies events until the live state equals a fresh scan's and the watcher is quiet.
    fn catch_up(&mut self, root: &Path) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            while self.pump(Duration::from_millis(1500)) {}
            let want = fresh(root, &self.cache);
            if Snapshot::of(self.live.bundle()) == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the live bundle never caught up:\n live  {:?}\n fresh {:?}",
                Snapshot::of(self.live.bundle()),
                want
            );
        }
    }
}

/// A fresh scan with zipped estimates, as `heft watch`'s final line computes it.
fn fresh(root: &Path, cache: &Arc<ZipCache>) -> Snapshot {
    if !root.is_dir() {
        return Snapshot::default();
    }
    let mut bundle = load(&[root.to_path_buf()], &LoadOptions::default(), &mut |_| {}).unwrap();
    estimate_blocking(&mut bundle, cache);
    Snapshot::of(&bundle)
}

#[test]
fn the_live_bundle_ends_equal_to_a_fresh_scan_after_bursts_renames_and_deletes() {
    let fx = Fixture::new();
    let root = fx.dir("site");
    let outside = fx.dir("pip-tmp");
    let mut f = Follower::start(&root);
    assert_eq!(f.live.bundle().totals().files, 0);

    // Burst 1: files written one by one, as an installer without --target does.
    dist("alpha", "1.0")
        .file("alpha/__init__.py", 1200)
        .file("alpha/core/engine.py", 40_000)
        .install(&root);
    f.catch_up(&root);

    // Burst 2: a distribution built outside the tree and renamed in, as pip -t does.
    dist("beta-lib", "2.1")
        .file("beta_lib/__init__.py", 300)
        .file("beta_lib/native/fast.so", 250_000)
        .requires("alpha>=1")
        .install(&outside);
    for item in ["beta_lib", "beta_lib-2.1.dist-info"] {
        fs::rename(outside.join(item), root.join(item)).unwrap();
    }
    f.catch_up(&root);

    // Burst 3: a file grows in place, a loose file and a cache dir appear.
    write_file(&root.join("alpha/core/engine.py"), 90_000);
    write_file(&root.join("loose.py"), 77);
    write_file(&root.join("__pycache__/loose.cpython-312.pyc"), 150);
    f.catch_up(&root);

    // Burst 4: a whole distribution deleted.
    fs::remove_dir_all(root.join("alpha")).unwrap();
    fs::remove_dir_all(root.join("alpha-1.0.dist-info")).unwrap();
    f.catch_up(&root);

    let snapshot = Snapshot::of(f.live.bundle());
    assert!(snapshot.dists.contains_key("beta-lib"));
    assert!(!snapshot.dists.contains_key("alpha"));
    assert_eq!(
        f.kinds[0],
        BatchKind::Full,
        "the watch starts with a full scan"
    );
    assert!(
        f.kinds[1..].iter().all(|k| *k == BatchKind::Partial),
        "every later batch re-walked subtrees only: {:?}",
        f.kinds
    );
}

#[test]
fn a_deleted_and_recreated_root_is_followed() {
    let fx = Fixture::new();
    let build = fx.dir("build");
    let root = build.join("python");
    fs::create_dir_all(&root).unwrap();
    dist("old", "1").file("old/x.py", 5000).install(&root);
    let mut f = Follower::start(&root);

    fs::remove_dir_all(&build).unwrap();
    f.catch_up(&root);
    assert!(f.live.is_missing());
    assert!(f.kinds.contains(&BatchKind::Missing));

    fs::create_dir_all(&root).unwrap();
    dist("new", "2").file("new/y.py", 7000).install(&root);
    f.catch_up(&root);
    assert!(!f.live.is_missing());
    assert!(Snapshot::of(f.live.bundle()).dists.contains_key("new"));

    // At once, as `rm -rf build && pip install -t build/python` does: the new root often
    // gets the old inode number back (likelier when the old tree held only the root).
    fs::remove_dir_all(&root).unwrap();
    fs::create_dir_all(&root).unwrap();
    f.catch_up(&root);
    fs::remove_dir_all(&build).unwrap();
    fs::create_dir_all(&root).unwrap();
    dist("newer", "3").file("newer/z.py", 9000).install(&root);
    f.catch_up(&root);
    let dists = Snapshot::of(f.live.bundle()).dists;
    assert!(dists.contains_key("newer") && !dists.contains_key("new"));
}

/// Spawns `heft watch ARGS`, forwarding stdout lines over a channel.
fn spawn_watch(args: &[&str]) -> (Child, crossbeam_channel::Receiver<String>) {
    // The zipped sizes it caches go to the tests' cache directory, never the user's.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_heft"))
        .env("XDG_CACHE_HOME", crate::rules::test_cache_home())
        .arg("watch")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

/// Waits for the child to exit (killing it past the deadline) and returns every line.
fn finish(mut child: Child, lines: &crossbeam_channel::Receiver<String>) -> Vec<WatchLine> {
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("heft watch did not exit");
        }
        thread::sleep(Duration::from_millis(50));
    }
    assert!(child.wait().unwrap().success());
    thread::sleep(Duration::from_millis(100));
    lines
        .try_iter()
        .map(|l| serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn report(root: &Path) -> Report {
    Report::new(&load(&[root.to_path_buf()], &LoadOptions::default(), &mut |_| {}).unwrap())
}

#[test]
fn heft_watch_json_lines_parse_back_and_end_with_a_full_rescan() {
    let fx = Fixture::new();
    let root: PathBuf = fx.dir("site");
    let args = [
        "--json",
        "--until-idle",
        "1",
        "--limit",
        "100KB",
        "--limit",
        "zip:20KB",
        "--limit",
        "aws-lambda",
    ];
    let (child, lines) = spawn_watch(&[&[root.to_str().unwrap()], &args[..]].concat());
    let first: WatchLine = serde_json::from_str(&lines.recv_timeout(PATIENCE).unwrap()).unwrap();
    assert_eq!(
        first.totals.files, 0,
        "the first line is the starting state"
    );

    dist("small", "1").file("small/a.py", 2000).install(&root);
    dist("big-one", "3")
        .file("big_one/data.bin", 150_000)
        .install(&root);
    let mut all = vec![first];
    all.extend(finish(child, &lines));

    assert!(all.iter().all(|l| l.schema == SCHEMA));
    let last = all.last().unwrap();
    assert!(last.is_final, "the last line is the final one");
    assert!(all[..all.len() - 1].iter().all(|l| !l.is_final));
    let r = report(&root);
    assert_eq!(last.totals.files, r.totals.files);
    assert_eq!(last.totals.bytes, r.totals.bytes);
    let live = &all[all.len() - 2];
    assert_eq!(
        live.totals, last.totals,
        "the live totals equal the rescan's"
    );

    let mut crossings: Vec<_> = all.iter().flat_map(|l| l.crossings.clone()).collect();
    crossings.sort_by(|a, b| a.limit.cmp(&b.limit));
    let crossed: Vec<(&str, &str)> = crossings
        .iter()
        .map(|c| (c.limit.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(
        crossed,
        [("100KB", "big-one"), ("zip:20KB", "big-one")],
        "each limit crossed once, by the big distribution's arrival; lines: {all:#?}"
    );
    for line in all.iter().filter(|l| !l.crossed.is_empty()) {
        let names: Vec<&String> = line.crossings.iter().map(|c| &c.limit).collect();
        assert_eq!(line.crossed.iter().collect::<Vec<_>>(), names);
    }
    let appeared: Vec<&str> = all
        .iter()
        .flat_map(|l| l.changes.iter())
        .filter(|c| c.before.is_none())
        .map(|c| c.key.as_str())
        .collect();
    assert!(appeared.contains(&"big-one") && appeared.contains(&"small"));
    let lambda = last.limits.iter().find(|l| l.name == "aws-lambda").unwrap();
    assert!(lambda.ok && lambda.used == last.totals.bytes);
}

#[cfg(unix)]
#[test]
fn heft_watch_exits_cleanly_on_ctrl_c_with_a_final_line() {
    let fx = Fixture::new();
    let root = fx.dir("site");
    dist("pkg", "1").file("pkg/a.py", 3000).install(&root);
    let (child, lines) = spawn_watch(&[root.to_str().unwrap(), "--json"]);
    lines.recv_timeout(PATIENCE).unwrap();
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let rest = finish(child, &lines);
    let last = rest.last().expect("a final line after Ctrl-C");
    assert!(last.is_final);
    assert_eq!(last.totals.bytes, report(&root).totals.bytes);
}

#[test]
fn a_watched_tree_with_an_unreadable_path_never_reads_ok() {
    let fx = Fixture::new();
    let root: PathBuf = fx.dir("site");
    dist("small", "1").file("small/a.py", 2000).install(&root);
    let fifo = root.join("small/pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (mut child, lines) = spawn_watch(&[root.to_str().unwrap(), "--json", "--limit", "1MB"]);
    let first: WatchLine = serde_json::from_str(&lines.recv_timeout(PATIENCE).unwrap()).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.errors >= 1, "the FIFO is counted: {first:?}");
    assert!(
        first.limits.iter().all(|l| !l.ok),
        "a tree not read in full is never within a limit for sure: {first:?}"
    );
}
