//! The subcommands, one file each.

pub mod admin;
pub mod audit;
pub mod bench;
pub mod deadline;
pub mod demo;
pub mod import;
pub mod import_persons;
pub mod link;
pub mod retention;
pub mod serve;
