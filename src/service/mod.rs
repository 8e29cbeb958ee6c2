//! The service layer: every write goes through [`Service::write`], which takes the writers'
//! lock, checks the actor's permission, runs the change in one IMMEDIATE transaction and
//! appends its audit records to the hash chain in that same transaction. A refusal for want of
//! permission changes nothing and is itself recorded as an overreach attempt.

pub mod access;
pub mod changes;
pub mod demo;
pub mod identity;
pub mod import;
pub mod ledger;
pub mod lending;
pub mod platform;
pub mod queries;
pub mod settings;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::OptionalExtension;
use serde_json::{Value, json};

use crate::domain::ledger::EntryError;
use crate::store::audit::{self, Outcome, Record};
use crate::store::ledger::PostError;
use crate::store::write_lock::WriteLock;
use crate::store::{Db, StoreError};
pub use access::{Actor, Level, Module, Need, Op};

/// How long a writer waits for another to finish.
const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// Errors of the service layer, each worded for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("permission missing: {action} needs {need}")]
    Forbidden { action: &'static str, need: Need },
    #[error("{field}: {problem}")]
    Invalid { field: &'static str, problem: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Post(#[from] PostError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ServiceError {
    fn from(e: rusqlite::Error) -> Self {
        ServiceError::Store(StoreError::Sqlite(e))
    }
}

impl From<crate::domain::credentials::HashError> for ServiceError {
    fn from(e: crate::domain::credentials::HashError) -> Self {
        ServiceError::Refused(e.to_string())
    }
}

impl From<EntryError> for ServiceError {
    fn from(e: EntryError) -> Self {
        ServiceError::Post(PostError::Entry(e))
    }
}

impl ServiceError {
    /// Whether the error comes from what the user typed (exit status 2) rather than a refusal
    /// or a failure (exit status 1).
    #[must_use]
    pub const fn is_bad_input(&self) -> bool {
        matches!(self, ServiceError::Invalid { .. })
    }
}

/// The wall clock, replaceable in tests. Business dates never come from here.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock moved by hand, for tests of lockouts, expiry and step-up.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    #[must_use]
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(start))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A handle on one database for one process.
pub struct Service {
    db: Db,
    origin: String,
    clock: Arc<dyn Clock>,
}

/// An audit record waiting for its transaction to commit.
#[derive(Clone, Debug)]
pub struct AuditNote {
    pub outcome: Outcome,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: Value,
}

/// The open write transaction handed to a change.
pub struct Tx<'a> {
    inner: rusqlite::Transaction<'a>,
    actor: &'a Actor,
    now: DateTime<Utc>,
    notes: Vec<AuditNote>,
}

impl Tx<'_> {
    /// The connection inside the transaction.
    #[must_use]
    pub fn conn(&self) -> &rusqlite::Connection {
        &self.inner
    }

    #[must_use]
    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// The UTC time of this change.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The UTC time of this change, as stored.
    #[must_use]
    pub fn now_text(&self) -> String {
        self.now.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Adds an audit record for this change. `detail` holds the changed fields with old and new
    /// values; the caller masks sensitive ones before they get here.
    pub fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &dyn std::fmt::Display,
        detail: Value,
    ) {
        self.note(Outcome::Ok, action, entity, entity_id, detail);
    }

    /// Adds an audit record of an attempt that failed but is itself worth keeping (a wrong
    /// password): committed with whatever the change wrote (a failure counter).
    pub fn audit_failure(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &dyn std::fmt::Display,
        detail: Value,
    ) {
        self.note(Outcome::Failed, action, entity, entity_id, detail);
    }

    fn note(
        &mut self,
        outcome: Outcome,
        action: &str,
        entity: &str,
        entity_id: &dyn std::fmt::Display,
        detail: Value,
    ) {
        self.notes.push(AuditNote {
            outcome,
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_string(),
            detail,
        });
    }
}

impl Service {
    /// Wraps an open database. `origin` says where this process runs (host and process id).
    #[must_use]
    pub fn new(db: Db) -> Service {
        Service::with_clock(db, Arc::new(SystemClock))
    }

    #[must_use]
    pub fn with_clock(db: Db, clock: Arc<dyn Clock>) -> Service {
        Service { db, origin: origin(), clock }
    }

    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        self.db.path()
    }

    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Where this process runs, as recorded in audit records and sessions.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Runs one change: permission check, transaction, audit records, commit, head file.
    pub fn write<T>(
        &mut self,
        actor: &Actor,
        op: Op,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        self.write_on(actor, op, ("-", "-".to_owned()), change)
    }

    /// Like [`Service::write`] for a change to one record: a refusal names it in the audit
    /// trail (`entity` and its id), so an auditor sees what the attempt was aimed at.
    pub fn write_on<T>(
        &mut self,
        actor: &Actor,
        op: Op,
        subject: (&str, String),
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let _lock = WriteLock::acquire(self.db.path(), LOCK_TIMEOUT)?;
        let now = self.clock.now();
        if !actor.meets(op.need) {
            self.record_refusal(actor, op, subject, now)?;
            tracing::warn!(actor = %actor.username, action = op.action, "permission refused");
            return Err(ServiceError::Forbidden { action: op.action, need: op.need });
        }
        let path = self.db.path().to_path_buf();
        let origin = self.origin.clone();
        let tx = self.db.conn_mut().transaction()?;
        let mut ctx = Tx { inner: tx, actor, now, notes: Vec::new() };
        // A login records its own outcome for a disabled account; everything else refuses.
        if !actor.is_system && op.action != "auth.login" {
            let active: Option<String> = ctx
                .inner
                .query_row("SELECT status FROM staff WHERE id = ?1", [actor.id], |r| r.get(0))
                .optional()?;
            if active.as_deref() != Some("active") {
                return Err(ServiceError::Refused(format!(
                    "the account {} is disabled: log in again",
                    actor.username
                )));
            }
        }
        let value = match change(&mut ctx) {
            Ok(v) => v,
            Err(ServiceError::Forbidden { action, need }) => {
                // A rule checked inside the change (a department head, maker ≠ checker) refused:
                // nothing of the change is kept, the attempt is.
                drop(ctx);
                self.record_refusal(actor, Op { action, need }, subject, now)?;
                tracing::warn!(actor = %actor.username, action, "permission refused");
                return Err(ServiceError::Forbidden { action, need });
            }
            Err(e) => return Err(e),
        };
        if ctx.notes.is_empty() {
            ctx.audit(op.action, "-", &"-", json!({}));
        }
        let at = ctx.now_text();
        // Judged before this change's records are added: the head must match the trail as it
        // stood, or be missing from an empty one.
        let head_ok = head_trusted(&ctx.inner, &path);
        let mut tip = None;
        for note in std::mem::take(&mut ctx.notes) {
            let rec = record(actor, &at, &origin, note);
            tip = Some(audit::append(&ctx.inner, rec)?);
        }
        ctx.inner.commit()?;
        if let (Some((seq, hash)), true) = (tip, head_ok) {
            publish_head(&path, seq, &hash);
        }
        Ok(value)
    }

    /// Runs a change for a dry run: permission checked, everything computed, then rolled back.
    /// Nothing is written, not even an audit record.
    pub fn simulate<T>(
        &mut self,
        actor: &Actor,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let now = self.clock.now();
        let tx = self.db.conn_mut().transaction()?;
        let mut ctx = Tx { inner: tx, actor, now, notes: Vec::new() };
        let value = change(&mut ctx)?;
        ctx.inner.rollback()?;
        Ok(value)
    }

    /// Records an overreach attempt in its own transaction: the refused change wrote nothing.
    fn record_refusal(
        &mut self,
        actor: &Actor,
        op: Op,
        subject: (&str, String),
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
        let note = AuditNote {
            outcome: Outcome::Refused,
            action: op.action.to_owned(),
            entity: subject.0.to_owned(),
            entity_id: subject.1,
            detail: json!({ "missing": op.need.to_string() }),
        };
        let rec = record(actor, &at, &self.origin, note);
        let path = self.db.path().to_path_buf();
        let tx = self.db.conn_mut().transaction()?;
        let head_ok = head_trusted(&tx, &path);
        let (seq, hash) = audit::append(&tx, rec)?;
        tx.commit()?;
        if head_ok {
            publish_head(&path, seq, &hash);
        }
        Ok(())
    }

    /// Writes a new head file naming the newest record, after the chain has been verified
    /// intact: for an operator re-establishing a head that was lost. Audited.
    pub fn reset_audit_head(&mut self, actor: &Actor) -> Result<audit::Verification, ServiceError> {
        let op = Op { action: "audit.reset_head", need: Need::Role(access::Role::SecurityAdmin) };
        let v = audit::verify(self.db.conn(), &audit::Head::Missing)?;
        if let Some(seq) = v.first_broken {
            return Err(ServiceError::Refused(format!(
                "the audit chain is broken at record {seq}"
            )));
        }
        self.write(actor, op, |tx| {
            tx.audit(op.action, "audit_head", &"-", json!({ "records": v.records }));
            Ok(())
        })?;
        let path = self.db.path().to_path_buf();
        let _lock = WriteLock::acquire(&path, LOCK_TIMEOUT)?;
        let (seq, hash) = audit::tip(self.db.conn())?;
        audit::write_head(&path, seq, &hash)?;
        Ok(audit::verify(self.db.conn(), &audit::read_head(&path)?)?)
    }

    /// Checks the audit chain and its head file. The walk runs without the writers' lock (it
    /// reads one snapshot); only reading the head and mending a head left behind by a crash
    /// take the lock, so writers are not held up by a long walk.
    pub fn verify_audit(&self) -> Result<audit::Verification, ServiceError> {
        let path = self.db.path();
        let head = {
            let _lock = WriteLock::acquire(path, LOCK_TIMEOUT)?;
            audit::read_head(path)?
        };
        let v = audit::verify(self.db.conn(), &head)?;
        if matches!(v.head, audit::HeadCheck::Behind { .. }) && v.first_broken.is_none() {
            let _lock = WriteLock::acquire(path, LOCK_TIMEOUT)?;
            // Mend only if no writer moved the head meanwhile.
            if audit::read_head(path)? == head {
                let (seq, hash) = audit::tip(self.db.conn())?;
                audit::write_head(path, seq, &hash)?;
            }
        }
        Ok(v)
    }
}

fn record(actor: &Actor, at: &str, origin: &str, note: AuditNote) -> Record {
    Record {
        seq: 0,
        at: at.to_owned(),
        actor_id: actor.id,
        actor: actor.username.clone(),
        action: note.action,
        entity: note.entity,
        entity_id: note.entity_id,
        outcome: note.outcome.code().to_owned(),
        origin: origin.to_owned(),
        detail: note.detail.to_string(),
    }
}

/// Whether the head file may be moved forward by this writer: only a head consistent with
/// the table is. One that names a missing record or another hash is evidence of tampering and
/// is left as it is for `audit verify` to report.
fn head_trusted(conn: &rusqlite::Connection, path: &Path) -> bool {
    let consistent = audit::read_head(path)
        .and_then(|head| audit::head_consistent(conn, &head))
        .unwrap_or(false);
    if !consistent {
        tracing::error!("audit head file disagrees with the audit trail; left unchanged");
    }
    consistent
}

/// Writes the head file after a commit. A failure here loses nothing: the head is merely
/// behind, which `audit verify` reports and mends.
fn publish_head(db: &Path, seq: i64, hash: &str) {
    if let Err(e) = audit::write_head(db, seq, hash) {
        tracing::warn!(error = %e, "audit head file not updated");
    }
}

/// Host, process id and, over SSH, the client address.
fn origin() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown-host".into());
    let mut s = format!("{host} pid {}", std::process::id());
    if let Some(ssh) = std::env::var("SSH_CLIENT")
        .ok()
        .and_then(|v| v.split_whitespace().next().map(str::to_owned))
    {
        s.push_str(" ssh ");
        s.push_str(&ssh);
    }
    s
}
