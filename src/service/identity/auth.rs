//! Login, password change, second factor, step-up and sessions (§3.2).

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::accounts::check_new_password;
use super::{actor_of, parse_time};
use crate::domain::credentials::{
    burn_verification, hash_password, needs_rehash, totp_step, verify_password,
};
use crate::service::access::{Actor, Need, Op};
use crate::service::changes::Changes;
use crate::service::{Service, ServiceError};
use crate::store::staff::{self, StaffRow};

const LOGIN: Op = Op { action: "auth.login", need: Need::Staff };
const LOGOUT: Op = Op { action: "auth.logout", need: Need::Staff };
const PASSWD: Op = Op { action: "auth.change_password", need: Need::Staff };
const STEP_UP: Op = Op { action: "auth.step_up", need: Need::Staff };
const TOTP_ENROL: Op = Op { action: "auth.totp_enrol", need: Need::Staff };
const FLAG: Op = Op { action: "profile.flag", need: Need::Staff };
const END_SESSION: Op =
    Op { action: "session.end", need: Need::Role(crate::domain::access::Role::SystemAdmin) };
const UNLOCK: Op = Op { action: "session.unlock", need: Need::Staff };

/// How long a step-up re-authentication stays good for the action that asked for it.
const STEP_UP_VALIDITY: Duration = Duration::minutes(2);

/// Why a login (or a re-authentication) was refused. An unknown user name and a wrong password
/// give the same message.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("user name or password is wrong")]
    Invalid,
    #[error(
        "the account is locked after too many failed attempts until {until} (UTC); HR can unlock it"
    )]
    Locked { until: String },
    #[error("the account is disabled")]
    Disabled,
    #[error("a second-factor code is required")]
    TotpRequired,
    #[error("the second-factor code is wrong")]
    TotpInvalid,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<rusqlite::Error> for LoginError {
    fn from(e: rusqlite::Error) -> Self {
        LoginError::Service(e.into())
    }
}

/// A successful login.
#[derive(Clone, Debug)]
pub struct Login {
    pub actor: Actor,
    pub session_id: i64,
    /// First login, a reset, or an expired password: the console shows the change form
    /// before anything else, and headless commands refuse.
    pub must_change_password: bool,
    /// A second factor is required for this account but not yet enrolled.
    pub must_enrol_totp: bool,
}

/// Proof that the actor gave his password again just now (step-up).
#[derive(Clone, Debug)]
pub struct StepUp {
    staff_id: i64,
    at: DateTime<Utc>,
}

/// What unlocking the console did.
#[derive(Debug)]
pub enum Unlock {
    /// The same user: his session goes on.
    Resumed,
    /// Another user: the first session has ended and this is the new one.
    Replaced(Box<Login>),
}

fn now_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Service {
    /// Checks user name, password and (if enrolled) the TOTP code; counts failures towards the
    /// lockout; opens a session on success.
    pub fn login(
        &mut self,
        username: &str,
        password: &SecretString,
        totp: Option<&str>,
    ) -> Result<Login, LoginError> {
        let row = self.check_credentials(username, password, totp)?;
        self.open_session(&row)
    }

    /// Verifies credentials and records the outcome; returns the account on success.
    fn check_credentials(
        &mut self,
        username: &str,
        password: &SecretString,
        totp: Option<&str>,
    ) -> Result<StaffRow, LoginError> {
        let policy = self.policy()?;
        let now = self.now();
        let found = staff::by_username(self.db().conn(), username)?.filter(|s| !s.is_system);
        let Some(row) = found else {
            burn_verification(password.expose_secret(), policy.cost);
            let shown: String = username.chars().take(64).collect();
            self.write(&Actor::system(), LOGIN, |tx| {
                tx.audit_failure(
                    LOGIN.action,
                    "staff",
                    &"-",
                    json!({ "username": shown, "reason": "unknown user" }),
                );
                Ok(())
            })?;
            return Err(LoginError::Invalid);
        };
        if let Some(until) = row.locked_until.as_deref().and_then(parse_time).filter(|u| *u > now) {
            self.record_login_failure(&row, "locked", false)?;
            return Err(LoginError::Locked { until: until.format("%Y-%m-%d %H:%M").to_string() });
        }
        let ok = row
            .password_hash
            .as_deref()
            .is_some_and(|h| verify_password(password.expose_secret(), h));
        if !ok {
            return Err(self.record_login_failure(&row, "wrong password", true)?);
        }
        if !row.active {
            self.record_login_failure(&row, "disabled", false)?;
            return Err(LoginError::Disabled);
        }
        if let Some(secret) = &row.totp_secret {
            let Some(code) = totp else {
                return Err(LoginError::TotpRequired);
            };
            let unix = u64::try_from(now.timestamp()).unwrap_or(0);
            let step =
                totp_step(secret, code, unix).map_err(|e| ServiceError::Refused(e.to_string()))?;
            let fresh = step
                .and_then(|s| i64::try_from(s).ok())
                .filter(|s| row.totp_last_step.is_none_or(|last| *s > last));
            let Some(step) = fresh else {
                return Err(
                    match self.record_login_failure(&row, "wrong second-factor code", true)? {
                        locked @ LoginError::Locked { .. } => locked,
                        _ => LoginError::TotpInvalid,
                    },
                );
            };
            self.write(&Actor::system(), LOGIN, |tx| {
                tx.conn().execute(
                    "UPDATE staff SET totp_last_step = ?2 WHERE id = ?1",
                    params![row.id, step],
                )?;
                Ok(())
            })?;
        }
        if row.password_hash.as_deref().is_some_and(|h| needs_rehash(h, policy.cost)) {
            let hash =
                hash_password(password.expose_secret(), policy.cost).map_err(ServiceError::from)?;
            let actor = actor_of(self.db().conn(), &row)?;
            self.write(&actor, LOGIN, |tx| {
                tx.conn().execute(
                    "UPDATE staff SET password_hash = ?2 WHERE id = ?1",
                    params![row.id, hash],
                )?;
                tx.audit(
                    "auth.rehash",
                    "staff",
                    &row.id,
                    Changes::new().secret("password_hash").into_value(),
                );
                Ok(())
            })?;
        }
        Ok(row)
    }

    /// Counts a failure (when `counts`) and locks the account at the threshold.
    fn record_login_failure(
        &mut self,
        row: &StaffRow,
        reason: &str,
        counts: bool,
    ) -> Result<LoginError, ServiceError> {
        let policy = self.policy()?;
        let actor = actor_of(self.db().conn(), row)?;
        let now = self.now();
        self.write(&actor, LOGIN, |tx| {
            let mut locked = None;
            if counts {
                tx.conn().execute(
                    "UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?1",
                    [row.id],
                )?;
                let failures: i64 = tx.conn().query_row(
                    "SELECT failed_logins FROM staff WHERE id = ?1",
                    [row.id],
                    |r| r.get(0),
                )?;
                if failures >= policy.lockout_threshold {
                    let until = now + Duration::minutes(policy.lockout_minutes);
                    tx.conn().execute(
                        "UPDATE staff SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
                        params![row.id, now_text(until)],
                    )?;
                    locked = Some(until);
                }
            }
            let mut detail = json!({ "reason": reason });
            if let Some(until) = locked {
                detail["locked_until"] = json!(now_text(until));
            }
            tx.audit_failure(LOGIN.action, "staff", &row.id, detail);
            Ok(match locked {
                Some(until) => {
                    LoginError::Locked { until: until.format("%Y-%m-%d %H:%M").to_string() }
                }
                None => LoginError::Invalid,
            })
        })
    }

    fn open_session(&mut self, row: &StaffRow) -> Result<Login, LoginError> {
        let policy = self.policy()?;
        let now = self.now();
        let actor = actor_of(self.db().conn(), row)?;
        let expired = row
            .password_changed_at
            .as_deref()
            .and_then(parse_time)
            .is_none_or(|t| t + Duration::days(policy.max_age_days) <= now);
        let must_change_password = row.must_change_password || expired;
        let must_enrol_totp =
            policy.totp_required_privileged && actor.is_privileged() && row.totp_secret.is_none();
        let origin = self.origin().to_owned();
        let session_id = self.write(&actor, LOGIN, |tx| {
            let t = tx.now_text();
            tx.conn().execute(
                "UPDATE staff SET failed_logins = 0, locked_until = NULL,
                        previous_login_at = last_login_at, last_login_at = ?2 WHERE id = ?1",
                params![row.id, t],
            )?;
            tx.conn().execute(
                "INSERT INTO sessions (staff_id, origin, started_at, last_active_at) VALUES (?1, ?2, ?3, ?3)",
                params![row.id, origin, t],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(LOGIN.action, "session", &id, json!({ "password_change_required": must_change_password }));
            Ok(id)
        })?;
        Ok(Login { actor, session_id, must_change_password, must_enrol_totp })
    }

    /// Ends a session (log out, or the command finished).
    pub fn logout(
        &mut self,
        actor: &Actor,
        session_id: i64,
        reason: &str,
    ) -> Result<(), ServiceError> {
        self.write(actor, LOGOUT, |tx| {
            let n = tx.conn().execute(
                "UPDATE sessions SET ended_at = ?2, last_active_at = ?2, end_reason = ?3
                 WHERE id = ?1 AND staff_id = ?4 AND ended_at IS NULL",
                params![session_id, tx.now_text(), reason, actor.id],
            )?;
            tx.audit(
                LOGOUT.action,
                "session",
                &session_id,
                json!({ "reason": reason, "ended": n == 1 }),
            );
            Ok(())
        })
    }

    /// The open sessions (who, where, since, last activity): for the system administrator and
    /// audit staff. The count is the concurrent-users indicator.
    pub fn open_sessions(&self, actor: &Actor) -> Result<Vec<staff::SessionRow>, ServiceError> {
        let may = actor.is_system
            || actor.role == Some(crate::domain::access::Role::SystemAdmin)
            || actor.level(crate::domain::access::Module::Audit)
                >= crate::domain::access::Level::Ordinary;
        if !may {
            return Err(ServiceError::Forbidden { action: "session.list", need: END_SESSION.need });
        }
        Ok(staff::open_sessions(self.db().conn())?)
    }

    /// An administrator ends someone's session; that console locks out at its next check.
    pub fn end_session(&mut self, actor: &Actor, session_id: i64) -> Result<(), ServiceError> {
        self.write(actor, END_SESSION, |tx| {
            let n = tx.conn().execute(
                "UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
                params![session_id, tx.now_text(), format!("ended by {}", actor.username)],
            )?;
            if n == 0 {
                return Err(ServiceError::NotFound(format!("no open session {session_id}")));
            }
            tx.audit(END_SESSION.action, "session", &session_id, json!({}));
            Ok(())
        })
    }

    /// Changes one's own password: the old one (and the TOTP code if enrolled), then a new one
    /// that meets the rules and is not one of the last few.
    pub fn change_password(
        &mut self,
        username: &str,
        old: &SecretString,
        totp: Option<&str>,
        new: &SecretString,
    ) -> Result<(), LoginError> {
        let row = self.check_credentials(username, old, totp)?;
        let policy = self.policy()?;
        if old.expose_secret() == new.expose_secret() {
            return Err(ServiceError::Invalid {
                field: "new password",
                problem: "is the same as the old one".into(),
            }
            .into());
        }
        check_new_password(
            self.db().conn(),
            Some(row.id),
            &row.username,
            new.expose_secret(),
            &policy,
        )?;
        let hash = hash_password(new.expose_secret(), policy.cost).map_err(ServiceError::from)?;
        let actor = actor_of(self.db().conn(), &row)?;
        self.write(&actor, PASSWD, |tx| {
            staff::set_password(tx.conn(), row.id, &hash, false, &tx.now_text())?;
            tx.audit(
                PASSWD.action,
                "staff",
                &row.id,
                Changes::new().secret("password").into_value(),
            );
            Ok(())
        })?;
        Ok(())
    }

    /// Re-authentication before a sensitive action: password (and TOTP if enrolled) again.
    pub fn step_up(
        &mut self,
        actor: &Actor,
        password: &SecretString,
        totp: Option<&str>,
    ) -> Result<StepUp, LoginError> {
        let row = self.check_credentials(&actor.username, password, totp)?;
        if row.id != actor.id {
            return Err(LoginError::Invalid);
        }
        let at = self.now();
        self.write(actor, STEP_UP, |tx| {
            tx.audit(STEP_UP.action, "staff", &actor.id, json!({}));
            Ok(())
        })?;
        Ok(StepUp { staff_id: actor.id, at })
    }
}

impl StepUp {
    /// Whether this proof is the actor's and still fresh at `now`.
    pub(crate) fn check(&self, actor: &Actor, now: DateTime<Utc>) -> Result<(), ServiceError> {
        let proof = self;
        let age = now - proof.at;
        if proof.staff_id != actor.id || age > STEP_UP_VALIDITY || age < Duration::zero() {
            return Err(ServiceError::Refused("give your password again for this action".into()));
        }
        Ok(())
    }
}

impl Service {
    /// Confirms TOTP enrolment: the secret shown to the user and a first code from his app.
    /// Replacing an enrolled secret needs a fresh step-up.
    pub fn enrol_totp(
        &mut self,
        actor: &Actor,
        secret: &str,
        code: &str,
        proof: Option<&StepUp>,
    ) -> Result<(), ServiceError> {
        let unix = u64::try_from(self.now().timestamp()).unwrap_or(0);
        let step = totp_step(secret, code, unix)
            .map_err(|e| ServiceError::Invalid { field: "secret", problem: e.to_string() })?;
        let Some(step) = step.and_then(|s| i64::try_from(s).ok()) else {
            return Err(ServiceError::Invalid {
                field: "code",
                problem: "does not match the secret".into(),
            });
        };
        self.write(actor, TOTP_ENROL, |tx| {
            let enrolled: bool = tx.conn().query_row(
                "SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?1",
                [actor.id],
                |r| r.get(0),
            )?;
            if enrolled {
                match proof {
                    Some(p) => p.check(actor, tx.now())?,
                    None => {
                        return Err(ServiceError::Refused(
                            "give your password again to replace the second factor".into(),
                        ));
                    }
                }
            }
            tx.conn().execute(
                "UPDATE staff SET totp_secret = ?2, totp_last_step = ?3 WHERE id = ?1",
                params![actor.id, secret, step],
            )?;
            tx.audit(
                TOTP_ENROL.action,
                "staff",
                &actor.id,
                Changes::new().secret("totp_secret").into_value(),
            );
            Ok(())
        })
    }

    /// Flags one's own profile or permissions as wrong (§3.2.2): the system administrators get
    /// a notification.
    pub fn flag_profile(&mut self, actor: &Actor, message: &str) -> Result<i64, ServiceError> {
        let text = message.trim();
        if text.is_empty() {
            return Err(ServiceError::Invalid { field: "message", problem: "is empty".into() });
        }
        self.write(actor, FLAG, |tx| {
            tx.conn().execute(
                "INSERT INTO notifications (recipient, kind, body, from_staff, created_at)
                 VALUES ('role:system_admin', 'profile_flag', ?1, ?2, ?3)",
                params![text, actor.id, tx.now_text()],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(FLAG.action, "notification", &id, json!({ "message": text }));
            Ok(id)
        })
    }

    /// Unlocks a locked console. The same user resumes; another user's login ends the first
    /// session and starts his own.
    pub fn unlock_console(
        &mut self,
        current: &Login,
        username: &str,
        password: &SecretString,
        totp: Option<&str>,
    ) -> Result<Unlock, LoginError> {
        let row = self.check_credentials(username, password, totp)?;
        if row.id == current.actor.id {
            if !staff::session_open(self.db().conn(), current.session_id)? {
                return Err(
                    ServiceError::Refused("this session was ended; log in again".into()).into()
                );
            }
            self.write(&current.actor, UNLOCK, |tx| {
                tx.conn().execute(
                    "UPDATE sessions SET last_active_at = ?2 WHERE id = ?1",
                    params![current.session_id, tx.now_text()],
                )?;
                tx.audit(UNLOCK.action, "session", &current.session_id, json!({}));
                Ok(())
            })?;
            return Ok(Unlock::Resumed);
        }
        self.logout(
            &current.actor,
            current.session_id,
            &format!("console taken over by {}", row.username),
        )?;
        Ok(Unlock::Replaced(Box::new(self.open_session(&row)?)))
    }
}
