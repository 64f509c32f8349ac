//! Conventions checked by machine (after rust-analyzer's `tidy.rs`): every Rust file starts with a
//! `//!` module comment, every crate inherits the workspace lints, the workspace forbids `unsafe`
//! and denies `unwrap`/`expect`/`dbg!`/`todo!`, and nobody skips a test with an ignore attribute.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::fs;
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    assert!(files.len() > 20, "found only {} Rust files; is the walk broken?", files.len());
    files
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let missing: Vec<_> = all_rust_files()
        .into_iter()
        .filter(|p| !fs::read_to_string(p).unwrap().trim_start().starts_with("//!"))
        .collect();
    assert!(missing.is_empty(), "files without a leading `//!` comment: {missing:#?}");
}

#[test]
fn no_skipped_tests_or_debugging_leftovers() {
    let ignore = ["#[", "ignore"].concat();
    let dbg = ["dbg", "!("].concat();
    let todo = ["todo", "!("].concat();
    let mut offenders = Vec::new();
    for path in all_rust_files() {
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains(&ignore) || line.contains(&dbg) || line.contains(&todo) {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn workspace_lints_are_strict_and_inherited() {
    let root = workspace_root();
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    for rule in [
        "unsafe_code = \"forbid\"",
        "unwrap_used = \"deny\"",
        "expect_used = \"deny\"",
        "dbg_macro = \"deny\"",
        "todo = \"deny\"",
    ] {
        assert!(manifest.contains(rule), "root Cargo.toml lacks `{rule}`");
    }
    for entry in fs::read_dir(root.join("crates")).unwrap() {
        let crate_manifest = entry.unwrap().path().join("Cargo.toml");
        let text = fs::read_to_string(&crate_manifest).unwrap();
        assert!(
            text.contains("[lints]\nworkspace = true"),
            "{} does not inherit the workspace lints",
            crate_manifest.display()
        );
    }
}

#[test]
fn files_stay_reviewable() {
    let too_long: Vec<_> = all_rust_files()
        .into_iter()
        .filter(|p| fs::read_to_string(p).unwrap().lines().count() > 1000)
        .collect();
    assert!(too_long.is_empty(), "split these files (over 1,000 lines): {too_long:#?}");
}
