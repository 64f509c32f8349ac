//! Integration tests of the Custos policies through the public API: the role matrix, the
//! guard-rails, fail-closed behaviour, policy loading, and properties over random requests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod fail_closed;
mod guardrails;
mod loading;
mod matrix;
mod properties;
mod support;
