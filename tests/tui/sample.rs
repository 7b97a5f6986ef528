//! A small chromadb-like bundle built in code (no files), with exact sizes, and helpers
//! to drive an `App` with scripted keys.

use std::collections::HashMap;

use heft::bundle::{Bundle, Distribution, Install, Root, RootKind, Target};
use heft::deps::DepGraph;
use heft::limits::Limit;
use heft::model::{DistId, NodeId, NodeKind, Sizes};
use heft::ownership::total_sizes;
use heft::python::requirement::Requirement;
use heft::tui::app::{App, Data, SourceInfo};
use heft::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const MB: u64 = 1024 * 1024;

/// Builds a site-packages tree node by node.
struct Site {
    bundle: Bundle,
    root: NodeId,
    dirs: HashMap<(NodeId, String), NodeId>,
}

impl Site {
    fn new(path: &str) -> Site {
        let mut bundle = Bundle::default();
        bundle.top = bundle.tree.add_root(b"");
        let root =
            bundle
                .tree
                .add_child(bundle.top, path.as_bytes(), NodeKind::Dir, Sizes::default());
        bundle.roots.push(Root {
            path: path.into(),
            kind: RootKind::SitePackages,
            node: root,
            sites: vec![root],
            archive_bytes: None,
        });
        Site {
            bundle,
            root,
            dirs: HashMap::new(),
        }
    }

    /// Adds another root; later files and distributions go there.
    fn root(&mut self, path: &str) {
        let b = &mut self.bundle;
        let root = b
            .tree
            .add_child(b.top, path.as_bytes(), NodeKind::Dir, Sizes::default());
        b.roots.push(Root {
            path: path.into(),
            kind: RootKind::SitePackages,
            node: root,
            sites: vec![root],
            archive_bytes: None,
        });
        self.root = root;
    }

    fn dir(&mut self, rel: &str) -> NodeId {
        let mut at = self.root;
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            let key = (at, part.to_string());
            at = if let Some(id) = self.dirs.get(&key) {
                *id
            } else {
                let id = self.bundle.tree.add_child(
                    at,
                    part.as_bytes(),
                    NodeKind::Dir,
                    Sizes::default(),
                );
                self.dirs.insert(key, id);
                id
            };
        }
        at
    }

    fn file(&mut self, rel: &str, bytes: u64, owner: Option<DistId>) -> NodeId {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let parent = self.dir(dir);
        let own = Sizes {
            files: 1,
            bytes,
            disk: bytes.div_ceil(4096) * 4096,
            zipped: bytes / 3 + 100,
        };
        let id = self
            .bundle
            .tree
            .add_child(parent, name.as_bytes(), NodeKind::File, own);
        self.bundle.tree.set_owner(id, owner);
        id
    }

    fn dist(&mut self, name: &str, version: &str, files: &[(&str, u64)], requires: &[&str]) {
        let key = name.to_lowercase().replace('_', "-");
        let root = self.bundle.roots.len() - 1;
        let existing = self.bundle.dist_by_key(&key);
        let id = existing.unwrap_or(DistId(self.bundle.dists.len() as u32));
        let info = format!("{}-{version}.dist-info", name.replace('-', "_"));
        for (rel, bytes) in files {
            self.file(rel, *bytes, Some(id));
        }
        self.file(&format!("{info}/METADATA"), 2000, Some(id));
        self.file(&format!("{info}/RECORD"), 900, Some(id));
        let meta_dir = self.dir(&info);
        if existing.is_some() {
            self.bundle.dists[id.index()].installs.push(Install {
                root,
                meta_dir,
                version: version.into(),
            });
            return;
        }
        self.bundle.dists.push(Distribution {
            name: name.into(),
            key: name.to_lowercase().replace('_', "-"),
            version: version.into(),
            installs: vec![Install {
                root,
                meta_dir,
                version: version.into(),
            }],
            requires: requires
                .iter()
                .map(|r| Requirement::parse(r).unwrap())
                .collect(),
            ..Distribution::default()
        });
    }

    fn finish(mut self) -> Bundle {
        let b = &mut self.bundle;
        b.target = Target::default();
        b.tree.sort_children();
        b.tree.roll_up();
        total_sizes(b);
        b.graph = DepGraph::build(&b.dists, &b.target.env(), None);
        self.bundle
    }
}

/// chromadb -> {kubernetes -> {urllib3, oauthlib}, onnxruntime -> numpy, numpy, tokenizers}
/// plus unowned `__pycache__` files; 317 MB in all, over aws-lambda's 250 MB.
pub fn bundle() -> Bundle {
    let mut s = Site::new("/layer");
    s.dist(
        "chromadb",
        "1.5.9",
        &[
            ("chromadb/__init__.py", 12_000),
            ("chromadb/api/models.py", 400_000),
            ("chromadb_rust_bindings/bindings.so", 56 * MB),
            ("chromadb/test/test_api.py", 3 * MB),
        ],
        &[
            "kubernetes>=28",
            "onnxruntime>=1.14",
            "numpy>=1.22",
            "tokenizers>=0.13",
        ],
    );
    s.dist(
        "kubernetes",
        "37.0.2",
        &[
            ("kubernetes/client/api/core_v1_api.py", 90 * MB),
            ("kubernetes/client/models/v1_pod.py", 20 * MB),
            ("kubernetes/test/test_core.py", 7 * MB),
        ],
        &["urllib3>=1.24", "requests-oauthlib"],
    );
    s.dist(
        "onnxruntime",
        "1.32.0",
        &[
            ("onnxruntime/capi/onnxruntime.so", 70 * MB),
            ("onnxruntime/tools/convert.py", 6 * MB),
        ],
        &["numpy>=1.21"],
    );
    s.dist(
        "numpy",
        "2.4.6",
        &[
            ("numpy/_core/_multiarray_umath.so", 30 * MB),
            ("numpy/testing/__init__.py", 200_000),
            ("numpy.libs/libopenblas.so", 27 * MB),
        ],
        &[],
    );
    s.dist(
        "tokenizers",
        "0.23.3",
        &[("tokenizers/tokenizers.so", 11 * MB)],
        &[],
    );
    s.dist("urllib3", "2.5.0", &[("urllib3/__init__.py", 900_000)], &[]);
    s.dist(
        "requests-oauthlib",
        "2.0.0",
        &[("requests_oauthlib/__init__.py", 150_000)],
        &["oauthlib>=3"],
    );
    s.dist(
        "oauthlib",
        "3.3.1",
        &[("oauthlib/__init__.py", 700_000)],
        &[],
    );
    for (i, dir) in ["chromadb", "kubernetes", "numpy"].iter().enumerate() {
        s.file(
            &format!("{dir}/__pycache__/__init__.cpython-312.pyc"),
            300_000 + i as u64,
            None,
        );
    }
    s.finish()
}

/// A function root and a layer both installing botocore (2 MB in each).
pub fn two_roots_app() -> App {
    let mut s = Site::new("/function");
    s.dist(
        "botocore",
        "1.40.0",
        &[("botocore/data/ec2.json", 2 * MB)],
        &[],
    );
    s.dist("app", "0.1", &[("app/handler.py", 9_000)], &["botocore"]);
    s.root("/layer");
    s.dist(
        "botocore",
        "1.40.0",
        &[("botocore/data/ec2.json", 2 * MB)],
        &[],
    );
    let info = SourceInfo {
        label: "/function + /layer".into(),
        demo: false,
    };
    App::new(
        info,
        Data::Ready(Box::new(s.finish())),
        &default_limits(),
        Theme::mono(),
    )
}

/// The aws-lambda and aws-lambda-zip presets.
pub fn default_limits() -> Vec<Limit> {
    ["aws-lambda", "aws-lambda-zip"]
        .iter()
        .map(|n| heft::limits::preset(n).unwrap().clone())
        .collect()
}

/// An app over the sample bundle, monochrome (snapshots hold text only).
pub fn app() -> App {
    let info = SourceInfo {
        label: "/layer".into(),
        demo: false,
    };
    App::new(
        info,
        Data::Ready(Box::new(bundle())),
        &default_limits(),
        Theme::mono(),
    )
}

/// Presses keys from a script: plain characters, or `<Enter>`, `<Esc>`, `<Bksp>`,
/// `<Tab>`, `<Space>`, `<Up>`, `<Down>`, `<Left>`, `<Right>`, `<C-r>`, `<C-c>`.
pub fn press(app: &mut App, script: &str) {
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        let (key, len) = if c == '<'
            && let Some(end) = rest.find('>')
        {
            (named(&rest[1..end]), end + 1)
        } else {
            (
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
                c.len_utf8(),
            )
        };
        app.on_key(key);
        rest = &rest[len..];
    }
}

fn named(name: &str) -> KeyEvent {
    let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
    match name {
        "Enter" => plain(KeyCode::Enter),
        "Esc" => plain(KeyCode::Esc),
        "Bksp" => plain(KeyCode::Backspace),
        "Tab" => plain(KeyCode::Tab),
        "Space" => plain(KeyCode::Char(' ')),
        "Up" => plain(KeyCode::Up),
        "Down" => plain(KeyCode::Down),
        "Left" => plain(KeyCode::Left),
        "Right" => plain(KeyCode::Right),
        "C-r" => KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
        "C-c" => KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        other => panic!("unknown key <{other}>"),
    }
}

/// The sample's distribution called `name`.
pub fn dist(app: &App, name: &str) -> DistId {
    app.bundle().dist_by_key(name).unwrap()
}

/// The manifest the export dialog writes for `app` after excluding the first package.
pub fn exported_manifest(app: &mut App) -> heft::manifest::Manifest {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let erase = "<Bksp>".repeat(40);
    press(app, &format!("<Space>e{erase}{}<Enter>", path.display()));
    let text = std::fs::read_to_string(&path).unwrap();
    heft::manifest::Manifest::from_json(&text).unwrap()
}

/// Runs the end of a scan the app handed out (the event loop gives it to a worker) and
/// delivers the result, as the worker would.
pub fn finish_scan(app: &mut App) {
    let job = app
        .take_finish_job()
        .expect("the end of the scan is handed out");
    app.on_event(heft::tui::event::Event::Finished(Box::new(job.run())));
}
