//! `custos bench core` refuses any database that already holds data: it writes thousands of fake
//! records and signs with a throw-away key, which must never happen to a real log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn the_benchmark_refuses_a_database_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["admin", "create-user", "--user", "MP1", "--name", "PC One", "--role", "auditor"])
        .env_remove("CUSTOS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a sufficiently long password\n").unwrap();
    assert!(child.wait().unwrap().success());
    let url = format!("sqlite://{}", dir.path().join("custos.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_custos"))
        .args(["--database-url", &url, "bench", "core", "--out"])
        .arg(dir.path().join("bench.json"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("empty scratch database"), "{stderr}");
    assert!(!dir.path().join("bench.json").exists());
}
