//! C2SP `tlog-checkpoint` (<https://c2sp.org/tlog-checkpoint>) note bodies.
//!
//! The body is `<origin>\n<decimal size>\n<base64 root>\n`, optionally followed
//! by non-empty extension lines, which are kept but carry no meaning here.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::merkle::Hash;

/// Longest origin accepted, in bytes (a limit of this crate, not the spec).
pub const MAX_ORIGIN_BYTES: usize = 1024;
/// Longest body [`Checkpoint::parse`] accepts, extension lines included.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Why a checkpoint body was rejected, naming the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The body is longer than [`MAX_BODY_BYTES`].
    #[error("checkpoint body is {0} bytes, more than {MAX_BODY_BYTES}")]
    TooLong(usize),
    /// The body does not end in a newline.
    #[error("checkpoint body must end with a newline")]
    Unterminated,
    /// Fewer than three lines.
    #[error("checkpoint body has {0} lines; origin, size and root are required")]
    TooFewLines(usize),
    /// The origin line is empty, too long, or holds a control character.
    #[error("line 1 (origin): must be 1 to {MAX_ORIGIN_BYTES} bytes without control characters")]
    Origin,
    /// The size line is not a canonical decimal `u64`.
    #[error("line 2 (size): {0:?} is not a decimal number without sign or leading zeros")]
    Size(String),
    /// The root line is not canonical base64 of 32 bytes.
    #[error("line 3 (root): {0:?} is not base64 of a 32-byte hash")]
    Root(String),
    /// An extension line is empty or holds a control character.
    #[error("line {0} (extension): must be non-empty without control characters")]
    Extension(usize),
}

/// The extension line by which a checkpoint names the size of the one before it, so that deleting
/// a checkpoint from the middle of the stored sequence is detected.
pub const PREVIOUS_PREFIX: &str = "custos-previous ";

/// A signed tree head: log origin, tree size and RFC 6962 root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

fn valid_line(line: &str) -> bool {
    !line.is_empty() && !line.chars().any(char::is_control)
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    ///
    /// # Errors
    /// [`CheckpointError::Origin`] for an empty origin, one longer than
    /// [`MAX_ORIGIN_BYTES`], or one with control characters (including newlines).
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, CheckpointError> {
        if !valid_line(origin) || origin.len() > MAX_ORIGIN_BYTES {
            return Err(CheckpointError::Origin);
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// The same log's checkpoint for another tree, without extension lines.
    #[must_use]
    pub fn with_tree(&self, size: u64, root: Hash) -> Self {
        Self {
            origin: self.origin.clone(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The same checkpoint with one more extension line.
    ///
    /// # Errors
    /// [`CheckpointError::Extension`] for an empty line or one with control characters.
    pub fn with_extension(mut self, line: &str) -> Result<Self, CheckpointError> {
        if !valid_line(line) {
            return Err(CheckpointError::Extension(4 + self.extensions.len()));
        }
        self.extensions.push(line.to_owned());
        Ok(self)
    }

    /// The size of the previous checkpoint of the same log, when the checkpoint names it in a
    /// `custos-previous <size>` extension line (Custos's integrator always does; other verifiers
    /// ignore the line, as extension lines may be ignored).
    #[must_use]
    pub fn previous_size(&self) -> Option<u64> {
        self.extensions
            .iter()
            .find_map(|line| line.strip_prefix(PREVIOUS_PREFIX))
            .and_then(|n| n.parse().ok())
    }

    /// The log origin (first line).
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The Merkle root at that size.
    #[must_use]
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// Extension lines after the root, if any (opaque to this crate).
    #[must_use]
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note body to sign.
    #[must_use]
    pub fn to_body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        );
        for line in &self.extensions {
            // Writing to a String cannot fail.
            let _ = writeln!(body, "{line}");
        }
        body
    }

    /// Parses a checkpoint body strictly.
    ///
    /// # Errors
    /// A [`CheckpointError`] naming the first bad line.
    pub fn parse(body: &str) -> Result<Self, CheckpointError> {
        if body.len() > MAX_BODY_BYTES {
            return Err(CheckpointError::TooLong(body.len()));
        }
        let body = body
            .strip_suffix('\n')
            .ok_or(CheckpointError::Unterminated)?;
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(CheckpointError::TooFewLines(lines.len()));
        };
        let mut checkpoint = Self::new(origin, parse_size(size)?, parse_root(root)?)?;
        for (i, line) in extensions.iter().enumerate() {
            if !valid_line(line) {
                return Err(CheckpointError::Extension(i + 4));
            }
            checkpoint.extensions.push((*line).to_owned());
        }
        Ok(checkpoint)
    }
}

/// ASCII digits, no sign, no leading zero unless the size is `0`.
fn parse_size(line: &str) -> Result<u64, CheckpointError> {
    let canonical = !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (line == "0" || !line.starts_with('0'));
    canonical
        .then(|| line.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| CheckpointError::Size(line.to_owned()))
}

/// Canonical padded base64 (no trailing bits) of exactly 32 bytes.
fn parse_root(line: &str) -> Result<Hash, CheckpointError> {
    B64.decode(line)
        .ok()
        .and_then(|raw| Hash::try_from(raw.as_slice()).ok())
        .ok_or_else(|| CheckpointError::Root(line.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example in C2SP tlog-checkpoint.
    const SPEC_BODY: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    #[test]
    fn parses_the_spec_example_and_round_trips() {
        let cp = Checkpoint::parse(SPEC_BODY).unwrap();
        assert_eq!(cp.origin(), "example.com/behind-the-sofa");
        assert_eq!(cp.size(), 20_852_163);
        assert_eq!(
            hex::encode(cp.root()),
            "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62"
        );
        assert_eq!(cp.to_body(), SPEC_BODY);
    }

    #[test]
    fn keeps_extension_lines() {
        let body = format!("{SPEC_BODY}ext one\next two\n");
        let cp = Checkpoint::parse(&body).unwrap();
        assert_eq!(cp.extensions(), ["ext one", "ext two"]);
        assert_eq!(cp.to_body(), body);
        assert_eq!(
            Checkpoint::parse(&format!("{SPEC_BODY}\n")),
            Err(CheckpointError::Extension(4))
        );
    }

    #[test]
    fn rejects_malformed_bodies() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        let cases: Vec<(String, CheckpointError)> = vec![
            (
                SPEC_BODY.trim_end().to_owned(),
                CheckpointError::Unterminated,
            ),
            ("o\n1\n".to_owned(), CheckpointError::TooFewLines(2)),
            (format!("\n1\n{root}\n"), CheckpointError::Origin),
            (format!("o\t\n1\n{root}\n"), CheckpointError::Origin),
            (
                format!("o\n01\n{root}\n"),
                CheckpointError::Size("01".into()),
            ),
            (
                format!("o\n+1\n{root}\n"),
                CheckpointError::Size("+1".into()),
            ),
            (
                format!("o\n-1\n{root}\n"),
                CheckpointError::Size("-1".into()),
            ),
            (
                format!("o\n\n{root}\n"),
                CheckpointError::Size(String::new()),
            ),
            (
                format!("o\n1 \n{root}\n"),
                CheckpointError::Size("1 ".into()),
            ),
            (
                format!("o\n18446744073709551616\n{root}\n"),
                CheckpointError::Size("18446744073709551616".into()),
            ),
            (
                "o\n1\nAAAA\n".to_owned(),
                CheckpointError::Root("AAAA".into()),
            ),
            (
                "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n".to_owned(),
                CheckpointError::Root("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I".into()),
            ),
            // Non-zero trailing bits: not canonical base64.
            (
                "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n".to_owned(),
                CheckpointError::Root("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=".into()),
            ),
        ];
        for (body, want) in cases {
            assert_eq!(Checkpoint::parse(&body), Err(want), "{body:?}");
        }
        assert_eq!(
            Checkpoint::parse(&format!("o\n0\n{root}\n"))
                .unwrap()
                .size(),
            0
        );
        assert_eq!(
            Checkpoint::parse(&format!("o\n18446744073709551615\n{root}\n"))
                .unwrap()
                .size(),
            u64::MAX
        );
        assert_eq!(
            Checkpoint::new("a\nb", 1, [0; 32]),
            Err(CheckpointError::Origin)
        );
        assert_eq!(
            Checkpoint::new(&"o".repeat(1025), 1, [0; 32]),
            Err(CheckpointError::Origin)
        );
        assert!(Checkpoint::new(&"o".repeat(1024), 1, [0; 32]).is_ok());
        let long = format!("o\n1\n{root}\n{}", "x\n".repeat(MAX_BODY_BYTES));
        assert_eq!(
            Checkpoint::parse(&long),
            Err(CheckpointError::TooLong(long.len()))
        );
        let cp = Checkpoint::parse(&format!("o\n1\n{root}\next\n")).unwrap();
        let next = cp.with_tree(2, [9; 32]);
        assert_eq!(next.to_body(), format!("o\n2\n{}\n", B64.encode([9; 32])));
    }
}
