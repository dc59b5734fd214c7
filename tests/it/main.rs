//! Integration tests: one binary, a mock upstream and the proxy on 127.0.0.1:0, in process.
//! `support` is the harness; each module covers one feature.

// Test helpers outside #[test] fns are not covered by clippy.toml's allow-*-in-tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod cli;
mod cli_tools;
mod e2e;
mod echo;
mod limits;
mod ops;
mod routing;
mod seams;
mod streaming;
mod support;
mod workers;
