//! Repayment schedules for the four methods the business uses.
//!
//! For amount P, annual rate, term n months and value date d, with r = annual / 12:
//! equal installments (等额本息), equal principal (等额本金), interest first (先息后本) and
//! bullet (到期还本付息). In every method the last period pays whatever principal remains, so
//! the outstanding ends at exactly zero and never goes below it.

use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use rust_decimal::{Decimal, MathematicalOps};
use serde::{Deserialize, Serialize};

use super::money::{Money, round_fen, round_fen_up};
use super::rate::Rate;

/// Longest term accepted, in months (30 years).
pub const MAX_TERM: u32 = 360;
/// Largest principal accepted: 100,000,000.00.
pub const MAX_AMOUNT: Money = Money::from_fen(10_000_000_000);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// 等额本息: level payment.
    EqualInstallment,
    /// 等额本金: level principal, declining payment.
    EqualPrincipal,
    /// 先息后本: interest monthly, all principal with the last period.
    InterestFirst,
    /// 到期还本付息: everything at maturity.
    Bullet,
}

impl Method {
    pub const ALL: [Method; 4] =
        [Method::EqualInstallment, Method::EqualPrincipal, Method::InterestFirst, Method::Bullet];

    /// The name used on the command line and in files.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Method::EqualInstallment => "equal-installment",
            Method::EqualPrincipal => "equal-principal",
            Method::InterestFirst => "interest-first",
            Method::Bullet => "bullet",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.code())
    }
}

impl FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL.into_iter().find(|m| m.code() == s.trim()).ok_or_else(|| {
            format!(
                "unknown repayment method \"{s}\" (expected one of: {})",
                Method::ALL.map(Method::code).join(", ")
            )
        })
    }
}

/// How the equal-installment level payment is rounded to the fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// Half away from zero, like every other rounding.
    #[default]
    HalfUp,
    /// Up to the next fen, as some imported books do.
    Up,
}

impl Rounding {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half-up",
            Rounding::Up => "up",
        }
    }
}

impl FromStr for Rounding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "half-up" => Ok(Rounding::HalfUp),
            "up" => Ok(Rounding::Up),
            other => Err(format!("unknown rounding \"{other}\" (expected half-up or up)")),
        }
    }
}

/// The contractual terms a schedule is built from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanTerms {
    pub amount: Money,
    pub rate: Rate,
    pub term_months: u32,
    pub value_date: NaiveDate,
    pub method: Method,
    pub rounding: Rounding,
}

/// Which term is out of range, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    #[error("amount {0} is outside 0.01 to 100,000,000.00")]
    Amount(Money),
    #[error("rate {0} is outside 0% to 36%")]
    Rate(Rate),
    #[error("term {0} is outside 1 to 360 months")]
    Term(u32),
    #[error("rounding \"up\" applies only to equal-installment")]
    RoundingNotApplicable,
    #[error("the schedule runs past the last representable date")]
    DateOutOfRange,
}

impl TermsError {
    /// The name of the field at fault, for messages that point at a form field or flag.
    #[must_use]
    pub const fn field(&self) -> &'static str {
        match self {
            TermsError::Amount(_) => "amount",
            TermsError::Rate(_) => "rate",
            TermsError::Term(_) => "term",
            TermsError::RoundingNotApplicable => "rounding",
            TermsError::DateOutOfRange => "start",
        }
    }
}

impl LoanTerms {
    /// Checks the ranges: amount 0.01–100,000,000.00, rate 0–36 %, term 1–360 months.
    pub fn validate(&self) -> Result<(), TermsError> {
        if self.amount < Money::from_fen(1) || self.amount > MAX_AMOUNT {
            return Err(TermsError::Amount(self.amount));
        }
        if self.rate.percent() > Decimal::from(36) || self.rate.percent().is_sign_negative() {
            return Err(TermsError::Rate(self.rate));
        }
        if !(1..=MAX_TERM).contains(&self.term_months) {
            return Err(TermsError::Term(self.term_months));
        }
        if self.rounding == Rounding::Up && self.method != Method::EqualInstallment {
            return Err(TermsError::RoundingNotApplicable);
        }
        Ok(())
    }
}

/// One period of a schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installment {
    pub period: u32,
    pub due_date: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub total: Money,
    /// Principal still owed after this period.
    pub remaining: Money,
}

/// Sums of a schedule's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    pub principal: Money,
    pub interest: Money,
    pub total: Money,
}

/// Adds `k` calendar months to the value date, clamped to the month's last day. Always counted
/// from the value date, so a schedule starting on the 31st never drifts to the 28th.
#[must_use]
pub fn due_date(value_date: NaiveDate, k: u32) -> Option<NaiveDate> {
    value_date.checked_add_months(Months::new(k))
}

/// The equal-installment level payment P·r(1+r)^n / ((1+r)^n − 1), or P/n at r = 0, rounded
/// once as asked.
#[must_use]
pub fn level_payment(amount: Money, rate: Rate, term: u32, rounding: Rounding) -> Money {
    let p = amount.to_decimal();
    let n = Decimal::from(term);
    let exact = if rate.is_zero() {
        p / n
    } else {
        let r = rate.monthly();
        let growth = (Decimal::ONE + r).powu(u64::from(term));
        p * r * growth / (growth - Decimal::ONE)
    };
    match rounding {
        Rounding::HalfUp => round_fen(exact),
        Rounding::Up => round_fen_up(exact),
    }
}

/// Builds the contractual schedule.
pub fn build(terms: &LoanTerms) -> Result<Vec<Installment>, TermsError> {
    terms.validate()?;
    let p = terms.amount;
    let n = terms.term_months;
    if terms.method == Method::Bullet {
        let interest = round_fen(
            p.to_decimal() * terms.rate.percent() * Decimal::from(n) / Decimal::from(1200),
        );
        let due = due_date(terms.value_date, n).ok_or(TermsError::DateOutOfRange)?;
        return Ok(vec![row(1, due, p, interest, Money::ZERO)]);
    }
    let level = level_payment(p, terms.rate, n, terms.rounding);
    let step = round_fen(p.to_decimal() / Decimal::from(n));
    let mut outstanding = p;
    let mut rows = Vec::with_capacity(n as usize);
    for k in 1..=n {
        let due = due_date(terms.value_date, k).ok_or(TermsError::DateOutOfRange)?;
        let interest = match terms.method {
            Method::InterestFirst => round_fen(terms.rate.monthly_interest(p.to_decimal())),
            _ => round_fen(terms.rate.monthly_interest(outstanding.to_decimal())),
        };
        let principal = if k == n {
            outstanding
        } else {
            match terms.method {
                Method::EqualInstallment => sub(level, interest).max(Money::ZERO).min(outstanding),
                Method::EqualPrincipal => step.min(outstanding),
                Method::InterestFirst | Method::Bullet => Money::ZERO,
            }
        };
        outstanding = sub(outstanding, principal);
        rows.push(row(k, due, principal, interest, outstanding));
    }
    Ok(rows)
}

fn row(
    period: u32,
    due_date: NaiveDate,
    principal: Money,
    interest: Money,
    remaining: Money,
) -> Installment {
    Installment {
        period,
        due_date,
        principal,
        interest,
        total: add(principal, interest),
        remaining,
    }
}

// Schedules are bounded (amount ≤ 1e8, rate ≤ 36 %, 360 periods), so sums stay far inside the
// money range; an overflow here would be a programming error, not bad input.
fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).expect("schedule amounts within range")
}

fn sub(a: Money, b: Money) -> Money {
    a.checked_sub(b).expect("schedule amounts within range")
}

/// Column sums of a schedule.
#[must_use]
pub fn totals(rows: &[Installment]) -> Totals {
    rows.iter().fold(Totals::default(), |t, r| Totals {
        principal: add(t.principal, r.principal),
        interest: add(t.interest, r.interest),
        total: add(t.total, r.total),
    })
}
