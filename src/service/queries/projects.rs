//! Loan projects by id, filtered by status, and a borrower's history for the risk review.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row};

use super::keyset::{self, List};
use super::loans::{LOANS, LoanRow, loan};
use super::{BorrowerRow, Page, Seek, may_read_lending};
use crate::domain::Money;
use crate::service::{Actor, Service, ServiceError};

/// A project with what each step of the workflow recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRow {
    pub id: i64,
    pub borrower_id: i64,
    pub borrower_name: String,
    pub title: String,
    pub purpose: String,
    pub amount: Money,
    /// Annual percent as stored (`12.5`).
    pub rate: String,
    pub term_months: u32,
    /// The method's code (`equal-installment` …).
    pub method: String,
    pub min_bid: Money,
    pub bid_step: Money,
    pub raise_days: u32,
    /// Percent of the amount.
    pub fee_rate: String,
    /// `draft`, `submitted`, `approved`, `raising`, `full`, `failed`, `proposed`, `disbursed`.
    pub status: String,
    pub risk_grade: Option<String>,
    pub review_opinion: String,
    pub raised: Money,
    pub created_by: i64,
    pub submitted_by: Option<i64>,
    /// User name of the submitter.
    pub submitter: Option<String>,
    pub proposed_by: Option<i64>,
    /// User name of the proposer.
    pub proposer: Option<String>,
    pub raise_deadline: Option<String>,
    pub contract_no: Option<String>,
    pub contract_signed_on: Option<String>,
    pub loan_id: Option<i64>,
}

impl ProjectRow {
    /// What is still open for bids.
    #[must_use]
    pub fn remaining(&self) -> Money {
        self.amount.checked_sub(self.raised).unwrap_or(Money::ZERO).max(Money::ZERO)
    }
}

/// A borrower with his latest loans and projects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BorrowerHistory {
    pub borrower: BorrowerRow,
    /// Newest first.
    pub loans: Vec<LoanRow>,
    /// Newest first.
    pub projects: Vec<ProjectRow>,
}

const PROJECTS: &str =
    "SELECT p.id, p.borrower_id, coalesce(b.name, ''), p.title, p.purpose, p.amount_fen,
        p.rate, p.term_months, p.method, p.min_bid_fen, p.bid_step_fen, p.raise_days, p.fee_rate,
        p.status, p.risk_grade, p.review_opinion, p.raised_fen, p.created_by, p.submitted_by,
        sub.username, p.proposed_by, pro.username, p.raise_deadline, p.contract_no,
        p.contract_signed_on, p.loan_id
     FROM projects p
     LEFT JOIN borrowers b ON b.id = p.borrower_id
     LEFT JOIN staff sub ON sub.id = p.submitted_by
     LEFT JOIN staff pro ON pro.id = p.proposed_by";

fn project(r: &Row<'_>) -> rusqlite::Result<ProjectRow> {
    Ok(ProjectRow {
        id: r.get(0)?,
        borrower_id: r.get(1)?,
        borrower_name: r.get(2)?,
        title: r.get(3)?,
        purpose: r.get(4)?,
        amount: Money::from_fen(r.get(5)?),
        rate: r.get(6)?,
        term_months: r.get(7)?,
        method: r.get(8)?,
        min_bid: Money::from_fen(r.get(9)?),
        bid_step: Money::from_fen(r.get(10)?),
        raise_days: r.get(11)?,
        fee_rate: r.get(12)?,
        status: r.get(13)?,
        risk_grade: r.get(14)?,
        review_opinion: r.get(15)?,
        raised: Money::from_fen(r.get(16)?),
        created_by: r.get(17)?,
        submitted_by: r.get(18)?,
        submitter: r.get(19)?,
        proposed_by: r.get(20)?,
        proposer: r.get(21)?,
        raise_deadline: r.get(22)?,
        contract_no: r.get(23)?,
        contract_signed_on: r.get(24)?,
        loan_id: r.get(25)?,
    })
}

impl Service {
    /// A page of projects by id, of one status or all.
    pub fn projects(
        &self,
        actor: &Actor,
        status: Option<&str>,
        seek: Seek,
        n: usize,
    ) -> Result<Page<ProjectRow>, ServiceError> {
        may_read_lending(actor, "project.read")?;
        let mut list = List {
            select: PROJECTS,
            key: "p.id",
            filters: vec![],
            params: vec![],
            descending: false,
        };
        if let Some(s) = status {
            list.filters.push("p.status = ?");
            list.params.push(Value::Text(s.to_owned()));
        }
        keyset::page(self.db().conn(), &list, seek, n, project)
    }

    /// One project.
    pub fn project_row(&self, actor: &Actor, id: i64) -> Result<Option<ProjectRow>, ServiceError> {
        may_read_lending(actor, "project.read")?;
        let mut stmt = self.db().conn().prepare_cached(&format!("{PROJECTS} WHERE p.id = ?1"))?;
        Ok(stmt.query_row([id], project).optional()?)
    }

    /// A borrower with his latest `n` loans and `n` projects, for the risk review.
    pub fn borrower_history(
        &self,
        actor: &Actor,
        borrower_id: i64,
        n: usize,
    ) -> Result<BorrowerHistory, ServiceError> {
        let borrower = self
            .borrower_row(actor, borrower_id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no borrower {borrower_id}")))?;
        let conn = self.db().conn();
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let loans = {
            let mut stmt = conn.prepare_cached(&format!(
                "{LOANS} WHERE l.borrower_id = ?1 ORDER BY l.id DESC LIMIT ?2"
            ))?;
            stmt.query_map([borrower_id, limit], loan)?.collect::<Result<Vec<_>, _>>()?
        };
        let projects = {
            let mut stmt = conn.prepare_cached(&format!(
                "{PROJECTS} WHERE p.borrower_id = ?1 ORDER BY p.id DESC LIMIT ?2"
            ))?;
            stmt.query_map([borrower_id, limit], project)?.collect::<Result<Vec<_>, _>>()?
        };
        Ok(BorrowerHistory { borrower, loans, projects })
    }
}
