//! Lending rules without storage: risk grades, the legal rate cap, penalty interest,
//! delinquency buckets, bid amounts and the allocation of a payment.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::money::{Money, round_fen};
use super::rate::Rate;

/// A risk grade (风险等级) or an investor's risk tolerance: A (safest) to G.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Grade(u8);

impl Grade {
    #[must_use]
    pub fn letter(self) -> char {
        char::from(b'A' + self.0)
    }

    /// Whether an investor of this tolerance may bid on a project of `grade`.
    #[must_use]
    pub fn accepts(self, grade: Grade) -> bool {
        self >= grade
    }
}

impl FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().as_bytes() {
            [c @ b'A'..=b'G'] => Ok(Grade(c - b'A')),
            [c @ b'a'..=b'g'] => Ok(Grade(c - b'a')),
            _ => Err(format!("\"{s}\" is not a grade from A to G")),
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// The day from which the court-protected cap is four times the one-year LPR.
#[must_use]
pub fn lpr_rule_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 8, 20).expect("valid date")
}

/// The legal cap on the annual rate for a contract dated `contract_date`: 24 % before
/// 2020-08-20, then four times the one-year Loan Prime Rate (a setting).
#[must_use]
pub fn legal_cap(contract_date: NaiveDate, lpr: Rate) -> Rate {
    if contract_date < lpr_rule_start() {
        Rate::from_percent(Decimal::from(24))
    } else {
        Rate::from_percent(lpr.percent() * Decimal::from(4))
    }
}

/// The one-year Loan Prime Rate over time, as the `lending.lpr` setting writes it: either one
/// rate (`3.0`), or dated rates `3.85@2020-08-20, 3.45@2023-08-21, 3.0@2025-05-20`, each in
/// force from its date until the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LprTable(Vec<(Option<NaiveDate>, Rate)>);

impl FromStr for LprTable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut entries = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (rate, date) = match part.split_once('@') {
                Some((r, d)) => {
                    let d = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .map_err(|_| format!("\"{d}\" is not a date in the form YYYY-MM-DD"))?;
                    (r, Some(d))
                }
                None => (part, None),
            };
            let rate = Rate::parse(&format!("{}%", rate.trim().trim_end_matches('%')))
                .map_err(|e| format!("LPR {e}"))?;
            if rate.percent() > Decimal::from(20) {
                return Err(format!("LPR {rate} is not plausible"));
            }
            entries.push((date, rate));
        }
        if entries.is_empty() {
            return Err("no rate given".into());
        }
        if entries.len() > 1 && entries.iter().any(|(d, _)| d.is_none()) {
            return Err("with several rates, each needs its date: RATE@YYYY-MM-DD".into());
        }
        entries.sort_by_key(|(d, _)| *d);
        Ok(LprTable(entries))
    }
}

impl LprTable {
    /// The LPR in force on `date` (the earliest entry for dates before it).
    #[must_use]
    pub fn rate_on(&self, date: NaiveDate) -> Rate {
        self.0
            .iter()
            .rev()
            .find(|(from, _)| from.is_none_or(|f| f <= date))
            .or_else(|| self.0.first())
            .map_or(Rate::ZERO, |(_, r)| *r)
    }

    /// The legal cap for a contract dated `date`.
    #[must_use]
    pub fn cap_on(&self, date: NaiveDate) -> Rate {
        legal_cap(date, self.rate_on(date))
    }

    /// The canonical text of the table.
    #[must_use]
    pub fn canonical(&self) -> String {
        self.0
            .iter()
            .map(|(d, r)| match d {
                Some(d) => format!("{}@{d}", r.percent()),
                None => r.percent().to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The annual penalty rate on overdue amounts: the contract rate plus the markup (50 % by
/// default), but never so high that contract interest plus penalty exceed the legal cap.
#[must_use]
pub fn penalty_rate(contract: Rate, markup_percent: Decimal, cap: Rate) -> Rate {
    let marked =
        contract.percent() * (Decimal::ONE_HUNDRED + markup_percent) / Decimal::ONE_HUNDRED;
    let room = (cap.percent() - contract.percent()).max(Decimal::ZERO);
    Rate::from_percent(marked.min(room))
}

/// One day's penalty on an overdue amount, rounded to the fen (rates are per 360 days).
#[must_use]
pub fn daily_penalty(overdue: Money, penalty: Rate) -> Money {
    round_fen(penalty.daily_interest(overdue.to_decimal()))
}

/// Delinquency bucket by days past due.
#[must_use]
pub fn bucket(days_past_due: i64) -> &'static str {
    match days_past_due {
        i64::MIN..=0 => "current",
        1..=30 => "M1",
        31..=60 => "M2",
        61..=90 => "M3",
        _ => "M3+",
    }
}

/// The bidding terms of a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidRules {
    pub min_bid: Money,
    pub step: Money,
    pub remaining: Money,
}

/// Why a bid amount is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BidError {
    #[error("the project is fully subscribed")]
    Full,
    #[error("is more than the remaining {0}")]
    OverRemaining(Money),
    #[error("is below the minimum bid {0}")]
    BelowMinimum(Money),
    #[error("must be the minimum {min} plus a multiple of {step}")]
    OffStep { min: Money, step: Money },
}

/// Checks a bid amount: at least the minimum, the minimum plus whole steps, no more than what
/// remains; a bid of exactly the remaining amount closes the project whatever the steps.
pub fn check_bid(amount: Money, rules: BidRules) -> Result<(), BidError> {
    if rules.remaining <= Money::ZERO {
        return Err(BidError::Full);
    }
    if amount > rules.remaining {
        return Err(BidError::OverRemaining(rules.remaining));
    }
    if amount == rules.remaining && amount > Money::ZERO {
        return Ok(());
    }
    if amount < rules.min_bid {
        return Err(BidError::BelowMinimum(rules.min_bid));
    }
    if rules.step.fen() > 0 && (amount.fen() - rules.min_bid.fen()) % rules.step.fen() != 0 {
        return Err(BidError::OffStep { min: rules.min_bid, step: rules.step });
    }
    Ok(())
}

/// What is still owed on one period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Owed {
    pub penalty: Money,
    pub interest: Money,
    pub principal: Money,
}

impl Owed {
    #[must_use]
    pub fn total(self) -> Money {
        Money::from_fen(self.penalty.fen() + self.interest.fen() + self.principal.fen())
    }
}

/// Applies a payment to periods in the order given (oldest first), each period penalty →
/// interest → principal. Returns what went to each period and what is left over.
#[must_use]
pub fn allocate(payment: Money, periods: &[Owed]) -> (Vec<Owed>, Money) {
    let mut left = payment.fen().max(0);
    let mut out = Vec::with_capacity(periods.len());
    for p in periods {
        let mut take = |owed: Money| {
            let t = owed.fen().min(left).max(0);
            left -= t;
            Money::from_fen(t)
        };
        let penalty = take(p.penalty);
        let interest = take(p.interest);
        let principal = take(p.principal);
        out.push(Owed { penalty, interest, principal });
    }
    (out, Money::from_fen(left))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn r(s: &str) -> Rate {
        Rate::parse(s).unwrap()
    }

    #[test]
    fn grades_and_tolerance() {
        let c: Grade = "C".parse().unwrap();
        assert!(c.accepts("A".parse().unwrap()));
        assert!(c.accepts(c));
        assert!(!c.accepts("D".parse().unwrap()));
        assert!("H".parse::<Grade>().is_err());
        assert_eq!(c.to_string(), "C");
    }

    #[test]
    fn cap_follows_the_contract_date() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(legal_cap(d(2020, 8, 19), r("3")), r("24"));
        assert_eq!(legal_cap(d(2020, 8, 20), r("3")), r("12"));
        assert_eq!(legal_cap(d(2025, 1, 1), r("3.85")), r("15.4"));
    }

    #[test]
    fn lpr_table_is_judged_at_the_contract_date() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let t: LprTable = "3.0@2025-05-20, 3.85@2020-08-20".parse().unwrap();
        assert_eq!(t.cap_on(d(2019, 1, 1)), r("24"));
        assert_eq!(t.cap_on(d(2021, 1, 1)), r("15.4"));
        assert_eq!(t.cap_on(d(2025, 5, 19)), r("15.4"));
        assert_eq!(t.cap_on(d(2025, 5, 20)), r("12"));
        assert_eq!(t.canonical(), "3.85@2020-08-20, 3@2025-05-20");
        let one: LprTable = "3.0".parse().unwrap();
        assert_eq!(one.cap_on(d(2026, 1, 1)), r("12"));
        assert!("3.0, 3.1@2024-01-01".parse::<LprTable>().is_err());
        assert!("x".parse::<LprTable>().is_err());
    }

    #[test]
    fn penalty_rate_is_capped() {
        // 10 % + 50 % = 15 %, but only 2 % of room under a 12 % cap.
        assert_eq!(penalty_rate(r("10"), Decimal::from(50), r("12")), r("2"));
        // 8 % + 50 % = 12 %, room 16 % under 24 %: the markup applies in full.
        assert_eq!(penalty_rate(r("8"), Decimal::from(50), r("24")), r("12"));
        assert_eq!(penalty_rate(r("13"), Decimal::from(50), r("12")), r("0"));
        // 10,000.00 overdue at 12 % a year for one day: 10000 × 0.12 / 360 = 3.333… → 3.33.
        assert_eq!(daily_penalty(m("10000"), r("12")), m("3.33"));
    }

    #[test]
    fn buckets() {
        assert_eq!(
            [0, 1, 30, 31, 60, 61, 90, 91].map(bucket),
            ["current", "M1", "M1", "M2", "M2", "M3", "M3", "M3+"]
        );
    }

    #[test]
    fn bid_amounts() {
        let rules = BidRules { min_bid: m("100"), step: m("50"), remaining: m("1000") };
        assert_eq!(check_bid(m("100"), rules), Ok(()));
        assert_eq!(check_bid(m("250"), rules), Ok(()));
        assert_eq!(check_bid(m("1000"), rules), Ok(()));
        assert_eq!(check_bid(m("99.99"), rules), Err(BidError::BelowMinimum(m("100"))));
        assert!(matches!(check_bid(m("120"), rules), Err(BidError::OffStep { .. })));
        assert_eq!(check_bid(m("1050"), rules), Err(BidError::OverRemaining(m("1000"))));
        let tail = BidRules { remaining: m("30"), ..rules };
        assert_eq!(check_bid(m("30"), tail), Ok(()), "the closing bid takes what remains");
        let full = BidRules { remaining: Money::ZERO, ..rules };
        assert_eq!(check_bid(m("100"), full), Err(BidError::Full));
    }

    #[test]
    fn allocation_is_oldest_first_penalty_interest_principal() {
        let periods = [
            Owed { penalty: m("5"), interest: m("100"), principal: m("900") },
            Owed { penalty: m("0"), interest: m("90"), principal: m("910") },
        ];
        let (applied, left) = allocate(m("1050"), &periods);
        assert_eq!(applied[0], periods[0]);
        assert_eq!(applied[1], Owed { penalty: m("0"), interest: m("45"), principal: m("0") });
        assert_eq!(left, Money::ZERO);
        let (applied, left) = allocate(m("3000"), &periods);
        assert_eq!(applied[1].principal, m("910"));
        assert_eq!(left, m("995"));
    }
}
