//! `p2pdesk ledger check`.

use std::io::Write;

use clap::Subcommand;

use super::{Env, Exit, Failure};

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check that every entry balances and every balance matches its lines.
    Check,
}

pub fn run(env: &Env, command: &LedgerCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    match command {
        LedgerCommand::Check => {
            let svc = env.open()?;
            let c = svc.check_books()?;
            writeln!(out, "journal entries: {}", c.entries)?;
            for id in &c.unbalanced_entries {
                writeln!(out, "entry {id}: debits and credits differ")?;
            }
            for code in &c.drifted_accounts {
                writeln!(out, "account {code}: balance differs from its lines")?;
            }
            for code in &c.negative_accounts {
                writeln!(out, "account {code}: negative")?;
            }
            if c.trial_difference != 0 {
                writeln!(out, "trial balance off by {} fen", c.trial_difference)?;
            }
            if c.ok() {
                writeln!(out, "books balance")?;
                Ok(Exit::Done)
            } else {
                Err(Failure::failed("the books do not balance"))
            }
        }
    }
}
