//! Bringing the rule list to a given state (undo, redo, a manifest's rules) by changing
//! only the rules that differ, so the cost follows the change, not the list.

use std::ops::Range;

use super::Exclusion;
use crate::bundle::Bundle;
use crate::rules::{Rule, RuleError};

impl Exclusion {
    /// Makes the rule list equal `target` (each rule with its switch): rules shared at the
    /// start and at the end stay; the differing middle is removed and `target`'s inserted;
    /// switches are set where they differ. On an error nothing has changed.
    pub fn restore(&mut self, bundle: &Bundle, target: &[(Rule, bool)]) -> Result<(), RuleError> {
        let (old, new) = self.differing(target);
        self.warm(bundle, target[new.clone()].iter().map(|(r, _)| r));
        for (rule, _) in &target[new.clone()] {
            self.hits_of(bundle, rule)?;
        }
        for i in old.rev() {
            self.remove(bundle, i);
        }
        for (k, (rule, on)) in target[new.clone()].iter().enumerate() {
            self.insert_switched(bundle, new.start + k, rule.clone(), *on)?;
        }
        for (i, (_, on)) in target.iter().enumerate() {
            self.set_enabled(bundle, i, *on);
        }
        Ok(())
    }

    /// The ranges of the current list and of `target` that differ, once the longest
    /// shared start and end (same rules, switches aside) are set apart.
    fn differing(&self, target: &[(Rule, bool)]) -> (Range<usize>, Range<usize>) {
        let (n, m) = (self.slots.len(), target.len());
        let same = |i: usize, j: usize| self.slots[i].rule == target[j].0;
        let start = (0..n.min(m)).take_while(|&i| same(i, i)).count();
        let end = (0..n.min(m) - start)
            .take_while(|&k| same(n - 1 - k, m - 1 - k))
            .count();
        (start..n - end, start..m - end)
    }
}
