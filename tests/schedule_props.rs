//! Properties that hold for every schedule and every split, over random loans.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, Months, NaiveDate};
use p2pdesk::domain::schedule::{self, LoanTerms, Method, Rounding};
use p2pdesk::domain::split::pro_rata;
use p2pdesk::domain::{Money, Rate};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn days_in_month(y: i32, m: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
    let next = first + Months::new(1);
    u32::try_from((next - first).num_days()).unwrap()
}

fn terms() -> impl Strategy<Value = LoanTerms> {
    (1_i64..=10_000_000_000, 0_u32..=3600, 1_u32..=360, 0_i64..15_000, 0_usize..4, any::<bool>())
        .prop_map(|(fen, rate_bp, term, day, m, up)| {
            let method = Method::ALL[m];
            LoanTerms {
                amount: Money::from_fen(fen),
                rate: Rate::from_percent(Decimal::new(i64::from(rate_bp), 2)),
                term_months: term,
                value_date: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
                    + chrono::Days::new(day.unsigned_abs()),
                method,
                rounding: if up && method == Method::EqualInstallment {
                    Rounding::Up
                } else {
                    Rounding::HalfUp
                },
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parts_add_up_and_outstanding_ends_at_zero(t in terms()) {
        let rows = schedule::build(&t).unwrap();
        let expected_rows = if t.method == Method::Bullet { 1 } else { t.term_months as usize };
        prop_assert_eq!(rows.len(), expected_rows);
        let mut outstanding = t.amount;
        for r in &rows {
            prop_assert!(r.principal >= Money::ZERO && r.interest >= Money::ZERO);
            prop_assert_eq!(r.total, r.principal.checked_add(r.interest).unwrap());
            outstanding = outstanding.checked_sub(r.principal).unwrap();
            prop_assert!(outstanding >= Money::ZERO, "outstanding went negative");
            prop_assert_eq!(r.remaining, outstanding);
        }
        prop_assert_eq!(outstanding, Money::ZERO);
        let totals = schedule::totals(&rows);
        prop_assert_eq!(totals.principal, t.amount);
        if t.method == Method::InterestFirst {
            prop_assert!(rows[..rows.len() - 1].iter().all(|r| r.principal.is_zero()));
        }
        if t.method == Method::EqualInstallment {
            let level = schedule::level_payment(t.amount, t.rate, t.term_months, t.rounding);
            for r in &rows[..rows.len() - 1] {
                // Every period but the last pays the level payment, unless the principal ran out.
                prop_assert!(r.total == level || r.remaining.is_zero());
            }
        }
    }

    #[test]
    fn due_dates_never_drift(t in terms()) {
        let rows = schedule::build(&t).unwrap();
        let start = t.value_date;
        let months_after = |d: NaiveDate| (d.year() - start.year()) * 12 + d.month0().cast_signed() - start.month0().cast_signed();
        for r in &rows {
            let k = if t.method == Method::Bullet { t.term_months } else { r.period };
            prop_assert_eq!(months_after(r.due_date), i32::try_from(k).unwrap());
            let last = days_in_month(r.due_date.year(), r.due_date.month());
            prop_assert_eq!(r.due_date.day(), start.day().min(last));
        }
    }

    #[test]
    fn splits_are_exact_and_fair(amount in 0_i64..10_000_000_000, holdings in proptest::collection::vec(1_i64..1_000_000_000, 1..40)) {
        let hs: Vec<Money> = holdings.iter().copied().map(Money::from_fen).collect();
        let parts = pro_rata(Money::from_fen(amount), &hs).unwrap();
        prop_assert_eq!(parts.len(), hs.len());
        prop_assert_eq!(parts.iter().map(|p| p.fen()).sum::<i64>(), amount);
        let total: i128 = holdings.iter().map(|h| i128::from(*h)).sum();
        for (p, h) in parts.iter().zip(&holdings) {
            let exact_floor = i128::from(amount) * i128::from(*h) / total;
            let got = i128::from(p.fen());
            prop_assert!(got == exact_floor || got == exact_floor + 1, "each part is its share's floor or ceiling");
        }
        let negated = pro_rata(Money::from_fen(-amount), &hs).unwrap();
        prop_assert!(negated.iter().zip(&parts).all(|(n, p)| n.fen() == -p.fen()));
    }
}

#[test]
fn terms_out_of_range_name_the_field() {
    let base = LoanTerms {
        amount: Money::from_fen(100),
        rate: Rate::parse("12").unwrap(),
        term_months: 12,
        value_date: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        method: Method::EqualPrincipal,
        rounding: Rounding::HalfUp,
    };
    let cases = [
        (LoanTerms { amount: Money::ZERO, ..base.clone() }, "amount"),
        (LoanTerms { amount: Money::from_fen(10_000_000_001), ..base.clone() }, "amount"),
        (LoanTerms { rate: Rate::parse("36.01").unwrap(), ..base.clone() }, "rate"),
        (LoanTerms { term_months: 0, ..base.clone() }, "term"),
        (LoanTerms { term_months: 361, ..base.clone() }, "term"),
        (LoanTerms { rounding: Rounding::Up, ..base.clone() }, "rounding"),
    ];
    for (t, field) in cases {
        assert_eq!(schedule::build(&t).unwrap_err().field(), field);
    }
    assert!(schedule::build(&LoanTerms { rate: Rate::parse("36").unwrap(), ..base }).is_ok());
}

#[test]
fn month_end_start_clamps_without_drift() {
    // Worked by hand: from 31 Jan 2027 the dues are the last day of each shorter month and go
    // back to the 31st whenever the month has one.
    let t = LoanTerms {
        amount: Money::parse("1200").unwrap(),
        rate: Rate::ZERO,
        term_months: 4,
        value_date: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        method: Method::EqualPrincipal,
        rounding: Rounding::HalfUp,
    };
    let dues: Vec<String> =
        schedule::build(&t).unwrap().iter().map(|r| r.due_date.to_string()).collect();
    assert_eq!(dues, ["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]);
}
