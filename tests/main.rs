//! Integration tests: one binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::format_push_string)]

mod bounded;
mod bundles;
mod fixture;
mod fuzz;
mod gates;
mod imports;
mod insight;
mod manifest;
mod packaging;
mod prune;
mod report;
mod rules;
mod scanfile;
mod tui;
mod watch;
