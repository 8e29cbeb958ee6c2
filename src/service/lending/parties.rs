//! Borrowers and investors, and investors' deposits from the custodian's notices.

use rusqlite::params;

use super::{invalid, ops};
use crate::domain::Money;
use crate::domain::ledger::Account;
use crate::domain::lending::Grade;
use crate::service::changes::Changes;
use crate::service::{Actor, Service, ServiceError};
use crate::store::ledger::Posted;

/// A borrower's basic facts (§3.3.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewBorrower {
    /// `person` or `company`.
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

/// An investor's identity facts and risk tolerance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewInvestor {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub risk_tolerance: String,
}

fn required(field: &'static str, v: &str) -> Result<String, ServiceError> {
    let t = v.trim();
    if t.is_empty() { Err(invalid(field, "is empty")) } else { Ok(t.to_owned()) }
}

impl Service {
    pub fn create_borrower(&mut self, actor: &Actor, b: &NewBorrower) -> Result<i64, ServiceError> {
        let op = ops::BORROWER_CREATE;
        self.write(actor, op, |tx| {
            if b.kind != "person" && b.kind != "company" {
                return Err(invalid("kind", "must be person or company"));
            }
            let name = required("name", &b.name)?;
            let id_number = required("id_number", &b.id_number)?;
            tx.conn().execute(
                "INSERT INTO borrowers (kind, name, id_number, phone, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![b.kind, name, id_number, b.phone.trim(), tx.now_text(), actor.id],
            )?;
            let id = tx.conn().last_insert_rowid();
            let detail = Changes::new()
                .set("kind", None, Some(&b.kind))
                .personal("name", None, Some(&name))
                .personal("id_number", None, Some(&id_number))
                .personal("phone", None, Some(b.phone.trim()))
                .into_value();
            tx.audit(op.action, "borrower", &id, detail);
            Ok(id)
        })
    }

    pub fn create_investor(&mut self, actor: &Actor, i: &NewInvestor) -> Result<i64, ServiceError> {
        let op = ops::INVESTOR_CREATE;
        self.write(actor, op, |tx| {
            let name = required("name", &i.name)?;
            let id_number = required("id_number", &i.id_number)?;
            let grade: Grade = i.risk_tolerance.parse().map_err(|e: String| invalid("risk_tolerance", e))?;
            tx.conn().execute(
                "INSERT INTO investors (name, id_number, phone, risk_tolerance, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![name, id_number, i.phone.trim(), grade.to_string(), tx.now_text(), actor.id],
            )?;
            let id = tx.conn().last_insert_rowid();
            let detail = Changes::new()
                .personal("name", None, Some(&name))
                .personal("id_number", None, Some(&id_number))
                .set("risk_tolerance", None, Some(&grade.to_string()))
                .into_value();
            tx.audit(op.action, "investor", &id, detail);
            Ok(id)
        })
    }

    /// Posts a deposit to an investor's custody account from the custodian's notice,
    /// idempotent by the bank's reference.
    pub fn investor_deposit(
        &mut self,
        actor: &Actor,
        investor_id: i64,
        amount: Money,
        bank_ref: &str,
    ) -> Result<Posted, ServiceError> {
        let op = ops::INVESTOR_DEPOSIT;
        self.write(actor, op, |tx| {
            if amount <= Money::ZERO {
                return Err(invalid("amount", "must be positive"));
            }
            if bank_ref.trim().is_empty() {
                return Err(invalid("reference", "is empty"));
            }
            let exists: bool = tx.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM investors WHERE id = ?1)",
                [investor_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(ServiceError::NotFound(format!("no investor {investor_id}")));
            }
            super::super::ledger::post_in(
                tx,
                crate::domain::ledger::EntryKind::Deposit,
                bank_ref.trim(),
                vec![
                    crate::domain::ledger::Line::debit(Account::Bank, amount),
                    crate::domain::ledger::Line::credit(
                        Account::InvestorCustody(investor_id),
                        amount,
                    ),
                ],
                "investor deposit",
                op.action,
            )
        })
    }
}
