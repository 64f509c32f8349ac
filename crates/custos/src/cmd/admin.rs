//! `custos admin`: user administration from the command line, acting as the audited local
//! administrator.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use custos_core::ids::{UnitId, UserId};
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_store::users::{MIN_PASSWORD_CHARS, NewUser, local_administrator};
use rand::RngExt;

use crate::cli::{DbArgs, out};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user. The password is read from standard input (one line), or generated and shown
    /// once when standard input is a terminal or `--generate-password` is given.
    CreateUser {
        /// The sign-in name: warrant or pay number.
        #[arg(long)]
        user: UserId,
        /// The user's name as shown to others.
        #[arg(long)]
        name: String,
        /// A role (repeat for several): response_officer, custody_officer, investigator,
        /// intelligence_analyst, case_preparer, information_rights_officer, records_manager,
        /// data_protection_officer, auditor, administrator.
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// A unit the user belongs to (repeat for several).
        #[arg(long = "unit")]
        units: Vec<UnitId>,
        /// Security clearance: OFFICIAL, SECRET or TOP_SECRET.
        #[arg(long, default_value = "OFFICIAL")]
        clearance: Classification,
        /// Generate a strong password and print it once.
        #[arg(long)]
        generate_password: bool,
    },
}

pub async fn run(db: &DbArgs, command: AdminCommand) -> anyhow::Result<ExitCode> {
    match command {
        AdminCommand::CreateUser {
            user,
            name,
            roles,
            units,
            clearance,
            generate_password,
        } => {
            let generated = generate_password || std::io::stdin().is_terminal();
            let password = if generated {
                new_password()
            } else {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
                let password = line.trim_end_matches(['\r', '\n']).to_owned();
                anyhow::ensure!(
                    password.chars().count() >= MIN_PASSWORD_CHARS,
                    "the password read from standard input must be at least {MIN_PASSWORD_CHARS} characters"
                );
                password
            };
            let store = db.open().await?;
            store
                .create_user(
                    &local_administrator(),
                    NewUser {
                        user: user.clone(),
                        display_name: name,
                        roles,
                        units,
                        clearance,
                        password: password.clone(),
                    },
                )
                .await?;
            store.integrate_audit().await?;
            store.close().await;
            out(format_args!("created user {user}"))?;
            if generated {
                out(format_args!("password (shown once): {password}"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// 20 characters from an alphabet without look-alikes: about 112 bits.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let a = new_password();
        assert_eq!(a.len(), 20);
        assert!(a.len() >= MIN_PASSWORD_CHARS);
        assert_ne!(a, new_password());
    }
}
