//! The daily job (`batch daily`): advances the business date one day at a time, each day's
//! work in one transaction: failed raises, advances applied to due installments, overdue
//! marking, penalty accrual, dormant accounts. A day is committed whole or not at all, so a
//! run after a crash resumes where the last one stopped.

use chrono::{Duration, NaiveDate};
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;

use super::bids::fail_raises;
use super::repay::{apply_available, periods, refresh_state};
use super::{business_date, date, money, ops};
use crate::domain::Rate;
use crate::domain::ledger::Account;
use crate::domain::lending::{daily_penalty, penalty_rate};
use crate::service::identity::dormant_in;
use crate::service::settings::{get_int, get_percent};
use crate::service::{Actor, Service, ServiceError, Tx};
use crate::store::ledger::balance;
use crate::store::platform;

/// What one business day's run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DayReport {
    pub date: String,
    pub failed_raises: usize,
    pub advances_applied: usize,
    pub overdue_loans: usize,
    pub penalty_charged: String,
    pub accounts_disabled: usize,
}

impl Service {
    /// The daily job started by a member of staff from the console (operations, advanced): his
    /// request is audited under his name, the days' work under the system actor's.
    pub fn run_daily_by(
        &mut self,
        actor: &Actor,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<DayReport>, ServiceError> {
        let op = crate::service::access::Op {
            action: "batch.daily.request",
            need: crate::service::access::Need::Level(
                crate::domain::access::Module::Ops,
                crate::domain::access::Level::Advanced,
            ),
        };
        self.write(actor, op, |tx| {
            tx.audit(
                op.action,
                "business_date",
                &"-",
                serde_json::json!({ "as_of": as_of.map(|d| d.to_string()) }),
            );
            Ok(())
        })?;
        self.run_daily(as_of)
    }

    /// Runs the daily job up to `as_of` (default: the day after the business date). Re-running
    /// the current date does nothing; a date before it is refused.
    pub fn run_daily(&mut self, as_of: Option<NaiveDate>) -> Result<Vec<DayReport>, ServiceError> {
        let current = business_date(self.db().conn())?;
        let target = as_of.unwrap_or(current + Duration::days(1));
        if target < current {
            return Err(ServiceError::Invalid {
                field: "as-of",
                problem: format!("{target} is before the business date {current}"),
            });
        }
        let mut reports = Vec::new();
        let mut day = current;
        while day < target {
            day += Duration::days(1);
            let system = Actor::system();
            let report = self.write(&system, ops::DAILY, |tx| run_day(tx, day))?;
            tracing::info!(date = %day, ?report, "daily job day done");
            reports.push(report);
        }
        Ok(reports)
    }
}

fn run_day(tx: &mut Tx<'_>, day: NaiveDate) -> Result<DayReport, ServiceError> {
    // The business date is read again inside the transaction: another run may have moved it.
    let current = business_date(tx.conn())?;
    if day != current + Duration::days(1) {
        return Err(ServiceError::Refused(format!(
            "the business date moved to {current} meanwhile; run again"
        )));
    }
    let mut report = DayReport { date: day.to_string(), ..DayReport::default() };
    report.failed_raises = fail_raises(tx, day)?;
    report.advances_applied = apply_advances(tx, day)?;
    let (overdue, penalty) = age_loans(tx, day)?;
    report.overdue_loans = overdue;
    report.penalty_charged = money(penalty).to_string();
    report.accounts_disabled = dormant_in(tx, day)?.len();
    platform::set_business_date(tx.conn(), day)?;
    tx.conn().execute(
        "INSERT INTO daily_runs (business_date, finished_at, summary) VALUES (?1, ?2, ?3)",
        params![day.to_string(), tx.now_text(), serde_json::to_string(&report).unwrap_or_default()],
    )?;
    tx.audit(
        ops::DAILY.action,
        "business_date",
        &day,
        serde_json::to_value(&report).unwrap_or_default(),
    );
    Ok(report)
}

/// Money waiting on borrowers' custody accounts pays installments falling due today.
fn apply_advances(tx: &mut Tx<'_>, day: NaiveDate) -> Result<usize, ServiceError> {
    let candidates: Vec<(i64, i64)> = {
        let mut stmt = tx.conn().prepare(
            "SELECT DISTINCT l.id, l.borrower_id FROM loans l
             JOIN installments i ON i.loan_id = l.id
             WHERE l.state IN ('current', 'overdue') AND i.paid_on IS NULL AND i.due_date <= ?1
             ORDER BY l.id",
        )?;
        stmt.query_map([day.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut n = 0;
    for (loan, borrower) in candidates {
        if balance(tx.conn(), Account::RepaymentHeld(borrower))?.is_zero() {
            continue;
        }
        let key = format!("apply:{loan}:{day}");
        if !apply_available(tx, loan, day, &key, ops::DAILY.action, false)?.is_zero() {
            n += 1;
        }
    }
    Ok(n)
}

/// Marks overdue loans and charges penalty interest on overdue periods once the grace days
/// have passed, from the first day past due, day by day, each day rounded to the fen.
fn age_loans(tx: &mut Tx<'_>, day: NaiveDate) -> Result<(usize, i64), ServiceError> {
    let grace = get_int(tx.conn(), "lending.grace_days")?;
    let markup = get_percent(tx.conn(), "lending.penalty_markup")?.percent();
    let lpr = crate::service::settings::get_lpr(tx.conn())?;
    let loans: Vec<(i64, String, String)> = {
        let mut stmt = tx.conn().prepare(
            "SELECT DISTINCT l.id, l.rate, l.contract_date FROM loans l
             JOIN installments i ON i.loan_id = l.id
             WHERE l.state IN ('current', 'overdue') AND i.paid_on IS NULL AND i.due_date < ?1
             ORDER BY l.id",
        )?;
        stmt.query_map([day.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut charged = 0_i64;
    for (loan, rate, contract) in &loans {
        let rate =
            Rate::parse(&format!("{rate}%")).map_err(|e| ServiceError::Refused(e.to_string()))?;
        let cap = lpr.cap_on(date(contract)?);
        let pen = penalty_rate(rate, markup, cap);
        let through: Vec<(i64, Option<String>)> = {
            let mut stmt = tx.conn().prepare_cached(
                "SELECT period, penalty_through FROM installments WHERE loan_id = ?1 ORDER BY period",
            )?;
            stmt.query_map([loan], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
        };
        for p in periods(tx.conn(), *loan)? {
            if p.is_paid() || p.due_date >= day {
                continue;
            }
            let dpd = (day - p.due_date).num_days();
            if dpd <= grace || pen.percent() <= Decimal::ZERO {
                continue;
            }
            let last = through.iter().find(|(n, _)| *n == p.period).and_then(|(_, t)| t.clone());
            let mut d = match &last {
                Some(t) => date(t)? + Duration::days(1),
                None => p.due_date + Duration::days(1),
            };
            // Overdue principal and interest of the period; payments on later days lower it,
            // but days already past are charged on what was owed on the day being charged.
            let base = money(p.principal - p.paid_principal + p.interest - p.paid_interest);
            let mut added = 0_i64;
            while d <= day {
                added += daily_penalty(base, pen).fen();
                d += Duration::days(1);
            }
            if added > 0 || last.is_none() {
                tx.conn().execute(
                    "UPDATE installments SET penalty_fen = penalty_fen + ?3, penalty_through = ?4
                     WHERE loan_id = ?1 AND period = ?2",
                    params![loan, p.period, added, day.to_string()],
                )?;
                charged += added;
            }
        }
        refresh_state(tx.conn(), *loan, day)?;
    }
    Ok((loans.len(), charged))
}
