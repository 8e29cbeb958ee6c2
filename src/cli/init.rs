//! `p2pdesk init`: a new platform database and its first system administrator.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use secrecy::SecretString;

use super::auth::read_line;
use super::{Env, Exit, Failure};
use crate::service::Service;
use crate::service::platform::{DEFAULT_TIMEZONE, local_today};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// User name of the first system administrator (asked for when omitted on a terminal).
    #[arg(long, value_name = "NAME")]
    pub admin: Option<String>,
    /// His display name.
    #[arg(long, value_name = "TEXT")]
    pub admin_name: Option<String>,
    /// Read his password from standard input (one line) instead of asking.
    #[arg(long)]
    pub password_stdin: bool,
    /// Time zone of business dates (IANA name).
    #[arg(long, default_value = DEFAULT_TIMEZONE, value_name = "ZONE")]
    pub timezone: String,
}

pub fn run(
    env: &Env,
    args: &InitArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let path = env.database()?;
    if path.exists() {
        return Err(Failure::failed(format!(
            "a file already exists at {}: `init` never overwrites a database",
            path.display()
        )));
    }
    let interactive = std::io::stdin().is_terminal() && !args.password_stdin;
    let admin = match &args.admin {
        Some(a) => a.clone(),
        None if interactive => prompt(out, input, "administrator user name: ")?,
        None => return Err(Failure::bad_input("--admin: name the first system administrator")),
    };
    let password = if args.password_stdin {
        read_line(input)?
            .ok_or_else(|| Failure::bad_input("--password-stdin: standard input is empty"))?
    } else if interactive {
        let first =
            rpassword::prompt_password("password: ").map_err(|e| Failure::failed(e.to_string()))?;
        let again = rpassword::prompt_password("password again: ")
            .map_err(|e| Failure::failed(e.to_string()))?;
        if first != again {
            return Err(Failure::bad_input("password: the two entries differ"));
        }
        first
    } else {
        return Err(Failure::bad_input(
            "--password-stdin: give the administrator's password on standard input",
        ));
    };
    let today = local_today(&args.timezone)?;
    let display = args.admin_name.clone().unwrap_or_else(|| admin.clone());
    // Check the password before creating anything, so a refused one leaves no file behind.
    let policy = crate::service::identity::Policy::defaults();
    crate::domain::password::check(&password, &admin, policy.min_length)
        .map_err(|p| Failure::bad_input(format!("password: {p}")))?;
    let mut svc = Service::init(&path, today, &args.timezone)?;
    let created = svc.bootstrap_admin(&admin, &display, &SecretString::from(password));
    if let Err(e) = created {
        drop(svc);
        crate::store::remove_database_files(&path);
        return Err(e.into());
    }
    writeln!(out, "created {} (business date {})", svc.path().display(), svc.business_date()?)?;
    writeln!(out, "system administrator: {admin}")?;
    Ok(Exit::Done)
}

fn prompt(out: &mut dyn Write, input: &mut dyn BufRead, text: &str) -> Result<String, Failure> {
    write!(out, "{text}")?;
    out.flush()?;
    read_line(input)?
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Failure::bad_input("--admin: no name given"))
}
