//! `p2pdesk demo`: a ready demonstration database, never the production one.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::schedule::Format;
use super::{Env, Exit, Failure};
use crate::service::Service;
use crate::service::demo::DemoAccount;
use crate::store::{Db, platform};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Rebuild an existing demo database.
    #[arg(long)]
    pub force: bool,
    /// Open the console on it afterwards.
    #[arg(long)]
    pub open: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Import only this many loans of the sample (all 10,000 by default).
    #[arg(long, value_name = "N", hide = true)]
    pub loans: Option<u64>,
}

/// `--db`, or `demo.db` in the data directory; never `P2PDESK_DB` or the config's database.
fn demo_path(env: &Env) -> Result<PathBuf, Failure> {
    if let Some(p) = &env.db_flag {
        return Ok(p.clone());
    }
    env.paths.data_dir.as_ref().map(|d| d.join("demo.db")).ok_or_else(|| {
        Failure::bad_input("--db: no data directory; give --db PATH or --data-dir DIR")
    })
}

/// Whether the file is a demo database (anything unreadable is not).
fn is_demo(path: &std::path::Path) -> bool {
    Db::open(path)
        .ok()
        .and_then(|db| platform::get(db.conn()).ok().flatten())
        .is_some_and(|p| p.is_demo)
}

pub fn run(env: &Env, args: &DemoArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    let path = demo_path(env)?;
    if path.exists() {
        if !is_demo(&path) {
            return Err(Failure::failed(format!(
                "{} exists and is not a demo database: refusing to touch it",
                path.display()
            )));
        }
        if args.force {
            crate::store::remove_database_files(&path);
        } else {
            let svc = Service::new(Db::open(&path)?);
            if !args.open {
                // On standard error, so that `--format json` prints clean JSON.
                eprintln!(
                    "demo database kept at {} (--open to use it, --force to rebuild)",
                    path.display()
                );
                print_accounts(out, &svc.demo_credentials()?, args.format)?;
                return Ok(Exit::Done);
            }
            return super::open_console(env, svc);
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::failed(format!("{}: {e}", dir.display())))?;
    }
    eprintln!("building the demo database at {} …", path.display());
    let (svc, summary) = match Service::build_demo(&path, args.loans) {
        Ok(built) => built,
        Err(e) => {
            crate::store::remove_database_files(&path);
            return Err(e.into());
        }
    };
    if args.format == Format::Json {
        print_accounts(out, &summary.accounts, args.format)?;
    } else {
        writeln!(out, "demo database: {}", path.display())?;
        writeln!(
            out,
            "{} loans of the LendingClub 2018 Q1 sample (US dollars, shown as yuan), {} investors, business date {}",
            summary.loans, summary.investors, summary.business_date
        )?;
        let projects: Vec<String> =
            summary.projects.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "new projects: {}", projects.join(", "))?;
        writeln!(out, "synthetic people only; the passwords below are random for this build")?;
        print_accounts(out, &summary.accounts, args.format)?;
    }
    if args.open {
        return super::open_console(env, svc);
    }
    Ok(Exit::Done)
}

fn print_accounts(
    out: &mut dyn Write,
    accounts: &[DemoAccount],
    format: Format,
) -> Result<(), Failure> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, accounts)
            .map_err(|e| Failure::failed(e.to_string()))?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{:<14} {:<30} {:<10} password", "user", "role", "department")?;
    for a in accounts {
        writeln!(out, "{:<14} {:<30} {:<10} {}", a.user, a.role, a.department, a.password)?;
    }
    Ok(())
}
