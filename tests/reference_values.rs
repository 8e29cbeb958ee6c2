//! Schedules, settlement quotes, splits and roundings checked against values worked out outside
//! the project: `tests/reference/*.py` computes them with Python's `decimal` (and cross-checks the
//! level payments with `bc -l`) into `tests/data/reference_*.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

use chrono::NaiveDate;
use p2pdesk::domain::schedule::{self, LoanTerms, Method, Rounding};
use p2pdesk::domain::settlement::{open_periods, quote};
use p2pdesk::domain::split::pro_rata;
use p2pdesk::domain::{Money, Rate, round_fen};
use rust_decimal::Decimal;
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn terms_of(case: &Value) -> LoanTerms {
    LoanTerms {
        amount: Money::parse(s(&case["amount"])).unwrap(),
        rate: Rate::parse(&format!("{}%", s(&case["rate"]))).unwrap(),
        term_months: u32::try_from(case["term"].as_u64().unwrap()).unwrap(),
        value_date: NaiveDate::from_str(s(&case["start"])).unwrap(),
        method: Method::from_str(s(&case["method"])).unwrap(),
        rounding: Rounding::from_str(s(&case["rounding"])).unwrap(),
    }
}

#[test]
fn schedules_match_independent_calculation() {
    let cases = load("reference_schedules.json");
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 20, "at least 20 reference schedules");
    for case in cases {
        let name = s(&case["name"]);
        let terms = terms_of(case);
        let rows = schedule::build(&terms).unwrap();
        let expected = case["rows"].as_array().unwrap();
        assert_eq!(rows.len(), expected.len(), "{name}: number of periods");
        for (got, want) in rows.iter().zip(expected) {
            let p = got.period;
            assert_eq!(u64::from(p), want["period"].as_u64().unwrap(), "{name}");
            assert_eq!(
                got.due_date.to_string(),
                s(&want["due_date"]),
                "{name} period {p} due date"
            );
            assert_eq!(
                got.principal.to_string(),
                s(&want["principal"]),
                "{name} period {p} principal"
            );
            assert_eq!(
                got.interest.to_string(),
                s(&want["interest"]),
                "{name} period {p} interest"
            );
            assert_eq!(got.total.to_string(), s(&want["total"]), "{name} period {p} total");
            assert_eq!(
                got.remaining.to_string(),
                s(&want["remaining"]),
                "{name} period {p} remaining"
            );
        }
        let t = schedule::totals(&rows);
        assert_eq!(
            t.principal.to_string(),
            s(&case["totals"]["principal"]),
            "{name} total principal"
        );
        assert_eq!(t.interest.to_string(), s(&case["totals"]["interest"]), "{name} total interest");
        assert_eq!(t.total.to_string(), s(&case["totals"]["total"]), "{name} total");
        if let Some(level) = case.get("level_payment") {
            let got = schedule::level_payment(
                terms.amount,
                terms.rate,
                terms.term_months,
                terms.rounding,
            );
            assert_eq!(got.to_string(), s(level), "{name} level payment");
        }
    }
}

#[test]
fn settlement_quotes_match_independent_calculation() {
    let refs = load("reference_misc.json");
    let cases = refs["settlement"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let mut c = case.clone();
        c["method"] = Value::from("equal-installment");
        let terms = terms_of(&c);
        let rows = schedule::build(&terms).unwrap();
        let paid = usize::try_from(case["paid_periods"].as_u64().unwrap()).unwrap();
        let on = NaiveDate::from_str(s(&case["settle_on"])).unwrap();
        let mut periods = open_periods(&rows, terms.value_date);
        for p in periods.iter_mut().take(paid) {
            p.unpaid_principal = Money::ZERO;
            p.unpaid_interest = Money::ZERO;
        }
        let q = quote(&periods, on);
        let label = format!("{} on {on}", s(&case["amount"]));
        assert_eq!(
            q.principal.to_string(),
            s(&case["outstanding_principal"]),
            "{label}: principal"
        );
        assert_eq!(q.total.to_string(), s(&case["quote"]), "{label}: quote");
        let interest = q.due_interest.checked_add(q.accrued_interest).unwrap();
        assert_eq!(
            q.principal.checked_add(interest).unwrap().to_string(),
            s(&case["quote"]),
            "{label}: parts"
        );
        if on < rows.last().unwrap().due_date && !rows.iter().any(|r| r.due_date == on) {
            assert_eq!(
                q.accrued_interest.to_string(),
                s(&case["accrued_interest"]),
                "{label}: accrued"
            );
        }
    }
}

#[test]
fn investor_splits_match_independent_calculation() {
    let refs = load("reference_misc.json");
    let cases = refs["investor_split"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let amount = Money::parse(s(&case["amount"])).unwrap();
        let holdings: Vec<Money> = case["holdings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| Money::parse(s(h)).unwrap())
            .collect();
        let want: Vec<String> =
            case["shares"].as_array().unwrap().iter().map(|v| s(v).to_owned()).collect();
        let got: Vec<String> =
            pro_rata(amount, &holdings).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(got, want, "{amount} among {holdings:?}");
    }
}

#[test]
fn rounding_matches_independent_calculation() {
    let refs = load("reference_misc.json");
    let cases = refs["rounding"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let input = Decimal::from_str(s(&case["input"])).unwrap();
        assert_eq!(round_fen(input).to_string(), s(&case["output"]), "round {input}");
    }
}
