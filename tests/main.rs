//! Integration tests: one binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::format_push_string)]

mod fixture;
mod report;
mod watch;
