//! `custos retention sweep`: computes every held record's next MoPI review again (clear periods
//! restarted by new contact, dates of birth recorded since, merges) and says how many reviews are
//! due. The server runs the same sweep every night; this runs it now (after an import, or from a
//! scheduler of the force's own).

use std::process::ExitCode;

use clap::Subcommand;
use custos_store::retention_sweep::SweepStage;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{DbArgs, out};

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Compute every held record's next review and count the reviews due today.
    Sweep,
}

pub async fn run(db: &DbArgs, command: RetentionCommand) -> anyhow::Result<ExitCode> {
    match command {
        RetentionCommand::Sweep => {
            let store = db.open().await?;
            let progress = ProgressBar::new_spinner().with_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})")?);
            let report = |stage: SweepStage, n: u64| match stage {
                SweepStage::Read => progress.set_message(format!("{n} records read")),
                SweepStage::Write => progress.set_message(format!("{n} changed dates written")),
            };
            let sweep = store.sweep_retention(&report).await?;
            progress.finish_and_clear();
            out(format_args!(
                "{} records held; {} review dates moved; {} reviews due; {:.1} s",
                sweep.records, sweep.changed, sweep.due, sweep.seconds
            ))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
