//! `heft split`: proposes at most N layers for a bundle's distributions, each zip under the
//! chosen upload limit, and writes one pinned requirements file per layer.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use heft::limits::{human, parse_size};
use heft::split::{Split, SplitOptions, Upload, split};

use crate::cli::InputArgs;

/// How layers are uploaded.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum UploadArg {
    /// `--zip-file`: each zip under 50 MB (52,428,800 bytes).
    Direct,
    /// The `PublishLayerVersion` request: base64 of the zip under 70,167,211 bytes.
    Request,
    /// From S3: only the 250 MB unzipped total applies.
    S3,
}

impl From<UploadArg> for Upload {
    fn from(u: UploadArg) -> Self {
        match u {
            UploadArg::Direct => Upload::Direct,
            UploadArg::Request => Upload::Request,
            UploadArg::S3 => Upload::S3,
        }
    }
}

/// `heft split`.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// Inputs and target.
    #[command(flatten)]
    pub input: InputArgs,
    /// At most this many layers.
    #[arg(long, value_name = "N")]
    pub layers: usize,
    /// Layers the function already uses (they count against Lambda's 5).
    #[arg(long, default_value_t = 0, value_name = "M")]
    pub existing_layers: usize,
    /// How the layers will be uploaded.
    #[arg(long, value_enum, default_value_t = UploadArg::Direct)]
    pub upload: UploadArg,
    /// Unzipped bytes of the function code and any layers kept: 40MB.
    #[arg(long, value_name = "SIZE")]
    pub reserve: Option<String>,
    /// For a project: split this function's local layers (its code counts as reserve, its
    /// ARN-only layers as existing ones).
    #[arg(long, value_name = "NAME")]
    pub function: Option<String>,
    /// Where to write layer-1.txt ... and split.json.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Print the split as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What to split: the bundle, with the reserve and layers kept as they are.
struct Job {
    bundle: heft::bundle::Bundle,
    reserve: u64,
    existing: usize,
}

/// A project function's local layers, its code's unzipped bytes as reserve and its ARN-only
/// layers as existing ones.
fn function_job(args: &SplitArgs, project: &heft::project::Project) -> Result<Job> {
    let name = args
        .function
        .as_deref()
        .context("a project has several functions: choose one with --function NAME")?;
    let f = project
        .function(name)
        .with_context(|| format!("--function {name}: no such function"))?;
    let (paths, artifacts) = heft::project::gate::inputs(project, f);
    let mut code = args.input.clone();
    code.paths = vec![paths[0].clone()];
    let reserve = super::load_inputs(&code)?.totals().bytes;
    let existing = artifacts.iter().filter(|a| a.root.is_none()).count();
    if paths.len() < 2 {
        bail!("function {name} has no local layers to split");
    }
    let mut layers = args.input.clone();
    layers.paths = paths[1..].to_vec();
    Ok(Job {
        bundle: super::load_inputs(&layers)?,
        reserve,
        existing,
    })
}

/// Runs `heft split`: exit 0 with a split, 1 when none fits.
pub fn run(args: &SplitArgs) -> Result<ExitCode> {
    let reserve = match &args.reserve {
        Some(t) => parse_size(t).with_context(|| format!("--reserve {t}"))?,
        None => 0,
    };
    let job = match super::project::open(&args.input)? {
        Some(project) => function_job(args, &project)?,
        None => Job {
            bundle: super::load_inputs(&args.input)?,
            reserve: 0,
            existing: 0,
        },
    };
    let existing = args.existing_layers + job.existing;
    if args.layers + existing > 5 {
        bail!(
            "--layers {} with {existing} existing: Lambda allows at most 5 layers per function",
            args.layers
        );
    }
    let bundle = job.bundle;
    let reserve = reserve + job.reserve;
    let opts = SplitOptions {
        layers: args.layers,
        upload: args.upload.into(),
        reserve,
        margin_per_mille: 10,
    };
    let found = match split(&bundle, &opts) {
        Ok(s) => s,
        Err(e) => {
            super::print(&format!("no split fits: {e}\n"))?;
            return Ok(ExitCode::from(1));
        }
    };
    write(args, &found)?;
    if args.json {
        super::print_json(&found)?;
    } else {
        super::print(&render(args, &found))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write(args: &SplitArgs, found: &Split) -> Result<()> {
    let dir = &args.output;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (i, layer) in found.layers.iter().enumerate() {
        let path = dir.join(format!("layer-{}.txt", i + 1));
        std::fs::write(&path, layer.requirements())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let json = serde_json::to_string_pretty(found).context("serialising")?;
    let path = dir.join("split.json");
    std::fs::write(&path, json + "\n").with_context(|| format!("writing {}", path.display()))
}

fn render(args: &SplitArgs, found: &Split) -> String {
    let mut s = String::new();
    let budget = if found.zip_budget == u64::MAX {
        "no zip limit".to_string()
    } else {
        format!(
            "zip budget {} ({} bytes, 1% margin)",
            human(found.zip_budget),
            found.zip_budget
        )
    };
    let _ = writeln!(s, "{} layer(s), {budget}:", found.layers.len());
    for (i, l) in found.layers.iter().enumerate() {
        let _ = writeln!(
            s,
            "  layer-{}.txt  {} distributions  {} unzipped, ~{} zipped ({} bytes)",
            i + 1,
            l.items.len(),
            human(l.bytes),
            human(l.zipped),
            l.zipped
        );
        for item in l.items.iter().take(5) {
            let _ = writeln!(
                s,
                "      {:<28} {:>10}",
                format!("{}=={}", item.name, item.version),
                human(item.zipped)
            );
        }
        if l.items.len() > 5 {
            let _ = writeln!(s, "      ... {} more", l.items.len() - 5);
        }
    }
    let _ = writeln!(
        s,
        "code + layers unzipped: {} of 250 MB",
        human(found.total_unzipped)
    );
    if found.unowned_files > 0 {
        let _ = writeln!(
            s,
            "left out: {} files ({}) no distribution owns; pip will not reinstall them",
            found.unowned_files,
            human(found.unowned_bytes)
        );
    }
    let _ = writeln!(
        s,
        "build each: pip install --no-deps -r layer-N.txt -t build-N/python; (cd build-N && zip -r -6 ../layer-N.zip python)\nwrote {}",
        args.output.display()
    );
    s
}
