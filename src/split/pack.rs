//! First-fit decreasing over dominator groups: the largest group goes into the first layer
//! with room; a group no layer can take splits into its head and its child subtrees.

use std::collections::BinaryHeap;

use super::Item;
use crate::model::DistId;

/// A group waiting to be placed, ordered by zipped bytes (then by head, for determinism).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    zipped: u64,
    head: std::cmp::Reverse<u32>,
    members: Vec<DistId>,
}

fn pending(items: &[Item], members: Vec<DistId>) -> Pending {
    Pending {
        zipped: members.iter().map(|d| items[d.index()].zipped).sum(),
        head: std::cmp::Reverse(members.first().map_or(0, |d| d.0)),
        members,
    }
}

/// `head` and everything under it in `children`, head first.
fn subtree(children: &[Vec<DistId>], head: DistId) -> Vec<DistId> {
    let mut out = Vec::new();
    let mut stack = vec![head];
    while let Some(d) = stack.pop() {
        out.push(d);
        stack.extend(children[d.index()].iter().rev().copied());
    }
    out
}

/// Packs `groups` into at most `layers` bins of `budget` zipped bytes; `None` if it cannot.
pub fn pack(
    items: &[Item],
    groups: Vec<Vec<DistId>>,
    children: &[Vec<DistId>],
    budget: u64,
    layers: usize,
) -> Option<Vec<Vec<DistId>>> {
    let mut queue: BinaryHeap<Pending> = groups.into_iter().map(|g| pending(items, g)).collect();
    let mut bins: Vec<(u64, Vec<DistId>)> = Vec::new();
    while let Some(p) = queue.pop() {
        let fits = |load: u64| load.saturating_add(p.zipped) <= budget;
        if let Some(bin) = bins.iter_mut().find(|(load, _)| fits(*load)) {
            bin.0 += p.zipped;
            bin.1.extend(p.members);
        } else if bins.len() < layers && p.zipped <= budget {
            bins.push((p.zipped, p.members));
        } else if p.members.len() > 1 {
            let head = p.members[0];
            queue.push(pending(items, vec![head]));
            for c in &children[head.index()] {
                queue.push(pending(items, subtree(children, *c)));
            }
        } else {
            return None;
        }
    }
    Some(bins.into_iter().map(|(_, m)| m).collect())
}
