//! The `custos` command: parses arguments and hands over to [`cli::run`].

mod cli;
mod cmd;
mod demo;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
