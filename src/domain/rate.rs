//! Interest rates: annual, in percent.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An annual interest rate in percent (`12` means 12 % a year).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(Decimal);

/// Why a text is not a rate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("is empty")]
    Empty,
    #[error("\"{0}\" is not a number")]
    NotANumber(String),
    #[error("\"{0}\" is negative")]
    Negative(String),
    #[error("\"{text}\" is ambiguous: did you mean {suggest}%?")]
    Ambiguous { text: String, suggest: String },
    #[error("\"{0}\" has more than four decimals")]
    TooPrecise(String),
}

impl Rate {
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// A rate from its percent value. Callers parsing user text use [`Rate::parse`].
    #[must_use]
    pub fn from_percent(p: Decimal) -> Rate {
        Rate(p.normalize())
    }

    /// Parses `12`, `12%`, `4.35 %`, `0`. A value below 1 without a `%` (other than zero) is
    /// refused as ambiguous: `0.12` may mean 12 % written as a fraction.
    pub fn parse(text: &str) -> Result<Rate, RateError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(RateError::Empty);
        }
        let (body, has_pct) = match t.strip_suffix('%') {
            Some(b) => (b.trim_end(), true),
            None => (t, false),
        };
        let digits_ok = {
            let b = body.strip_prefix(['-', '+']).unwrap_or(body);
            !b.is_empty()
                && b.chars().all(|c| c.is_ascii_digit() || c == '.')
                && b.chars().filter(|c| *c == '.').count() <= 1
                && b != "."
        };
        if !digits_ok {
            return Err(RateError::NotANumber(t.to_owned()));
        }
        let d =
            Decimal::from_str(body).map_err(|_| RateError::NotANumber(t.to_owned()))?.normalize();
        if d.is_sign_negative() && !d.is_zero() {
            return Err(RateError::Negative(t.to_owned()));
        }
        if d.scale() > 4 {
            return Err(RateError::TooPrecise(t.to_owned()));
        }
        if !has_pct && !d.is_zero() && d < Decimal::ONE {
            let suggest = (d * Decimal::ONE_HUNDRED).normalize().to_string();
            return Err(RateError::Ambiguous { text: t.to_owned(), suggest });
        }
        Ok(Rate(d.abs()))
    }

    /// The annual rate in percent.
    #[must_use]
    pub fn percent(self) -> Decimal {
        self.0
    }

    /// The annual rate as a fraction (12 % → 0.12).
    #[must_use]
    pub fn annual(self) -> Decimal {
        self.0 / Decimal::ONE_HUNDRED
    }

    /// Monthly rate = annual / 12.
    #[must_use]
    pub fn monthly(self) -> Decimal {
        self.annual() / Decimal::from(12)
    }

    /// One month's interest on `amount`: amount × annual / 12. Computed as amount × percent /
    /// 1200 so that a result that is an exact half fen stays exact (taking the monthly rate
    /// first would cut 1/1200 to 28 digits and could tip a rounding).
    #[must_use]
    pub fn monthly_interest(self, amount: Decimal) -> Decimal {
        amount * self.0 / Decimal::from(1200)
    }

    /// One day's interest on `amount`: amount × annual / 360, exact where the result is.
    #[must_use]
    pub fn daily_interest(self, amount: Decimal) -> Decimal {
        amount * self.0 / Decimal::from(36_000)
    }

    /// Daily rate = annual / 360.
    #[must_use]
    pub fn daily(self) -> Decimal {
        self.annual() / Decimal::from(360)
    }

    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}%", self.0.normalize()))
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rate({self})")
    }
}

impl FromStr for Rate {
    type Err = RateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rate::parse(s)
    }
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Rate::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_sign_is_optional() {
        assert_eq!(Rate::parse("12%").unwrap(), Rate::parse("12").unwrap());
        assert_eq!(Rate::parse("4.35 %").unwrap().percent().to_string(), "4.35");
        assert_eq!(Rate::parse("0").unwrap(), Rate::ZERO);
        assert_eq!(Rate::parse("0.5%").unwrap().percent().to_string(), "0.5");
        assert_eq!(Rate::parse("1").unwrap().percent().to_string(), "1");
    }

    #[test]
    fn small_values_without_percent_are_ambiguous() {
        let e = Rate::parse("0.12").unwrap_err();
        assert_eq!(e.to_string(), "\"0.12\" is ambiguous: did you mean 12%?");
        assert!(matches!(Rate::parse("0.0435"), Err(RateError::Ambiguous { .. })));
    }

    #[test]
    fn refuses_garbage_and_negatives() {
        assert!(matches!(Rate::parse("abc"), Err(RateError::NotANumber(_))));
        assert!(matches!(Rate::parse("%"), Err(RateError::NotANumber(_))));
        assert!(matches!(Rate::parse("-3"), Err(RateError::Negative(_))));
        assert!(matches!(Rate::parse(""), Err(RateError::Empty)));
        assert!(matches!(Rate::parse("1.2.3"), Err(RateError::NotANumber(_))));
    }

    #[test]
    fn derived_rates() {
        let r = Rate::parse("12").unwrap();
        assert_eq!(r.monthly().to_string(), "0.01");
        assert_eq!(r.daily_interest(Decimal::from(36_000)), Decimal::from(12));
        assert_eq!(r.monthly_interest(Decimal::from(100_000)), Decimal::from(1000));
    }
}
