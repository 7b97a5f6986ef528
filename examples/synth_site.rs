//! Writes a deterministic synthetic site-packages for benchmarks:
//! `cargo run --release --example synth_site -- DIR [FILES] [DISTS] [sparse]` (default 200000 /
//! 2000). With `sparse`, files get their sizes as holes (same apparent bytes, no disk blocks
//! or write time): for scan benchmarks at a million files, not for zipped sizes.
//! Every distribution has a dist-info with METADATA (Requires-Dist edges to later ones, about
//! five each) and a RECORD listing its files; sizes follow a long-tailed distribution.

#![allow(clippy::format_push_string)]

use std::fs;
use std::io::Write;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "target/synth-site".into());
    let files: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let dists: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let sparse = args.next().is_some_and(|s| s == "sparse");
    let root = Path::new(&dir);
    fs::create_dir_all(root)?;
    let mut rng = Lcg(0x5eed);
    let per_dist = files / dists;
    for d in 0..dists {
        let files = per_dist.saturating_sub(3).max(1);
        write_dist(root, (d, dists), files, sparse, &mut rng)?;
    }
    println!(
        "wrote {} ({dists} distributions, ~{files} files)",
        root.display()
    );
    Ok(())
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn write_dist(
    root: &Path,
    (d, dists): (usize, usize),
    files: usize,
    sparse: bool,
    rng: &mut Lcg,
) -> std::io::Result<()> {
    let name = format!("pkg{d:04}");
    let info = format!("{name}-1.0.{d}.dist-info");
    let mut record = String::new();
    let mut content = Vec::new();
    for f in 0..files {
        let sub = f % 7;
        let rel = format!("{name}/sub{sub}/mod{f}.py");
        // Long tail: most files small, a few large.
        let size = match rng.next() % 100 {
            0 => 200_000 + (rng.next() % 800_000) as usize,
            1..=10 => 10_000 + (rng.next() % 40_000) as usize,
            _ => 100 + (rng.next() % 6_000) as usize,
        };
        content.clear();
        while content.len() < size {
            content.extend_from_slice(b"def f(x):\n    return x * 2  # synthetic\n");
        }
        content.truncate(size);
        let path = root.join(&rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        if sparse {
            fs::File::create(&path)?.set_len(size as u64)?;
        } else {
            fs::write(&path, &content)?;
        }
        record.push_str(&format!("{rel},sha256=x,{size}\n"));
    }
    let mut meta = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.{d}\n");
    for k in 1..=5 {
        let to = d + 1 + (rng.next() as usize % 50) * k;
        if to < dists {
            meta.push_str(&format!("Requires-Dist: pkg{to:04}>=1.0\n"));
        }
    }
    let info_dir = root.join(&info);
    fs::create_dir_all(&info_dir)?;
    fs::write(info_dir.join("METADATA"), &meta)?;
    record.push_str(&format!(
        "{info}/METADATA,,{}\n{info}/RECORD,,\n",
        meta.len()
    ));
    fs::File::create(info_dir.join("RECORD"))?.write_all(record.as_bytes())
}
