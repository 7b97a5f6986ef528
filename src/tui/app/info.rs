//! Item info (`i`) and the overrun suggestions: text panes over the view, built once
//! when opened from what the bundle, the rules and the insight know.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::limits::{group, human};
use crate::model::{DistId, NodeId, Sizes};

use super::dialogs::Overlay;
use super::{App, TileItem};
use crate::tui::views::Item;

/// Exact figures of every measure, a line each: "apparent 12.3 MB (12,903,411 B)".
pub fn exact(s: &Sizes) -> [String; 3] {
    let line = |what: &str, n: u64| format!("{what:<9}{:>10} ({} B)", human(n), group(n));
    [
        line("apparent", s.bytes),
        line("disk", s.disk),
        line("zipped", s.zipped),
    ]
}

pub use crate::tui::views::count;

impl App {
    /// Opens the info pane about an item.
    pub(super) fn open_info(&mut self, item: Item) {
        let (title, lines) = match item {
            Item::Dist(d) => self.dist_info(d),
            Item::Node(n) => self.node_info(n),
            Item::Unowned => self.unowned_info(),
        };
        self.overlay = Some(Overlay::Text {
            title,
            lines,
            scroll: 0,
        });
    }

    fn dist_info(&self, d: DistId) -> (String, Vec<String>) {
        let b = self.bundle();
        let dist = b.dist(d);
        let mut l = Vec::new();
        if let Some(s) = &dist.summary {
            l.push(s.clone());
        }
        l.extend(exact(&dist.sizes));
        for inst in &dist.installs {
            let root = b.roots.get(inst.root).map(|r| r.path.display().to_string());
            l.push(format!(
                "installed {} in {}: {}",
                inst.version,
                root.unwrap_or_default(),
                b.tree.path(inst.meta_dir).display()
            ));
        }
        if let Some(note) = self.props().duplicate_note(d) {
            l.push(format!("⚠ {note}"));
        }
        l.push(record_status(dist));
        let status = if let Some(r) = self.exclusions.dist_rule(d) {
            format!("excluded by rule {}", self.rule_name(r))
        } else {
            let kept = self.exclusions.dist_kept(b, d);
            if kept == dist.sizes {
                "kept".into()
            } else {
                format!("partly excluded: {} kept", human(kept.bytes))
            }
        };
        l.push(status);
        if let Some(s) = self.imports.dist_sizes(d) {
            l.push(reach_line(s));
        }
        if let Some(a) = self.exclusions.alerts().about_dist(d) {
            l.push(format!("⚠ {a}"));
        }
        let props = self.props();
        let by = props.required_by_names(d);
        l.push(if by.is_empty() {
            "required by nothing here (top level)".into()
        } else {
            format!("required by {}", by.join(", "))
        });
        l.extend(self.x_preview(d));
        (format!(" {} {} ", dist.name, dist.version), l)
    }

    /// What `x` on a distribution takes: it and every distribution only it needs.
    pub fn x_preview(&self, d: DistId) -> Option<String> {
        let insight = self.insight.as_ref()?;
        let b = self.bundle();
        let set = insight.exclusive_set(d);
        let mut names: Vec<&str> = set
            .iter()
            .filter(|o| **o != d)
            .map(|o| b.dist(*o).name.as_str())
            .collect();
        names.sort_unstable();
        let retained = human(insight.get(d).retained.bytes);
        Some(if names.is_empty() {
            format!("x excludes it alone ({retained}): every dependency is needed elsewhere")
        } else {
            format!(
                "x excludes it with {} only it needs ({retained}): {}",
                count(names.len(), "dependency", "dependencies"),
                names.join(", ")
            )
        })
    }

    fn unowned_info(&self) -> (String, Vec<String>) {
        let (full, kept) = self.exclusions.unowned();
        let mut lines =
            vec!["files no RECORD lists: __pycache__ written after install, stray files".into()];
        lines.extend(exact(&full));
        lines.push(format!(
            "kept: {} ({} B)",
            human(kept.bytes),
            group(kept.bytes)
        ));
        (" unowned files ".into(), lines)
    }

    fn node_info(&self, n: NodeId) -> (String, Vec<String>) {
        let b = self.bundle();
        let node = b.tree.node(n);
        let full = self.exclusions.full(n);
        let kept = self.exclusions.kept(n);
        let mut l = vec![b.tree.path(n).display().to_string()];
        l.extend(exact(&full));
        if node.is_dir() {
            l.push(count(full.files as usize, "file", "files"));
            l.push(format!("owners: {}", self.owners_below(n)));
        } else {
            l.push(match node.owner() {
                Some(d) => format!(
                    "owned by {} {} (its RECORD lists it)",
                    b.dist(d).name,
                    b.dist(d).version
                ),
                None => "owned by no distribution: no RECORD lists it".into(),
            });
            if node.own.disk == 0 && node.own.bytes > 0 {
                l.push("disk 0 B: a hard link to a file counted once elsewhere".into());
            }
        }
        let reason = self.exclusions.reason(n);
        l.push(match reason {
            crate::tui::exclusions::Reason::Rule(r) => {
                format!("excluded by rule {}", self.rule_name(r))
            }
            crate::tui::exclusions::Reason::Kept if kept != full => {
                format!("kept; {} excluded inside", human(full.bytes - kept.bytes))
            }
            crate::tui::exclusions::Reason::Kept => "kept".into(),
        });
        if let Some(r) = self.imports.reach_of(n) {
            let what = if node.is_dir() {
                "the most any file under it is"
            } else {
                "this file"
            };
            l.push(format!("imports: {} ({what})", r.as_str()));
        }
        if let Some(a) = self.exclusions.alerts().about_node(n) {
            l.push(format!("⚠ {a}"));
        }
        (format!(" {} ", b.tree.display_name(n)), l)
    }

    /// "numpy 57.1 MB (3 files), (unowned) 300 KB (1 file)", largest first.
    fn owners_below(&self, n: NodeId) -> String {
        let b = self.bundle();
        let mut by: BTreeMap<Option<DistId>, (u64, usize)> = BTreeMap::new();
        for id in b.tree.descendants(n) {
            let node = b.tree.node(id);
            if !node.is_dir() && !node.is_detached() {
                let e = by.entry(node.owner()).or_default();
                e.0 += node.own.bytes;
                e.1 += 1;
            }
        }
        let mut v: Vec<_> = by.into_iter().collect();
        v.sort_by_key(|(_, (bytes, _))| std::cmp::Reverse(*bytes));
        let mut s = String::new();
        for (i, (owner, (bytes, files))) in v.iter().enumerate() {
            if i == 6 {
                let _ = write!(s, ", {} more", v.len() - 6);
                break;
            }
            let name = owner.map_or("(unowned)", |d| b.dist(d).name.as_str());
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(
                s,
                "{sep}{name} {} ({})",
                human(*bytes),
                count(*files, "file", "files")
            );
        }
        if s.is_empty() { "none".into() } else { s }
    }

    /// Lists the items folded into the treemap's small-items tile.
    pub(super) fn open_folded(&mut self) {
        let b = self.bundle();
        let m = self.measure;
        let lines: Vec<String> = self
            .views
            .treemap
            .folded()
            .iter()
            .map(|info| {
                let name = match info.item {
                    TileItem::Dist(d) => b.dist(d).name.clone(),
                    TileItem::Unowned => "(unowned files)".into(),
                    TileItem::Node(n) => {
                        let mut s = b.tree.display_name(n).into_owned();
                        if b.tree.node(n).is_dir() {
                            s.push('/');
                        }
                        s
                    }
                };
                format!("{:>10}  {name}", human(m.of(&info.full)))
            })
            .collect();
        self.overlay = Some(Overlay::Text {
            title: format!(" {} small items ", lines.len()),
            lines,
            scroll: 0,
        });
    }

    /// Opens what `heft check` would suggest to close each overrun.
    pub(super) fn open_suggestions(&mut self) {
        let Some(ex) = self.exclusions.exclusion() else {
            return self.say("suggestions come once the scan ends");
        };
        let b = self.bundle();
        let kept = self.kept_totals();
        let mut lines = Vec::new();
        for c in self.limits.iter().filter(|c| c.active) {
            let v = crate::limits::verdict(&c.limit, kept.bytes, kept.zipped, 0);
            if v.ok {
                continue;
            }
            lines.push(format!(
                "{}: over by {}; candidates, largest first (saving on {}):",
                c.limit.name,
                human(v.overrun),
                c.limit.counted.label()
            ));
            let counted = c.limit.counted;
            for cand in ex.candidates(b, counted).iter().take(8) {
                let saves = cand.saving_on(counted);
                lines.push(format!(
                    "  {:>9}  {:<8} {}",
                    human(saves),
                    cand.safety.as_str(),
                    cand.label
                ));
            }
        }
        if lines.is_empty() {
            lines.push("every active limit is met: nothing to suggest".into());
        } else {
            lines.push(String::new());
            lines
                .push("p adds a preset; x on a package excludes it with what only it needs".into());
        }
        self.overlay = Some(Overlay::Text {
            title: " closing the overrun ".into(),
            lines,
            scroll: 0,
        });
    }
}

fn record_status(dist: &crate::bundle::Distribution) -> String {
    let mut s = if dist.approximate {
        "ownership from egg-info file lists (may be incomplete)".to_string()
    } else {
        "ownership from its RECORD".to_string()
    };
    if dist.missing_files > 0 {
        let _ = write!(s, "; {} rows name no file here", dist.missing_files);
    }
    if dist.bad_record_rows > 0 {
        let _ = write!(s, "; {} rows unreadable", dist.bad_record_rows);
    }
    s
}

/// `imports: reached 12.1 MB · lazy 3.0 MB · data 1.2 MB · unreached 50.0 MB`.
fn reach_line(s: &crate::imports::ReachSizes) -> String {
    let mut parts = vec![
        format!("reached {}", human(s.reached.bytes)),
        format!("lazy {}", human(s.lazy.bytes)),
        format!("data {}", human(s.data.bytes)),
        format!("unreached {}", human(s.unreached.bytes)),
    ];
    if s.unparsed.files > 0 {
        parts.push(format!("unparsed {}", human(s.unparsed.bytes)));
    }
    format!("imports: {}", parts.join(" · "))
}
