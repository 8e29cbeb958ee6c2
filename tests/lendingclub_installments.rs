//! The stated `installment` of every real LendingClub loan in `tests/data` is the level payment
//! for its amount, rate and term, rounded up to the cent. The loans that disagree are listed
//! (with the reason found for each) in `tests/data/reference_lendingclub.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use p2pdesk::domain::schedule::{Rounding, level_payment};
use p2pdesk::domain::{Money, Rate};

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Returns the number of rows and the ids of the rows whose stated installment differs.
fn mismatches(file: &str, amount: &str, term: &str, rate: &str, id: &str) -> (usize, Vec<String>) {
    let mut reader = csv::Reader::from_path(data(file)).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (ia, it, ir, ii, iid) = (col(amount), col(term), col(rate), col("installment"), col(id));
    let mut rows = 0;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        // Money is read from text, never through a float; "20000.0" has one decimal.
        let p = Money::parse(&record[ia]).unwrap();
        let n: u32 = record[it].trim().trim_end_matches(" months").parse().unwrap();
        let r = Rate::parse(&format!("{}%", record[ir].trim())).unwrap();
        let stated = Money::parse(&record[ii]).unwrap();
        let computed = level_payment(p, r, n, Rounding::Up);
        if computed != stated {
            out.push(record[iid].to_owned());
        }
    }
    (rows, out)
}

fn reference() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(data("reference_lendingclub.json")).unwrap())
        .unwrap()
}

#[test]
fn openintro_installments_are_level_payments_rounded_up() {
    let (rows, found) =
        mismatches("lendingclub-2018q1-openintro.csv", "loan_amount", "term", "interest_rate", "");
    assert_eq!(rows, 10_000);
    let reference = reference();
    let expected: BTreeSet<String> = reference["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["row_number"].as_u64().unwrap().to_string())
        .collect();
    // The three rows are the only ones at exactly 6 %: re-amortised after a rate change.
    assert_eq!(expected.len(), 3);
    let found: BTreeSet<String> = found.into_iter().collect();
    assert_eq!(found, expected);
    assert_eq!(expected, BTreeSet::from(["1548".to_owned(), "1968".to_owned(), "9687".to_owned()]));
}

#[test]
fn native_installments_are_level_payments_rounded_up() {
    let (rows, found) =
        mismatches("lendingclub-native-sample.csv", "funded_amnt", "term", "int_rate", "id");
    assert_eq!(rows, 1_000);
    let reference = reference();
    let expected: BTreeSet<String> = reference["native_mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    // Seven 2009–2010 loans whose installment came from a rate with more than two decimals.
    assert_eq!(expected.len(), 7);
    let found: BTreeSet<String> = found.into_iter().collect();
    assert_eq!(found, expected);
}
