//! Reading what a clerk typed into a form field, with the problem in his language. Each
//! reader takes the field's text and gives the value or the sentence to show under the field.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::lending::Grade;
use crate::domain::schedule::Method;
use crate::domain::{Money, MoneyError, Rate, RateError};
use crate::tui::i18n::Tr;
use crate::tui::wording::method_label;

/// The two kinds of borrower, as stored.
pub const KINDS: [&str; 2] = ["person", "company"];

/// The highest annual rate a schedule accepts.
const MAX_RATE: u32 = 36;

/// Text that must not be empty.
pub fn required(tr: &Tr, text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() { Err(tr.t("input.empty").to_owned()) } else { Ok(t.to_owned()) }
}

/// An amount above zero.
pub fn money(tr: &Tr, text: &str) -> Result<Money, String> {
    let m = Money::parse(text).map_err(|e| match e {
        MoneyError::Empty => tr.t("input.empty").to_owned(),
        MoneyError::NotANumber(_) => tr.t("input.not_a_number").to_owned(),
        MoneyError::TooManyDecimals(_) => tr.t("input.two_decimals").to_owned(),
        MoneyError::TooLarge(_) => tr.t("input.too_large").to_owned(),
        MoneyError::Negative(_) => tr.t("input.positive").to_owned(),
    })?;
    if m <= Money::ZERO {
        return Err(tr.t("input.positive").to_owned());
    }
    Ok(m)
}

/// An annual rate in percent, 0 to 36.
pub fn rate(tr: &Tr, text: &str) -> Result<Rate, String> {
    let r = Rate::parse(text).map_err(|e| match e {
        RateError::Empty => tr.t("input.empty").to_owned(),
        RateError::NotANumber(_) => tr.t("input.not_a_number").to_owned(),
        RateError::Negative(_) => tr.t("input.positive").to_owned(),
        RateError::Ambiguous { suggest, .. } => {
            tr.f("input.rate_ambiguous", &[("suggest", &suggest)])
        }
        RateError::TooPrecise(_) => tr.t("input.rate_precise").to_owned(),
    })?;
    if r.percent() > Decimal::from(MAX_RATE) {
        return Err(tr.f("input.rate_range", &[("max", &MAX_RATE.to_string())]));
    }
    Ok(r)
}

/// A whole number from `min` to `max`.
pub fn whole(tr: &Tr, text: &str, min: u32, max: u32) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(tr.t("input.empty").to_owned());
    }
    match t.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(tr.f("input.whole", &[("min", &min.to_string()), ("max", &max.to_string())])),
    }
}

/// A record number (a borrower, investor, loan id).
pub fn id(tr: &Tr, text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(tr.t("input.empty").to_owned());
    }
    t.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| tr.t("input.id").to_owned())
}

/// A date written `2026-12-03`.
pub fn date(tr: &Tr, text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(tr.t("input.empty").to_owned());
    }
    t.parse().map_err(|_| tr.t("input.date").to_owned())
}

/// A risk grade A to G.
pub fn grade(tr: &Tr, text: &str) -> Result<String, String> {
    let t = text.trim().to_ascii_uppercase();
    if t.is_empty() {
        return Err(tr.t("input.empty").to_owned());
    }
    t.parse::<Grade>().map(|g| g.to_string()).map_err(|_| tr.t("input.grade").to_owned())
}

/// The kind of borrower: its number, its code or its name.
pub fn kind(tr: &Tr, text: &str) -> Result<&'static str, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(tr.t("input.empty").to_owned());
    }
    KINDS
        .iter()
        .enumerate()
        .find(|(i, k)| {
            t == (i + 1).to_string() || t.eq_ignore_ascii_case(k) || t == tr.t(&format!("kind.{k}"))
        })
        .map(|(_, k)| *k)
        .ok_or_else(|| tr.t("input.kind").to_owned())
}

/// A repayment method: its number, its code or its name.
pub fn method(tr: &Tr, text: &str) -> Result<Method, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(tr.t("input.empty").to_owned());
    }
    Method::ALL
        .iter()
        .enumerate()
        .find(|(i, m)| {
            t == (i + 1).to_string()
                || t.eq_ignore_ascii_case(m.code())
                || t == tr.t(method_label(**m))
        })
        .map(|(_, m)| *m)
        .ok_or_else(|| methods_hint(tr))
}

/// `1 等额本息  2 等额本金 …`: the numbers a method field takes.
#[must_use]
pub fn methods_hint(tr: &Tr) -> String {
    Method::ALL
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{} {}", i + 1, tr.t(method_label(*m))))
        .collect::<Vec<_>>()
        .join("  ")
}

/// Yes or no, in either language or as y/n.
pub fn yes(tr: &Tr, text: &str) -> Result<bool, String> {
    let t = text.trim().to_lowercase();
    if ["y", "yes", "1", tr.t("common.yes")].contains(&t.as_str()) {
        Ok(true)
    } else if ["n", "no", "0", tr.t("common.no")].contains(&t.as_str()) {
        Ok(false)
    } else if t.is_empty() {
        Err(tr.t("input.empty").to_owned())
    } else {
        Err(tr.t("input.yes_no").to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::i18n::Locale;

    #[test]
    fn readers_say_what_is_wrong() {
        let tr = Tr::of(Locale::En);
        assert_eq!(money(tr, "1,000.5").unwrap(), Money::from_fen(100_050));
        assert!(money(tr, "1.005").unwrap_err().contains("decimals"));
        assert!(money(tr, "0").is_err());
        assert!(rate(tr, "0.12").unwrap_err().contains("12%"));
        assert!(rate(tr, "40").is_err());
        assert_eq!(method(tr, "2").unwrap(), Method::EqualPrincipal);
        assert_eq!(kind(tr, "company").unwrap(), "company");
        assert_eq!(grade(tr, "b").unwrap(), "B");
        assert!(yes(tr, "y").unwrap());
    }
}
