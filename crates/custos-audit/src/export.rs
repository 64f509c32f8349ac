//! A plain-text export of a log, verifiable with only the public key.
//!
//! ```text
//! custos-audit-export v1 <origin>
//! leaf <seq> <base64 leaf>
//! checkpoint <base64 note>
//! ```
//!
//! One record per `\n`-terminated line, base64 as in RFC 4648 §4 with
//! padding. Leaf and checkpoint lines may interleave; each kind keeps its
//! order. The reader checks syntax only; [`crate::verify`] checks the log.

use std::io::{self, BufRead, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

const MAGIC: &str = "custos-audit-export v1 ";

/// Why an export could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading or writing failed.
    #[error("export I/O: {0}")]
    Io(#[from] io::Error),
    /// The origin cannot be written on the header line.
    #[error("origin must be non-empty without control characters")]
    Origin,
    /// A line of the file is malformed.
    #[error("line {line}: {problem}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
}

/// A parsed export file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The log origin from the header.
    pub origin: String,
    /// `(seq, leaf bytes)` in file order.
    pub rows: Vec<(u64, Vec<u8>)>,
    /// Checkpoint notes in file order, as bytes (they are checked when opened).
    pub checkpoints: Vec<Vec<u8>>,
}

/// Writes an export: header, every row, then every checkpoint note.
///
/// # Errors
/// [`ExportError::Origin`] for an origin that would break the header line,
/// or [`ExportError::Io`].
pub fn write_export<W, I, L, S>(
    mut w: W,
    origin: &str,
    rows: I,
    checkpoints: &[S],
) -> Result<(), ExportError>
where
    W: Write,
    I: IntoIterator<Item = (u64, L)>,
    L: AsRef<[u8]>,
    S: AsRef<[u8]>,
{
    if origin.is_empty() || origin.chars().any(char::is_control) {
        return Err(ExportError::Origin);
    }
    writeln!(w, "{MAGIC}{origin}")?;
    let mut buf = String::new();
    for (seq, leaf) in rows {
        buf.clear();
        B64.encode_string(leaf, &mut buf);
        writeln!(w, "leaf {seq} {buf}")?;
    }
    for note in checkpoints {
        writeln!(w, "checkpoint {}", B64.encode(note))?;
    }
    w.flush()?;
    Ok(())
}

/// Reads a whole export.
///
/// # Errors
/// [`ExportError::Line`] naming the first malformed line, or [`ExportError::Io`].
pub fn read_export<R: BufRead>(mut r: R) -> Result<Export, ExportError> {
    let mut line = String::new();
    let mut number = 0;
    let mut next_line = |line: &mut String| -> Result<Option<usize>, ExportError> {
        line.clear();
        number += 1;
        let read = r.read_line(line).map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => ExportError::Line {
                line: number,
                problem: "not UTF-8",
            },
            _ => ExportError::Io(e),
        })?;
        if read == 0 {
            return Ok(None);
        }
        if line.pop() != Some('\n') {
            return Err(ExportError::Line {
                line: number,
                problem: "does not end with a newline",
            });
        }
        Ok(Some(number))
    };
    let bad = |line: usize, problem: &'static str| ExportError::Line { line, problem };

    let Some(n) = next_line(&mut line)? else {
        return Err(bad(
            1,
            "empty file: expected the custos-audit-export v1 header",
        ));
    };
    let origin = line
        .strip_prefix(MAGIC)
        .filter(|o| !o.is_empty() && !o.chars().any(char::is_control))
        .ok_or(bad(n, "expected header `custos-audit-export v1 <origin>`"))?
        .to_owned();
    let mut export = Export {
        origin,
        rows: Vec::new(),
        checkpoints: Vec::new(),
    };
    while let Some(n) = next_line(&mut line)? {
        if let Some(rest) = line.strip_prefix("leaf ") {
            let (seq, data) = rest
                .split_once(' ')
                .ok_or(bad(n, "expected `leaf <seq> <base64>`"))?;
            let canonical = !seq.is_empty()
                && seq.bytes().all(|b| b.is_ascii_digit())
                && (seq == "0" || !seq.starts_with('0'));
            let seq = canonical
                .then(|| seq.parse::<u64>().ok())
                .flatten()
                .ok_or(bad(n, "leaf seq is not a decimal number"))?;
            let leaf = B64
                .decode(data)
                .map_err(|_| bad(n, "leaf is not valid base64"))?;
            export.rows.push((seq, leaf));
        } else if let Some(data) = line.strip_prefix("checkpoint ") {
            let note = B64
                .decode(data)
                .map_err(|_| bad(n, "checkpoint is not valid base64"))?;
            export.checkpoints.push(note);
        } else {
            return Err(bad(n, "expected a `leaf` or `checkpoint` line"));
        }
    }
    Ok(export)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{MemoryLog, sample_event};
    use crate::note::NoteSigner;
    use crate::verify::verify_log;

    fn log() -> (MemoryLog, NoteSigner) {
        let signer = NoteSigner::from_seed("o.example/log", [3; 32]).unwrap();
        let mut log = MemoryLog::new("o.example/log").unwrap();
        for i in 0..5 {
            log.append(&sample_event(i));
        }
        log.sign_checkpoint(&signer);
        log.append(&sample_event(5));
        (log, signer)
    }

    #[test]
    fn export_round_trips_and_verifies_with_only_the_public_key() {
        let (log, signer) = log();
        let mut out = Vec::new();
        write_export(
            &mut out,
            log.origin(),
            log.rows().iter().map(|(s, l)| (*s, l)),
            log.checkpoints(),
        )
        .unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            text.starts_with("custos-audit-export v1 o.example/log\nleaf 0 AQAAAAAAAAAA"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1 + 6 + 1);
        let export = read_export(out.as_slice()).unwrap();
        assert_eq!(export.origin, "o.example/log");
        assert_eq!(export.rows, log.rows());
        assert_eq!(export.checkpoints, [log.checkpoints()[0].as_bytes()]);
        let vkey = signer.verifier().to_key_string();
        let verifier = vkey.parse().unwrap();
        let report = verify_log(
            export.rows,
            &export.checkpoints,
            &export.origin,
            &[verifier],
        )
        .unwrap();
        assert_eq!(
            (report.leaves, report.checkpoints, report.unsigned_tail),
            (6, 1, 1)
        );
    }

    #[test]
    fn malformed_lines_are_named() {
        let cases: [(&[u8], &str); 11] = [
            (
                b"",
                "line 1: empty file: expected the custos-audit-export v1 header",
            ),
            (
                b"custos-audit-export v2 o\n",
                "line 1: expected header `custos-audit-export v1 <origin>`",
            ),
            (
                b"custos-audit-export v1 \n",
                "line 1: expected header `custos-audit-export v1 <origin>`",
            ),
            (
                b"custos-audit-export v1 o",
                "line 1: does not end with a newline",
            ),
            (
                b"custos-audit-export v1 o\nleaf 0 AAAA\nleaf 1\n",
                "line 3: expected `leaf <seq> <base64>`",
            ),
            (
                b"custos-audit-export v1 o\nleaf 01 AAAA\n",
                "line 2: leaf seq is not a decimal number",
            ),
            (
                b"custos-audit-export v1 o\nleaf -1 AAAA\n",
                "line 2: leaf seq is not a decimal number",
            ),
            (
                b"custos-audit-export v1 o\nleaf 1 AA!A\n",
                "line 2: leaf is not valid base64",
            ),
            (
                b"custos-audit-export v1 o\ncheckpoint AAA\n",
                "line 2: checkpoint is not valid base64",
            ),
            (
                b"custos-audit-export v1 o\n\n",
                "line 2: expected a `leaf` or `checkpoint` line",
            ),
            (
                b"custos-audit-export v1 o\nleaf 0 AAAA\r\n",
                "line 2: leaf is not valid base64",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                read_export(input).unwrap_err().to_string(),
                want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        assert!(matches!(
            read_export(&b"custos-audit-export v1 o\n\xff\n"[..]),
            Err(ExportError::Line { line: 2, .. })
        ));
        let mut sink = Vec::new();
        assert!(matches!(
            write_export(
                &mut sink,
                "a\nb",
                Vec::<(u64, Vec<u8>)>::new(),
                &[] as &[String]
            ),
            Err(ExportError::Origin)
        ));
    }
}
