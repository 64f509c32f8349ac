//! The audit log's Ed25519 signing key: created on first start in the data directory with mode
//! 0600, kept in the Go `note` private-key format; its public verifier key is written beside it
//! (and can be exported) so that anyone can verify checkpoints offline.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use custos_audit::{Checkpoint, NoteSigner, NoteVerifier, open};

use crate::error::StoreError;

pub const KEY_FILE: &str = "audit-signing.key";
pub const PUBLIC_KEY_FILE: &str = "audit-signing.pub";
/// The latest checkpoint the integrator signed, kept beside the key and outside the database, so
/// that a database truncated or rewritten together with its checkpoints is still caught.
pub const ANCHOR_FILE: &str = "audit-latest.checkpoint";
/// The name under which checkpoints are signed (the C2SP key name).
pub const KEY_NAME: &str = "custos-audit";

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

/// Loads the signing key, creating it (and the public key file) on first use.
pub fn load_or_create(data_dir: &Path) -> Result<NoteSigner, StoreError> {
    let path = key_path(data_dir);
    match fs::read_to_string(&path) {
        Ok(text) => {
            check_permissions(&path)?;
            NoteSigner::from_private_key(text.trim()).map_err(|e| {
                StoreError::Config(format!("the audit signing key {} is unreadable: {e}", path.display()))
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(data_dir, &path),
        Err(e) => Err(StoreError::Config(format!(
            "cannot read the audit signing key {}: {e}",
            path.display()
        ))),
    }
}

/// Loads only the public verifier key (for verification without the private key).
pub fn load_verifier(path: &Path) -> Result<NoteVerifier, StoreError> {
    let text = fs::read_to_string(path).map_err(|e| {
        StoreError::Config(format!("cannot read the public key {}: {e}", path.display()))
    })?;
    NoteVerifier::parse(text.trim())
        .map_err(|e| StoreError::Config(format!("the public key {} is malformed: {e}", path.display())))
}

/// The signed note kept outside the database, if any (unchecked: see [`open_anchor`]).
pub fn read_anchor_note(data_dir: &Path) -> Result<Option<String>, StoreError> {
    let path = data_dir.join(ANCHOR_FILE);
    match fs::read_to_string(&path) {
        Ok(note) => Ok(Some(note)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::Config(format!("cannot read {}: {e}", path.display()))),
    }
}

/// Opens the kept checkpoint with the verifier keys.
pub fn open_anchor(note: &str, verifiers: &[NoteVerifier]) -> Result<Checkpoint, String> {
    let body = open(note, verifiers).map_err(|e| e.to_string())?;
    Checkpoint::parse(body).map_err(|e| e.to_string())
}

/// The checkpoint kept outside the database, if any, checked against `verifier`.
pub fn read_anchor(data_dir: &Path, verifier: &NoteVerifier) -> Result<Option<Checkpoint>, StoreError> {
    let Some(note) = read_anchor_note(data_dir)? else { return Ok(None) };
    open_anchor(&note, std::slice::from_ref(verifier)).map(Some).map_err(|_| {
        StoreError::Audit(format!("{} is not a checkpoint signed by this log's key", ANCHOR_FILE))
    })
}

/// Replaces the checkpoint kept outside the database (write to a temporary file, then rename, so a
/// crash leaves the old one or the new one, never half of either).
pub fn write_anchor(data_dir: &Path, note: &str) -> Result<(), StoreError> {
    let path = data_dir.join(ANCHOR_FILE);
    let partial = data_dir.join(format!("{ANCHOR_FILE}.partial"));
    let io = |e: std::io::Error| StoreError::Config(format!("cannot write {}: {e}", path.display()));
    let mut file = fs::File::create(&partial).map_err(io)?;
    file.write_all(note.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::rename(&partial, &path).map_err(io)
}

fn create(data_dir: &Path, path: &Path) -> Result<NoteSigner, StoreError> {
    let io = |e: std::io::Error| {
        StoreError::Config(format!("cannot create the audit signing key {}: {e}", path.display()))
    };
    fs::create_dir_all(data_dir).map_err(io)?;
    let signer = NoteSigner::generate(KEY_NAME)
        .map_err(|e| StoreError::Config(format!("cannot generate the audit signing key: {e}")))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(format!("{}\n", signer.private_key()).as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::write(data_dir.join(PUBLIC_KEY_FILE), format!("{}\n", signer.verifier())).map_err(io)?;
    tracing::info!(path = %path.display(), "created the audit signing key");
    Ok(signer)
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|e| StoreError::Config(format!("cannot stat {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(StoreError::Config(format!(
            "the audit signing key {} is readable by others (mode {:o}); run chmod 600 on it",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_created_once_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        let again = load_or_create(dir.path()).unwrap();
        assert_eq!(first.verifier().to_string(), again.verifier().to_string());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(key_path(dir.path())).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            fs::set_permissions(key_path(dir.path()), fs::Permissions::from_mode(0o644)).unwrap();
            let err = load_or_create(dir.path()).unwrap_err();
            assert!(err.to_string().contains("readable by others"), "{err}");
        }
        let public = load_verifier(&dir.path().join(PUBLIC_KEY_FILE)).unwrap();
        assert_eq!(public.to_string(), first.verifier().to_string());
    }
}
