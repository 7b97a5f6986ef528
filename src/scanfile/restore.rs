//! Turning a parsed [`ScanFile`] back into a [`Bundle`], checking every index on the way.

use std::path::PathBuf;

use super::{NONE, ScanFile, letter_kind};
use crate::bundle::{Bundle, Distribution, Install, Root, RootKind, Target};
use crate::deps::{DepGraph, TopLevel};
use crate::model::{DistId, NodeId, Sizes, Tree};
use crate::ownership::total_sizes;
use crate::python::name::normalize;
use crate::python::requirement::Requirement;
use crate::scan::ScanError;

/// Rebuilds the bundle; the error says which part of the file is inconsistent.
pub fn restore(file: &ScanFile) -> Result<Bundle, String> {
    let [python, platform, machine] = file.target.clone();
    let mut bundle = Bundle {
        tree: restore_tree(file)?,
        top: NodeId(0),
        target: Target {
            python,
            platform,
            machine,
        },
        ..Bundle::default()
    };
    let len = bundle.tree.len();
    let node = |i: u32| -> Result<NodeId, String> {
        if (i as usize) < len {
            Ok(NodeId(i))
        } else {
            Err(format!("node index {i} out of range"))
        }
    };
    let roots = file.roots.len();
    let root = |i: usize| -> Result<usize, String> {
        if i < roots {
            Ok(i)
        } else {
            Err(format!("root index {i} out of range"))
        }
    };
    for r in &file.roots {
        bundle.roots.push(Root {
            path: PathBuf::from(&r.path),
            kind: root_kind(&r.kind)?,
            node: node(r.node)?,
            sites: r.sites.iter().map(|s| node(*s)).collect::<Result<_, _>>()?,
            archive_bytes: r.archive_bytes,
        });
    }
    for d in &file.dists {
        let installs = d
            .installs
            .iter()
            .map(|(index, dir, version)| {
                Ok(Install {
                    root: root(*index)?,
                    meta_dir: node(*dir)?,
                    version: version.clone(),
                })
            })
            .collect::<Result<_, String>>()?;
        let (requires, bad_requires) = parse_requires(&d.requires);
        bundle.dists.push(Distribution {
            name: d.name.clone(),
            key: normalize(&d.name),
            version: d.version.clone(),
            summary: d.summary.clone(),
            installs,
            requires,
            bad_requires,
            sizes: Sizes::default(),
            approximate: d.approximate,
            missing_files: d.missing_files,
            bad_record_rows: d.bad_record_rows,
        });
    }
    let dists = file.dists.len();
    for (i, &owner) in file.nodes.owner.iter().enumerate() {
        if owner != NONE {
            if owner as usize >= dists {
                return Err(format!("owner {owner} of node {i} out of range"));
            }
            bundle.tree.set_owner(NodeId(i as u32), Some(DistId(owner)));
        }
    }
    bundle.errors = file
        .errors
        .iter()
        .map(|(index, path, message)| {
            let error = ScanError {
                path: PathBuf::from(path),
                message: message.clone(),
            };
            Ok((root(*index)?, error))
        })
        .collect::<Result<_, String>>()?;
    finish(&mut bundle, &file.top_level);
    Ok(bundle)
}

/// The tree from the node columns; parents must come before their children.
fn restore_tree(file: &ScanFile) -> Result<Tree, String> {
    let n = &file.nodes;
    let len = n.parent.len();
    let columns = [n.name.len(), n.kind.len(), n.owner.len(), n.bytes.len()];
    if columns.iter().any(|c| *c != len) || n.disk.len() != len || n.zipped.len() != len {
        return Err("node columns differ in length".into());
    }
    // One byte per node: a multi-byte character would shift every later node.
    if !n.kind.is_ascii() {
        return Err("the node kind column holds a character that is not a kind letter".into());
    }
    if len > u32::MAX as usize / 2 {
        return Err(format!("{len} nodes is more than heft holds"));
    }
    let mut tree = Tree::new();
    for (i, kind) in n.kind.bytes().map(char::from).enumerate() {
        let name = n.name[i].as_bytes();
        let parent = n.parent[i];
        if i == 0 {
            if parent != NONE {
                return Err("node 0 must be the top".into());
            }
            tree.add_root(name);
            continue;
        }
        if parent as usize >= i {
            return Err(format!("node {i} comes before its parent {parent}"));
        }
        // Only directories hold children: a file's own sizes are its total in the tree.
        if !tree.node(NodeId(parent)).is_dir() {
            return Err(format!("node {i}'s parent {parent} is not a directory"));
        }
        let kind = letter_kind(kind);
        let own = Sizes {
            files: u64::from(kind != crate::model::NodeKind::Dir),
            bytes: n.bytes[i],
            disk: n.disk[i],
            zipped: n.zipped[i],
        };
        tree.add_child(NodeId(parent), name, kind, own);
    }
    if tree.is_empty() {
        return Err("no nodes".into());
    }
    Ok(tree)
}

fn root_kind(s: &str) -> Result<RootKind, String> {
    [RootKind::SitePackages, RootKind::Wheels, RootKind::Zip]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| format!("unknown root kind {s:?}"))
}

fn parse_requires(texts: &[String]) -> (Vec<Requirement>, Vec<String>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for t in texts {
        match Requirement::parse(t) {
            Ok(r) => ok.push(r),
            Err(_) => bad.push(t.clone()),
        }
    }
    (ok, bad)
}

/// Rebuilds the derived parts: sorted children, totals, dist sizes and the graph.
fn finish(bundle: &mut Bundle, top: &[(String, Vec<String>)]) {
    bundle.tree.sort_children();
    bundle.tree.roll_up();
    total_sizes(bundle);
    let top: Vec<TopLevel> = top
        .iter()
        .map(|(key, extras)| TopLevel {
            key: key.clone(),
            extras: extras.clone(),
        })
        .collect();
    bundle.graph = DepGraph::build(&bundle.dists, &bundle.target.env(), Some(&top));
}
