//! Loans by id, filtered by state, and one loan in full: its schedule with what was paid, its
//! holders, the postings on its accounts and its audit history.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::audit::{AuditRow, audit_row};
use super::keyset::{self, List};
use super::{Page, Seek, may_read_lending};
use crate::domain::Money;
use crate::domain::lending::bucket;
use crate::service::{Actor, Service, ServiceError};

/// The most periods, holders, postings or audit records a loan's detail carries: far above
/// any real loan (360 periods), a bound against a damaged book.
const DETAIL_ROWS: i64 = 2_000;

/// A loan as a list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanRow {
    pub id: i64,
    pub borrower_id: i64,
    pub borrower_name: String,
    pub amount: Money,
    /// Principal still owed.
    pub outstanding: Money,
    /// Annual percent as stored.
    pub rate: String,
    pub term_months: u32,
    pub method: String,
    /// `current`, `overdue`, `settled`, `written_off`.
    pub state: String,
    pub days_past_due: i64,
    /// Delinquency bucket (`current`, `M1` … `M3+`) of an open loan; `-` for a closed one.
    pub bucket: &'static str,
    pub value_date: String,
    pub risk_grade: Option<String>,
}

impl LoanRow {
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.state == "current" || self.state == "overdue"
    }
}

/// One period of a loan's schedule with what was paid of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodRow {
    pub period: u32,
    pub due_date: String,
    pub principal: Money,
    pub interest: Money,
    /// Penalty interest charged so far.
    pub penalty: Money,
    pub paid_principal: Money,
    pub paid_interest: Money,
    pub paid_penalty: Money,
    /// The business date it was paid in full.
    pub paid_on: Option<String>,
}

impl PeriodRow {
    /// Everything the period asks for: principal, interest and penalty.
    #[must_use]
    pub fn due(&self) -> Money {
        Money::from_fen(self.principal.fen() + self.interest.fen() + self.penalty.fen())
    }

    /// Everything paid of it.
    #[must_use]
    pub fn paid(&self) -> Money {
        Money::from_fen(
            self.paid_principal.fen() + self.paid_interest.fen() + self.paid_penalty.fen(),
        )
    }
}

/// An investor's claim on a loan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolderRow {
    /// `None`: held on the opening balance of an imported book.
    pub investor_id: Option<i64>,
    pub investor_name: Option<String>,
    /// His share of the original amount.
    pub principal: Money,
    pub outstanding: Money,
}

/// A journal entry touching a loan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostingRow {
    pub entry_id: i64,
    pub business_date: String,
    pub kind: String,
    pub amount: Money,
    pub memo: String,
    pub key: String,
}

/// A loan in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanDetail {
    pub loan: LoanRow,
    pub contract_date: String,
    pub closed_on: Option<String>,
    /// The project it was disbursed from (none for an imported loan).
    pub project_id: Option<i64>,
    /// Money waiting on the borrower's custody account.
    pub on_account: Money,
    pub schedule: Vec<PeriodRow>,
    pub holders: Vec<HolderRow>,
    pub postings: Vec<PostingRow>,
    /// Audit records of the loan, its project and its repayments, oldest first.
    pub history: Vec<AuditRow>,
}

pub(super) const LOANS: &str = "SELECT l.id, l.borrower_id, coalesce(b.name, ''), l.amount_fen,
        l.outstanding_fen, l.rate, l.term_months, l.method, l.state, l.days_past_due,
        l.value_date, l.risk_grade
     FROM loans l LEFT JOIN borrowers b ON b.id = l.borrower_id";

pub(super) fn loan(r: &Row<'_>) -> rusqlite::Result<LoanRow> {
    let state: String = r.get(8)?;
    let dpd: i64 = r.get(9)?;
    let open = state == "current" || state == "overdue";
    Ok(LoanRow {
        id: r.get(0)?,
        borrower_id: r.get(1)?,
        borrower_name: r.get(2)?,
        amount: Money::from_fen(r.get(3)?),
        outstanding: Money::from_fen(r.get(4)?),
        rate: r.get(5)?,
        term_months: r.get(6)?,
        method: r.get(7)?,
        bucket: if open { bucket(dpd) } else { "-" },
        state,
        days_past_due: dpd,
        value_date: r.get(10)?,
        risk_grade: r.get(11)?,
    })
}

impl Service {
    /// A page of loans by id, of one state or all.
    pub fn loans(
        &self,
        actor: &Actor,
        state: Option<&str>,
        seek: Seek,
        n: usize,
    ) -> Result<Page<LoanRow>, ServiceError> {
        may_read_lending(actor, "loan.read")?;
        let mut list =
            List { select: LOANS, key: "l.id", filters: vec![], params: vec![], descending: false };
        if let Some(s) = state {
            list.filters.push("l.state = ?");
            list.params.push(Value::Text(s.to_owned()));
        }
        keyset::page(self.db().conn(), &list, seek, n, loan)
    }

    /// One loan as the list shows it.
    pub fn loan_row(&self, actor: &Actor, id: i64) -> Result<Option<LoanRow>, ServiceError> {
        may_read_lending(actor, "loan.read")?;
        let mut stmt = self.db().conn().prepare_cached(&format!("{LOANS} WHERE l.id = ?1"))?;
        Ok(stmt.query_row([id], loan).optional()?)
    }

    /// One loan in full.
    pub fn loan_detail(&self, actor: &Actor, id: i64) -> Result<LoanDetail, ServiceError> {
        let loan = self
            .loan_row(actor, id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no loan {id}")))?;
        let conn = self.db().conn();
        let (contract_date, closed_on): (String, Option<String>) = conn
            .prepare_cached("SELECT contract_date, closed_on FROM loans WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let project_id: Option<i64> = conn
            .prepare_cached("SELECT id FROM projects WHERE loan_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let on_account: i64 = conn
            .prepare_cached(
                "SELECT coalesce((SELECT balance_fen FROM accounts
                                  WHERE kind = 'repayment:borrower' AND owner_id = ?1), 0)",
            )?
            .query_row([loan.borrower_id], |r| r.get(0))?;
        Ok(LoanDetail {
            schedule: schedule(conn, id)?,
            holders: holders(conn, id)?,
            postings: postings(conn, id)?,
            history: history(conn, id, project_id)?,
            loan,
            contract_date,
            closed_on,
            project_id,
            on_account: Money::from_fen(on_account),
        })
    }
}

fn schedule(conn: &Connection, id: i64) -> Result<Vec<PeriodRow>, ServiceError> {
    let mut stmt = conn.prepare_cached(
        "SELECT period, due_date, principal_fen, interest_fen, penalty_fen, paid_principal_fen,
                paid_interest_fen, paid_penalty_fen, paid_on
         FROM installments WHERE loan_id = ?1 ORDER BY period LIMIT ?2",
    )?;
    let m = |r: &Row<'_>, i: usize| r.get::<_, i64>(i).map(Money::from_fen);
    let rows = stmt.query_map([id, DETAIL_ROWS], |r| {
        Ok(PeriodRow {
            period: r.get(0)?,
            due_date: r.get(1)?,
            principal: m(r, 2)?,
            interest: m(r, 3)?,
            penalty: m(r, 4)?,
            paid_principal: m(r, 5)?,
            paid_interest: m(r, 6)?,
            paid_penalty: m(r, 7)?,
            paid_on: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn holders(conn: &Connection, id: i64) -> Result<Vec<HolderRow>, ServiceError> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.investor_id, i.name, h.principal_fen, h.outstanding_fen
         FROM holdings h LEFT JOIN investors i ON i.id = h.investor_id
         WHERE h.loan_id = ?1 ORDER BY h.id LIMIT ?2",
    )?;
    let rows = stmt.query_map([id, DETAIL_ROWS], |r| {
        Ok(HolderRow {
            investor_id: r.get(0)?,
            investor_name: r.get(1)?,
            principal: Money::from_fen(r.get(2)?),
            outstanding: Money::from_fen(r.get(3)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Entries on the loan's receivable and claims accounts, the bank notices of its repayments,
/// and the applications of its money that paid interest only (they touch no loan account).
fn postings(conn: &Connection, id: i64) -> Result<Vec<PostingRow>, ServiceError> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.business_date, e.kind, e.amount_fen, e.memo, e.idem_key
         FROM journal_entries e
         WHERE e.id IN (
             SELECT jl.entry_id FROM accounts a JOIN journal_lines jl ON jl.account_id = a.id
              WHERE a.kind IN ('receivable:loan', 'claims:loan') AND a.owner_id = ?1
             UNION SELECT r.entry_id FROM repayments r
              WHERE r.loan_id = ?1 AND r.entry_id IS NOT NULL
             UNION SELECT e2.id FROM repayments r JOIN journal_entries e2
                ON e2.idem_key = 'apply:repayment:' || r.id
              WHERE r.loan_id = ?1
             UNION SELECT e3.id FROM journal_entries e3
              WHERE e3.idem_key >= 'apply:' || ?1 || ':' AND e3.idem_key < 'apply:' || ?1 || ';')
         ORDER BY e.id LIMIT ?2",
    )?;
    let rows = stmt.query_map([id, DETAIL_ROWS], |r| {
        Ok(PostingRow {
            entry_id: r.get(0)?,
            business_date: r.get(1)?,
            kind: r.get(2)?,
            amount: Money::from_fen(r.get(3)?),
            memo: r.get(4)?,
            key: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn history(
    conn: &Connection,
    id: i64,
    project: Option<i64>,
) -> Result<Vec<AuditRow>, ServiceError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, action, entity, entity_id, outcome, detail FROM audit_log
         WHERE (entity = 'loan' AND entity_id = ?1)
            OR (entity = 'project' AND entity_id = ?2)
            OR (entity = 'repayment' AND entity_id IN
                  (SELECT CAST(r.id AS TEXT) FROM repayments r WHERE r.loan_id = ?3))
         ORDER BY seq LIMIT ?4",
    )?;
    let project = project.map_or_else(String::new, |p| p.to_string());
    let rows =
        stmt.query_map(rusqlite::params![id.to_string(), project, id, DETAIL_ROWS], audit_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
