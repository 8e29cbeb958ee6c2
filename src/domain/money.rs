//! Money: exact decimal amounts of yuan, stored as integer fen.
//!
//! Every rounding in the crate goes through [`round_fen`] (half away from zero, 四舍五入) or,
//! where a rule asks for it explicitly, [`round_fen_up`]. The bare `round`/`round_dp` of
//! `rust_decimal` round half-to-even and are banned by clippy's `disallowed_methods`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The largest amount a single figure may carry (one hundred billion yuan): far above any
/// loan (the limit is 100,000,000.00), low enough that sums of millions of rows fit in `i64` fen.
const MAX_ABS_FEN: i64 = 10_000_000_000_000;

/// An amount of money with at most two decimals. Negative amounts exist (adjustments,
/// reversals); whether a negative is acceptable is the caller's rule.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("is empty")]
    Empty,
    #[error("\"{0}\" is not a number")]
    NotANumber(String),
    #[error("\"{0}\" has more than two decimals")]
    TooManyDecimals(String),
    #[error("\"{0}\" is too large")]
    TooLarge(String),
    #[error("\"{0}\" is negative")]
    Negative(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    #[must_use]
    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    #[must_use]
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// The exact decimal value (scale 2).
    #[must_use]
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Converts a decimal that already has at most two decimals. `None` if it has more, or is
    /// out of range: callers that mean to round say so with [`round_fen`].
    #[must_use]
    pub fn from_decimal_exact(d: Decimal) -> Option<Money> {
        let scaled = d.checked_mul(Decimal::ONE_HUNDRED)?;
        if !scaled.fract().is_zero() {
            return None;
        }
        let fen = scaled.to_i64()?;
        (fen.abs() <= MAX_ABS_FEN).then_some(Money(fen))
    }

    /// Parses a typed or imported amount: digits with an optional sign, optional thousands
    /// separators (`,`), at most two decimals. Never goes through a float.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(MoneyError::Empty);
        }
        let cleaned: String = t.chars().filter(|c| *c != ',' && *c != '_').collect();
        let valid = {
            let body = cleaned.strip_prefix(['-', '+']).unwrap_or(&cleaned);
            let mut parts = body.splitn(2, '.');
            let int = parts.next().unwrap_or("");
            let frac = parts.next();
            (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
                && int.chars().all(|c| c.is_ascii_digit())
                && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()))
        };
        if !valid {
            return Err(MoneyError::NotANumber(t.to_owned()));
        }
        let d = Decimal::from_str(&cleaned).map_err(|_| MoneyError::TooLarge(t.to_owned()))?;
        let d = d.normalize();
        if d.scale() > 2 {
            return Err(MoneyError::TooManyDecimals(t.to_owned()));
        }
        Money::from_decimal_exact(d).ok_or_else(|| MoneyError::TooLarge(t.to_owned()))
    }

    /// Like [`Money::parse`] but refuses negatives.
    pub fn parse_non_negative(text: &str) -> Result<Money, MoneyError> {
        let m = Money::parse(text)?;
        if m.is_negative() {
            return Err(MoneyError::Negative(text.trim().to_owned()));
        }
        Ok(m)
    }

    #[must_use]
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    #[must_use]
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    #[must_use]
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).filter(|v| v.abs() <= MAX_ABS_FEN).map(Money)
    }

    #[must_use]
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).filter(|v| v.abs() <= MAX_ABS_FEN).map(Money)
    }

    #[must_use]
    pub fn min(self, other: Money) -> Money {
        if self <= other { self } else { other }
    }

    #[must_use]
    pub fn max(self, other: Money) -> Money {
        if self >= other { self } else { other }
    }

    /// Sums a list, `None` on overflow.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Option<Money> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }
}

/// Rounds to the fen, half away from zero (四舍五入): 0.125 → 0.13, −0.125 → −0.13.
///
/// # Panics
/// Never for amounts a loan can produce; a value beyond the money range is a programming error.
#[must_use]
pub fn round_fen(d: Decimal) -> Money {
    round_with(d, RoundingStrategy::MidpointAwayFromZero)
}

/// Rounds up to the fen (towards positive infinity): used only by the equal-installment level
/// payment when a book asks for it (`--rounding up`).
#[must_use]
pub fn round_fen_up(d: Decimal) -> Money {
    round_with(d, RoundingStrategy::ToPositiveInfinity)
}

#[allow(clippy::disallowed_methods)] // the one place allowed to call round_dp_with_strategy
fn round_with(d: Decimal, strategy: RoundingStrategy) -> Money {
    let r = d.round_dp_with_strategy(2, strategy);
    Money::from_decimal_exact(r).expect("amount beyond the money range")
}

impl fmt::Display for Money {
    /// Two decimals, no thousands separators: `-1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let s = format!("{sign}{}.{:02}", abs / 100, abs % 100);
        f.pad(&s)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Money::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Formats with thousands separators for screens and reports: `1,234,567.89`.
#[must_use]
pub fn grouped(m: Money) -> String {
    let plain = m.to_string();
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
    let mut out = String::with_capacity(plain.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parses_exact_amounts() {
        assert_eq!(Money::parse("100.10").unwrap().fen(), 10010);
        assert_eq!(Money::parse("1,234,567.8").unwrap().fen(), 123_456_780);
        assert_eq!(Money::parse(" 0.01 ").unwrap().fen(), 1);
        assert_eq!(Money::parse("-5").unwrap().fen(), -500);
        assert_eq!(Money::parse("7.").unwrap().fen(), 700);
        assert_eq!(Money::parse(".5").unwrap().fen(), 50);
        assert_eq!(Money::parse("20000.0").unwrap().fen(), 2_000_000);
        assert_eq!(Money::parse("1.2300").unwrap().fen(), 123);
    }

    #[test]
    fn refuses_bad_amounts() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert_eq!(Money::parse("1.234"), Err(MoneyError::TooManyDecimals("1.234".into())));
        assert!(matches!(Money::parse("1e5"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("NaN"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("12a"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("."), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("--1"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("999999999999999999"), Err(MoneyError::TooLarge(_))));
        assert!(matches!(Money::parse_non_negative("-1"), Err(MoneyError::Negative(_))));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        // Worked by hand: the digit after the fen is 5 in each case, so the fen moves away
        // from zero; half-to-even would give 0.52, 2.67 and -0.12.
        assert_eq!(round_fen(d("0.525")).to_string(), "0.53");
        assert_eq!(round_fen(d("2.675")).to_string(), "2.68");
        assert_eq!(round_fen(d("-0.125")).to_string(), "-0.13");
        assert_eq!(round_fen(d("-0.005")).to_string(), "-0.01");
        assert_eq!(round_fen(d("0.004999")).to_string(), "0.00");
        assert_eq!(round_fen(d("1.004999")).to_string(), "1.00");
    }

    #[test]
    fn rounds_up_to_the_fen() {
        assert_eq!(round_fen_up(d("683.451")).to_string(), "683.46");
        assert_eq!(round_fen_up(d("683.45")).to_string(), "683.45");
        assert_eq!(round_fen_up(d("0.0000001")).to_string(), "0.01");
    }

    #[test]
    fn displays_two_decimals_and_groups() {
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Money::from_fen(888_488).to_string(), "8884.88");
        assert_eq!(grouped(Money::from_fen(123_456_789)), "1,234,567.89");
        assert_eq!(grouped(Money::from_fen(-100_000)), "-1,000.00");
        assert_eq!(grouped(Money::from_fen(99_999)), "999.99");
    }

    #[test]
    fn serde_uses_strings() {
        let m = Money::from_fen(10010);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"100.10\"");
        let back: Money = serde_json::from_str("\"100.10\"").unwrap();
        assert_eq!(back, m);
    }
}
