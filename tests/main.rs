//! Integration tests: one binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::format_push_string)]

pub mod bundles;
mod fit;
mod fixture;
mod insight;
mod manifest;
mod projects;
mod report;
mod rules;
mod scanfile;
mod split;
mod tui;
mod watch;
