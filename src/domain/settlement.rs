//! Early settlement quotes (提前结清).
//!
//! A quote on date s is the outstanding principal, plus the interest of the running period
//! for the days from its start to s over the days in the period (rounded once), plus
//! everything already due with its penalty. On a due date the running period is the next
//! one with no days run, so the quote is that installment plus the remaining principal.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::money::{Money, round_fen};
use super::schedule::Installment;

/// What is still open in one period of a loan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenPeriod {
    pub period: u32,
    /// The previous due date, or the value date for the first period.
    pub start: NaiveDate,
    pub due_date: NaiveDate,
    /// Contractual interest of the whole period.
    pub scheduled_interest: Money,
    pub unpaid_principal: Money,
    pub unpaid_interest: Money,
    pub unpaid_penalty: Money,
}

/// Turns a fresh schedule (nothing paid) into open periods.
#[must_use]
pub fn open_periods(rows: &[Installment], value_date: NaiveDate) -> Vec<OpenPeriod> {
    let mut start = value_date;
    rows.iter()
        .map(|r| {
            let p = OpenPeriod {
                period: r.period,
                start,
                due_date: r.due_date,
                scheduled_interest: r.interest,
                unpaid_principal: r.principal,
                unpaid_interest: r.interest,
                unpaid_penalty: Money::ZERO,
            };
            start = r.due_date;
            p
        })
        .collect()
}

/// The amount that settles a loan on a given date, by component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub principal: Money,
    /// Unpaid interest of periods due on or before the date.
    pub due_interest: Money,
    /// Interest of the running period, pro rata by days.
    pub accrued_interest: Money,
    pub penalty: Money,
    pub total: Money,
}

/// The early-settlement quote on `on`.
#[must_use]
pub fn quote(periods: &[OpenPeriod], on: NaiveDate) -> Quote {
    let mut principal = Money::ZERO;
    let mut due_interest = Money::ZERO;
    let mut accrued = Money::ZERO;
    let mut penalty = Money::ZERO;
    for p in periods {
        principal = add(principal, p.unpaid_principal);
        penalty = add(penalty, p.unpaid_penalty);
        if p.due_date <= on {
            due_interest = add(due_interest, p.unpaid_interest);
        } else if p.start <= on {
            let run = (on - p.start).num_days();
            let len = (p.due_date - p.start).num_days().max(1);
            let earned = round_fen(
                p.scheduled_interest.to_decimal() * Decimal::from(run) / Decimal::from(len),
            );
            // Interest of the running period already paid (an advance) counts against it.
            let paid = p.scheduled_interest.checked_sub(p.unpaid_interest).unwrap_or(Money::ZERO);
            accrued =
                add(accrued, earned.checked_sub(paid).unwrap_or(Money::ZERO).max(Money::ZERO));
        }
    }
    let total = add(add(add(principal, due_interest), accrued), penalty);
    Quote { principal, due_interest, accrued_interest: accrued, penalty, total }
}

fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).expect("loan amounts within range")
}
