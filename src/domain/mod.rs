//! Pure lending rules: money, rates, schedules, settlement quotes and splits. No I/O here.

pub mod access;
pub mod credentials;
pub mod money;
pub mod password;
pub mod rate;
pub mod schedule;
pub mod settlement;
pub mod split;

pub use money::{Money, MoneyError, round_fen, round_fen_up};
pub use rate::{Rate, RateError};
pub use schedule::{Installment, LoanTerms, Method, Rounding, TermsError};
pub mod ledger;
pub mod lending;
pub mod mask;
pub mod synthetic;
