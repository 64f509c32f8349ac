//! Black-box tests of `custos audit`: a log written by the real binary verifies, exports and
//! verifies offline with only the public key; and any single edit of a stored leaf row or
//! checkpoint (changed byte, deleted row, swapped rows) makes `custos audit verify` exit non-zero
//! naming the first bad entry (a property test over random single edits, including deleting a
//! checkpoint and truncating the log together with its newest checkpoint).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use proptest::prelude::*;
use sqlx::{Connection, Row, SqliteConnection};

fn custos(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_custos"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("CUSTOS_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn text_of(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// A data directory with a small log: 8 users created one by one, so 8 leaves (one bundle each,
/// as each was integrated on its own) and 8 checkpoints.
fn template() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..8 {
            let out = custos(
                dir.path(),
                &["admin", "create-user", "--user", &format!("MP{i:06}"), "--name", "PC Test", "--role", "response_officer", "--unit", "CE-BCU"],
                Some("a sufficiently long password\n"),
            );
            assert!(out.status.success(), "{}", text(&out.stderr));
        }
        dir
    })
    .path()
}

fn copy_template() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(template()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[derive(Debug, Clone)]
enum Edit {
    FlipLeafByte { seq: i64, offset: usize },
    DeleteLeaf { seq: i64 },
    SwapLeaves { a: i64, b: i64 },
    FlipCheckpointByte { index: i64, offset: usize },
    DeleteCheckpoint { index: i64 },
    /// The newest bundle and its checkpoint deleted together: a truncation that leaves a log which
    /// verifies on its own, caught only by the checkpoint kept beside the signing key.
    Truncate,
}

fn edits() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..8i64, 0..200usize).prop_map(|(seq, offset)| Edit::FlipLeafByte { seq, offset }),
        (0..8i64).prop_map(|seq| Edit::DeleteLeaf { seq }),
        (0..7i64, 1..8i64).prop_map(|(a, d)| Edit::SwapLeaves { a, b: (a + d).min(7) }).prop_filter("distinct", |e| !matches!(e, Edit::SwapLeaves { a, b } if a == b)),
        (0..8i64, 0..120usize).prop_map(|(index, offset)| Edit::FlipCheckpointByte { index, offset }),
        (0..8i64).prop_map(|index| Edit::DeleteCheckpoint { index }),
        Just(Edit::Truncate),
    ]
}

/// Applies the edit and returns the entry `custos audit verify` must name.
async fn apply(db: &Path, edit: &Edit) -> String {
    let url = format!("sqlite://{}", db.join("custos.db").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let leaf = |seq: i64| sqlx::query("SELECT leaves FROM audit_bundle WHERE first_seq = $1").bind(seq);
    match *edit {
        Edit::FlipLeafByte { seq, offset } => {
            let mut bytes: Vec<u8> = leaf(seq).fetch_one(&mut conn).await.unwrap().get(0);
            let i = offset % bytes.len();
            bytes[i] ^= 0x20;
            sqlx::query("UPDATE audit_bundle SET leaves = $1 WHERE first_seq = $2").bind(bytes).bind(seq).execute(&mut conn).await.unwrap();
            format!("leaf {seq}")
        }
        Edit::DeleteLeaf { seq } => {
            sqlx::query("DELETE FROM audit_bundle WHERE first_seq = $1").bind(seq).execute(&mut conn).await.unwrap();
            format!("leaf {seq}")
        }
        Edit::SwapLeaves { a, b } => {
            let la: Vec<u8> = leaf(a).fetch_one(&mut conn).await.unwrap().get(0);
            let lb: Vec<u8> = leaf(b).fetch_one(&mut conn).await.unwrap().get(0);
            for (seq, bytes) in [(a, lb), (b, la)] {
                sqlx::query("UPDATE audit_bundle SET leaves = $1 WHERE first_seq = $2").bind(bytes).bind(seq).execute(&mut conn).await.unwrap();
            }
            format!("leaf {a}")
        }
        Edit::FlipCheckpointByte { index, offset } => {
            let row = sqlx::query("SELECT id, note FROM audit_checkpoint ORDER BY id LIMIT 1 OFFSET $1")
                .bind(index)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            let id: i64 = row.get(0);
            let mut note: Vec<u8> = row.get::<String, _>(1).into_bytes();
            // Flip an ASCII byte so the note stays valid UTF-8 text.
            let ascii: Vec<usize> = (0..note.len()).filter(|&i| note[i].is_ascii_alphanumeric()).collect();
            let i = ascii[offset % ascii.len()];
            note[i] = if note[i] == b'A' { b'B' } else { b'A' };
            let note = String::from_utf8(note).unwrap();
            sqlx::query("UPDATE audit_checkpoint SET note = $1 WHERE id = $2").bind(note).bind(id).execute(&mut conn).await.unwrap();
            format!("checkpoint {index}")
        }
        Edit::DeleteCheckpoint { index } => {
            sqlx::query("DELETE FROM audit_checkpoint WHERE id = (SELECT id FROM audit_checkpoint ORDER BY id LIMIT 1 OFFSET $1)")
                .bind(index)
                .execute(&mut conn)
                .await
                .unwrap();
            // Its successor names it as missing; the newest one leaves its leaf unsealed.
            if index < 7 { format!("checkpoint {index}") } else { "leaf 7: not covered".into() }
        }
        Edit::Truncate => {
            sqlx::query("DELETE FROM audit_bundle WHERE first_seq = 7").execute(&mut conn).await.unwrap();
            sqlx::query("DELETE FROM audit_checkpoint WHERE size = 8").execute(&mut conn).await.unwrap();
            "the log does not contain the tree of size 8".into()
        }
    }
}

#[test]
fn a_real_log_verifies_and_verifies_offline_from_an_export() {
    let dir = copy_template();
    let out = custos(dir.path(), &["audit", "verify"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("8 leaves, 8 checkpoints"), "{}", text(&out.stdout));
    let export = dir.path().join("log.export");
    let out = custos(dir.path(), &["audit", "export", "--out", export.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Offline: only the export and the public key, in a directory with no database.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(dir.path().join("audit-signing.pub"), elsewhere.path().join("key.pub")).unwrap();
    let key = elsewhere.path().join("key.pub");
    let out = custos(elsewhere.path(), &["audit", "verify", "--export", export.to_str().unwrap(), "--public-key", key.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!elsewhere.path().join("custos.db").exists(), "offline verification opened no database");
    // A truncated export (newest leaf and its checkpoint removed) verifies on its own, but not
    // against a checkpoint the auditor obtained earlier.
    let exported = std::fs::read_to_string(&export).unwrap();
    let lines: Vec<&str> = exported.lines().collect();
    let last_leaf = lines.iter().rposition(|l| l.starts_with("leaf ")).unwrap();
    let last_checkpoint = lines.iter().rposition(|l| l.starts_with("checkpoint ")).unwrap();
    let truncated: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != last_leaf && *i != last_checkpoint).map(|(_, l)| *l).collect();
    let short = elsewhere.path().join("short.export");
    std::fs::write(&short, truncated.join("\n") + "\n").unwrap();
    let earlier = dir.path().join("audit-latest.checkpoint");
    let args = |file: &Path| vec!["audit".to_owned(), "verify".into(), "--export".into(), file.display().to_string(), "--public-key".into(), key.display().to_string()];
    let run = |extra: &[String], file: &Path| {
        let mut a = args(file);
        a.extend_from_slice(extra);
        custos(elsewhere.path(), &a.iter().map(String::as_str).collect::<Vec<_>>(), None)
    };
    assert!(run(&[], &short).status.success(), "{}", text_of(&run(&[], &short)));
    let trusted = ["--checkpoint".to_owned(), earlier.display().to_string()];
    assert!(run(&trusted, &export).status.success());
    let out = run(&trusted, &short);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("truncated or rewritten"), "{}", text(&out.stderr));
    // An export edited by one byte fails offline too.
    let mut bytes = std::fs::read(&export).unwrap();
    let pos = bytes.iter().rposition(|b| *b == b'A').unwrap();
    bytes[pos] = b'B';
    std::fs::write(&export, bytes).unwrap();
    let out = custos(elsewhere.path(), &["audit", "verify", "--export", export.to_str().unwrap(), "--public-key", key.to_str().unwrap()], None);
    assert!(!out.status.success());
}

#[test]
fn proofs_are_printed_for_covered_leaves_only() {
    let dir = copy_template();
    let out = custos(dir.path(), &["audit", "prove", "3"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(proof["seq"], 3);
    assert_eq!(proof["tree_size"], 8);
    let out = custos(dir.path(), &["audit", "prove", "99"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("not covered"), "{}", text(&out.stderr));
    let out = custos(dir.path(), &["audit", "consistency", "3", "8"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_single_edit_is_found_and_named(edit in edits()) {
        let dir = copy_template();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let expected = runtime.block_on(apply(dir.path(), &edit));
        let out = custos(dir.path(), &["audit", "verify"], None);
        let stderr = text(&out.stderr);
        prop_assert!(!out.status.success(), "{edit:?} went unnoticed");
        prop_assert!(stderr.contains(&format!("FAILED: {expected}")), "{edit:?}: expected {expected}, got {stderr}");
    }
}
