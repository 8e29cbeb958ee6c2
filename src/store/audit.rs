//! The audit trail: an append-only hash chain in `audit_log`, and its newest hash kept outside
//! the table in a head file beside the database, so that deleting the newest records shows.
//!
//! hash(n) = SHA-256(hash(n−1) ‖ "\n" ‖ canonical JSON of record n), with 64 zeros before the
//! first record. Appending happens inside the writer's transaction; the head file is written
//! after the commit while the writers' lock is still held (see `write_lock`).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::StoreError;
use super::write_lock::sibling;

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The outcome of the audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    /// Refused for want of permission: an overreach attempt (越权操作).
    Refused,
    Failed,
}

impl Outcome {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// One record as stored (without its hashes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    pub seq: i64,
    pub at: String,
    pub actor_id: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub outcome: String,
    pub origin: String,
    pub detail: String,
}

impl Record {
    /// The record's hash given the previous one. The canonical form is a JSON array in the
    /// column order, so no field can be moved into another without changing the hash.
    #[must_use]
    pub fn hash(&self, prev_hash: &str) -> String {
        let canonical = serde_json::to_string(&(
            self.seq,
            &self.at,
            self.actor_id,
            &self.actor,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.outcome,
            &self.origin,
            &self.detail,
        ))
        .expect("strings and integers always serialise");
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(b"\n");
        h.update(canonical.as_bytes());
        hex::encode(h.finalize())
    }
}

/// The newest record's sequence number and hash, or (0, GENESIS) for an empty trail.
pub fn tip(conn: &Connection) -> Result<(i64, String), StoreError> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_owned())))
}

/// Appends a record (its `seq` is assigned here) and returns the new tip.
pub fn append(conn: &Connection, mut rec: Record) -> Result<(i64, String), StoreError> {
    let (last, prev) = tip(conn)?;
    rec.seq = last + 1;
    let hash = rec.hash(&prev);
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, outcome,
                                origin, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        rec.seq,
        rec.at,
        rec.actor_id,
        rec.actor,
        rec.action,
        rec.entity,
        rec.entity_id,
        rec.outcome,
        rec.origin,
        rec.detail,
        prev,
        hash
    ])?;
    Ok((rec.seq, hash))
}

/// Where the head file of a database lives.
#[must_use]
pub fn head_path(db: &Path) -> PathBuf {
    sibling(db, "audit-head")
}

/// What the head file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    Missing,
    Malformed,
    At { seq: i64, hash: String },
}

pub fn read_head(db: &Path) -> Result<Head, StoreError> {
    let path = head_path(db);
    match fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Head::Missing),
        Err(source) => Err(StoreError::Io { path, source }),
        Ok(text) => {
            let mut parts = text.split_whitespace();
            let seq = parts.next().and_then(|s| s.parse::<i64>().ok());
            let hash = parts.next().filter(|h| h.len() == 64);
            Ok(match (seq, hash) {
                (Some(seq), Some(hash)) => Head::At { seq, hash: hash.to_owned() },
                _ => Head::Malformed,
            })
        }
    }
}

/// Replaces the head file atomically (write a temporary file, sync, rename).
pub fn write_head(db: &Path, seq: i64, hash: &str) -> Result<(), StoreError> {
    let path = head_path(db);
    let tmp = sibling(db, "audit-head.tmp");
    let io = |source| StoreError::Io { path: path.clone(), source };
    let mut f = fs::File::create(&tmp).map_err(io)?;
    writeln!(f, "{seq} {hash}").map_err(io)?;
    f.sync_all().map_err(io)?;
    fs::rename(&tmp, &path).map_err(io)?;
    Ok(())
}

/// The verdict on the head file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadCheck {
    /// Names the newest record with its hash.
    Matches,
    /// No head file: truncation of the newest records cannot be checked.
    Missing,
    /// The head is older than the table's end (a crash between commit and head write); it has
    /// been brought up to date.
    Behind { head_seq: i64, table_seq: i64 },
    /// The head names a record the table lacks: newest records were deleted.
    Ahead { head_seq: i64, table_seq: i64 },
    /// The head's hash differs from the record it names.
    Differs { seq: i64 },
    /// The head file cannot be read as "SEQ HASH".
    Malformed,
}

impl HeadCheck {
    /// Whether the head shows tampering.
    #[must_use]
    pub const fn is_failure(&self) -> bool {
        matches!(self, HeadCheck::Ahead { .. } | HeadCheck::Differs { .. } | HeadCheck::Malformed)
    }
}

/// Result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub records: i64,
    /// The first sequence number whose record or link does not check out.
    pub first_broken: Option<i64>,
    pub head: HeadCheck,
}

impl Verification {
    #[must_use]
    pub const fn ok(&self) -> bool {
        self.first_broken.is_none() && !self.head.is_failure()
    }
}

/// Walks the whole chain in one read snapshot and judges the given head against it.
pub fn verify(conn: &Connection, head: &Head) -> Result<Verification, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor_id, actor, action, entity, entity_id, outcome, origin, detail,
                prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1_i64;
    let mut records = 0_i64;
    let mut first_broken = None;
    let mut table_seq = 0_i64;
    let mut head_hash_in_table = None;
    let head_seq = match head {
        Head::At { seq, .. } => Some(*seq),
        _ => None,
    };
    while let Some(row) = rows.next()? {
        let rec = Record {
            seq: row.get(0)?,
            at: row.get(1)?,
            actor_id: row.get(2)?,
            actor: row.get(3)?,
            action: row.get(4)?,
            entity: row.get(5)?,
            entity_id: row.get(6)?,
            outcome: row.get(7)?,
            origin: row.get(8)?,
            detail: row.get(9)?,
        };
        let prev: String = row.get(10)?;
        let stored: String = row.get(11)?;
        records += 1;
        if first_broken.is_none()
            && (rec.seq != expected_seq || prev != expected_prev || rec.hash(&prev) != stored)
        {
            first_broken = Some(rec.seq.min(expected_seq));
        }
        if Some(rec.seq) == head_seq {
            head_hash_in_table = Some(stored.clone());
        }
        expected_seq = rec.seq + 1;
        table_seq = rec.seq;
        expected_prev = stored;
    }
    let table_hash = expected_prev;
    let head = match head {
        Head::Missing => HeadCheck::Missing,
        Head::Malformed => HeadCheck::Malformed,
        Head::At { seq, .. } if *seq > table_seq => HeadCheck::Ahead { head_seq: *seq, table_seq },
        Head::At { seq, hash } if *seq == table_seq => {
            if *hash == table_hash {
                HeadCheck::Matches
            } else {
                HeadCheck::Differs { seq: *seq }
            }
        }
        Head::At { seq, hash } => {
            let matches = if *seq == 0 {
                hash == GENESIS
            } else {
                head_hash_in_table.as_deref() == Some(hash.as_str())
            };
            if matches {
                HeadCheck::Behind { head_seq: *seq, table_seq }
            } else {
                HeadCheck::Differs { seq: *seq }
            }
        }
    };
    Ok(Verification { records, first_broken, head })
}

/// Whether a head is consistent with the table's tip: it names a record the table holds with
/// that record's hash (a head behind the tip is fine: a crash after a commit). A writer only
/// moves a consistent head forward, so that a truncation stays visible after later writes.
pub fn head_consistent(conn: &Connection, head: &Head) -> Result<bool, StoreError> {
    Ok(match head {
        // A missing head is created only for an empty trail (a new database): on a trail with
        // records it may hide a truncation, so it stays missing (and `audit verify` warns)
        // until an operator re-establishes it with `audit verify --reset-head`.
        Head::Missing => tip(conn)?.0 == 0,
        Head::Malformed => false,
        Head::At { seq: 0, hash } => hash == GENESIS,
        Head::At { seq, hash } => {
            let stored: Option<String> = conn
                .prepare_cached("SELECT hash FROM audit_log WHERE seq = ?1")?
                .query_row([seq], |r| r.get(0))
                .optional()?;
            stored.as_deref() == Some(hash.as_str())
        }
    })
}
