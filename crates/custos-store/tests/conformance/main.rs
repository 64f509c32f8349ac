//! The storage conformance suite: every test here runs on SQLite and on PostgreSQL, each on a
//! throw-away database (see `custos_store::testing`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod audit_log;
mod batch;
mod auditor;
mod entities;
mod fixtures;
mod matching;
mod records;
mod merge;
mod related;
mod retention;
mod rights;
mod schema;
mod search;
mod subject_access;
mod sessions;
mod users;
