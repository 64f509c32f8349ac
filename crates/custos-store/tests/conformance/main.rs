//! The storage conformance suite: every test here runs on SQLite and on PostgreSQL, each on a
//! throw-away database (see `support.rs`).

mod support;

mod audit_log;
mod entities;
mod fixtures;
mod schema;
mod search;
mod users;
