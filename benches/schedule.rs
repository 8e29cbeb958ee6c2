//! Building repayment schedules: a 360-month equal-installment loan, the longest there is.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use p2pdesk::domain::schedule::{self, LoanTerms, Method, Rounding};
use p2pdesk::domain::{Money, Rate};

fn schedules(c: &mut Criterion) {
    let terms = LoanTerms {
        amount: Money::from_fen(100_000_000),
        rate: Rate::parse("13.99").expect("rate"),
        term_months: 360,
        value_date: NaiveDate::from_ymd_opt(2026, 1, 31).expect("date"),
        method: Method::EqualInstallment,
        rounding: Rounding::HalfUp,
    };
    c.bench_function("schedule_360_months", |b| {
        b.iter(|| schedule::build(std::hint::black_box(&terms)));
    });
}

criterion_group!(benches, schedules);
criterion_main!(benches);
