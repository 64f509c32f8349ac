//! C2SP `signed-note` (<https://c2sp.org/signed-note>) with Ed25519 keys.
//!
//! A note is a text ending in `\n`, a blank line, then one or more lines
//! `— <key name> <base64(key id || signature)>\n`. The key id is
//! `SHA-256(name || 0x0A || 0x01 || public key)[:4]`. Key strings use the
//! encodings of Go's `golang.org/x/mod/sumdb/note`, so keys move between the
//! two: `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>` and
//! `<name>+<hex id>+<base64(0x01 || public key)>`.

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::checkpoint::Checkpoint;

/// The signature type byte for Ed25519 (signed-note §"Signature types").
const ALG_ED25519: u8 = 0x01;
/// Signature lines accepted in one note (the spec requires at least 16; Go allows 100).
pub const MAX_SIGNATURES: usize = 100;
/// Largest note accepted, in bytes.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;

/// Everything that can go wrong making, reading or opening notes and keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note does not follow the signed-note grammar.
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    /// A text to be signed is not a valid note text.
    #[error("cannot sign: {0}")]
    InvalidText(&'static str),
    /// A key name is empty or contains a space or `+`.
    #[error(
        "invalid key name {0:?}: must be 1 to 1024 bytes, without spaces, control characters or '+'"
    )]
    InvalidName(String),
    /// A key string is not in the expected layout.
    #[error("malformed key: {0}")]
    MalformedKey(&'static str),
    /// A key string names an algorithm other than Ed25519.
    #[error("unsupported key algorithm 0x{0:02x} (only Ed25519, 0x01)")]
    UnknownAlgorithm(u8),
    /// A key string's id does not match its name and public key.
    #[error("key id {found:08x} does not match name and key (expected {expected:08x})")]
    KeyIdMismatch {
        /// The id written in the key string.
        found: u32,
        /// The id computed from name and public key.
        expected: u32,
    },
    /// A signature from a known key did not verify.
    #[error("invalid signature for key {name}+{key_id:08x}")]
    InvalidSignature {
        /// The key name.
        name: String,
        /// The key id.
        key_id: u32,
    },
    /// Two known verifiers share a name and key id.
    #[error("ambiguous key {name}+{key_id:08x}: more than one verifier has it")]
    AmbiguousKey {
        /// The key name.
        name: String,
        /// The key id.
        key_id: u32,
    },
    /// The note parsed but no known key signed it.
    #[error("note has no signature from a known key")]
    NoKnownSignature,
}

/// Longest key name accepted, in bytes (a limit of this crate, not the spec).
pub const MAX_NAME_BYTES: usize = 1024;

/// Key names: non-empty, no Unicode white space, no `+` (signed-note §"Format"),
/// no control characters, at most [`MAX_NAME_BYTES`].
fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty()
        || name.len() > MAX_NAME_BYTES
        || name.contains('+')
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(NoteError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// `SHA-256(name || 0x0A || 0x01 || public key)[:4]`, big-endian.
fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', ALG_ED25519])
        .chain_update(public)
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Splits `<name>+<8 hex>+<base64 key>` and checks the key is `0x01 || 32 bytes`.
fn parse_key_parts(s: &str) -> Result<(&str, u32, [u8; 32]), NoteError> {
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(key_b64)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(NoteError::MalformedKey("expected <name>+<key id>+<key>"));
    };
    check_name(name)?;
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(NoteError::MalformedKey("key id must be 8 hex digits"));
    }
    let id = u32::from_str_radix(id_hex, 16)
        .map_err(|_| NoteError::MalformedKey("key id must be 8 hex digits"))?;
    let raw = B64
        .decode(key_b64)
        .map_err(|_| NoteError::MalformedKey("key is not valid base64"))?;
    let Some((&alg, key)) = raw.split_first() else {
        return Err(NoteError::MalformedKey("key is empty"));
    };
    if alg != ALG_ED25519 {
        return Err(NoteError::UnknownAlgorithm(alg));
    }
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| NoteError::MalformedKey("Ed25519 key must be 32 bytes"))?;
    Ok((name, id, key))
}

fn encode_key(name: &str, id: u32, key: &[u8; 32]) -> String {
    let mut raw = [0u8; 33];
    raw[0] = ALG_ED25519;
    raw[1..].copy_from_slice(key);
    format!("{name}+{id:08x}+{}", B64.encode(raw))
}

/// A named Ed25519 key that signs notes.
pub struct NoteSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .field("key", &"<redacted>")
            .finish()
    }
}

impl NoteSigner {
    /// A signer from a name and a 32-byte Ed25519 seed (RFC 8032 private key).
    ///
    /// # Errors
    /// [`NoteError::InvalidName`] for an empty name or one with spaces or `+`.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, NoteError> {
        check_name(name)?;
        let key = SigningKey::from_bytes(&seed);
        let key_id = key_id(name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// A new random key from the operating system's generator (via `rand::rng()`).
    ///
    /// # Errors
    /// [`NoteError::InvalidName`] as for [`NoteSigner::from_seed`].
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        Self::generate_with(name, &mut rand::rng())
    }

    /// A new random key from the given cryptographic generator.
    ///
    /// # Errors
    /// [`NoteError::InvalidName`] as for [`NoteSigner::from_seed`].
    pub fn generate_with<R: rand::CryptoRng + ?Sized>(
        name: &str,
        rng: &mut R,
    ) -> Result<Self, NoteError> {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self::from_seed(name, seed)
    }

    /// Parses Go's private key string `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    ///
    /// # Errors
    /// [`NoteError::MalformedKey`], [`NoteError::InvalidName`],
    /// [`NoteError::UnknownAlgorithm`], or [`NoteError::KeyIdMismatch`] when
    /// the id is not the one derived from the name and the seed's public key.
    pub fn from_private_key(s: &str) -> Result<Self, NoteError> {
        let rest = s
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(NoteError::MalformedKey(
                "private key must start with PRIVATE+KEY+",
            ))?;
        let (name, id, seed) = parse_key_parts(rest)?;
        let signer = Self::from_seed(name, seed)?;
        if signer.key_id != id {
            return Err(NoteError::KeyIdMismatch {
                found: id,
                expected: signer.key_id,
            });
        }
        Ok(signer)
    }

    /// The private key string (Go's `sumdb/note` format); keep it secret.
    #[must_use]
    pub fn private_key(&self) -> String {
        format!(
            "PRIVATE+KEY+{}",
            encode_key(&self.name, self.key_id, self.key.as_bytes())
        )
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    #[must_use]
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The matching public verifier.
    #[must_use]
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// Signs `text` and returns the note: text, blank line, one signature line.
    ///
    /// # Errors
    /// [`NoteError::InvalidText`] unless `text` ends in `\n`, holds no control
    /// characters except `\n`, and the note fits in [`MAX_NOTE_BYTES`].
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        if !text.ends_with('\n') {
            return Err(NoteError::InvalidText("text must end with a newline"));
        }
        if text.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::InvalidText("text contains a control character"));
        }
        if text.len() + self.signature_line_len() + 1 > MAX_NOTE_BYTES {
            return Err(NoteError::InvalidText("text is too long"));
        }
        Ok(self.sign_valid(text))
    }

    /// Signs a checkpoint's body. Infallible: a [`Checkpoint`] body is always
    /// a valid note text of bounded length.
    #[must_use]
    pub fn sign_checkpoint(&self, checkpoint: &Checkpoint) -> String {
        self.sign_valid(&checkpoint.to_body())
    }

    /// `— <name> <base64 of 68 bytes>\n`.
    fn signature_line_len(&self) -> usize {
        "\u{2014} ".len() + self.name.len() + 1 + 92 + 1
    }

    fn sign_valid(&self, text: &str) -> String {
        let signature = self.key.sign(text.as_bytes());
        let mut raw = [0u8; 68];
        raw[..4].copy_from_slice(&self.key_id.to_be_bytes());
        raw[4..].copy_from_slice(&signature.to_bytes());
        format!("{text}\n\u{2014} {} {}\n", self.name, B64.encode(raw))
    }
}

/// A named Ed25519 public key that checks note signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl NoteVerifier {
    /// A verifier from a name and a 32-byte Ed25519 public key.
    ///
    /// # Errors
    /// [`NoteError::InvalidName`], or [`NoteError::MalformedKey`] if the bytes
    /// are not a valid Ed25519 point.
    pub fn from_public_key(name: &str, public: [u8; 32]) -> Result<Self, NoteError> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(&public)
            .map_err(|_| NoteError::MalformedKey("not an Ed25519 public key"))?;
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, &public),
            key,
        })
    }

    /// Parses the verifier key string `<name>+<hex id>+<base64(0x01 || public key)>`.
    ///
    /// # Errors
    /// As [`NoteVerifier::from_public_key`], plus [`NoteError::KeyIdMismatch`]
    /// and [`NoteError::UnknownAlgorithm`].
    pub fn parse(s: &str) -> Result<Self, NoteError> {
        let (name, id, public) = parse_key_parts(s)?;
        let expected = key_id(name, &public);
        if id != expected {
            return Err(NoteError::KeyIdMismatch {
                found: id,
                expected,
            });
        }
        Self::from_public_key(name, public)
    }

    /// The verifier key string.
    #[must_use]
    pub fn to_key_string(&self) -> String {
        encode_key(&self.name, self.key_id, self.key.as_bytes())
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    #[must_use]
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Checks an Ed25519 signature over `text` with `verify_strict`.
    #[must_use]
    pub fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature).is_ok_and(|sig| self.key.verify_strict(text, &sig).is_ok())
    }
}

impl fmt::Display for NoteVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_key_string())
    }
}

impl FromStr for NoteVerifier {
    type Err = NoteError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Opens a signed note and returns its text (including its final `\n`).
///
/// Signatures from keys not in `verifiers` are ignored; every signature from a
/// known key must verify; at least one must be present (signed-note
/// §"Signatures").
///
/// # Errors
/// [`NoteError::Malformed`] for a note outside the grammar (not UTF-8, control
/// characters, no blank line before the signatures, an empty or unterminated
/// signature block, too many signatures, a bad signature line),
/// [`NoteError::InvalidSignature`], [`NoteError::AmbiguousKey`], or
/// [`NoteError::NoKnownSignature`].
pub fn open<'a, T: AsRef<[u8]> + ?Sized>(
    note: &'a T,
    verifiers: &[NoteVerifier],
) -> Result<&'a str, NoteError> {
    let note = note.as_ref();
    if note.len() > MAX_NOTE_BYTES {
        return Err(NoteError::Malformed("note is too long"));
    }
    let note = std::str::from_utf8(note).map_err(|_| NoteError::Malformed("not UTF-8"))?;
    if note.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::Malformed("contains a control character"));
    }
    let split = note
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
    let (text, sigs) = (&note[..=split], &note[split + 2..]);
    if sigs.is_empty() {
        return Err(NoteError::Malformed("no signature lines"));
    }
    let Some(sigs) = sigs.strip_suffix('\n') else {
        return Err(NoteError::Malformed(
            "last signature line does not end with a newline",
        ));
    };
    let mut verified = false;
    for (count, line) in sigs.split('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(NoteError::Malformed("too many signatures"));
        }
        let line = line.strip_prefix("\u{2014} ").ok_or(NoteError::Malformed(
            "signature line does not start with an em dash and a space",
        ))?;
        let (name, b64) = line.split_once(' ').ok_or(NoteError::Malformed(
            "signature line has no space after the key name",
        ))?;
        check_name(name)
            .map_err(|_| NoteError::Malformed("invalid key name in a signature line"))?;
        let raw = B64
            .decode(b64)
            .map_err(|_| NoteError::Malformed("signature is not valid base64"))?;
        let Some((id, signature)) = raw.split_first_chunk::<4>().filter(|(_, s)| !s.is_empty())
        else {
            return Err(NoteError::Malformed("signature is shorter than 5 bytes"));
        };
        let id = u32::from_be_bytes(*id);
        let mut known = verifiers
            .iter()
            .filter(|v| v.name == name && v.key_id == id);
        let Some(verifier) = known.next() else {
            continue;
        };
        if known.next().is_some() {
            return Err(NoteError::AmbiguousKey {
                name: name.to_owned(),
                key_id: id,
            });
        }
        if !verifier.verify(text.as_bytes(), signature) {
            return Err(NoteError::InvalidSignature {
                name: name.to_owned(),
                key_id: id,
            });
        }
        verified = true;
    }
    if verified {
        Ok(text)
    } else {
        Err(NoteError::NoKnownSignature)
    }
}
