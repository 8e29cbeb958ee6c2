//! Repayments (§3.3.3): money received is posted to the borrower's custody account and
//! applied to what is due, oldest period first, each period penalty → interest → principal;
//! every component is split among the loan's holders exactly. Money beyond what is due stays
//! on the account until the daily job applies it on the next due date. Early settlement pays
//! the core's quote.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{business_date, date, invalid, money, ops};
use crate::domain::Money;
use crate::domain::ledger::{Account, EntryKind, Line};
use crate::domain::lending::{Owed, allocate};
use crate::domain::settlement::{OpenPeriod, Quote, quote};
use crate::domain::split::pro_rata;
use crate::service::changes::Changes;
use crate::service::ledger::post_in;
use crate::service::{Actor, Service, ServiceError, Tx};
use crate::store::ledger::{Posted, balance};

/// What posting a repayment did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepaymentOutcome {
    pub repayment_id: i64,
    /// The bank reference was posted before: nothing new was recorded.
    pub replay: bool,
    /// Applied to the loan now.
    pub applied: Money,
    /// Left on the borrower's custody account for the next due date.
    pub on_account: Money,
    pub settled: bool,
}

/// One period as stored.
#[allow(clippy::struct_field_names)] // `period` is the column's name
#[derive(Clone, Debug)]
pub(crate) struct Period {
    pub period: i64,
    pub due_date: NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub paid_principal: i64,
    pub paid_interest: i64,
    pub penalty: i64,
    pub paid_penalty: i64,
}

impl Period {
    fn owed(&self) -> Owed {
        Owed {
            penalty: money(self.penalty - self.paid_penalty),
            interest: money(self.interest - self.paid_interest),
            principal: money(self.principal - self.paid_principal),
        }
    }

    pub fn is_paid(&self) -> bool {
        self.owed().total().is_zero()
    }
}

pub(crate) fn periods(conn: &Connection, loan_id: i64) -> Result<Vec<Period>, ServiceError> {
    let mut stmt = conn.prepare_cached(
        "SELECT period, due_date, principal_fen, interest_fen, paid_principal_fen, paid_interest_fen,
                penalty_fen, paid_penalty_fen
         FROM installments WHERE loan_id = ?1 ORDER BY period",
    )?;
    let rows = stmt.query_map([loan_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            period,
            due,
            principal,
            interest,
            paid_principal,
            paid_interest,
            penalty,
            paid_penalty,
        ) = row?;
        out.push(Period {
            period,
            due_date: date(&due)?,
            principal,
            interest,
            paid_principal,
            paid_interest,
            penalty,
            paid_penalty,
        });
    }
    Ok(out)
}

/// A loan's borrower, state and value date.
pub(crate) fn loan_head(
    conn: &Connection,
    loan_id: i64,
) -> Result<(i64, String, NaiveDate), ServiceError> {
    let (b, s, v): (i64, String, String) = conn
        .query_row(
            "SELECT borrower_id, state, value_date FROM loans WHERE id = ?1",
            [loan_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| ServiceError::NotFound(format!("no loan {loan_id}")))?;
    Ok((b, s, date(&v)?))
}

/// Applies the borrower's custody balance to the periods of a loan due on or before `day`.
/// Returns the amount applied.
pub(crate) fn apply_available(
    tx: &mut Tx<'_>,
    loan_id: i64,
    day: NaiveDate,
    key: &str,
    action: &str,
    everything: bool,
) -> Result<Money, ServiceError> {
    let (borrower, _, _) = loan_head(tx.conn(), loan_id)?;
    let available = balance(tx.conn(), Account::RepaymentHeld(borrower))?;
    if available <= Money::ZERO {
        return Ok(Money::ZERO);
    }
    let all = periods(tx.conn(), loan_id)?;
    let due: Vec<&Period> =
        all.iter().filter(|p| (everything || p.due_date <= day) && !p.is_paid()).collect();
    let owed: Vec<Owed> = due.iter().map(|p| p.owed()).collect();
    let (applied, _) = allocate(available, &owed);
    let sum = |f: fn(&Owed) -> Money| money(applied.iter().map(|o| f(o).fen()).sum());
    let (principal, interest, penalty) =
        (sum(|o| o.principal), sum(|o| o.interest), sum(|o| o.penalty));
    let total = money(principal.fen() + interest.fen() + penalty.fen());
    if total.is_zero() {
        return Ok(Money::ZERO);
    }
    let holders: Vec<(i64, Option<i64>, i64)> = {
        let mut stmt = tx.conn().prepare_cached(
            "SELECT id, investor_id, principal_fen FROM holdings WHERE loan_id = ?1 ORDER BY id",
        )?;
        stmt.query_map([loan_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    if holders.is_empty() {
        return Err(ServiceError::Refused(format!("loan {loan_id} has no holders to pay")));
    }
    let weights: Vec<Money> = holders.iter().map(|h| money(h.2)).collect();
    let split = |m: Money| pro_rata(m, &weights).map_err(|e| ServiceError::Refused(e.to_string()));
    let (p_parts, i_parts, q_parts) = (split(principal)?, split(interest)?, split(penalty)?);
    let mut lines = vec![Line::debit(Account::RepaymentHeld(borrower), total)];
    if principal > Money::ZERO {
        lines.push(Line::debit(Account::LoanClaims(loan_id), principal));
        lines.push(Line::credit(Account::LoanReceivable(loan_id), principal));
    }
    for (k, (holding, investor, _)) in holders.iter().enumerate() {
        let part = money(p_parts[k].fen() + i_parts[k].fen() + q_parts[k].fen());
        if part > Money::ZERO {
            let account = investor.map_or(Account::OpeningBalance, Account::InvestorCustody);
            lines.push(Line::credit(account, part));
        }
        if p_parts[k] > Money::ZERO {
            tx.conn().execute(
                "UPDATE holdings SET outstanding_fen = outstanding_fen - ?2 WHERE id = ?1",
                params![holding, p_parts[k].fen()],
            )?;
        }
    }
    post_in(tx, EntryKind::Repayment, key, lines, &format!("loan {loan_id}"), action)?;
    for (p, a) in due.iter().zip(&applied) {
        if a.total().is_zero() {
            continue;
        }
        let paid_off = a.total() == p.owed().total();
        tx.conn().execute(
            "UPDATE installments SET paid_principal_fen = paid_principal_fen + ?3,
                    paid_interest_fen = paid_interest_fen + ?4, paid_penalty_fen = paid_penalty_fen + ?5,
                    paid_on = CASE WHEN ?6 THEN ?7 ELSE paid_on END
             WHERE loan_id = ?1 AND period = ?2",
            params![
                loan_id,
                p.period,
                a.principal.fen(),
                a.interest.fen(),
                a.penalty.fen(),
                paid_off,
                day.to_string()
            ],
        )?;
    }
    tx.conn().execute(
        "UPDATE loans SET outstanding_fen = outstanding_fen - ?2 WHERE id = ?1",
        params![loan_id, principal.fen()],
    )?;
    refresh_state(tx.conn(), loan_id, day)?;
    tx.audit(
        action,
        "loan",
        &loan_id,
        Changes::new()
            .note("applied", total.to_string())
            .note("principal", principal.to_string())
            .note("interest", interest.to_string())
            .note("penalty", penalty.to_string())
            .into_value(),
    );
    Ok(total)
}

/// Recomputes a loan's state and days past due on `day`: settled once everything is paid,
/// overdue while a period due before `day` is unpaid, current otherwise.
pub(crate) fn refresh_state(
    conn: &Connection,
    loan_id: i64,
    day: NaiveDate,
) -> Result<String, ServiceError> {
    let ps = periods(conn, loan_id)?;
    let state: String =
        conn.query_row("SELECT state FROM loans WHERE id = ?1", [loan_id], |r| r.get(0))?;
    if state == "written_off" || state == "settled" {
        return Ok(state);
    }
    let (new_state, dpd) = if ps.iter().all(Period::is_paid) {
        ("settled", 0)
    } else if let Some(oldest) = ps.iter().find(|p| !p.is_paid() && p.due_date < day) {
        ("overdue", (day - oldest.due_date).num_days())
    } else {
        ("current", 0)
    };
    conn.execute(
        "UPDATE loans SET state = ?2, days_past_due = ?3, dpd_estimated = CASE WHEN ?2 = 'overdue' THEN dpd_estimated ELSE 0 END,
                closed_on = CASE WHEN ?2 = 'settled' THEN ?4 ELSE closed_on END
         WHERE id = ?1",
        params![loan_id, new_state, dpd, day.to_string()],
    )?;
    Ok(new_state.to_owned())
}

fn open_periods(ps: &[Period], value_date: NaiveDate) -> Vec<OpenPeriod> {
    let mut start = value_date;
    ps.iter()
        .map(|p| {
            let o = OpenPeriod {
                period: u32::try_from(p.period).unwrap_or(0),
                start,
                due_date: p.due_date,
                scheduled_interest: money(p.interest),
                unpaid_principal: money(p.principal - p.paid_principal),
                unpaid_interest: money(p.interest - p.paid_interest),
                unpaid_penalty: money(p.penalty - p.paid_penalty),
            };
            start = p.due_date;
            o
        })
        .collect()
}

impl Service {
    /// Posts money received for a loan (bank reference idempotent) and applies what is due.
    pub fn post_repayment(
        &mut self,
        actor: &Actor,
        loan_id: i64,
        amount: Money,
        bank_ref: &str,
    ) -> Result<RepaymentOutcome, ServiceError> {
        let op = ops::REPAYMENT;
        self.write(actor, op, |tx| {
            receive(tx, loan_id, amount, bank_ref, "regular", op.action, false)
        })
    }

    /// The early-settlement quote of a loan on a date (default: the business date).
    pub fn settlement_quote(
        &self,
        loan_id: i64,
        on: Option<NaiveDate>,
    ) -> Result<Quote, ServiceError> {
        let conn = self.db().conn();
        let (_, _, value_date) = loan_head(conn, loan_id)?;
        let day = match on {
            Some(d) => d,
            None => business_date(conn)?,
        };
        Ok(quote(&open_periods(&periods(conn, loan_id)?, value_date), day))
    }

    /// Early settlement (提前结清): the borrower pays the quote; interest of the running period
    /// counts to today, later interest is waived, and the loan is settled.
    pub fn settle_early(
        &mut self,
        actor: &Actor,
        loan_id: i64,
        amount: Money,
        bank_ref: &str,
    ) -> Result<RepaymentOutcome, ServiceError> {
        let op = ops::SETTLE;
        self.write(actor, op, |tx| {
            receive(tx, loan_id, amount, bank_ref, "settlement", op.action, true)
        })
    }
}

fn receive(
    tx: &mut Tx<'_>,
    loan_id: i64,
    amount: Money,
    bank_ref: &str,
    kind: &str,
    action: &str,
    settle: bool,
) -> Result<RepaymentOutcome, ServiceError> {
    if amount <= Money::ZERO {
        return Err(invalid("amount", "must be positive"));
    }
    let bank_ref = bank_ref.trim();
    if bank_ref.is_empty() {
        return Err(invalid("reference", "is empty"));
    }
    let (borrower, state, value_date) = loan_head(tx.conn(), loan_id)?;
    let prior: Option<(i64, i64, i64)> = tx
        .conn()
        .query_row(
            "SELECT id, loan_id, amount_fen FROM repayments WHERE bank_ref = ?1",
            [bank_ref],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((id, l, a)) = prior {
        if l == loan_id && a == amount.fen() {
            let on_account = balance(tx.conn(), Account::RepaymentHeld(borrower))?;
            return Ok(RepaymentOutcome {
                repayment_id: id,
                replay: true,
                applied: Money::ZERO,
                on_account,
                // A retried settlement reports the loan as it stands: settled.
                settled: state == "settled",
            });
        }
        return Err(invalid(
            "reference",
            format!("{bank_ref} was already posted for another amount or loan"),
        ));
    }
    if state != "current" && state != "overdue" {
        return Err(ServiceError::Refused(format!("loan {loan_id} is {state}")));
    }
    let day = business_date(tx.conn())?;
    let lines = vec![
        Line::debit(Account::Bank, amount),
        Line::credit(Account::RepaymentHeld(borrower), amount),
    ];
    let posted = post_in(
        tx,
        EntryKind::Deposit,
        bank_ref,
        lines,
        &format!("repayment for loan {loan_id}"),
        action,
    )?;
    if matches!(posted, Posted::AlreadyRecorded(_)) {
        return Err(invalid(
            "reference",
            format!("{bank_ref} was already used for another movement"),
        ));
    }
    tx.conn().execute(
        "INSERT INTO repayments (loan_id, bank_ref, received_on, amount_fen, kind, entry_id, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![loan_id, bank_ref, day.to_string(), amount.fen(), kind, posted.entry_id(), tx.now_text(), tx.actor().id],
    )?;
    let repayment_id = tx.conn().last_insert_rowid();
    let key = format!("apply:repayment:{repayment_id}");
    let applied = if settle {
        let ps = periods(tx.conn(), loan_id)?;
        let q = quote(&open_periods(&ps, value_date), day);
        let available = balance(tx.conn(), Account::RepaymentHeld(borrower))?;
        if available < q.total {
            return Err(invalid(
                "amount",
                format!("the settlement quote on {day} is {}; {available} is available", q.total),
            ));
        }
        rewrite_for_settlement(tx, loan_id, &ps, value_date, day)?;
        apply_available(tx, loan_id, day, &key, action, true)?
    } else {
        apply_available(tx, loan_id, day, &key, action, false)?
    };
    let on_account = balance(tx.conn(), Account::RepaymentHeld(borrower))?;
    let state: String =
        tx.conn().query_row("SELECT state FROM loans WHERE id = ?1", [loan_id], |r| r.get(0))?;
    tx.audit(
        action,
        "repayment",
        &repayment_id,
        Changes::new()
            .note("loan", loan_id)
            .note("amount", amount.to_string())
            .note("bank_ref", bank_ref)
            .note("applied", applied.to_string())
            .into_value(),
    );
    Ok(RepaymentOutcome {
        repayment_id,
        replay: false,
        applied,
        on_account,
        settled: state == "settled",
    })
}

/// For early settlement: the running period's interest becomes what has accrued to `day`,
/// later periods' interest is waived. The rewrite is audited.
fn rewrite_for_settlement(
    tx: &mut Tx<'_>,
    loan_id: i64,
    ps: &[Period],
    value_date: NaiveDate,
    day: NaiveDate,
) -> Result<(), ServiceError> {
    let opens = open_periods(ps, value_date);
    for (p, o) in ps.iter().zip(&opens) {
        if p.due_date <= day {
            continue;
        }
        let new_interest = if o.start <= day {
            let run = (day - o.start).num_days();
            let len = (o.due_date - o.start).num_days().max(1);
            let earned = crate::domain::round_fen(
                money(p.interest).to_decimal() * rust_decimal::Decimal::from(run)
                    / rust_decimal::Decimal::from(len),
            );
            earned.fen().max(p.paid_interest)
        } else {
            p.paid_interest
        };
        if new_interest != p.interest {
            tx.conn().execute(
                "UPDATE installments SET interest_fen = ?3 WHERE loan_id = ?1 AND period = ?2",
                params![loan_id, p.period, new_interest],
            )?;
        }
    }
    tx.audit(
        "repayment.settle",
        "loan",
        &loan_id,
        Changes::new().note("interest_to", day.to_string()).into_value(),
    );
    Ok(())
}
