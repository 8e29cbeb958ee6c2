//! Disbursement (放款, §3.3.2): business proposes after re-checking the contract; finance
//! executes (maker ≠ checker). One balanced entry moves the frozen money to the borrower,
//! the fee to the platform and creates the loan's receivable and the investors' claims.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::projects::load_draft;
use super::{business_date, date, invalid, money, ops};
use crate::domain::ledger::{Account, EntryKind, Line};
use crate::domain::schedule::Installment;
use crate::service::changes::Changes;
use crate::service::ledger::post_in;
use crate::service::settings::get_lpr;
use crate::service::{Actor, Service, ServiceError, Tx};

/// Status, proposer, signing date, borrower and risk grade of a project.
type ProposalRow = (String, Option<i64>, Option<String>, i64, Option<String>);

impl Service {
    /// Full → proposed: the contract number, its signing date and the documents were checked.
    pub fn propose_disbursement(
        &mut self,
        actor: &Actor,
        project_id: i64,
        contract_no: &str,
        signed_on: NaiveDate,
        documents_checked: bool,
    ) -> Result<(), ServiceError> {
        let op = ops::PROPOSE;
        self.write_on(actor, op, ("project", project_id.to_string()), |tx| {
            let (status, _) = super::projects::status_of(tx.conn(), project_id)?;
            if status != "full" {
                return Err(ServiceError::Refused(format!("project {project_id} is {status}, not full")));
            }
            let contract_no = contract_no.trim();
            if contract_no.is_empty() {
                return Err(invalid("contract_no", "is empty"));
            }
            if !documents_checked {
                return Err(invalid("documents", "must be checked before proposing"));
            }
            let today = business_date(tx.conn())?;
            if signed_on > today {
                return Err(invalid("signed_on", format!("{signed_on} is after the business date {today}")));
            }
            let d = load_draft(tx.conn(), project_id)?;
            let cap = get_lpr(tx.conn())?.cap_on(signed_on);
            if d.rate > cap {
                return Err(invalid("rate", format!("{} is above the legal cap of {cap} on {signed_on}", d.rate)));
            }
            tx.conn().execute(
                "UPDATE projects SET status = 'proposed', contract_no = ?2, contract_signed_on = ?3, proposed_by = ?4
                 WHERE id = ?1",
                params![project_id, contract_no, signed_on.to_string(), actor.id],
            )?;
            let detail = Changes::new()
                .set("status", Some("full"), Some("proposed"))
                .note("contract_no", contract_no)
                .note("signed_on", signed_on.to_string())
                .note("documents_checked", true);
            tx.audit(op.action, "project", &project_id, detail.into_value());
            Ok(())
        })
    }

    /// Proposed → disbursed, by finance; the proposer cannot execute his own proposal. Returns
    /// the new loan's id.
    pub fn execute_disbursement(
        &mut self,
        actor: &Actor,
        project_id: i64,
    ) -> Result<i64, ServiceError> {
        let op = ops::DISBURSE;
        self.write_on(actor, op, ("project", project_id.to_string()), |tx| {
            let row: Option<ProposalRow> = tx
                .conn()
                .query_row(
                    "SELECT status, proposed_by, contract_signed_on, borrower_id, risk_grade FROM projects WHERE id = ?1",
                    [project_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let (status, proposer, signed, borrower, grade) =
                row.ok_or_else(|| ServiceError::NotFound(format!("no project {project_id}")))?;
            if status != "proposed" {
                return Err(ServiceError::Refused(format!("project {project_id} is {status}, not proposed")));
            }
            if proposer == Some(actor.id) {
                return Err(ServiceError::Refused("the proposer of a disbursement cannot execute it".into()));
            }
            let d = load_draft(tx.conn(), project_id)?;
            let value_date = business_date(tx.conn())?;
            let contract_date = date(signed.as_deref().unwrap_or_default())?;
            let rows = d.schedule(value_date)?;
            let fee = d.fee();
            let loan_id = insert_loan(tx, borrower, &d, value_date, contract_date, grade.as_deref(), &rows)?;
            let bids: Vec<(i64, i64, i64)> = {
                let mut stmt = tx.conn().prepare(
                    "SELECT id, investor_id, amount_fen FROM bids WHERE project_id = ?1 AND status = 'frozen' ORDER BY id",
                )?;
                stmt.query_map([project_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?
            };
            let raised: i64 = bids.iter().map(|b| b.2).sum();
            if raised != d.amount.fen() {
                return Err(ServiceError::Refused(format!(
                    "frozen bids {} do not equal the amount {}",
                    money(raised),
                    d.amount
                )));
            }
            let mut lines = Vec::with_capacity(bids.len() + 4);
            for (bid, investor, amount) in &bids {
                lines.push(Line::debit(Account::InvestorFrozen(*investor), money(*amount)));
                tx.conn().execute(
                    "INSERT INTO holdings (loan_id, investor_id, bid_id, principal_fen, outstanding_fen)
                     VALUES (?1, ?2, ?3, ?4, ?4)",
                    params![loan_id, investor, bid, amount],
                )?;
                tx.conn().execute("UPDATE bids SET status = 'funded' WHERE id = ?1", [bid])?;
            }
            let net = d.amount.checked_sub(fee).unwrap_or(d.amount);
            lines.push(Line::credit(Account::BorrowerCustody(borrower), net));
            if fee > crate::domain::Money::ZERO {
                lines.push(Line::credit(Account::FeeIncome, fee));
            }
            lines.push(Line::debit(Account::LoanReceivable(loan_id), d.amount));
            lines.push(Line::credit(Account::LoanClaims(loan_id), d.amount));
            post_in(
                tx,
                EntryKind::Disbursement,
                &format!("disburse:project:{project_id}"),
                lines,
                &format!("loan {loan_id}: {} less fee {fee}", d.amount),
                op.action,
            )?;
            tx.conn().execute(
                "UPDATE projects SET status = 'disbursed', disbursed_by = ?2, loan_id = ?3 WHERE id = ?1",
                params![project_id, actor.id, loan_id],
            )?;
            let detail = Changes::new()
                .set("status", Some("proposed"), Some("disbursed"))
                .note("loan", loan_id)
                .note("amount", d.amount.to_string())
                .note("fee", fee.to_string())
                .note("value_date", value_date.to_string());
            tx.audit(op.action, "project", &project_id, detail.into_value());
            Ok(loan_id)
        })
    }
}

/// Creates a loan and its schedule.
pub(crate) fn insert_loan(
    tx: &Tx<'_>,
    borrower: i64,
    d: &super::ProjectDraft,
    value_date: NaiveDate,
    contract_date: NaiveDate,
    grade: Option<&str>,
    rows: &[Installment],
) -> Result<i64, ServiceError> {
    tx.conn().execute(
        "INSERT INTO loans (borrower_id, amount_fen, rate, term_months, method, value_date, contract_date,
                            booked_on, risk_grade, outstanding_fen, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?2, ?9)",
        params![
            borrower,
            d.amount.fen(),
            d.rate.percent().to_string(),
            d.term_months,
            d.method.code(),
            value_date.to_string(),
            contract_date.to_string(),
            grade,
            tx.now_text()
        ],
    )?;
    let loan_id = tx.conn().last_insert_rowid();
    let mut insert = tx.conn().prepare_cached(
        "INSERT INTO installments (loan_id, period, due_date, principal_fen, interest_fen) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for r in rows {
        insert.execute(params![
            loan_id,
            r.period,
            r.due_date.to_string(),
            r.principal.fen(),
            r.interest.fen()
        ])?;
    }
    Ok(loan_id)
}
