//! `custos audit`: integrate, verify, prove, export. `verify` works either on the database or,
//! with `--export`, on an export file and the public key alone (what an auditor or the ICO gets).

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use clap::Subcommand;
use custos_audit::{LogVerifier, NoteVerifier, VerifyError, VerifyReport, read_export, write_export};
use custos_store::signing_key;

use crate::cli::{DbArgs, out};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the whole tree, check every checkpoint signature and consistency. Exit 0 when
    /// intact; otherwise exit 1 naming the first bad leaf or checkpoint.
    Verify {
        /// Verify an export file instead of the database (needs --public-key).
        #[arg(long, requires = "public_key")]
        export: Option<PathBuf>,
        /// The verifier key file (default: the data directory's audit-signing.pub).
        #[arg(long)]
        public_key: Option<PathBuf>,
        /// With --export: a signed checkpoint obtained earlier (e.g. `custos audit checkpoint`
        /// output) that the exported log must contain; catches a log truncated or rewritten
        /// together with its checkpoints.
        #[arg(long, requires = "export")]
        checkpoint: Option<PathBuf>,
    },
    /// Integrate pending events and print the latest signed checkpoint.
    Checkpoint,
    /// Print an inclusion proof of leaf SEQ against the latest checkpoint.
    Prove { seq: u64 },
    /// Print a consistency proof between two stored checkpoints (by tree size).
    Consistency { old_size: u64, new_size: u64 },
    /// Write the whole log (leaves and signed checkpoints) to a file for offline verification.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the public verifier key of this log's checkpoints.
    PublicKey,
}

pub async fn run(db: &DbArgs, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify {
            export: Some(path),
            public_key,
            checkpoint,
        } => {
            let key = public_key.context("--export needs --public-key")?;
            let verifiers = [signing_key::load_verifier(&key)?];
            let file = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
            let export = read_export(BufReader::new(file)).with_context(|| format!("{} is not a Custos audit export", path.display()))?;
            let mut verifier = LogVerifier::new(&export.origin, &verifiers, &export.checkpoints);
            if let Some(trusted) = checkpoint {
                let note = std::fs::read_to_string(&trusted).with_context(|| format!("cannot read {}", trusted.display()))?;
                match signing_key::open_anchor(&note, &verifiers) {
                    Ok(cp) => verifier = verifier.trusting(cp),
                    Err(e) => return report(Err(VerifyError::TrustedNote(e))),
                }
            }
            let mut result = Ok(());
            for (seq, leaf) in &export.rows {
                result = verifier.push(*seq, leaf);
                if result.is_err() {
                    break;
                }
            }
            report(result.and_then(|()| verifier.finish()).and_then(VerifyReport::require_sealed))
        }
        AuditCommand::Verify { export: None, public_key, .. } => {
            let store = db.open().await?;
            let verifier = match public_key {
                Some(path) => signing_key::load_verifier(&path)?,
                None => store.audit_verifier(),
            };
            let result = store.verify_audit(&[verifier]).await?;
            store.close().await;
            report(result)
        }
        AuditCommand::Checkpoint => {
            let store = db.open().await?;
            store.integrate_audit().await?;
            let latest = store.latest_checkpoint().await?;
            store.close().await;
            match latest {
                Some((note, _)) => out(note.trim_end())?,
                None => out("the audit log is empty")?,
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Prove { seq } => {
            let store = db.open().await?;
            store.integrate_audit().await?;
            let proof = store.prove_inclusion(seq).await?;
            store.close().await;
            let json = serde_json::json!({
                "seq": proof.seq,
                "tree_size": proof.checkpoint.size(),
                "leaf": BASE64.encode(&proof.leaf),
                "leaf_hash": BASE64.encode(custos_audit::leaf_hash(&proof.leaf)),
                "proof": proof.proof.iter().map(|h| BASE64.encode(h)).collect::<Vec<_>>(),
                "checkpoint": proof.note,
            });
            out(serde_json::to_string_pretty(&json)?)?;
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Consistency { old_size, new_size } => {
            let store = db.open().await?;
            let proof = store.prove_consistency(old_size, new_size).await?;
            store.close().await;
            let json = serde_json::json!({
                "old_size": old_size,
                "old_root": BASE64.encode(proof.old.root()),
                "new_size": new_size,
                "new_root": BASE64.encode(proof.new.root()),
                "proof": proof.proof.iter().map(|h| BASE64.encode(h)).collect::<Vec<_>>(),
            });
            out(serde_json::to_string_pretty(&json)?)?;
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Export { out: path } => {
            let store = db.open().await?;
            store.integrate_audit().await?;
            let snapshot = store.audit_snapshot().await?;
            store.close().await;
            let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = BufWriter::new(file);
            write_export(&mut w, &snapshot.origin, snapshot.rows.iter().map(|(seq, leaf)| (*seq, leaf)), &snapshot.checkpoints)?;
            w.flush()?;
            out(format_args!(
                "exported {} leaves and {} checkpoints to {}",
                snapshot.rows.len(),
                snapshot.checkpoints.len(),
                path.display()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::PublicKey => {
            let store = db.open().await?;
            let key: NoteVerifier = store.audit_verifier();
            store.close().await;
            out(key)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn report(result: Result<VerifyReport, VerifyError>) -> anyhow::Result<ExitCode> {
    match result {
        Ok(report) => {
            out(format_args!(
                "audit log intact: {} leaves, {} checkpoints verified{}",
                report.leaves,
                report.checkpoints,
                if report.unsigned_tail > 0 {
                    format!("; {} newest leaves not yet covered by a checkpoint", report.unsigned_tail)
                } else {
                    String::new()
                }
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let mut err = std::io::stderr().lock();
            writeln!(err, "custos: audit log verification FAILED: {e}")?;
            Ok(ExitCode::FAILURE)
        }
    }
}
