//! Loan projects from draft to publication (§3.3.1): entry, submission, risk review, publication.

use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

use super::{business_date, invalid, money, ops};
use crate::domain::lending::Grade;
use crate::domain::schedule::{self, Installment, LoanTerms, Method, Rounding};
use crate::domain::{Money, Rate};
use crate::service::changes::Changes;
use crate::service::settings::get_lpr;
use crate::service::settings::get_money;
use crate::service::{Actor, Service, ServiceError, Tx};

/// A project as entered by business staff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectDraft {
    pub borrower_id: i64,
    pub title: String,
    pub purpose: String,
    pub amount: Money,
    /// Annual rate, which is also the investors' expected yield.
    pub rate: Rate,
    pub term_months: u32,
    pub method: Method,
    pub min_bid: Money,
    pub bid_step: Money,
    pub raise_days: u32,
    /// Service fee as a percentage of the amount, deducted from the proceeds.
    pub fee_rate: Rate,
}

impl ProjectDraft {
    /// The schedule the project would have if disbursed on `value_date`.
    pub fn schedule(&self, value_date: NaiveDate) -> Result<Vec<Installment>, ServiceError> {
        let terms = LoanTerms {
            amount: self.amount,
            rate: self.rate,
            term_months: self.term_months,
            value_date,
            method: self.method,
            rounding: Rounding::HalfUp,
        };
        schedule::build(&terms).map_err(|e| invalid(e.field(), e.to_string()))
    }

    /// The service fee in money: amount × fee rate, rounded half up to the fen.
    #[must_use]
    pub fn fee(&self) -> Money {
        crate::domain::round_fen(self.amount.to_decimal() * self.fee_rate.annual())
    }
}

/// Checks a draft's own rules, the legal rate cap on `contract_date` and the borrower's cap.
fn check_draft(
    conn: &Connection,
    d: &ProjectDraft,
    contract_date: NaiveDate,
    exclude_project: Option<i64>,
) -> Result<(), ServiceError> {
    if d.title.trim().is_empty() {
        return Err(invalid("title", "is empty"));
    }
    if d.purpose.trim().is_empty() {
        return Err(invalid("purpose", "is empty"));
    }
    d.schedule(contract_date)?;
    if d.min_bid <= Money::ZERO || d.min_bid > d.amount {
        return Err(invalid(
            "min_bid",
            format!("must be more than 0 and at most the amount {}", d.amount),
        ));
    }
    if d.bid_step <= Money::ZERO {
        return Err(invalid("bid_step", "must be more than 0"));
    }
    if !(1..=60).contains(&d.raise_days) {
        return Err(invalid("raise_days", "must be 1 to 60 days"));
    }
    if d.fee_rate.percent() > Decimal::from(20) {
        return Err(invalid("fee_rate", "must be at most 20%"));
    }
    let cap = get_lpr(conn)?.cap_on(contract_date);
    if d.rate > cap {
        return Err(invalid(
            "rate",
            format!("{} is above the legal cap of {cap} in force on {contract_date}", d.rate),
        ));
    }
    let kind: String = conn
        .query_row("SELECT kind FROM borrowers WHERE id = ?1", [d.borrower_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| invalid("borrower", format!("no borrower {}", d.borrower_id)))?;
    let limit = get_money(
        conn,
        if kind == "company" { "lending.company_cap" } else { "lending.person_cap" },
    )?;
    let owed = owed_here(conn, d.borrower_id, exclude_project)?;
    let after = owed.checked_add(d.amount).unwrap_or(Money::from_fen(i64::MAX));
    if after > limit {
        return Err(invalid(
            "amount",
            format!(
                "the borrower would owe {after} on this platform, above the {} cap of {limit} (owes {owed} now)",
                if kind == "company" { "company" } else { "person" }
            ),
        ));
    }
    Ok(())
}

/// What a borrower owes here: outstanding principal of his loans plus projects on their way to
/// disbursement.
pub(crate) fn owed_here(
    conn: &Connection,
    borrower_id: i64,
    exclude_project: Option<i64>,
) -> Result<Money, ServiceError> {
    let loans: i64 = conn.query_row(
        "SELECT coalesce(sum(outstanding_fen), 0) FROM loans
         WHERE borrower_id = ?1 AND state IN ('current', 'overdue')",
        [borrower_id],
        |r| r.get(0),
    )?;
    let projects: i64 = conn.query_row(
        "SELECT coalesce(sum(amount_fen), 0) FROM projects
         WHERE borrower_id = ?1 AND status IN ('draft', 'submitted', 'approved', 'raising', 'full', 'proposed')
           AND id <> coalesce(?2, -1)",
        params![borrower_id, exclude_project],
        |r| r.get(0),
    )?;
    Ok(money(loans + projects))
}

/// The status and creator of a project, or NotFound.
pub(crate) fn status_of(conn: &Connection, id: i64) -> Result<(String, i64), ServiceError> {
    conn.query_row("SELECT status, created_by FROM projects WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(|| ServiceError::NotFound(format!("no project {id}")))
}

fn expect_status(conn: &Connection, id: i64, want: &str) -> Result<(), ServiceError> {
    let (status, _) = status_of(conn, id)?;
    if status != want {
        return Err(ServiceError::Refused(format!("project {id} is {status}, not {want}")));
    }
    Ok(())
}

fn draft_changes(d: &ProjectDraft) -> Changes {
    Changes::new()
        .note("borrower", d.borrower_id)
        .note("title", d.title.trim())
        .note("amount", d.amount.to_string())
        .note("rate", d.rate.percent().to_string())
        .note("term_months", d.term_months)
        .note("method", d.method.code())
        .note("fee_rate", d.fee_rate.percent().to_string())
}

fn set_status(
    tx: &mut Tx<'_>,
    id: i64,
    from: &str,
    to: &str,
    action: &str,
    extra: Changes,
) -> Result<(), ServiceError> {
    tx.conn().execute("UPDATE projects SET status = ?2 WHERE id = ?1", params![id, to])?;
    tx.audit(action, "project", &id, extra.set("status", Some(from), Some(to)).into_value());
    Ok(())
}

impl Service {
    /// Enters a new project as a draft.
    pub fn create_project(&mut self, actor: &Actor, d: &ProjectDraft) -> Result<i64, ServiceError> {
        let op = ops::PROJECT_SAVE;
        self.write(actor, op, |tx| {
            let today = business_date(tx.conn())?;
            check_draft(tx.conn(), d, today, None)?;
            tx.conn().execute(
                "INSERT INTO projects (borrower_id, title, purpose, amount_fen, rate, term_months, method,
                                       min_bid_fen, bid_step_fen, raise_days, fee_rate, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    d.borrower_id,
                    d.title.trim(),
                    d.purpose.trim(),
                    d.amount.fen(),
                    d.rate.percent().to_string(),
                    d.term_months,
                    d.method.code(),
                    d.min_bid.fen(),
                    d.bid_step.fen(),
                    d.raise_days,
                    d.fee_rate.percent().to_string(),
                    actor.id,
                    tx.now_text()
                ],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(op.action, "project", &id, draft_changes(d).set("status", None, Some("draft")).into_value());
            Ok(id)
        })
    }

    /// Changes a draft (a rejected project comes back as a draft).
    pub fn update_project(
        &mut self,
        actor: &Actor,
        id: i64,
        d: &ProjectDraft,
    ) -> Result<(), ServiceError> {
        let op = ops::PROJECT_SAVE;
        self.write_on(actor, op, ("project", id.to_string()), |tx| {
            expect_status(tx.conn(), id, "draft")?;
            let today = business_date(tx.conn())?;
            check_draft(tx.conn(), d, today, Some(id))?;
            tx.conn().execute(
                "UPDATE projects SET borrower_id = ?2, title = ?3, purpose = ?4, amount_fen = ?5, rate = ?6,
                        term_months = ?7, method = ?8, min_bid_fen = ?9, bid_step_fen = ?10,
                        raise_days = ?11, fee_rate = ?12 WHERE id = ?1",
                params![
                    id,
                    d.borrower_id,
                    d.title.trim(),
                    d.purpose.trim(),
                    d.amount.fen(),
                    d.rate.percent().to_string(),
                    d.term_months,
                    d.method.code(),
                    d.min_bid.fen(),
                    d.bid_step.fen(),
                    d.raise_days,
                    d.fee_rate.percent().to_string()
                ],
            )?;
            tx.audit(op.action, "project", &id, draft_changes(d).into_value());
            Ok(())
        })
    }

    /// Draft → submitted for risk review.
    pub fn submit_project(&mut self, actor: &Actor, id: i64) -> Result<(), ServiceError> {
        let op = ops::PROJECT_SUBMIT;
        self.write_on(actor, op, ("project", id.to_string()), |tx| {
            expect_status(tx.conn(), id, "draft")?;
            let d = load_draft(tx.conn(), id)?;
            let today = business_date(tx.conn())?;
            check_draft(tx.conn(), &d, today, Some(id))?;
            tx.conn().execute(
                "UPDATE projects SET submitted_by = ?2 WHERE id = ?1",
                params![id, actor.id],
            )?;
            set_status(tx, id, "draft", "submitted", op.action, Changes::new())
        })
    }

    /// Risk review: approve with a risk grade, or reject with an opinion (back to draft). The
    /// reviewer is never the submitter.
    pub fn review_project(
        &mut self,
        actor: &Actor,
        id: i64,
        approve: bool,
        grade: Option<&str>,
        opinion: &str,
    ) -> Result<(), ServiceError> {
        let op = ops::PROJECT_REVIEW;
        self.write_on(actor, op, ("project", id.to_string()), |tx| {
            expect_status(tx.conn(), id, "submitted")?;
            let submitter: Option<i64> =
                tx.conn().query_row("SELECT submitted_by FROM projects WHERE id = ?1", [id], |r| r.get(0))?;
            if submitter == Some(actor.id) {
                return Err(ServiceError::Refused("the submitter of a project cannot review it".into()));
            }
            let opinion = opinion.trim();
            if approve {
                let grade: Grade = grade
                    .ok_or_else(|| invalid("grade", "is needed to approve"))?
                    .parse()
                    .map_err(|e: String| invalid("grade", e))?;
                tx.conn().execute(
                    "UPDATE projects SET risk_grade = ?2, review_opinion = ?3, reviewed_by = ?4 WHERE id = ?1",
                    params![id, grade.to_string(), opinion, actor.id],
                )?;
                let extra = Changes::new().set("risk_grade", None, Some(&grade.to_string())).note("opinion", opinion);
                set_status(tx, id, "submitted", "approved", op.action, extra)
            } else {
                if opinion.is_empty() {
                    return Err(invalid("opinion", "a rejection needs an opinion"));
                }
                tx.conn().execute(
                    "UPDATE projects SET review_opinion = ?2, submitted_by = NULL, reviewed_by = NULL WHERE id = ?1",
                    params![id, opinion],
                )?;
                set_status(tx, id, "submitted", "draft", op.action, Changes::new().note("opinion", opinion))
            }
        })
    }

    /// Approved → raising: open for bids from today's business date for the raising period.
    pub fn publish_project(&mut self, actor: &Actor, id: i64) -> Result<NaiveDate, ServiceError> {
        let op = ops::PROJECT_PUBLISH;
        self.write_on(actor, op, ("project", id.to_string()), |tx| {
            expect_status(tx.conn(), id, "approved")?;
            let today = business_date(tx.conn())?;
            let d = load_draft(tx.conn(), id)?;
            // The cap is judged again: settings may have changed since the review.
            check_draft(tx.conn(), &d, today, Some(id))?;
            let deadline = today + Duration::days(i64::from(d.raise_days) - 1);
            tx.conn().execute(
                "UPDATE projects SET published_on = ?2, raise_deadline = ?3 WHERE id = ?1",
                params![id, today.to_string(), deadline.to_string()],
            )?;
            let extra = Changes::new().note("raise_deadline", deadline.to_string());
            set_status(tx, id, "approved", "raising", op.action, extra)?;
            Ok(deadline)
        })
    }

    /// A stored project's terms.
    pub fn project_draft(&self, id: i64) -> Result<ProjectDraft, ServiceError> {
        load_draft(self.db().conn(), id)
    }
}

pub(crate) fn load_draft(conn: &Connection, id: i64) -> Result<ProjectDraft, ServiceError> {
    conn.query_row(
        "SELECT borrower_id, title, purpose, amount_fen, rate, term_months, method, min_bid_fen,
                bid_step_fen, raise_days, fee_rate FROM projects WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, u32>(9)?,
                r.get::<_, String>(10)?,
            ))
        },
    )
    .optional()?
    .ok_or_else(|| ServiceError::NotFound(format!("no project {id}")))
    .and_then(
        |(borrower_id, title, purpose, amount, rate, term, method, min_bid, step, days, fee)| {
            let bad = |what: &str| {
                ServiceError::Refused(format!("project {id} holds an unreadable {what}"))
            };
            Ok(ProjectDraft {
                borrower_id,
                title,
                purpose,
                amount: money(amount),
                rate: Rate::parse(&format!("{rate}%")).map_err(|_| bad("rate"))?,
                term_months: term,
                method: method.parse().map_err(|_| bad("method"))?,
                min_bid: money(min_bid),
                bid_step: money(step),
                raise_days: days,
                fee_rate: Rate::parse(&format!("{fee}%")).map_err(|_| bad("fee rate"))?,
            })
        },
    )
}
