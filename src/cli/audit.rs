//! `p2pdesk audit verify`.

use std::io::Write;

use clap::Subcommand;

use super::{Env, Exit, Failure};
use crate::store::audit::HeadCheck;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit hash chain; exit 1 naming the first broken record.
    Verify,
    /// Write a new head file after a lost one, once the chain verifies (security administrator).
    ResetHead(super::auth::UserArgs),
}

pub fn run(
    env: &Env,
    command: &AuditCommand,
    input: &mut dyn std::io::BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    match command {
        AuditCommand::Verify => verify(env, out),
        AuditCommand::ResetHead(user) => {
            let (mut svc, session) = super::auth::login(env, user, input)?;
            let result = svc.reset_audit_head(&session.actor);
            super::auth::finish(&mut svc, &session)?;
            let v = result?;
            writeln!(out, "head file written: record {} of an intact chain", v.records)?;
            Ok(Exit::Done)
        }
    }
}

fn verify(env: &Env, out: &mut dyn Write) -> Result<Exit, Failure> {
    let svc = env.open()?;
    let v = svc.verify_audit()?;
    writeln!(out, "audit records: {}", v.records)?;
    match &v.head {
        HeadCheck::Matches => writeln!(out, "head file: matches record {}", v.records)?,
        HeadCheck::Missing => writeln!(
            out,
            "warning: no head file beside the database; deletion of the newest records cannot be checked (a security administrator can write a new one with `audit reset-head`)"
        )?,
        HeadCheck::Behind { head_seq, table_seq } => writeln!(
            out,
            "head file was behind (record {head_seq} of {table_seq}); brought up to date"
        )?,
        HeadCheck::Ahead { head_seq, table_seq } => writeln!(
            out,
            "head file names record {head_seq} but the trail ends at {table_seq}: newest records were removed"
        )?,
        HeadCheck::Differs { seq } => {
            writeln!(out, "head file's hash differs from record {seq}")?;
        }
        HeadCheck::Malformed => writeln!(out, "head file is unreadable")?,
    }
    if let Some(seq) = v.first_broken {
        return Err(Failure::failed(format!("audit chain broken at record {seq}")));
    }
    if v.head.is_failure() {
        return Err(Failure::failed("audit head check failed"));
    }
    writeln!(out, "audit chain intact")?;
    Ok(Exit::Done)
}
