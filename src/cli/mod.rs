//! The headless commands. Each returns an [`Exit`]: 0 done, 1 refused or failed, 2 bad usage
//! or input (naming the argument or field), 3 done in part.

mod audit;
mod auth;
mod batch;
mod init;
mod ledger;
mod schedule;

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Paths;
use crate::service::{Service, ServiceError};
use crate::store::{Db, StoreError};

/// Exit statuses shared by every command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Done = 0,
    Failed = 1,
    BadInput = 2,
    Partial = 3,
}

/// A command's failure: what to tell the operator and with which status.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure { exit: Exit::Failed, message: message.into() }
    }

    pub fn bad_input(message: impl Into<String>) -> Failure {
        Failure { exit: Exit::BadInput, message: message.into() }
    }
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        let exit = if e.is_bad_input() { Exit::BadInput } else { Exit::Failed };
        Failure { exit, message: e.to_string() }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::failed(e.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::failed(format!("output: {e}"))
    }
}

/// The back-office console of a peer-to-peer lending platform.
#[derive(Debug, Parser)]
#[command(name = "p2pdesk", version, about, arg_required_else_help = true)]
pub struct Cli {
    /// Database file (default: P2PDESK_DB, then the config file, then the data directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Config file (default: config.toml in the user's config directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Data directory for the default database and the logs.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new platform database; its business date is today's local date.
    Init(init::InitArgs),
    /// Print a repayment schedule (a calculator: no database).
    Schedule(schedule::ScheduleArgs),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Check the books.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
    /// Scheduled jobs.
    #[command(subcommand)]
    Batch(batch::BatchCommand),
    /// Reports.
    #[command(subcommand)]
    Report(batch::ReportCommand),
    /// Show your profile and permissions.
    Whoami(auth::WhoamiArgs),
    /// Change your password (old, TOTP code if enrolled, new, new again on standard input).
    Passwd(auth::PasswdArgs),
}

/// Everything a command needs from the environment.
pub struct Env {
    pub paths: Paths,
    pub db_flag: Option<PathBuf>,
    pub db_env: Option<PathBuf>,
}

impl Env {
    /// The database path by precedence.
    pub fn database(&self) -> Result<PathBuf, Failure> {
        self.paths
            .database(self.db_flag.as_deref(), self.db_env.as_deref())
            .map_err(|e| Failure::bad_input(e.to_string()))
    }

    /// Opens the database for a command.
    pub fn open(&self) -> Result<Service, Failure> {
        Ok(Service::new(Db::open(&self.database()?)?))
    }
}

/// Parses the arguments and runs the command, writing to `out`. Returns the exit status.
pub fn run<I, T>(args: I, input: &mut dyn BufRead, out: &mut dyn Write, err: &mut dyn Write) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let _ = write!(err, "{}", e.render());
            return if code == 0 { Exit::Done } else { Exit::BadInput };
        }
    };
    match execute(cli, input, out) {
        Ok(exit) => exit,
        Err(f) => {
            let _ = writeln!(err, "error: {}", f.message);
            f.exit
        }
    }
}

fn execute(cli: Cli, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<Exit, Failure> {
    let Some(command) = cli.command else {
        return Err(Failure::bad_input("no command given: see p2pdesk --help"));
    };
    if let Command::Schedule(args) = &command {
        // The calculator needs no configuration at all.
        return schedule::run(args, out);
    }
    let paths = Paths::resolve(cli.data_dir.as_deref(), cli.config.as_deref())
        .map_err(|e| Failure::bad_input(e.to_string()))?;
    let env = Env {
        paths,
        db_flag: cli.db,
        db_env: std::env::var_os("P2PDESK_DB").filter(|v| !v.is_empty()).map(PathBuf::from),
    };
    match command {
        Command::Init(args) => init::run(&env, &args, input, out),
        Command::Schedule(_) => unreachable!("handled above"),
        Command::Audit(c) => audit::run(&env, &c, out),
        Command::Ledger(c) => ledger::run(&env, &c, out),
        Command::Batch(c) => batch::batch(&env, &c, out),
        Command::Report(c) => batch::report(&env, &c, input, out),
        Command::Whoami(args) => auth::whoami(&env, &args, input, out),
        Command::Passwd(args) => auth::passwd(&env, &args, input, out),
    }
}
