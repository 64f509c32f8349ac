//! Black-box tests of `custos demo`: deterministic for a seed, and crash-safe — a process killed
//! in the middle leaves a database that opens, verifies, and resumes to exactly what an
//! uninterrupted run builds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::{Connection, Row, SqliteConnection};

const PEOPLE: &str = "6000";

fn custos(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("CUSTOS_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Rows in `table`, or 0 while the database or table does not exist yet.
fn count(dir: &Path, table: &str) -> i64 {
    let db = dir.join("custos.db");
    if !db.exists() {
        return 0;
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let Ok(mut conn) = SqliteConnection::connect(&format!("sqlite://{}", db.display())).await else {
            return 0;
        };
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut conn).await {
            Ok(row) => row.get::<i64, _>(0),
            Err(_) => 0,
        }
    })
}

fn verify(dir: &Path) {
    let out = custos(dir, &["audit", "verify"]);
    assert!(out.status.success(), "verify failed: {}", text(&out.stderr));
}


/// `custos demo --people PEOPLE --seed 5` on `dir`, running in the background, output discarded.
fn spawn_demo(dir: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(dir)
        .args(["demo", "--people", PEOPLE, "--seed", "5"])
        .env_remove("CUSTOS_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_demo_verifies_and_resumes_to_the_same_force() {
    // The uninterrupted reference run.
    let clean = tempfile::tempdir().unwrap();
    let out = custos(clean.path(), &["demo", "--people", PEOPLE, "--seed", "5"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let full = count(clean.path(), "entity");
    assert!(full > 30_000, "{full}");
    let requests = count(clean.path(), "information_request");
    assert!(requests > 20, "a year of casework, scaled to the force: {requests}");
    let bundles = count(clean.path(), "information_request_event WHERE body LIKE '%\"bundle_assembled\"%'");
    assert!((1..=3).contains(&bundles), "open subject access requests taken as far as a bundle to review: {bundles}");
    verify(clean.path());

    // A run killed once some chunks have committed.
    let crashed = tempfile::tempdir().unwrap();
    let mut child = spawn_demo(crashed.path());
    let start = Instant::now();
    // Wait for the prelude and at least one whole chunk (about 5,700 records) to commit.
    while count(crashed.path(), "entity") < 5_000 {
        assert!(start.elapsed() < Duration::from_secs(60), "the demo wrote nothing in a minute");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the demo was killed, not finished");
    let partial = count(crashed.path(), "entity");
    assert!(partial > 0 && partial < full, "killed mid-way: {partial} of {full}");

    // It opens and its audit log verifies; the events the killed run committed but had not yet
    // integrated are sealed by the next integration and verify too.
    verify(crashed.path());
    let out = custos(crashed.path(), &["audit", "checkpoint"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    verify(crashed.path());

    // Rerunning the same command resumes and builds exactly the same force.
    let out = custos(crashed.path(), &["demo", "--people", PEOPLE, "--seed", "5"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("already present (resumed)"), "{}", text(&out.stdout));
    assert_eq!(count(crashed.path(), "entity"), full);
    assert_eq!(count(crashed.path(), "link"), count(clean.path(), "link"));
    assert_eq!(count(crashed.path(), "information_request"), requests);
    verify(crashed.path());
    let truth = |dir: &Path| std::fs::read_to_string(dir.join("demo-truth.csv")).unwrap();
    assert_eq!(truth(crashed.path()), truth(clean.path()), "the ground truth is deterministic");
    assert!(truth(clean.path()).lines().count() > 6000);

    // A run killed while it loads the casework completes it when rerun: the same requests, each
    // with its whole history.
    let in_casework = tempfile::tempdir().unwrap();
    let mut child = spawn_demo(in_casework.path());
    let start = Instant::now();
    while count(in_casework.path(), "information_request") < 3 {
        assert!(start.elapsed() < Duration::from_secs(300), "the demo loaded no casework in five minutes");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success(), "the demo was killed, not finished");
    let loaded = count(in_casework.path(), "information_request");
    assert!(loaded < requests, "killed mid-way through the casework: {loaded} of {requests}");
    let out = custos(in_casework.path(), &["demo", "--people", PEOPLE, "--seed", "5"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(count(in_casework.path(), "information_request"), requests);
    assert_eq!(
        count(in_casework.path(), "information_request_event"),
        count(clean.path(), "information_request_event"),
        "every request's whole history"
    );
    verify(in_casework.path());
}

/// Sends one HTTP/1.1 request and returns the response's status line and body.
fn http(address: &str, request: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.lines().next().unwrap_or_default().to_owned();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

fn sign_in(address: &str, user: &str, password: &str) -> (String, String) {
    let body = format!(r#"{{"user":"{user}","password":"{password}"}}"#);
    http(
        address,
        &format!(
            "POST /api/v1/session HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

#[test]
fn demo_serve_prints_generated_users_who_can_sign_in() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--people", "300", "--serve", "--listen", "127.0.0.1:0"])
        .env_remove("CUSTOS_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut address = None;
    let mut users = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("serving on http://") {
            address = rest.split_whitespace().next().map(str::to_owned);
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() == 3 && fields[0].starts_with("DEMO-") {
            users.push((fields[0].to_owned(), fields[1].to_owned(), fields[2].to_owned()));
        }
        if line.trim_start().starts_with("DEMO-ADMIN") {
            break;
        }
    }
    let address = address.expect("the address is printed");
    assert_eq!(users.len(), 10, "a demo user of every role: {users:?}");
    let (_, role, password) = users.iter().find(|(id, ..)| id == "DEMO-INVESTIGATOR").unwrap();
    assert_eq!(role, "investigator");
    assert!(password.len() >= 20);
    let (status, body) = sign_in(&address, "DEMO-INVESTIGATOR", password);
    assert!(status.contains("200"), "{status} {body}");
    assert!(body.contains("\"csrf\""), "{body}");
    let (status, _) = sign_in(&address, "DEMO-INVESTIGATOR", "not the password at all");
    assert!(status.contains("401"), "{status}");
    child.kill().unwrap();
    let _ = child.wait();
    // A second run generates new passwords rather than reusing or hard-coding any.
    let again = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--people", "300", "--serve", "--listen", "127.0.0.1:0"])
        .env_remove("CUSTOS_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut again = again;
    let mut second = None;
    for line in std::io::BufReader::new(again.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.trim_start().starts_with("DEMO-INVESTIGATOR") {
            second = line.split_whitespace().nth(2).map(str::to_owned);
            break;
        }
    }
    again.kill().unwrap();
    let _ = again.wait();
    assert_ne!(second.as_deref(), Some(password.as_str()));
}
