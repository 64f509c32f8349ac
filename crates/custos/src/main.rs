//! The `custos` command.

fn main() {}
