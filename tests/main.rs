//! Integration tests: one binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::format_push_string)]

mod bounded;
pub mod bundles;
mod diff;
mod fit;
mod fixture;
mod fuzz;
mod gates;
mod html;
mod imports;
mod insight;
mod manifest;
mod packaging;
mod projects;
mod prune;
mod report;
mod rules;
mod scanfile;
mod split;
mod tui;
mod watch;
