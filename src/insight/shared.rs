//! Closure sizes: what each distribution pulls in transitively (itself included).
//! Strongly connected components are collapsed first, so cycles are counted once, and
//! reachability is carried as one bitset per component in reverse topological order.

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

use crate::model::Sizes;

/// Sizes of each node's transitive closure (itself included) for the first `sizes.len()`
/// nodes of `g`; nodes past that (the virtual root) weigh nothing.
pub fn closure_sizes(g: &DiGraph<(), ()>, sizes: &[Sizes]) -> Vec<Sizes> {
    let nodes = g.node_count();
    let words = nodes.div_ceil(64);
    // tarjan_scc yields components in reverse topological order: every component a
    // node depends on comes before the node's own.
    let sccs = tarjan_scc(g);
    let mut comp_of = vec![usize::MAX; nodes];
    let mut bits = vec![0u64; sccs.len() * words];
    for (c, scc) in sccs.iter().enumerate() {
        for v in scc {
            comp_of[v.index()] = c;
            bits[c * words + v.index() / 64] |= 1 << (v.index() % 64);
        }
        let (done, rest) = bits.split_at_mut(c * words);
        let row = &mut rest[..words];
        for v in scc {
            for w in g.neighbors(*v) {
                let d = comp_of[w.index()];
                if d < c {
                    for (a, b) in row.iter_mut().zip(&done[d * words..(d + 1) * words]) {
                        *a |= *b;
                    }
                }
            }
        }
    }
    let comp_sizes: Vec<Sizes> = (0..sccs.len())
        .map(|c| sum_bits(&bits[c * words..(c + 1) * words], sizes))
        .collect();
    (0..sizes.len()).map(|v| comp_sizes[comp_of[v]]).collect()
}

/// Adds up the sizes of the set bits.
fn sum_bits(row: &[u64], sizes: &[Sizes]) -> Sizes {
    let mut total = Sizes::default();
    for (w, word) in row.iter().enumerate() {
        let mut rest = *word;
        while rest != 0 {
            let v = w * 64 + rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if let Some(s) = sizes.get(v) {
                total.add(s);
            }
        }
    }
    total
}
