//! The HTTP API tests: the real application through `oneshot`, every test on SQLite and on
//! PostgreSQL, each on a throw-away database (see `custos_store::testing`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failed test

mod auditor;
mod discovery_pages;
mod entities;
mod helpers;
mod logs;
mod matching;
mod merge;
mod metrics;
mod openapi;
mod record_pages;
mod request_pages;
mod records;
mod related;
mod retention;
mod retention_pages;
mod reviews;
mod rights;
mod search;
mod subject_access;
mod session;
mod ui;
