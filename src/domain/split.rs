//! Pro-rata split of a payment among a loan's investors by the largest-remainder method.

use super::money::Money;

/// Why a split cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("there are no holdings to split among")]
    NoHoldings,
    #[error("a holding is negative")]
    NegativeHolding,
}

/// Splits `amount` among `holdings` in proportion, to the fen, so that the parts add up
/// exactly: each part is first the floor of its exact share, then the fen left over go one
/// each to the largest fractional remainders, ties to the earlier holding (callers pass
/// holdings in bid order). A negative amount is split as its absolute value and negated.
pub fn pro_rata(amount: Money, holdings: &[Money]) -> Result<Vec<Money>, SplitError> {
    if holdings.iter().any(|h| h.is_negative()) {
        return Err(SplitError::NegativeHolding);
    }
    let total: i128 = holdings.iter().map(|h| i128::from(h.fen())).sum();
    if total == 0 {
        return Err(SplitError::NoHoldings);
    }
    let x = i128::from(amount.fen()).abs();
    let mut parts: Vec<i128> = Vec::with_capacity(holdings.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(holdings.len());
    for (i, h) in holdings.iter().enumerate() {
        let num = x * i128::from(h.fen());
        parts.push(num / total);
        remainders.push((num % total, i));
    }
    let mut left = x - parts.iter().sum::<i128>();
    // Largest remainder first; on equal remainders the earlier holding first.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    let sign = if amount.is_negative() { -1 } else { 1 };
    Ok(parts
        .into_iter()
        .map(|p| Money::from_fen(i64::try_from(p * sign).expect("part no larger than the amount")))
        .collect())
}
