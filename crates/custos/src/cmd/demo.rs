//! `custos demo`: placeholder until the generator lands.

use std::process::ExitCode;

use clap::Args;

use crate::cli::DbArgs;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 100_000)]
    pub people: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub async fn run(_db: &DbArgs, _args: DemoArgs) -> anyhow::Result<ExitCode> {
    Ok(ExitCode::FAILURE)
}
