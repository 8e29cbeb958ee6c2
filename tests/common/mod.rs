//! Fixtures shared by the identity and permission tests: a platform on a hand-moved clock with
//! its first system administrator, accounts created at bootstrap, and readers of the audit
//! trail. Each test binary uses only part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use p2pdesk::domain::access::Role;
use p2pdesk::service::identity::{Login, LoginError, NewAccount, StepUp};
use p2pdesk::service::{Actor, Level, ManualClock, Module, Service, ServiceError};
use p2pdesk::store::Db;
use secrecy::{ExposeSecret, SecretString};
use tempfile::TempDir;

/// The first system administrator's password.
pub const ROOT_PASSWORD: &str = "Harbour-lamp-47";

/// The platform's business date at creation.
pub fn business_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
}

/// The wall clock at the start of every test: the same calendar day in UTC and in Shanghai.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).unwrap()
}

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// Opens a database with the shared hand-moved clock (also what a restart does).
pub fn open(path: &Path, clock: &Arc<ManualClock>) -> Service {
    Service::with_clock(Db::open(path).unwrap(), clock.clone())
}

/// An application for an account.
pub fn account(
    username: &str,
    department: &str,
    levels: &[(Module, Level)],
    is_head: bool,
) -> NewAccount {
    NewAccount {
        username: username.to_owned(),
        display_name: format!("Staff {username}"),
        department: department.to_owned(),
        duties: format!("duties of {username}"),
        levels: levels.iter().copied().collect::<BTreeMap<_, _>>(),
        is_head,
    }
}

/// An account and the password it currently has.
#[derive(Clone, Debug)]
pub struct Staff {
    pub actor: Actor,
    pub password: String,
}

impl Staff {
    pub fn id(&self) -> i64 {
        self.actor.id
    }

    pub fn name(&self) -> &str {
        &self.actor.username
    }
}

/// A platform in a temporary directory with its first system administrator.
pub struct Env {
    pub dir: TempDir,
    pub path: PathBuf,
    pub clock: Arc<ManualClock>,
    pub svc: Service,
    pub root: Staff,
    /// Every password handed out or chosen in the test, to look for in the audit trail.
    pub secrets: Vec<String>,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        drop(Service::init(&path, business_date(), "Asia/Shanghai").unwrap());
        let clock = Arc::new(ManualClock::new(t0()));
        let mut svc = open(&path, &clock);
        let id = svc.bootstrap_admin("root", "Root", &secret(ROOT_PASSWORD)).unwrap();
        let root = Staff { actor: svc.actor(id).unwrap(), password: ROOT_PASSWORD.to_owned() };
        Env { dir, path, clock, svc, root, secrets: vec![ROOT_PASSWORD.to_owned()] }
    }

    /// A new process on the same database.
    pub fn restart(&mut self) {
        self.svc = open(&self.path, &self.clock);
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        self.svc.now()
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    /// Creates an account directly (bootstrap, by root) and returns it with its one-time
    /// password.
    pub fn create(&mut self, a: &NewAccount) -> Staff {
        let created = match self.svc.create_account_bootstrap(&self.root.actor, a) {
            Ok(c) => c,
            Err(e) => panic!("creating {}: {e}", a.username),
        };
        let password = created.initial_password.expose_secret().to_owned();
        self.secrets.push(password.clone());
        Staff { actor: self.svc.actor(created.staff_id).unwrap(), password }
    }

    /// Reloads an account's permissions after a change.
    pub fn reload(&self, s: &Staff) -> Staff {
        Staff { actor: self.svc.actor(s.id()).unwrap(), password: s.password.clone() }
    }

    pub fn step_up(&mut self, s: &Staff) -> StepUp {
        self.svc.step_up(&s.actor, &secret(&s.password), None).unwrap()
    }

    /// Grants a role; `by` re-authenticates first.
    pub fn grant(&mut self, by: &Staff, to: &Staff, role: Role) -> Staff {
        let proof = self.step_up(by);
        self.svc.grant_role(&by.actor, &proof, to.id(), role).unwrap();
        self.reload(to)
    }

    pub fn login(&mut self, s: &Staff) -> Result<Login, LoginError> {
        self.svc.login(s.name(), &secret(&s.password), None)
    }

    /// Changes an account's password and remembers the new one.
    pub fn change_password(&mut self, s: &mut Staff, new: &str) -> Result<(), LoginError> {
        self.svc.change_password(s.name(), &secret(&s.password), None, &secret(new))?;
        new.clone_into(&mut s.password);
        self.secrets.push(new.to_owned());
        Ok(())
    }

    pub fn count(&self, table: &str) -> i64 {
        count(&self.svc, table)
    }

    /// Ends a test: the audit chain checks out and no password is in any audit record.
    pub fn finish(&self) {
        finish(&self.svc, &self.secrets);
    }
}

pub fn count(svc: &Service, table: &str) -> i64 {
    svc.db().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// One audit record as the tests look at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub outcome: String,
    pub detail: String,
}

/// The audit records after `seq`, oldest first.
pub fn audit_after(svc: &Service, seq: i64) -> Vec<AuditRow> {
    let conn = svc.db().conn();
    let mut stmt = conn
        .prepare(
            "SELECT seq, actor, action, entity, entity_id, outcome, detail FROM audit_log
             WHERE seq > ?1 ORDER BY seq",
        )
        .unwrap();
    stmt.query_map([seq], |r| {
        Ok(AuditRow {
            seq: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            outcome: r.get(5)?,
            detail: r.get(6)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

pub fn audit_all(svc: &Service) -> Vec<AuditRow> {
    audit_after(svc, 0)
}

/// The newest audit sequence number.
pub fn audit_tip(svc: &Service) -> i64 {
    svc.db()
        .conn()
        .query_row("SELECT coalesce(max(seq), 0) FROM audit_log", [], |r| r.get(0))
        .unwrap()
}

/// Whether the trail holds a record of this action, outcome and entity.
pub fn has_audit(
    svc: &Service,
    action: &str,
    outcome: &str,
    entity: &str,
    entity_id: &str,
) -> bool {
    audit_all(svc).iter().any(|r| {
        r.action == action && r.outcome == outcome && r.entity == entity && r.entity_id == entity_id
    })
}

/// The chain verifies and no secret appears in any record's detail.
pub fn finish(svc: &Service, secrets: &[String]) {
    let v = svc.verify_audit().unwrap();
    assert!(v.ok(), "audit chain: {v:?}");
    for row in audit_all(svc) {
        for s in secrets {
            assert!(!row.detail.contains(s.as_str()), "a password is in audit record {row:?}");
            assert!(!row.actor.contains(s.as_str()), "a password is in audit record {row:?}");
        }
    }
}

/// The error of a call expected to fail (for results whose value is not `Debug`).
pub fn error_of<T>(r: Result<T, ServiceError>) -> ServiceError {
    match r {
        Ok(_) => panic!("expected an error, the call succeeded"),
        Err(e) => e,
    }
}

/// Asserts a refusal for want of permission, with the message naming what is missing.
pub fn assert_forbidden(e: &ServiceError, action: &str, need: &str) {
    match e {
        ServiceError::Forbidden { action: a, need: n } => {
            assert_eq!(*a, action, "{e}");
            assert_eq!(n.to_string(), need, "{e}");
            assert_eq!(e.to_string(), format!("permission missing: {action} needs {need}"));
        }
        other => panic!("expected {action} to be forbidden for want of {need}, got {other:?}"),
    }
}

/// A TOTP code at the clock's time.
pub fn code_at(secret_b32: &str, t: DateTime<Utc>) -> String {
    p2pdesk::domain::credentials::totp_code(secret_b32, u64::try_from(t.timestamp()).unwrap())
        .unwrap()
}
