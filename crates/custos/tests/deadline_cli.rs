//! `custos deadline` as staff and scripts call it: one date, or a batch on standard input
//! answered line for line, with bad input refused plainly and no store touched.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn custos(args: &[&str], stdin: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_custos"))
        .current_dir(dir.path())
        .args(args)
        .env_remove("CUSTOS_DATABASE_URL")
        .env_remove("CUSTOS_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the calculator writes nothing");
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn one_due_date() {
    for (args, want) in [
        (["--law", "sar", "--received", "2024-11-25"].as_slice(), "2024-12-27\n"),
        (&["--law", "foi", "--received", "2014-12-02"], "2015-01-05\n"),
        (&["--law", "foi", "--received", "2018-06-01", "--extended"], "2018-07-30\n"),
        (&["--law", "sar", "--received", "2024-09-03", "--extended"], "2024-12-03\n"),
        (&["--law", "sar-le", "--received", "2026-02-05", "--extended"], "2026-05-05\n"),
        (&["--law", "sar", "--received", "2024-12-02", "--jurisdiction", "scotland"], "2025-01-03\n"),
    ] {
        let out = custos(&[&["deadline"], args].concat(), "");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout(&out), want, "{args:?}");
    }
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    for (args, words) in [
        (["--law", "sar-le", "--received", "2026-02-04", "--extended"].as_slice(), "5 February 2026"),
        (&["--law", "fio", "--received", "2024-01-01"], "unknown law"),
        (&["--law", "foi", "--received", "2024-02-30"], "not a date"),
        (&["--law", "foi", "--received", "1/2/2024"], "YYYY-MM-DD"),
        (&["--law", "foi", "--received", "1999-01-04"], "outside the calendar"),
        (&["--law", "foi"], "--received"),
        (&["--law", "sar", "--received", "2024-01-02", "--jurisdiction", "wales"], "england-wales"),
    ] {
        let out = custos(&[&["deadline"], args].concat(), "");
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{args:?}: {err}");
    }
}

#[test]
fn a_batch_is_answered_line_for_line() {
    let input = "foi,2018-06-01\nsar,2024-01-30\nsar-le,2026-02-04,extended\nsar-le,2026-02-05,extended\nfoi,2018-06-01,extended\n";
    let out = custos(&["deadline", "--batch"], input);
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        ["2018-06-29", "2024-02-29", "error: a sar-le request received before 5 February 2026 cannot be extended (DPA 2018 Part 3 allowed no extension until the Data (Use and Access) Act 2025 s.76)", "2026-05-05", "2018-07-30"]
    );
    assert!(!out.status.success(), "a failed line fails the run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    let out = custos(&["deadline", "--batch"], "LAW,RECEIVED\r\nfoi,2026-03-02\r\n");
    assert!(out.status.success());
    assert_eq!(stdout(&out), "2026-03-31\n");
}

#[test]
fn a_large_batch_is_answered_in_order() {
    let mut input = String::new();
    let mut day = jiff::civil::date(2015, 1, 1);
    for i in 0..3000 {
        let law = ["foi", "sar", "sar-le"][i % 3];
        input.push_str(&format!("{law},{day}\n"));
        day = day.tomorrow().unwrap();
    }
    let out = custos(&["deadline", "--batch"], &input);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answers: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(answers.len(), 3000);
    for (line, answer) in input.lines().zip(&answers) {
        let received = &line[line.find(',').unwrap() + 1..];
        assert!(answer.as_str() > received, "{line} → {answer}");
    }
}
