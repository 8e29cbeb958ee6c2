//! The chart of accounts and the shape of a journal entry. Storage is in `store::ledger`.
//!
//! The books record the customers' money at the custodian bank and the claims between
//! borrowers and investors. `bank` is the custodian's cash; every sub-account (investor,
//! borrower, platform, frozen bids, platform income, suspense) is what the custodian owes its
//! holder, so the bank's balance equals the sum of them. Each loan carries the borrower's
//! receivable and the investors' claim on it; a written-off receivable moves to the loss
//! account while the investors keep their claim for any later recovery.

use std::fmt;

use serde::Serialize;

use super::money::Money;

/// Which side increases an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Side::Debit => "D",
            Side::Credit => "C",
        }
    }
}

/// An account of the chart, with its owner where it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Account {
    /// Cash held by the custodian bank (资金存管), all sub-accounts together.
    Bank,
    /// An investor's available custody balance.
    InvestorCustody(i64),
    /// An investor's money frozen for bids (冻结).
    InvestorFrozen(i64),
    /// A borrower's custody balance (disbursed money he may withdraw).
    BorrowerCustody(i64),
    /// Money a borrower paid in for repayment, waiting for its due date (kept apart from the
    /// disbursed money, which is his to withdraw and never pays installments by itself).
    RepaymentHeld(i64),
    /// The platform's own sub-account.
    PlatformCustody,
    /// Principal a borrower owes on a loan.
    LoanReceivable(i64),
    /// The investors' claim (债权) on a loan's principal.
    LoanClaims(i64),
    /// Service fees earned.
    FeeIncome,
    /// Penalty interest kept by the platform.
    PenaltyIncome,
    /// Principal written off (核销).
    WriteOffLoss,
    /// Money received that matches nothing yet.
    Suspense,
    /// Transit between two steps of one movement.
    Clearing,
    /// Opening balances of books brought from another system.
    OpeningBalance,
}

impl Account {
    /// The kind name stored with the account.
    #[must_use]
    pub const fn kind(self) -> &'static str {
        match self {
            Account::Bank => "bank",
            Account::InvestorCustody(_) => "custody:investor",
            Account::InvestorFrozen(_) => "frozen:investor",
            Account::BorrowerCustody(_) => "custody:borrower",
            Account::RepaymentHeld(_) => "repayment:borrower",
            Account::PlatformCustody => "custody:platform",
            Account::LoanReceivable(_) => "receivable:loan",
            Account::LoanClaims(_) => "claims:loan",
            Account::FeeIncome => "income:fee",
            Account::PenaltyIncome => "income:penalty",
            Account::WriteOffLoss => "loss:write-off",
            Account::Suspense => "suspense",
            Account::Clearing => "clearing",
            Account::OpeningBalance => "opening",
        }
    }

    /// The owner (investor, borrower or loan id) of a per-owner account.
    #[must_use]
    pub const fn owner(self) -> Option<i64> {
        match self {
            Account::InvestorCustody(id)
            | Account::InvestorFrozen(id)
            | Account::BorrowerCustody(id)
            | Account::RepaymentHeld(id)
            | Account::LoanReceivable(id)
            | Account::LoanClaims(id) => Some(id),
            _ => None,
        }
    }

    /// The unique code: the kind, then the owner if any (`custody:investor:42`).
    #[must_use]
    pub fn code(self) -> String {
        match self.owner() {
            Some(id) => format!("{}:{id}", self.kind()),
            None => self.kind().to_owned(),
        }
    }

    #[must_use]
    pub const fn normal_side(self) -> Side {
        match self {
            Account::Bank
            | Account::LoanReceivable(_)
            | Account::WriteOffLoss
            | Account::Clearing => Side::Debit,
            _ => Side::Credit,
        }
    }

    /// Accounts that can never go below zero: money someone holds, and what a loan owes.
    #[must_use]
    pub const fn non_negative(self) -> bool {
        matches!(
            self,
            Account::Bank
                | Account::InvestorCustody(_)
                | Account::InvestorFrozen(_)
                | Account::BorrowerCustody(_)
                | Account::RepaymentHeld(_)
                | Account::PlatformCustody
                | Account::LoanReceivable(_)
                | Account::LoanClaims(_)
                | Account::FeeIncome
                | Account::PenaltyIncome
                | Account::Suspense
        )
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.code())
    }
}

/// The movement an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    Deposit,
    Withdrawal,
    BidFreeze,
    BidRelease,
    Disbursement,
    Repayment,
    Prepayment,
    Penalty,
    WriteOff,
    Recovery,
    Refund,
    Reversal,
    Opening,
    Adjustment,
}

impl EntryKind {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            EntryKind::Deposit => "deposit",
            EntryKind::Withdrawal => "withdrawal",
            EntryKind::BidFreeze => "bid-freeze",
            EntryKind::BidRelease => "bid-release",
            EntryKind::Disbursement => "disbursement",
            EntryKind::Repayment => "repayment",
            EntryKind::Prepayment => "prepayment",
            EntryKind::Penalty => "penalty",
            EntryKind::WriteOff => "write-off",
            EntryKind::Recovery => "recovery",
            EntryKind::Refund => "refund",
            EntryKind::Reversal => "reversal",
            EntryKind::Opening => "opening",
            EntryKind::Adjustment => "adjustment",
        }
    }
}

/// One line: an amount on one side of one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub account: Account,
    pub side: Side,
    pub amount: Money,
}

impl Line {
    #[must_use]
    pub const fn debit(account: Account, amount: Money) -> Line {
        Line { account, side: Side::Debit, amount }
    }

    #[must_use]
    pub const fn credit(account: Account, amount: Money) -> Line {
        Line { account, side: Side::Credit, amount }
    }
}

/// Why an entry cannot be posted as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("an entry needs at least two lines")]
    TooFewLines,
    #[error("line {0} has an amount that is not positive")]
    NonPositive(usize),
    #[error("debits {debit} and credits {credit} differ")]
    Unbalanced { debit: Money, credit: Money },
    #[error("the entry's amounts are out of range")]
    Overflow,
}

/// Checks an entry's lines and returns its amount (the sum of the debits).
pub fn check_balanced(lines: &[Line]) -> Result<Money, EntryError> {
    if lines.len() < 2 {
        return Err(EntryError::TooFewLines);
    }
    let mut debit = Money::ZERO;
    let mut credit = Money::ZERO;
    for (i, l) in lines.iter().enumerate() {
        if l.amount <= Money::ZERO {
            return Err(EntryError::NonPositive(i + 1));
        }
        let total = match l.side {
            Side::Debit => &mut debit,
            Side::Credit => &mut credit,
        };
        *total = total.checked_add(l.amount).ok_or(EntryError::Overflow)?;
    }
    if debit == credit { Ok(debit) } else { Err(EntryError::Unbalanced { debit, credit }) }
}
