//! What waits for a member of staff, by his levels: the home screen's work queue.

use rusqlite::Connection;

use crate::domain::access::{Level, Module};
use crate::service::{Actor, Service, ServiceError};

/// A kind of work waiting, with how many items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// Submitted projects to review (risk, advanced), leaving out his own submissions.
    Review(u64),
    /// Disbursement proposals to execute (finance, advanced), leaving out his own proposals.
    Execute(u64),
    /// Approved projects to publish (business).
    Publish(u64),
    /// Fully subscribed projects to propose for disbursement (business).
    Propose(u64),
    /// Overdue loans (finance).
    Overdue(u64),
    /// Account requests of his department waiting for his decision (department heads).
    Decide(u64),
    /// Account requests waiting for a department head (HR follows them).
    Pending(u64),
    /// Approved account requests whose accounts are still to be created (HR).
    Create(u64),
}

fn count(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<u64, ServiceError> {
    let n: i64 = conn.prepare_cached(sql)?.query_row(p, |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

impl Service {
    /// The actor's work queue: only kinds he may act on, only those with something waiting.
    pub fn work_queue(&self, actor: &Actor) -> Result<Vec<Work>, ServiceError> {
        let conn = self.db().conn();
        let mut out = Vec::new();
        let mut add = |w: fn(u64) -> Work, n: u64| {
            if n > 0 {
                out.push(w(n));
            }
        };
        if actor.level(Module::Risk) >= Level::Advanced {
            let n = count(
                conn,
                "SELECT count(*) FROM projects
                 WHERE status = 'submitted' AND coalesce(submitted_by, -1) <> ?1",
                [actor.id],
            )?;
            add(Work::Review, n);
        }
        if actor.level(Module::Finance) >= Level::Advanced {
            let n = count(
                conn,
                "SELECT count(*) FROM projects
                 WHERE status = 'proposed' AND coalesce(proposed_by, -1) <> ?1",
                [actor.id],
            )?;
            add(Work::Execute, n);
        }
        if actor.level(Module::Business) >= Level::Ordinary {
            let sql = "SELECT count(*) FROM projects WHERE status = ?1";
            add(Work::Publish, count(conn, sql, ["approved"])?);
            add(Work::Propose, count(conn, sql, ["full"])?);
        }
        if actor.level(Module::Finance) >= Level::Ordinary {
            let n = count(conn, "SELECT count(*) FROM loans WHERE state = 'overdue'", [])?;
            add(Work::Overdue, n);
        }
        if actor.is_head {
            let n = count(
                conn,
                "SELECT count(*) FROM account_requests
                 WHERE status = 'pending' AND department = ?1 AND filed_by <> ?2",
                rusqlite::params![actor.department, actor.id],
            )?;
            add(Work::Decide, n);
        }
        if actor.level(Module::Hr) >= Level::Ordinary {
            let sql = "SELECT count(*) FROM account_requests WHERE status = ?1";
            add(Work::Pending, count(conn, sql, ["pending"])?);
            add(Work::Create, count(conn, sql, ["approved"])?);
        }
        Ok(out)
    }
}
