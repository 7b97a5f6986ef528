use std::fs::{self, File};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant, SystemTime};

use notify_debouncer_full::notify::Event;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, CreateKind, EventKind};

use super::*;
use crate::zipsize::ZipCache;

/// Writes `path` with `len` bytes of Python-like text.
fn write(path: &Path, len: usize) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, &"x = 1\n".repeat(len / 6 + 1).as_bytes()[..len]).unwrap();
}

/// Dates `path` back, as if its writer had finished a while ago.
fn age(path: &Path) {
    let file = File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(60))
        .unwrap();
}

fn event(kind: EventKind, path: &Path) -> Event {
    Event::new(kind).add_path(path.to_path_buf())
}

fn closed(path: &Path) -> Event {
    event(
        EventKind::Access(AccessKind::Close(AccessMode::Write)),
        path,
    )
}

#[test]
fn only_pip_target_dirs_made_in_the_parent_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path();
    let cache = Arc::new(ZipCache::new());
    let mut stager = Stager::new(parent.to_path_buf(), Arc::clone(&cache));
    let mut watched = Vec::new();
    let mut watch = |p: &Path| watched.push(p.to_path_buf());
    for name in ["pip-target-abc", "pip-unpack-xyz", "cargo-build"] {
        fs::create_dir(parent.join(name)).unwrap();
        let created = event(EventKind::Create(CreateKind::Folder), &parent.join(name));
        stager.on_event(&created, &mut watch);
    }
    assert_eq!(watched, vec![parent.join("pip-target-abc")]);
}

#[test]
fn a_closed_file_is_deflated_once_even_when_a_walk_finds_it_too() {
    let dir = tempfile::tempdir().unwrap();
    let staging = dir.path().join("pip-target-1");
    let file = staging.join("lib/python/pkg/core.py");
    write(&file, 4000);
    age(&file);
    let cache = Arc::new(ZipCache::new());
    let mut stager = Stager::new(dir.path().to_path_buf(), Arc::clone(&cache));
    stager.on_event(&closed(&file), &mut |_| {});
    assert_eq!(cache.deflations(), 1, "deflated when its writer closed it");
    stager.adopt(&staging, &mut |_| {});
    stager.tick_at(Instant::now() + QUIET);
    stager.on_event(&closed(&file), &mut |_| {});
    assert_eq!(
        cache.deflations(),
        1,
        "same identity: a cache hit each time"
    );
    assert_eq!(stager.waiting(), 0);
}

#[test]
fn a_file_a_walk_finds_still_being_written_waits_until_it_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let staging = dir.path().join("pip-target-1");
    let file = staging.join("pkg/big.py");
    write(&file, 1000);
    let cache = Arc::new(ZipCache::new());
    let mut stager = Stager::new(dir.path().to_path_buf(), Arc::clone(&cache));
    stager.adopt(&staging, &mut |_| {});
    stager.tick_at(Instant::now());
    assert_eq!(cache.deflations(), 0, "modified just now: not yet");
    assert_eq!(stager.waiting(), 1);
    write(&file, 9000);
    age(&file);
    stager.tick_at(Instant::now() + QUIET);
    assert_eq!(cache.deflations(), 1, "deflated once, complete");
    let key = FileKey::of(&fs::metadata(&file).unwrap()).unwrap();
    assert!(
        cache.get(Scope::NONE, &key).is_some(),
        "cached under its final identity"
    );
}

#[test]
fn files_pip_stages_are_deflated_by_the_stage_thread_before_they_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().join("tmp");
    let root = dir.path().join("site");
    fs::create_dir_all(&parent).unwrap();
    let cache = Arc::new(ZipCache::new());
    let stop = Arc::new(AtomicBool::new(false));
    spawn(parent.clone(), &root, Arc::clone(&cache), Arc::clone(&stop));
    let staging = parent.join("pip-target-xyz");
    fs::create_dir(&staging).unwrap();
    let files: Vec<_> = (0..20)
        .map(|i| staging.join(format!("pkg{}/mod{i}.py", i % 3)))
        .collect();
    for (i, f) in files.iter().enumerate() {
        write(f, 500 + 300 * i);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while cache.deflations() < files.len() as u64 {
        assert!(Instant::now() < deadline, "{} deflated", cache.deflations());
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    for f in &files {
        let key = FileKey::of(&fs::metadata(f).unwrap()).unwrap();
        assert!(
            cache.get(Scope::NONE, &key).is_some(),
            "{} cached",
            f.display()
        );
    }
    assert_eq!(cache.deflations(), files.len() as u64, "each file once");
}

#[test]
fn a_pyc_written_under_a_temp_name_then_renamed_is_still_deflated_once_it_is_in_place() {
    use notify_debouncer_full::notify::event::{ModifyKind, RenameMode};
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join("pip-target-1/pkg/__pycache__");
    let temp = cache_dir.join("core.cpython-312.pyc.140436000817840");
    let done = cache_dir.join("core.cpython-312.pyc");
    write(&temp, 3000);
    age(&temp);
    let cache = Arc::new(ZipCache::new());
    let (jobs, queue) = crossbeam_channel::unbounded();
    let mut stager = Stager::new(dir.path().to_path_buf(), Arc::clone(&cache)).with_workers(jobs);
    stager.on_event(&closed(&temp), &mut |_| {});
    // CPython renames it into place before the worker gets to the temp name.
    fs::rename(&temp, &done).unwrap();
    let renamed = event(EventKind::Modify(ModifyKind::Name(RenameMode::To)), &done);
    stager.on_event(&renamed, &mut |_| {});
    stager.tick_at(Instant::now() + QUIET);
    for job in queue.try_iter() {
        deflate(&cache, job);
    }
    let key = FileKey::of(&fs::metadata(&done).unwrap()).unwrap();
    assert!(
        cache.get(Scope::NONE, &key).is_some(),
        "the same identity under its final name is sent again"
    );
}
