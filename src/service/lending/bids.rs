//! Bids at the counter (§3.3.2) and failed raises. A bid freezes the investor's money; the
//! write lock and the IMMEDIATE transaction make two workstations bidding for the last
//! remaining amount at once see each other's bid, so a project is never oversubscribed.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{business_date, date, invalid, money, ops};
use crate::domain::Money;
use crate::domain::ledger::{Account, EntryKind, Line};
use crate::domain::lending::{BidRules, Grade, check_bid};
use crate::service::changes::Changes;
use crate::service::ledger::post_in;
use crate::service::{Actor, Service, ServiceError, Tx};
use crate::store::ledger::Posted;

/// A placed bid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidOutcome {
    pub bid_id: i64,
    /// The bid filled the project.
    pub full: bool,
    /// The same key was used before: nothing new was recorded.
    pub replay: bool,
}

impl Service {
    /// Places a bid for an investor, freezing the amount on his custody account. `key` is made
    /// by the caller before submitting, so a retried submission records once.
    pub fn place_bid(
        &mut self,
        actor: &Actor,
        project_id: i64,
        investor_id: i64,
        amount: Money,
        key: &str,
    ) -> Result<BidOutcome, ServiceError> {
        let op = ops::BID;
        self.write(actor, op, |tx| {
            let key = format!("bid:{}", key.trim());
            if let Some(bid_id) = existing_bid(tx.conn(), &key)? {
                return Ok(BidOutcome { bid_id, full: false, replay: true });
            }
            let p = tx
                .conn()
                .query_row(
                    "SELECT status, amount_fen, raised_fen, min_bid_fen, bid_step_fen, risk_grade, raise_deadline
                     FROM projects WHERE id = ?1",
                    [project_id],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, i64>(3)?,
                            r.get::<_, i64>(4)?,
                            r.get::<_, Option<String>>(5)?,
                            r.get::<_, Option<String>>(6)?,
                        ))
                    },
                )
                .optional()?
                .ok_or_else(|| ServiceError::NotFound(format!("no project {project_id}")))?;
            let (status, total, raised, min_bid, step, grade, deadline) = p;
            if status != "raising" {
                return Err(ServiceError::Refused(format!("project {project_id} is {status}, not raising")));
            }
            let today = business_date(tx.conn())?;
            if let Some(d) = deadline.as_deref()
                && today > date(d)?
            {
                return Err(ServiceError::Refused(format!("the raising period ended on {d}")));
            }
            let tolerance: String = tx
                .conn()
                .query_row("SELECT risk_tolerance FROM investors WHERE id = ?1", [investor_id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| invalid("investor", format!("no investor {investor_id}")))?;
            let tolerance: Grade = tolerance.parse().map_err(|e: String| ServiceError::Refused(e))?;
            let grade: Grade = grade
                .as_deref()
                .unwrap_or("G")
                .parse()
                .map_err(|e: String| ServiceError::Refused(e))?;
            if !tolerance.accepts(grade) {
                return Err(ServiceError::Refused(format!(
                    "the investor's risk tolerance {tolerance} is below the project's grade {grade}"
                )));
            }
            let rules = BidRules { min_bid: money(min_bid), step: money(step), remaining: money(total - raised) };
            check_bid(amount, rules).map_err(|e| invalid("amount", e.to_string()))?;
            let lines = vec![
                Line::debit(Account::InvestorCustody(investor_id), amount),
                Line::credit(Account::InvestorFrozen(investor_id), amount),
            ];
            let posted = post_in(tx, EntryKind::BidFreeze, &key, lines, &format!("bid on project {project_id}"), op.action)
                .map_err(|e| match e {
                    ServiceError::Post(crate::store::ledger::PostError::Insufficient { balance, .. }) => {
                        invalid("amount", format!("is more than the investor's available balance {balance}"))
                    }
                    other => other,
                })?;
            let entry = posted.entry_id();
            if matches!(posted, Posted::AlreadyRecorded(_)) {
                return Err(ServiceError::Refused(format!("key {key} was used for another movement")));
            }
            tx.conn().execute(
                "INSERT INTO bids (project_id, investor_id, amount_fen, freeze_entry, business_date, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![project_id, investor_id, amount.fen(), entry, today.to_string(), tx.now_text(), actor.id],
            )?;
            let bid_id = tx.conn().last_insert_rowid();
            let raised_now = raised + amount.fen();
            tx.conn().execute("UPDATE projects SET raised_fen = ?2 WHERE id = ?1", params![project_id, raised_now])?;
            let full = raised_now == total;
            let mut detail = Changes::new()
                .note("project", project_id)
                .note("investor", investor_id)
                .note("amount", amount.to_string())
                .set("raised", Some(&money(raised).to_string()), Some(&money(raised_now).to_string()));
            if full {
                tx.conn().execute("UPDATE projects SET status = 'full' WHERE id = ?1", [project_id])?;
                detail = detail.set("status", Some("raising"), Some("full"));
            }
            tx.audit(op.action, "bid", &bid_id, detail.into_value());
            Ok(BidOutcome { bid_id, full, replay: false })
        })
    }
}

fn existing_bid(conn: &Connection, key: &str) -> Result<Option<i64>, ServiceError> {
    Ok(conn
        .query_row(
            "SELECT b.id FROM bids b JOIN journal_entries e ON e.id = b.freeze_entry WHERE e.idem_key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

/// The daily job's first step: projects still raising after their deadline fail (流标) and
/// every frozen bid is released. Returns the number of projects failed.
pub(crate) fn fail_raises(tx: &mut Tx<'_>, day: NaiveDate) -> Result<usize, ServiceError> {
    let ids: Vec<i64> = {
        let mut stmt = tx.conn().prepare(
            "SELECT id FROM projects WHERE status = 'raising' AND raise_deadline < ?1 ORDER BY id",
        )?;
        stmt.query_map([day.to_string()], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    for id in &ids {
        let bids: Vec<(i64, i64, i64)> = {
            let mut stmt = tx
                .conn()
                .prepare("SELECT id, investor_id, amount_fen FROM bids WHERE project_id = ?1 AND status = 'frozen' ORDER BY id")?;
            stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?
        };
        for (bid, investor, amount) in bids {
            let lines = vec![
                Line::debit(Account::InvestorFrozen(investor), money(amount)),
                Line::credit(Account::InvestorCustody(investor), money(amount)),
            ];
            post_in(
                tx,
                EntryKind::BidRelease,
                &format!("release:bid:{bid}"),
                lines,
                "failed raise",
                ops::DAILY.action,
            )?;
            tx.conn().execute("UPDATE bids SET status = 'released' WHERE id = ?1", [bid])?;
        }
        tx.conn().execute("UPDATE projects SET status = 'failed' WHERE id = ?1", [id])?;
        tx.audit(
            ops::DAILY.action,
            "project",
            id,
            Changes::new().set("status", Some("raising"), Some("failed")).into_value(),
        );
    }
    Ok(ids.len())
}
