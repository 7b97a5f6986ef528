//! Builds small site-packages trees in temp directories with exact file sizes, RECORDs,
//! METADATA and requirement edges.

use std::fs;
use std::path::{Path, PathBuf};

/// A temporary directory holding one or more fixture trees.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// A fresh empty fixture.
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// The temp directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `path()/rel`, created as a directory.
    pub fn dir(&self, rel: &str) -> PathBuf {
        let p = self.dir.path().join(rel);
        fs::create_dir_all(&p).expect("mkdir");
        p
    }
}

/// Writes a file of exactly `size` bytes (deterministic, mildly compressible content).
pub fn write_file(path: &Path, size: usize) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    let mut bytes = Vec::with_capacity(size);
    let mut x: u32 = size as u32 ^ 0x9e37_79b9;
    while bytes.len() < size {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes.push(b"abcdefgh import os\n"[(x >> 16) as usize % 19]);
    }
    fs::write(path, bytes).expect("write");
}

/// A distribution to install into a site directory.
pub struct Dist {
    name: String,
    version: String,
    files: Vec<(String, usize)>,
    requires: Vec<String>,
    extras: Vec<String>,
    record_extra: Vec<String>,
}

/// Starts a distribution.
pub fn dist(name: &str, version: &str) -> Dist {
    Dist {
        name: name.into(),
        version: version.into(),
        files: Vec::new(),
        requires: Vec::new(),
        extras: Vec::new(),
        record_extra: Vec::new(),
    }
}

impl Dist {
    /// Adds a file of `size` bytes, relative to the site directory, listed in RECORD.
    pub fn file(mut self, rel: &str, size: usize) -> Dist {
        self.files.push((rel.into(), size));
        self
    }

    /// Adds a Requires-Dist line.
    pub fn requires(mut self, req: &str) -> Dist {
        self.requires.push(req.into());
        self
    }

    /// Adds a Provides-Extra line.
    pub fn extra(mut self, extra: &str) -> Dist {
        self.extras.push(extra.into());
        self
    }

    /// Adds a raw RECORD row (for odd rows and rows that point at nothing).
    pub fn record_row(mut self, row: &str) -> Dist {
        self.record_extra.push(row.into());
        self
    }

    /// The dist-info directory name.
    pub fn dist_info(&self) -> String {
        format!("{}-{}.dist-info", self.name.replace('-', "_"), self.version)
    }

    /// Writes files, METADATA, INSTALLER and RECORD under `site`; returns the bytes written
    /// in total (files + metadata), which is what the distribution should own.
    pub fn install(self, site: &Path) -> u64 {
        let info = self.dist_info();
        let mut record = String::new();
        let mut total = 0u64;
        for (rel, size) in &self.files {
            write_file(&site.join(rel), *size);
            record.push_str(&format!("{rel},sha256=x,{size}\r\n"));
            total += *size as u64;
        }
        let mut meta = format!(
            "Metadata-Version: 2.1\nName: {}\nVersion: {}\n",
            self.name, self.version
        );
        for e in &self.extras {
            meta.push_str(&format!("Provides-Extra: {e}\n"));
        }
        for r in &self.requires {
            meta.push_str(&format!("Requires-Dist: {r}\n"));
        }
        meta.push_str("\nLong description that is not a header: Name: nope\n");
        let info_dir = site.join(&info);
        fs::create_dir_all(&info_dir).expect("mkdir");
        fs::write(info_dir.join("METADATA"), &meta).expect("write");
        fs::write(info_dir.join("INSTALLER"), "pip\n").expect("write");
        record.push_str(&format!(
            "{info}/METADATA,,{}\r\n{info}/INSTALLER,,4\r\n",
            meta.len()
        ));
        for row in &self.record_extra {
            record.push_str(row);
            record.push_str("\r\n");
        }
        record.push_str(&format!("{info}/RECORD,,\r\n"));
        fs::write(info_dir.join("RECORD"), &record).expect("write");
        total + meta.len() as u64 + 4 + record.len() as u64
    }
}

/// Apparent bytes of every file and link under `dir`, as `find -type f,l -printf %s` adds up.
pub fn apparent_sum(dir: &Path) -> (u64, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for e in walkdir::WalkDir::new(dir).follow_links(false) {
        let e = e.expect("walk");
        if !e.file_type().is_dir() {
            files += 1;
            bytes += e.metadata().expect("meta").len();
        }
    }
    (files, bytes)
}
