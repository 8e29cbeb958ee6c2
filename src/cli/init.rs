//! `p2pdesk init`: a new platform database.

use std::io::Write;

use clap::Args;

use super::{Env, Exit, Failure};
use crate::service::Service;
use crate::service::platform::{DEFAULT_TIMEZONE, local_today};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Time zone of business dates (IANA name).
    #[arg(long, default_value = DEFAULT_TIMEZONE, value_name = "ZONE")]
    pub timezone: String,
}

pub fn run(env: &Env, args: &InitArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    let path = env.database()?;
    let today = local_today(&args.timezone)?;
    let svc = Service::init(&path, today, &args.timezone)?;
    writeln!(out, "created {} (business date {})", svc.path().display(), svc.business_date()?)?;
    Ok(Exit::Done)
}
