//! Command-line arguments and dispatch. Each subcommand lives in its own file under `cmd/`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use custos_store::{Location, Store};

use crate::cmd;

#[derive(Debug, Parser)]
#[command(name = "custos", version, about = "Custos: policing information with governance built in")]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives. Without `--database-url`, SQLite in the data directory.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Directory for the SQLite database and the audit signing key.
    #[arg(long, global = true, env = "CUSTOS_DATA_DIR", default_value = "./custos-data")]
    pub data_dir: PathBuf,
    /// A database URL (postgres://… or sqlite://…) instead of the SQLite file in the data directory.
    #[arg(long, global = true, env = "CUSTOS_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn location(&self) -> anyhow::Result<Location> {
        Ok(Location::resolve(self.database_url.as_deref(), &self.data_dir)?)
    }

    pub async fn open(&self) -> anyhow::Result<Store> {
        Ok(Store::open(&self.location()?).await?)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a realistic synthetic force (people, objects, locations, events, links) for trying
    /// Custos out and for measuring it; planted duplicates' ground truth goes to a file.
    Demo(cmd::demo::DemoArgs),
    /// Load records: legacy person exports (CSV) or POLE records (JSON lines).
    #[command(subcommand)]
    Import(cmd::import::ImportCommand),
    /// Link the store's people into Golden Nominals: merge sure duplicates, queue the doubtful
    /// pairs for review, and report which nominal each imported row belongs to.
    Link(cmd::link::LinkArgs),
    /// Administration: users.
    #[command(subcommand)]
    Admin(cmd::admin::AdminCommand),
    /// The tamper-evident audit log: verify, checkpoint, proofs, export.
    #[command(subcommand)]
    Audit(cmd::audit::AuditCommand),
    /// MoPI review: compute the reviews due.
    #[command(subcommand)]
    Retention(cmd::retention::RetentionCommand),
    /// Serve the HTTP API and integrate the audit log every second.
    Serve(cmd::serve::ServeArgs),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(cmd::bench::BenchCommand),
    /// When an FOI or subject access request must be answered (the statutory clocks).
    Deadline(cmd::deadline::DeadlineArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&anyhow::anyhow!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo(args) => cmd::demo::run(&cli.db, args).await,
        Command::Import(command) => cmd::import::run(&cli.db, command).await,
        Command::Link(args) => cmd::link::run(&cli.db, args).await,
        Command::Admin(command) => cmd::admin::run(&cli.db, command).await,
        Command::Audit(command) => cmd::audit::run(&cli.db, command).await,
        Command::Retention(command) => cmd::retention::run(&cli.db, command).await,
        Command::Serve(args) => cmd::serve::run(&cli.db, args).await,
        Command::Bench(command) => cmd::bench::run(&cli.db, command).await,
        Command::Deadline(args) => cmd::deadline::run(args),
    }
}

/// Logs go to standard error: human-readable by default, one JSON object per line with
/// `CUSTOS_LOG_FORMAT=json` (for log shippers in production). `CUSTOS_LOG` sets the level filter
/// (default `warn`; `info` shows each request's method, route template, status and latency).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CUSTOS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("CUSTOS_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn fail(e: &anyhow::Error) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "custos: {e:#}");
    ExitCode::FAILURE
}

/// Writes a line to standard output (the command's result), reporting a closed pipe as an error.
pub fn out(line: impl std::fmt::Display) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    Ok(())
}
