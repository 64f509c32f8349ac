//! The `custos` command: parses arguments and hands over to [`cli::run`].

mod cli;
mod cmd;
mod demo;

use std::process::ExitCode;

/// mimalloc rather than the system allocator: `custos link` and `custos bench match` build and
/// drop millions of small strings and buffers of many megabytes, and glibc's allocator returned
/// the large ones to the kernel, which zeroed their pages again on the next use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
