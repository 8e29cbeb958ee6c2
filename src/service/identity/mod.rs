//! Staff identity (§3.1, §3.2): accounts and their lifecycle, login, second factor, sessions,
//! step-up re-authentication and the separation of the administrator roles.

mod accounts;
mod auth;
pub mod idle;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::settings::get;
use super::{Actor, Service, ServiceError};
use crate::domain::access::{Level, Module, Role};
use crate::domain::credentials::HashCost;
use crate::store::staff::{self, StaffRow};

pub(crate) use accounts::dormant_in;
pub use accounts::{Created, NewAccount, OpenItem, ReviewRow};
pub use auth::{Login, LoginError, StepUp, Unlock};

/// The security settings in force, read once per operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub min_length: usize,
    pub max_age_days: i64,
    pub history: i64,
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    pub totp_required_privileged: bool,
    pub cost: HashCost,
    pub idle_lock_seconds: i64,
    pub session_max_hours: i64,
    pub dormant_days: i64,
}

impl Policy {
    /// The catalogue's defaults, before any database exists.
    #[must_use]
    pub fn defaults() -> Policy {
        Policy::read(&|key| super::settings::default_of(key))
            .expect("the settings catalogue's defaults are valid")
    }

    pub fn load(conn: &rusqlite::Connection) -> Result<Policy, ServiceError> {
        Policy::read(&|key| get(conn, key))
    }

    /// Builds the policy from a source of setting values (stored or default).
    fn read(value: &dyn Fn(&str) -> Result<String, ServiceError>) -> Result<Policy, ServiceError> {
        let int = |key: &str| -> Result<i64, ServiceError> {
            let v = value(key)?;
            v.parse().map_err(|_| ServiceError::Refused(format!("setting {key} holds \"{v}\"")))
        };
        Ok(Policy {
            min_length: usize::try_from(int("security.password_min_length")?).unwrap_or(12),
            max_age_days: int("security.password_max_age_days")?,
            history: int("security.password_history")?,
            lockout_threshold: int("security.lockout_threshold")?,
            lockout_minutes: int("security.lockout_minutes")?,
            totp_required_privileged: value("security.totp_required_privileged")? == "true",
            cost: HashCost {
                memory_kib: u32::try_from(int("security.argon2_memory_kib")?).unwrap_or(19 * 1024),
                passes: u32::try_from(int("security.argon2_passes")?).unwrap_or(2),
                lanes: u32::try_from(int("security.argon2_lanes")?).unwrap_or(1),
            },
            idle_lock_seconds: int("security.idle_lock_seconds")?,
            session_max_hours: int("security.session_max_hours")?,
            dormant_days: int("accounts.dormant_days")?,
        })
    }
}

/// What a member of staff sees of himself after login (§3.2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub user: String,
    pub name: String,
    pub department: String,
    pub roles: Vec<Role>,
    pub levels: BTreeMap<Module, Level>,
    pub last_login: Option<String>,
    pub password_expires: Option<String>,
    pub head_of_department: bool,
    pub second_factor: bool,
}

/// The login before the current one (what "last login" means to the person logged in).
fn previous_login(conn: &rusqlite::Connection, id: i64) -> Result<Option<String>, ServiceError> {
    Ok(conn.query_row("SELECT previous_login_at FROM staff WHERE id = ?1", [id], |r| r.get(0))?)
}

pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

pub(crate) fn actor_of(conn: &rusqlite::Connection, row: &StaffRow) -> Result<Actor, ServiceError> {
    Ok(Actor {
        id: row.id,
        username: row.username.clone(),
        is_system: row.is_system,
        levels: staff::levels(conn, row.id)?,
        role: staff::role(conn, row.id)?,
        department: row.department.clone(),
        is_head: row.is_head,
    })
}

impl Service {
    /// The security settings in force.
    pub fn policy(&self) -> Result<Policy, ServiceError> {
        Policy::load(self.db().conn())
    }

    /// Loads an account as an actor (for the console after login, and for tests).
    pub fn actor(&self, staff_id: i64) -> Result<Actor, ServiceError> {
        let conn = self.db().conn();
        let row = staff::by_id(conn, staff_id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no account with id {staff_id}")))?;
        actor_of(conn, &row)
    }

    /// The account's own profile and permissions.
    pub fn profile(&self, staff_id: i64) -> Result<Profile, ServiceError> {
        let conn = self.db().conn();
        let row = staff::by_id(conn, staff_id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no account with id {staff_id}")))?;
        let policy = Policy::load(conn)?;
        let expires = row
            .password_changed_at
            .as_deref()
            .and_then(parse_time)
            .map(|t| (t + Duration::days(policy.max_age_days)).date_naive().to_string());
        Ok(Profile {
            user: row.username.clone(),
            name: row.display_name.clone(),
            department: row.department.clone(),
            roles: staff::role(conn, row.id)?.into_iter().collect(),
            levels: staff::levels(conn, row.id)?,
            last_login: previous_login(self.db().conn(), row.id)?,
            password_expires: expires,
            head_of_department: row.is_head,
            second_factor: row.totp_secret.is_some(),
        })
    }
}
