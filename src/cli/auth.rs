//! Headless commands acting as a member of staff: `--user NAME` with the password on standard
//! input (`--password-stdin`, a TOTP code on the next line when enrolled) or in
//! `P2PDESK_PASSWORD`. Passwords never come from the command line.

use std::io::{BufRead, Write};

use clap::Args;
use secrecy::SecretString;

use super::{Env, Exit, Failure};
use crate::service::identity::{Login, LoginError};
use crate::service::{Service, ServiceError};

#[derive(Debug, Args, Clone)]
pub struct UserArgs {
    /// The staff account to act as.
    #[arg(long, value_name = "NAME")]
    pub user: String,
    /// Read the password (and the TOTP code, if enrolled, on the next line) from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Reads one line without its line ending; `None` at the end of input.
pub fn read_line(input: &mut dyn BufRead) -> Result<Option<String>, Failure> {
    let mut line = String::new();
    let n =
        input.read_line(&mut line).map_err(|e| Failure::failed(format!("standard input: {e}")))?;
    if n == 0 {
        return Ok(None);
    }
    while line.ends_with(['\n', '\r']) {
        line.pop();
    }
    Ok(Some(line))
}

pub fn login_error(e: LoginError) -> Failure {
    match e {
        LoginError::Service(s) => s.into(),
        other => Failure::failed(other.to_string()),
    }
}

/// Logs in for a headless command. Refuses an account that must change its password first.
pub fn login(
    env: &Env,
    args: &UserArgs,
    input: &mut dyn BufRead,
) -> Result<(Service, Login), Failure> {
    let (password, totp) = if args.password_stdin {
        let pw = read_line(input)?
            .ok_or_else(|| Failure::bad_input("--password-stdin: standard input is empty"))?;
        (pw, read_line(input)?.filter(|l| !l.trim().is_empty()))
    } else if let Ok(pw) = std::env::var("P2PDESK_PASSWORD") {
        (pw, None)
    } else {
        return Err(Failure::bad_input(
            "--password-stdin: give the password on standard input, or set P2PDESK_PASSWORD",
        ));
    };
    let mut svc = env.open()?;
    let password = SecretString::from(password);
    let login = svc.login(&args.user, &password, totp.as_deref()).map_err(login_error)?;
    if login.must_change_password {
        let _ = svc.logout(&login.actor, login.session_id, "password change required");
        return Err(Failure::failed("password change required: use p2pdesk passwd"));
    }
    if login.must_enrol_totp {
        let _ = svc.logout(&login.actor, login.session_id, "second factor required");
        return Err(Failure::failed(
            "a second factor is required for this account: enrol it in the console first",
        ));
    }
    Ok((svc, login))
}

/// Ends the command's session.
pub fn finish(svc: &mut Service, login: &Login) -> Result<(), ServiceError> {
    svc.logout(&login.actor, login.session_id, "command finished")
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    #[command(flatten)]
    pub user: UserArgs,
    #[arg(long, value_enum, default_value_t = super::schedule::Format::Table)]
    pub format: super::schedule::Format,
}

/// `p2pdesk whoami`: the profile and permissions of the account.
pub fn whoami(
    env: &Env,
    args: &WhoamiArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let (mut svc, login) = login(env, &args.user, input)?;
    let profile = svc.profile(login.actor.id)?;
    finish(&mut svc, &login)?;
    if args.format == super::schedule::Format::Json {
        serde_json::to_writer_pretty(&mut *out, &profile)
            .map_err(|e| Failure::failed(e.to_string()))?;
        writeln!(out)?;
        return Ok(Exit::Done);
    }
    writeln!(out, "user:        {} ({})", profile.user, profile.name)?;
    writeln!(
        out,
        "department:  {}{}",
        profile.department,
        if profile.head_of_department { " (head)" } else { "" }
    )?;
    let roles: Vec<&str> = profile.roles.iter().map(|r| r.code()).collect();
    writeln!(out, "roles:       {}", if roles.is_empty() { "-".into() } else { roles.join(", ") })?;
    for (m, l) in &profile.levels {
        writeln!(out, "  {:<10} {}", m.code(), l.code())?;
    }
    writeln!(out, "last login:  {}", profile.last_login.as_deref().unwrap_or("-"))?;
    writeln!(out, "password expires: {}", profile.password_expires.as_deref().unwrap_or("-"))?;
    Ok(Exit::Done)
}

#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// The account whose password changes.
    #[arg(long, value_name = "NAME")]
    pub user: String,
}

/// `p2pdesk passwd`: standard input holds the old password, the TOTP code if enrolled, the new
/// password and the new password again, one a line.
pub fn passwd(
    env: &Env,
    args: &PasswdArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let mut lines = Vec::new();
    while let Some(l) = read_line(input)? {
        lines.push(l);
    }
    let (old, totp, new, again) = match lines.as_slice() {
        [old, new, again] => (old, None, new, again),
        [old, code, new, again] => (old, Some(code.as_str()), new, again),
        _ => {
            return Err(Failure::bad_input(
                "standard input: expected the old password, the TOTP code if enrolled, the new password and the new password again, one a line",
            ));
        }
    };
    if new != again {
        return Err(Failure::bad_input("new password: the two entries differ"));
    }
    let mut svc = env.open()?;
    svc.change_password(
        &args.user,
        &SecretString::from(old.clone()),
        totp,
        &SecretString::from(new.clone()),
    )
    .map_err(login_error)?;
    writeln!(out, "password changed for {}", args.user)?;
    Ok(Exit::Done)
}

#[derive(Debug, Args)]
pub struct TotpArgs {
    #[command(flatten)]
    pub user: UserArgs,
    /// The secret (base32) your authenticator app made; without it one is made and shown.
    #[arg(long, value_name = "BASE32")]
    pub secret: Option<String>,
}

/// `p2pdesk totp`: enrols a second factor. Standard input: the password, then (after the secret
/// is shown, when it is made here) a code from the authenticator app.
pub fn totp(
    env: &Env,
    args: &TotpArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    if !args.user.password_stdin {
        return Err(Failure::bad_input(
            "--password-stdin: the password and the code come on standard input",
        ));
    }
    let password = read_line(input)?
        .ok_or_else(|| Failure::bad_input("--password-stdin: standard input is empty"))?;
    let mut svc = env.open()?;
    let password = SecretString::from(password);
    let session = svc.login(&args.user.user, &password, None).map_err(login_error)?;
    let secret = if let Some(s) = &args.secret {
        s.trim().to_owned()
    } else {
        let s = crate::domain::credentials::new_totp_secret();
        writeln!(out, "secret: {s}")?;
        writeln!(out, "otpauth://totp/p2pdesk:{}?secret={s}&issuer=p2pdesk", args.user.user)?;
        writeln!(out, "add it to your authenticator app, then type the code it shows:")?;
        out.flush()?;
        s
    };
    let code = read_line(input)?
        .ok_or_else(|| Failure::bad_input("code: standard input ended before the code"))?;
    let proof = svc.step_up(&session.actor, &password, None).map_err(login_error)?;
    let result = svc.enrol_totp(&session.actor, &secret, &code, Some(&proof));
    finish(&mut svc, &session)?;
    result?;
    writeln!(out, "second factor enrolled for {}", args.user.user)?;
    Ok(Exit::Done)
}

#[derive(Debug, Args)]
pub struct SessionsArgs {
    #[command(flatten)]
    pub user: UserArgs,
    /// End this session (system administrator).
    #[arg(long, value_name = "ID")]
    pub end: Option<i64>,
}

/// `p2pdesk sessions`: the open sessions, or end one.
pub fn sessions(
    env: &Env,
    args: &SessionsArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let (mut svc, session) = login(env, &args.user, input)?;
    let result = match args.end {
        Some(id) => svc.end_session(&session.actor, id).map(|()| Vec::new()),
        None => svc.open_sessions(&session.actor),
    };
    finish(&mut svc, &session)?;
    let rows = result?;
    if let Some(id) = args.end {
        writeln!(out, "session {id} ended")?;
        return Ok(Exit::Done);
    }
    // The command's own session has just ended and is not listed.
    let rows: Vec<_> = rows.into_iter().filter(|r| r.id != session.session_id).collect();
    writeln!(out, "{} open session(s)", rows.len())?;
    for r in rows {
        writeln!(
            out,
            "{:>6}  {:<14} {:<24} since {}  last {}",
            r.id, r.username, r.origin, r.started_at, r.last_active_at
        )?;
    }
    Ok(Exit::Done)
}
