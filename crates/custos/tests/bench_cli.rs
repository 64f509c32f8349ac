//! `custos bench core` refuses any database that already holds data: it writes thousands of fake
//! records and signs with a throw-away key, which must never happen to a real log. `custos bench
//! web` runs briefly here and must report its numbers with no failed request; `custos bench
//! match` runs in memory on a small generated force.

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

/// A short `bench web` on SQLite: the report has every field, no request failed, and each request
/// left its own audit event (the command checks the log and fails otherwise).
#[test]
fn the_web_benchmark_reports_audited_reads_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("web.json");
    let out = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(dir.path().join("unused"))
        .args(["bench", "web", "--people", "50", "--connections", "8", "--warmup", "0.2", "--seconds", "1", "--out"])
        .arg(&report)
        .env_remove("CUSTOS_DATABASE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("req/s") && stdout.contains("p99"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    for field in ["req_per_s", "p50_ms", "p99_ms", "errors", "requests", "audited_reads"] {
        assert!(json.get(field).is_some(), "{field} missing from {json}");
    }
    assert_eq!(json["backend"], "sqlite");
    assert_eq!(json["errors"], 0);
    assert!(json["requests"].as_u64().unwrap() > 0);
    assert!(json["req_per_s"].as_f64().unwrap() > 0.0);
    assert!(json["p50_ms"].as_f64().unwrap() <= json["p99_ms"].as_f64().unwrap());
    assert_eq!(json["audited_reads"], json["requests_including_warmup"], "one audit event per request");
}

#[test]
fn the_web_benchmark_refuses_an_unbounded_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["bench", "web", "--seconds", "0", "--out"])
        .arg(dir.path().join("web.json"))
        .env_remove("CUSTOS_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--seconds"));
    assert!(!dir.path().join("web.json").exists());
}

/// A small `bench match` (in memory, no database): the report carries every measurement with sane
/// values, and a bad size is refused before anything is written.
#[test]
fn the_match_benchmark_reports_quality_and_speed() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("match.json");
    let out = Command::new(env!("CARGO_BIN_EXE_custos"))
        .args(["bench", "match", "--people", "3000", "--queries", "50", "--out"])
        .arg(&report)
        .env_remove("CUSTOS_DATABASE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("blocking recall") && stdout.contains("F1"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["records"], 3000);
    let fraction = |f: &str| {
        let v = json[f].as_f64().unwrap_or_else(|| panic!("{f} missing from {json}"));
        assert!((0.0..=1.0).contains(&v), "{f} = {v}");
        v
    };
    for f in ["precision", "recall", "f1", "blocking_recall", "recall_at_10"] {
        // A matcher this far below its targets on its own test data is broken, not tuned.
        assert!(fraction(f) > 0.8, "{f} too low: {json}");
    }
    assert!(json["trained"]["f1"].is_number(), "trained model missing: {json}");
    assert!(json["true_pairs"].as_u64().unwrap() > 0);
    assert!(json["candidate_pairs"].as_u64().unwrap() >= json["true_pairs"].as_u64().unwrap());
    assert!(json["match_p50_ms"].as_f64().unwrap() <= json["match_p99_ms"].as_f64().unwrap());
    assert!(json["link_wall_s"].as_f64().unwrap() > 0.0);
    assert!(json["corruptions"].as_object().is_some_and(|c| !c.is_empty()));
    assert!(json["false_positives_by_hard_negative"].is_object());

    let refused = Command::new(env!("CARGO_BIN_EXE_custos"))
        .args(["bench", "match", "--people", "1", "--out"])
        .arg(dir.path().join("none.json"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--people"));
    assert!(!dir.path().join("none.json").exists());

    // A pairs file that cannot be written is refused before the work, and no report is written.
    let unwritable = Command::new(env!("CARGO_BIN_EXE_custos"))
        .args(["bench", "match", "--people", "3000", "--export-pairs"])
        .arg(dir.path().join("missing").join("pairs.csv"))
        .arg("--out")
        .arg(dir.path().join("unwritten.json"))
        .output()
        .unwrap();
    assert!(!unwritable.status.success());
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("cannot create"), "{unwritable:?}");
    assert!(!dir.path().join("unwritten.json").exists());
}
