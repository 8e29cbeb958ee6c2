//! `p2pdesk import loans`: a loan book from another system.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::auth::{UserArgs, finish, login};
use super::schedule::parse_date;
use super::{Env, Exit, Failure};
use crate::domain::money::grouped;
use crate::service::import::{ImportOptions, ImportReport, Layout};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import loans (CSV) as disbursed loans with their history.
    Loans(LoansArgs),
}

#[derive(Debug, Args)]
pub struct LoansArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// openintro or lendingclub.
    #[arg(long, value_parser = parse_layout)]
    pub layout: Layout,
    /// The date the file's figures stand at.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub as_of: NaiveDate,
    #[command(flatten)]
    pub user: UserArgs,
    /// Check and report, change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_layout(s: &str) -> Result<Layout, String> {
    s.parse()
}

pub fn run(
    env: &Env,
    command: &ImportCommand,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let ImportCommand::Loans(args) = command;
    if !args.file.is_file() {
        return Err(Failure::bad_input(format!(
            "FILE: {} is not a readable file",
            args.file.display()
        )));
    }
    let (mut svc, session) = login(env, &args.user, input)?;
    let opts = ImportOptions {
        layout: args.layout,
        as_of: args.as_of,
        dry_run: args.dry_run,
        limit: None,
    };
    // Progress on standard error; stopping the command (Ctrl-C) between or inside batches is
    // safe: each batch of rows commits whole or not at all, and a re-run skips what landed.
    let mut progress = |rows: u64| {
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            eprint!("\r{rows} rows read");
        }
        true
    };
    let result = svc.import_loans(&session.actor, &args.file, opts, &mut progress);
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!();
    }
    finish(&mut svc, &session)?;
    let report = result?;
    print_report(out, &report)?;
    if let Some(dir) = env.paths.data_dir.as_ref() {
        let dir = dir.join("import-reports");
        let name = format!("import-{}.json", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f"));
        let path = dir.join(name);
        let saved = std::fs::create_dir_all(&dir).and_then(|()| {
            std::fs::write(&path, serde_json::to_vec_pretty(&report).unwrap_or_default())
        });
        match saved {
            Ok(()) => writeln!(out, "report: {}", path.display())?,
            Err(e) => writeln!(out, "report not saved ({}): {e}", path.display())?,
        }
    }
    let accepted = report.imported + report.already_imported;
    Ok(if report.refused.is_empty() {
        Exit::Done
    } else if accepted == 0 {
        Exit::Failed
    } else {
        Exit::Partial
    })
}

fn print_report(out: &mut dyn Write, r: &ImportReport) -> std::io::Result<()> {
    writeln!(out, "{}{} as of {}", if r.dry_run { "dry run: " } else { "" }, r.file, r.as_of)?;
    if let Some(d) = &r.business_date_set {
        writeln!(out, "business date set to {d} (first import into an empty platform)")?;
    }
    writeln!(
        out,
        "rows read {}, imported {}, already imported {}, refused {}",
        r.rows_read,
        r.imported,
        r.already_imported,
        r.refused.len()
    )?;
    writeln!(
        out,
        "outstanding principal {} (file balance {})",
        grouped(r.outstanding),
        grouped(r.file_balance)
    )?;
    if !r.rounding_written_off.is_zero() {
        writeln!(out, "rounding adjustments written off {}", grouped(r.rounding_written_off))?;
    }
    for f in &r.refused {
        writeln!(out, "refused line {}: {}", f.line, f.reason)?;
    }
    for (kind, list) in &r.anomalies {
        let lines: Vec<String> = list.iter().take(12).map(|f| f.line.to_string()).collect();
        let more =
            if list.len() > 12 { format!(" … (+{})", list.len() - 12) } else { String::new() };
        writeln!(out, "{kind}: {} (lines {}{more})", list.len(), lines.join(", "))?;
    }
    Ok(())
}
