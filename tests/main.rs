//! Integration tests: one binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::format_push_string)]

mod bundles;
mod fixture;
mod imports;
mod insight;
mod manifest;
mod report;
mod rules;
mod scanfile;
mod tui;
mod watch;
