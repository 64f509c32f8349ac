//! Tests with the vectors of Go's `golang.org/x/mod/sumdb/note` (`note_test.go`:
//! `TestNewVerifier`, `TestNewSigner`, `TestSign`, `TestOpen`), plus tampering.

use super::*;

const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn peter() -> NoteVerifier {
    NoteVerifier::parse(PETER_VKEY).unwrap()
}

fn enoch() -> NoteVerifier {
    NoteVerifier::parse(ENOCH_VKEY).unwrap()
}

#[test]
fn go_keys_parse_and_round_trip() {
    let signer = NoteSigner::from_private_key(PETER_SKEY).unwrap();
    assert_eq!(signer.name(), "PeterNeumann");
    assert_eq!(signer.key_id(), 0xc74f_20a3);
    assert_eq!(signer.private_key(), PETER_SKEY);
    assert_eq!(signer.verifier(), peter());
    assert_eq!(peter().to_string(), PETER_VKEY);
    assert_eq!(PETER_VKEY.parse::<NoteVerifier>().unwrap(), peter());
    assert!(
        !format!("{signer:?}").contains("AYEKF"),
        "Debug must not print the seed"
    );
}

/// `TestSign`: the exact signed output of Go's `Sign`.
#[test]
fn signing_matches_go_output() {
    let signer = NoteSigner::from_private_key(PETER_SKEY).unwrap();
    assert_eq!(signer.sign(TEXT).unwrap(), format!("{TEXT}\n{PETER_SIG}"));
    assert!(matches!(signer.sign("abc"), Err(NoteError::InvalidText(_))));
    assert!(matches!(
        signer.sign("a\tb\n"),
        Err(NoteError::InvalidText(_))
    ));
}

/// `TestNewVerifier` / `TestNewSigner`: every substring and every single-byte
/// increment of a valid key string must be rejected.
#[test]
fn mangled_key_strings_are_rejected() {
    for key in [PETER_VKEY, PETER_SKEY] {
        let parse = |s: &str| {
            if key == PETER_VKEY {
                NoteVerifier::parse(s).is_ok()
            } else {
                NoteSigner::from_private_key(s).is_ok()
            }
        };
        let b = key.as_bytes();
        for i in 0..=b.len() {
            for j in i + 1..=b.len() {
                if (i, j) != (0, b.len()) {
                    let s = String::from_utf8_lossy(&b[i..j]);
                    assert!(!parse(&s), "accepted substring {s:?}");
                }
            }
        }
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] += 1;
            let s = String::from_utf8_lossy(&m);
            assert!(!parse(&s), "accepted mangled {s:?}");
        }
    }
    // Wrong key length and unknown algorithm, each with an adjusted key id.
    assert!(
        NoteVerifier::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
        .is_err()
    );
    assert_eq!(
        NoteVerifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(NoteError::UnknownAlgorithm(0x65))
    );
}

/// `TestOpen`.
#[test]
fn open_matches_go_behaviour() {
    let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    assert_eq!(open(&both, &[peter()]), Ok(TEXT));
    assert_eq!(open(&both, &[enoch()]), Ok(TEXT));
    assert_eq!(open(&both, &[peter(), enoch()]), Ok(TEXT));
    assert_eq!(open(&both, &[]), Err(NoteError::NoKnownSignature));

    let dup = format!("{TEXT}\n{ENOCH_SIG}");
    assert!(matches!(
        open(&dup, &[enoch(), peter(), enoch()]),
        Err(NoteError::AmbiguousKey { .. })
    ));
    let only_peter = format!("{TEXT}\n{PETER_SIG}");
    assert_eq!(open(&only_peter, &[enoch(), peter(), enoch()]), Ok(TEXT));

    let many = format!("{TEXT}\n{}", PETER_SIG.repeat(101));
    assert_eq!(
        open(&many, &[peter()]),
        Err(NoteError::Malformed("too many signatures"))
    );
    assert_eq!(
        open(&many, &[]),
        Err(NoteError::Malformed("too many signatures"))
    );
    let sixteen = format!("{TEXT}\n{}", PETER_SIG.repeat(16));
    assert_eq!(open(&sixteen, &[peter()]), Ok(TEXT));

    let spliced = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert_eq!(
        open(&spliced, &[peter()]),
        Err(NoteError::InvalidSignature {
            name: "PeterNeumann".into(),
            key_id: 0xc74f_20a3
        })
    );
    // A corrupted signature from an unknown key is ignored.
    let enoch_bad = format!(
        "{TEXT}\n{PETER_SIG}{}ABCD{}",
        &ENOCH_SIG[..60],
        &ENOCH_SIG[60..]
    );
    assert_eq!(open(&enoch_bad, &[peter()]), Ok(TEXT));
}

#[test]
fn malformed_notes_are_rejected() {
    let sig_no_nl = &PETER_SIG[..PETER_SIG.len() - 1];
    let bad: Vec<Vec<u8>> = vec![
        TEXT.into(),
        format!("{TEXT}\n").into(),
        format!("{TEXT}\n{sig_no_nl}").into(),
        format!("\x01{TEXT}\n{PETER_SIG}").into(),
        [b"\xff".as_slice(), format!("{TEXT}\n{PETER_SIG}").as_bytes()].concat(),
        format!("{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=").into(),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n").into(),
        format!("{TEXT}\n{}", PETER_SIG.replacen('\u{2014}', "-", 1)).into(),
        format!("{TEXT}\n\u{2014} PeterNeumann x08g\n").into(),
        vec![b'a'; MAX_NOTE_BYTES + 1],
    ];
    for (i, note) in bad.iter().enumerate() {
        assert!(
            matches!(open(note, &[peter()]), Err(NoteError::Malformed(_))),
            "case {i}"
        );
    }
}

#[test]
fn generated_keys_sign_and_verify_and_tampering_fails() {
    let signer = NoteSigner::generate("audit.example/log").unwrap();
    let verifier = NoteVerifier::parse(&signer.verifier().to_key_string()).unwrap();
    let restored = NoteSigner::from_private_key(&signer.private_key()).unwrap();
    assert_eq!(restored.verifier(), verifier);
    let note = signer.sign("hello\n\nworld\n").unwrap();
    assert_eq!(
        open(&note, std::slice::from_ref(&verifier)),
        Ok("hello\n\nworld\n")
    );
    let other = NoteSigner::generate("audit.example/log")
        .unwrap()
        .verifier();
    assert_eq!(open(&note, &[other]), Err(NoteError::NoKnownSignature));
    for i in 0..note.len() {
        let mut bytes = note.clone().into_bytes();
        bytes[i] ^= 0x01;
        assert!(
            open(&bytes, std::slice::from_ref(&verifier)).is_err(),
            "flip at byte {i} verified"
        );
    }
    assert!(NoteSigner::generate("bad name").is_err());
    assert!(NoteSigner::generate("a+b").is_err());
    assert!(NoteSigner::generate("").is_err());
}

#[test]
fn checkpoints_sign_infallibly_and_size_limits_hold() {
    let signer = NoteSigner::from_private_key(PETER_SKEY).unwrap();
    let cp = Checkpoint::new("custos.example/log", 3, [1; 32]).unwrap();
    let note = signer.sign_checkpoint(&cp);
    assert_eq!(open(&note, &[peter()]), Ok(cp.to_body().as_str()));

    let fit = format!(
        "{}\n",
        "a".repeat(MAX_NOTE_BYTES - signer.signature_line_len() - 2)
    );
    let note = signer.sign(&fit).unwrap();
    assert_eq!(note.len(), MAX_NOTE_BYTES);
    assert_eq!(open(&note, &[peter()]), Ok(fit.as_str()));
    let over = format!("a{fit}");
    assert_eq!(
        signer.sign(&over),
        Err(NoteError::InvalidText("text is too long"))
    );

    assert!(NoteSigner::from_seed(&"n".repeat(MAX_NAME_BYTES), [0; 32]).is_ok());
    assert!(NoteSigner::from_seed(&"n".repeat(MAX_NAME_BYTES + 1), [0; 32]).is_err());
}
