//! The headless commands. Each returns an [`Exit`]: 0 done, 1 refused or failed, 2 bad usage
//! or input (naming the argument or field), 3 done in part.

mod audit;
mod auth;
mod batch;
mod demo;
mod import;
mod init;
mod ledger;
mod schedule;

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
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
#[command(name = "p2pdesk", version, about)]
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
    /// Without a command the console opens.
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
    /// Build (or open) a demonstration database with the real sample loan book.
    Demo(demo::DemoArgs),
    /// Import data from another system.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Reports.
    #[command(subcommand)]
    Report(batch::ReportCommand),
    /// Show your profile and permissions.
    Whoami(auth::WhoamiArgs),
    /// Change your password (old, TOTP code if enrolled, new, new again on standard input).
    Passwd(auth::PasswdArgs),
    /// Enrol a second factor (TOTP): the password, then a code from the app, on standard input.
    Totp(auth::TotpArgs),
    /// List the open sessions, or end one (`--end ID`, system administrator).
    Sessions(auth::SessionsArgs),
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
    if let Some(Command::Schedule(args)) = &cli.command {
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
    let _log = start_log(&env.paths);
    let Some(command) = cli.command else {
        return console(&env);
    };
    match command {
        Command::Init(args) => init::run(&env, &args, input, out),
        Command::Schedule(_) => unreachable!("handled above"),
        Command::Audit(c) => audit::run(&env, &c, input, out),
        Command::Ledger(c) => ledger::run(&env, &c, out),
        Command::Batch(c) => batch::batch(&env, &c, out),
        Command::Import(c) => import::run(&env, &c, input, out),
        Command::Demo(args) => demo::run(&env, &args, out),
        Command::Report(c) => batch::report(&env, &c, input, out),
        Command::Whoami(args) => auth::whoami(&env, &args, input, out),
        Command::Passwd(args) => auth::passwd(&env, &args, input, out),
        Command::Totp(args) => auth::totp(&env, &args, input, out),
        Command::Sessions(args) => auth::sessions(&env, &args, input, out),
    }
}

/// The console, when no command is given. The config and the database are checked before the
/// terminal is taken over, so their problems print as plain errors.
fn console(env: &Env) -> Result<Exit, Failure> {
    crate::tui::Options::from_config(&env.paths.config)
        .map_err(|e| Failure::bad_input(format!("config: {e}")))?;
    let svc = env.open()?;
    open_console(env, svc)
}

/// Runs the console on an open database.
pub(crate) fn open_console(env: &Env, svc: Service) -> Result<Exit, Failure> {
    let options = crate::tui::Options::from_config(&env.paths.config)
        .map_err(|e| Failure::bad_input(format!("config: {e}")))?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Failure::bad_input("the console needs a terminal; see p2pdesk --help"));
    }
    crate::tui::run(svc, options).map_err(|e| Failure::failed(format!("terminal: {e}")))?;
    Ok(Exit::Done)
}

/// Keeps the log writer open; dropping it flushes the file.
type LogGuard = (tracing::subscriber::DefaultGuard, tracing_appender::non_blocking::WorkerGuard);

/// Logs go to `logs/p2pdesk.log` in the data directory, without colour codes, and never to the
/// terminal (the console owns it). `P2PDESK_LOG` takes a filter such as `debug`. Without a
/// data directory, or when the file cannot be opened, nothing is logged.
fn start_log(paths: &Paths) -> Option<LogGuard> {
    use tracing_appender::rolling::{RollingFileAppender, Rotation};
    let dir = paths.log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let file = RollingFileAppender::builder()
        .rotation(Rotation::NEVER)
        .filename_prefix("p2pdesk.log")
        .build(&dir)
        .ok()?;
    // Not lossy: a full buffer waits rather than dropping lines of an audit-relevant log.
    let (writer, guard) =
        tracing_appender::non_blocking::NonBlockingBuilder::default().lossy(false).finish(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("P2PDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .finish();
    Some((tracing::subscriber::set_default(subscriber), guard))
}
