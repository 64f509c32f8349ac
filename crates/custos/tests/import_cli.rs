//! Black-box tests of `custos import`: good records load in one transaction as the named user;
//! malformed identifiers (PNC ID, CRO number, NI number, postcode, VRM) are reported with their
//! line and field, and then nothing at all is stored.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use sqlx::{Connection, Row, SqliteConnection};

fn custos(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("CUSTOS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn count(dir: &Path, table: &str) -> i64 {
    scalar(dir, &format!("SELECT COUNT(*) FROM {table}"))
}

fn scalar(dir: &Path, sql: &str) -> i64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}", dir.join("custos.db").display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut conn).await.unwrap().get::<i64, _>(0)
    })
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = custos(
        dir.path(),
        &["admin", "create-user", "--user", "MP000001", "--name", "PC One", "--role", "response_officer", "--unit", "CE-BCU"],
        "a sufficiently long password\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

const GOOD: &str = r#"{"ref":"p1","kind":"person","record":{"names":[{"forenames":["Ada"],"surname":"Lovelace"}],"dates_of_birth":["10/12/1990"],"identifiers":[{"kind":"pnc_id","value":"2008/0056560Z"},{"kind":"ni_number","value":"AB 12 34 56 C"}]}}
{"ref":"home","kind":"location","record":{"address_lines":["Flat 3","12 High Street"],"town":"London","postcode":"e1 6an"}}
{"ref":"car","kind":"object","record":{"kind":"vehicle","vrm":"AB51 ABC","make":"Ford","colour":"blue"}}
{"kind":"link","record":{"from":"p1","to":"home","kind":"home","valid_from":"2020-01-01"}}
"#;

#[test]
fn good_records_load_as_the_user() {
    let dir = setup();
    let file = dir.path().join("good.jsonl");
    std::fs::write(&file, GOOD).unwrap();
    let out = custos(dir.path(), &["import", "records", file.to_str().unwrap(), "--as", "MP000001"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported 4 records"));
    assert_eq!(count(dir.path(), "entity"), 4);
    assert_eq!(count(dir.path(), "link"), 1);
    // One audit event for the user, four for the records: 5 leaves, integrated in two bundles.
    assert_eq!(count(dir.path(), "audit_bundle"), 2);
    let out = custos(dir.path(), &["audit", "verify"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn malformed_identifiers_are_named_and_nothing_is_stored() {
    let dir = setup();
    let bad = format!(
        "{GOOD}{}\n{}\n{}\n{}\n{}\n",
        r#"{"kind":"person","record":{"names":[{"forenames":["Bo"],"surname":"Peep"}],"identifiers":[{"kind":"pnc_id","value":"2008/0056560X"},{"kind":"cro_number","value":"123456/08Q"}]}}"#,
        r#"{"kind":"person","record":{"names":[{"forenames":["Cy"],"surname":"Twombly"}],"identifiers":[{"kind":"ni_number","value":"QQ123456Z"}]}}"#,
        r#"{"kind":"location","record":{"address_lines":["1 Nowhere Lane"],"postcode":"ZZ99 9ZZZ"}}"#,
        r#"{"kind":"object","record":{"kind":"vehicle","vrm":"NOT A PLATE"}}"#,
        r#"{"kind":"spaceship","record":{}}"#,
    );
    let file = dir.path().join("bad.jsonl");
    std::fs::write(&file, bad).unwrap();
    let before = (count(dir.path(), "entity"), count(dir.path(), "audit_bundle"), count(dir.path(), "audit_pending"));
    let out = custos(dir.path(), &["import", "records", file.to_str().unwrap(), "--as", "MP000001"], "");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    for expected in [
        "line 5: identifiers[0].value: PNC ID check letter",
        "line 5: identifiers[1].value:",
        "line 6: identifiers[0].value:",
        "line 7: postcode:",
        "line 8: vrm:",
        "line 9: kind: unknown kind",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    assert!(!stderr.contains("line 1:"), "good lines are not blamed:\n{stderr}");
    let after = (count(dir.path(), "entity"), count(dir.path(), "audit_bundle"), count(dir.path(), "audit_pending"));
    assert_eq!(before, after, "a rejected import stores nothing");
}

#[test]
fn an_unknown_user_cannot_import() {
    let dir = setup();
    let file = dir.path().join("good.jsonl");
    std::fs::write(&file, GOOD).unwrap();
    let out = custos(dir.path(), &["import", "records", file.to_str().unwrap(), "--as", "MP999999"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no such user"), "{}", text(&out.stderr));
    assert_eq!(count(dir.path(), "entity"), 0);
}

/// A legacy crime report, first recorded on 1 March 2015, with its event and suspect.
const LEGACY: &str = r#"{"ref":"p1","kind":"person","record":{"names":[{"forenames":["Ada"],"surname":"Lovelace"}],"dates_of_birth":["1990-12-10"]}}
{"ref":"e1","kind":"event","record":{"kind":"crime","at":"2015-03-01T10:00:00Z","summary":"Theft from a shop"}}
{"kind":"crime_report","recorded_on":"2015-03-01","record":{"event":"e1","offence":"46","status":"under_investigation","narrative":"Took perfume","people":[{"person":"p1","role":"suspect"}]}}
"#;

#[test]
fn a_legacy_record_keeps_its_first_recording_day_for_review() {
    let dir = setup();
    let out = custos(dir.path(), &["admin", "create-user", "--user", "MP000002", "--name", "DC Two", "--role", "investigator", "--unit", "CE-BCU"], "a sufficiently long password\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("legacy.jsonl");
    std::fs::write(&file, LEGACY).unwrap();
    let out = custos(dir.path(), &["import", "records", file.to_str().unwrap(), "--as", "MP000002"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported 3 records"));
    // Days since 1970: 1 March 2015 is 16,495; its Group 3 review six years on, 1 March 2021, 18,687.
    assert_eq!(scalar(dir.path(), "SELECT created_day FROM retention"), 16_495);
    assert_eq!(scalar(dir.path(), "SELECT next_review FROM retention"), 18_687);
    // The record names the event and the suspect imported with it.
    assert_eq!(scalar(dir.path(), "SELECT COUNT(*) FROM record_ref"), 2);
}

#[test]
fn a_first_recording_day_must_be_a_records_and_past() {
    let dir = setup();
    let file = dir.path().join("bad.jsonl");
    let bad = LEGACY.replace("2015-03-01\",\"record", "2999-01-01\",\"record").replace(
        r#"{"ref":"e1","kind":"event","record""#,
        r#"{"ref":"e1","kind":"event","recorded_on":"2015-03-01","record""#,
    );
    std::fs::write(&file, bad).unwrap();
    let out = custos(dir.path(), &["import", "records", file.to_str().unwrap(), "--as", "MP000001"], "");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("line 2: recorded_on: only an operational record"), "{err}");
    assert!(err.contains("line 3: recorded_on: 2999-01-01 is in the future"), "{err}");
    assert_eq!(count(dir.path(), "entity"), 0);
}
