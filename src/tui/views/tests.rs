//! The registry: one list, every view with its own title, digit and help line.

use super::*;

#[test]
fn every_registered_view_has_its_own_title_digit_and_help_line() {
    let help = help_lines();
    let mut titles = std::collections::BTreeSet::new();
    for (i, v) in ViewId::ALL.iter().enumerate() {
        assert!(
            titles.insert(v.title()),
            "{v:?}: a second view titled {}",
            v.title()
        );
        assert_eq!(ViewId::at(i), Some(*v), "digit {} opens {v:?}", i + 1);
        let digit = (i + 1).to_string();
        assert!(
            help.iter()
                .any(|(k, what)| *k == digit && *what == v.help()),
            "help lists {digit} for {v:?}"
        );
    }
    assert!(ViewId::ALL.len() <= 9, "every view needs a digit key 1-9");
    assert_eq!(ViewId::TITLES.len(), ViewId::ALL.len());
    assert_eq!(ViewId::at(ViewId::ALL.len()), None);
}

#[test]
fn tab_order_wraps_both_ways() {
    let last = *ViewId::ALL.last().unwrap();
    assert_eq!(last.next(), ViewId::ALL[0]);
    assert_eq!(ViewId::ALL[0].prev(), last);
}
