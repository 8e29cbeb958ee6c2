//! `p2pdesk batch daily` and `p2pdesk report portfolio`.

use std::io::{BufRead, Write};

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::auth::{UserArgs, finish, login};
use super::schedule::{Format, parse_date};
use super::{Env, Exit, Failure};
use crate::domain::money::grouped;

#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Advance the business date, running each day's work (acts as the system actor).
    Daily {
        /// Run up to this date (default: the day after the business date).
        #[arg(long, value_parser = parse_date, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
}

pub fn batch(env: &Env, command: &BatchCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    match command {
        BatchCommand::Daily { as_of } => {
            let mut svc = env.open()?;
            let before = svc.business_date()?;
            let days = svc.run_daily(*as_of)?;
            if days.is_empty() {
                writeln!(out, "business date is already {before}: nothing to do")?;
            }
            for d in &days {
                writeln!(
                    out,
                    "{}: failed raises {}, advances applied {}, overdue loans {}, penalty {}, accounts disabled {}",
                    d.date,
                    d.failed_raises,
                    d.advances_applied,
                    d.overdue_loans,
                    d.penalty_charged,
                    d.accounts_disabled
                )?;
            }
            Ok(Exit::Done)
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Loans and outstanding principal by state and delinquency bucket.
    Portfolio(PortfolioArgs),
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    #[command(flatten)]
    pub user: UserArgs,
    /// As of an earlier date, rebuilt from the dated postings.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn report(
    env: &Env,
    command: &ReportCommand,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let ReportCommand::Portfolio(args) = command;
    let (mut svc, session) = login(env, &args.user, input)?;
    let result = svc.portfolio(&session.actor, args.as_of);
    finish(&mut svc, &session)?;
    let p = result?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &p)
                .map_err(|e| Failure::failed(e.to_string()))?;
            writeln!(out)?;
        }
        Format::Table | Format::Csv => {
            writeln!(out, "portfolio as of {}", p.as_of)?;
            writeln!(
                out,
                "loans {}  outstanding principal {}  written off {}",
                p.loans,
                grouped(p.outstanding_principal),
                grouped(p.written_off_principal)
            )?;
            for (title, map) in [("by state", &p.by_state), ("by bucket", &p.by_bucket)] {
                writeln!(out, "{title}:")?;
                for (name, b) in map {
                    writeln!(
                        out,
                        "  {name:<12} {:>8} {:>20}",
                        b.loans,
                        grouped(b.outstanding_principal)
                    )?;
                }
            }
        }
    }
    Ok(Exit::Done)
}
