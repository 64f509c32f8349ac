//! Black-box tests of `custos import persons` and `custos link` on a fresh SQLite store: a
//! legacy export is imported with dirty values flagged and bad rows reported; an import killed
//! part-way resumes without duplicates; files with the wrong encoding or missing columns are
//! refused before anything is written; linking merges duplicates, never two different PNC IDs,
//! writes one CSV row per imported record and gives the same nominal ids when run again, learns
//! from a pair a records manager linked on review (unless given a model); the audit log still
//! verifies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::{Connection, Row, SqliteConnection};

const MAP: &str = "given_name=Forename,surname=Surname,dob=DOB,gender=Sex,address_1=Street,town=Town,postcode=Postcode,\
                   ni_number=NINO,pnc_id=PNC";
const HEADER: &str = "Ref,Forename,Surname,DOB,Sex,Street,Town,Postcode,NINO,PNC\n";

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

fn count(dir: &Path, sql: &str) -> i64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}", dir.join("custos.db").display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut conn).await.unwrap().get::<i64, _>(0)
    })
}

fn import(dir: &Path, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", "persons", file.to_str().unwrap(), "--source", "niche", "--id-column", "Ref", "--map", MAP];
    args.extend_from_slice(extra);
    custos(dir, &args)
}

/// `source_id → nominal_id` from a `custos link --out` file (checking its header and shape).
fn clusters(path: &Path) -> HashMap<String, String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["source", "source_id", "nominal_id", "probability"]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[0], "niche");
            let p: f64 = r[3].parse().unwrap();
            assert!((0.0..=1.0).contains(&p), "{p}");
            (r[1].to_owned(), r[2].to_owned())
        })
        .collect()
}

const LEGACY: &str = "\
W1,William,Smith,1980-03-02,M,12 High Street,Leeds,LS1 4AP,AB123456C,
W2,Bill,Smith,1980-03-02,M,12 High St,Leeds,LS14AP,,
K1,Mohammed,Khan,1992-11-30,M,3 Park Road,Bradford,BD1 1AA,,
K2,Muhammad,Khan,1992-11-30,male,3 Park Rd,Bradford,BD1 1AA,,
N1,,,1975-05-05,F,,,,,
Q1,Mary,O'Neil,31/02/1990,F,1 Low Lane,York,NOT A PC,QQ,
W1,Again,Repeated,,,,,,,
T1,Sarah,Connor,1984-01-01,F,9 Elm Way,Hull,HU1 1AA,,2001/0000001Q
T2,Sarah,Connor,1984-01-01,F,9 Elm Way,Hull,HU1 1AA,,2008/0056560Z
L1,Ann,Lee,,F,,,,,,,,
S1,Rita,?,1961-07-07,F,,,,,
";

#[test]
fn a_legacy_export_is_imported_linked_and_reported_stably() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("legacy.csv");
    std::fs::write(&file, format!("{HEADER}{LEGACY}")).unwrap();
    let store = dir.path().join("store");

    let out = import(&store, &file, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("11 rows read: 8 people imported, 0 already imported, 3 rejected"), "{said}");
    let rejects = std::fs::read_to_string(dir.path().join("legacy.csv.rejected.csv")).unwrap();
    assert!(rejects.contains("6,N1,surname,no name"), "{rejects}");
    assert!(rejects.contains("8,W1,source_id,repeats the source id of line 2"), "{rejects}");
    assert!(rejects.contains("11,L1,,has 13 fields; the header has 10"), "{rejects}");
    assert!(!rejects.contains("Again"), "the report names no personal data: {rejects}");
    // The bad date, postcode and NI number of Q1 are kept as recorded, not lost with the person.
    assert_eq!(count(&store, "SELECT COUNT(*) FROM data_quality_issue WHERE recorded IN ('31/02/1990', 'NOT A PC', 'QQ')"), 3);
    // S1's surname "?" has two problems (stray characters, so no surname): one issue, both said.
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM data_quality_issue WHERE field = 'surname' AND problem LIKE '%dropped%; no surname%'"),
        1
    );

    let out_csv = dir.path().join("clusters.csv");
    let out = custos(&store, &["link", "--out", out_csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = clusters(&out_csv);
    assert_eq!(first.len(), 8, "one row per imported record");
    assert_eq!(first["W1"], first["W2"], "William and Bill Smith are one person");
    assert_eq!(first["K1"], first["K2"], "Mohammed and Muhammad Khan are one person");
    assert_ne!(first["T1"], first["T2"], "two different PNC IDs are never merged by the linker");
    assert_ne!(first["W1"], first["K1"]);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM person_review WHERE cause = 'conflicting_pnc_id'"), 1);

    // Run again: nothing new, the same nominal ids.
    let out = custos(&store, &["link", "--out", out_csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(clusters(&out_csv), first);
    assert!(!text(&out.stdout).contains("learnt"), "nothing decided on review yet");

    // A records manager links the queued pair (a person may decide what the linker may not):
    // the next run learns from it, and a run with a given model does not.
    link_on_review(&store);
    let out = custos(&store, &["link"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("the model learnt from 1 pairs linked on review"), "{}", text(&out.stdout));
    let model = dir.path().join("model.json");
    std::fs::write(&model, serde_json::to_string(&custos_match::Model::default()).unwrap()).unwrap();
    let out = custos(&store, &["link", "--model", model.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("learnt"), "{}", text(&out.stdout));

    let out = custos(&store, &["audit", "verify"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
}

/// Links the first pair of the review queue, as the batch principal (a records manager).
fn link_on_review(dir: &Path) {
    use custos_store::review::ReviewDecision;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = custos_store::Store::open(&custos_store::Location::resolve(None, dir).unwrap()).await.unwrap();
        let manager = custos_store::users::batch_loader(custos_store::batch::batch_unit());
        let why = custos_store::entities::Justification::parse("deciding the linker's review pairs").unwrap();
        let queue = store.review_queue(&manager, custos_store::search::Page::first(10), &why).await.unwrap().items;
        store.decide_review(&manager, queue[0].id, ReviewDecision::Link, "the same person, checked").await.unwrap();
        store.integrate_audit().await.unwrap();
        store.close().await;
    });
}

#[test]
fn a_killed_import_resumes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.csv");
    let rows = 12_000;
    let mut body = String::from(HEADER);
    for i in 0..rows {
        // Distinct letters-only names from the row number.
        let name: String = format!("{i:04}").bytes().map(|d| char::from(b'a' + (d - b'0'))).collect();
        body.push_str(&format!("R{i},Pat{name},Doe{name},1970-01-{:02},F,,,,,\n", i % 28 + 1));
    }
    std::fs::write(&file, body).unwrap();
    let store = dir.path().join("store");

    let mut child = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(&store)
        .args(["import", "persons", file.to_str().unwrap(), "--source", "niche", "--id-column", "Ref", "--map", MAP, "--chunk", "25"])
        .env_remove("CUSTOS_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some chunks are in, well before the end.
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let db = store.join("custos.db");
        if db.exists() && count_or_zero(&store) >= 100 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the import never started");
        assert!(child.try_wait().unwrap().is_none(), "the import finished before it could be killed");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let part = count(&store, "SELECT COUNT(*) FROM import_record");
    assert!(part > 0 && part < rows, "killed part-way: {part}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM entity WHERE kind = 'person'"), part, "only whole chunks are kept");

    let out = import(&store, &file, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("{} people imported, {part} already imported, 0 rejected", rows - part)), "{}", text(&out.stdout));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM import_record"), rows);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM entity WHERE kind = 'person'"), rows, "no person twice");
}

fn count_or_zero(store: &Path) -> i64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}?mode=ro", store.join("custos.db").display());
        let Ok(mut conn) = SqliteConnection::connect(&url).await else { return 0 };
        match sqlx::query("SELECT COUNT(*) FROM import_record").fetch_one(&mut conn).await {
            Ok(row) => row.get::<i64, _>(0),
            Err(_) => 0,
        }
    })
}

#[test]
fn files_that_cannot_be_read_as_mapped_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("latin1.csv", [HEADER.as_bytes(), b"Z1,Zo\xeb,Lee,,,,,,,\n"].concat(), "not UTF-8"),
        ("utf16.csv", vec![0xFF, 0xFE, b'R', 0, b'e', 0, b'f', 0], "UTF-16"),
        ("columns.csv", b"Ref,Forename,Surname\nA1,Ann,Lee\n".to_vec(), "has no column"),
    ];
    for (name, bytes, expected) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = import(&store, &file, &[]);
        assert!(!out.status.success(), "{name}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(!store.join("custos.db").exists(), "{name}: nothing may be written");
    }
    let file = dir.path().join("ok.csv");
    std::fs::write(&file, format!("{HEADER}A1,Ann,Lee,,,,,,,\n")).unwrap();
    let f = file.to_str().unwrap();
    let bad_args: [&[&str]; 3] = [
        &["import", "persons", f, "--source", "niche", "--id-column", "Ref", "--map", "shoe_size=Ref"],
        &["import", "persons", f, "--source", "two words", "--id-column", "Ref", "--map", MAP],
        &["import", "persons", f, "--source", "niche", "--id-column", "Ref", "--map", MAP, "--date-format", "%Q"],
    ];
    for args in bad_args {
        let out = custos(&store, args);
        assert!(!out.status.success(), "{args:?}");
        assert!(text(&out.stderr).starts_with("custos: --"), "{args:?}: {}", text(&out.stderr));
        assert!(!store.join("custos.db").exists(), "{args:?}: nothing may be written");
    }
}

#[test]
fn the_model_can_be_trained_on_the_store_or_given_but_not_garbled() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("legacy.csv");
    std::fs::write(&file, format!("{HEADER}{LEGACY}")).unwrap();
    let store = dir.path().join("store");
    assert!(import(&store, &file, &[]).status.success());

    let bad = dir.path().join("model.json");
    std::fs::write(&bad, r#"{"prior": 2.0}"#).unwrap();
    let out = custos(&store, &["link", "--model", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("is not a match model"), "{}", text(&out.stderr));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM person_merge"), 0, "nothing merged with a bad model");

    let out_csv = dir.path().join("clusters.csv");
    let out = custos(&store, &["link", "--train", "--out", out_csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(clusters(&out_csv).len(), 8);
}
