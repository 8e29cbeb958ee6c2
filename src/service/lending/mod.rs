//! The lending workflow (§3.3): borrowers and investors, projects from draft to publication,
//! bids, disbursement, repayments, early settlement, the daily job and the portfolio report.

mod bids;
mod daily;
mod disburse;
mod parties;
mod projects;
mod repay;
mod report;

use chrono::NaiveDate;

use super::ServiceError;
use crate::domain::Money;

pub use daily::DayReport;
pub use parties::{NewBorrower, NewInvestor};
pub use projects::ProjectDraft;
pub use repay::RepaymentOutcome;
pub use report::{Bucket, Portfolio};

pub(crate) mod ops {
    use crate::domain::access::{Level, Module};
    use crate::service::access::{Need, Op};

    const fn level(action: &'static str, module: Module, level: Level) -> Op {
        Op { action, need: Need::Level(module, level) }
    }

    pub const BORROWER_CREATE: Op = level("borrower.create", Module::Business, Level::Ordinary);
    pub const INVESTOR_CREATE: Op = level("investor.create", Module::Business, Level::Ordinary);
    pub const INVESTOR_DEPOSIT: Op = level("investor.deposit", Module::Business, Level::Ordinary);
    pub const PROJECT_SAVE: Op = level("project.save", Module::Business, Level::Ordinary);
    pub const PROJECT_SUBMIT: Op = level("project.submit", Module::Business, Level::Ordinary);
    pub const PROJECT_REVIEW: Op = level("project.review", Module::Risk, Level::Advanced);
    pub const PROJECT_PUBLISH: Op = level("project.publish", Module::Business, Level::Ordinary);
    pub const BID: Op = level("bid.place", Module::Business, Level::Ordinary);
    pub const PROPOSE: Op = level("disbursement.propose", Module::Business, Level::Ordinary);
    pub const DISBURSE: Op = level("disbursement.execute", Module::Finance, Level::Advanced);
    pub const REPAYMENT: Op = level("repayment.post", Module::Finance, Level::Ordinary);
    pub const SETTLE: Op = level("repayment.settle", Module::Finance, Level::Advanced);
    pub const DAILY: Op = Op { action: "batch.daily", need: Need::System };
}

pub(crate) use super::platform::business_date;

pub(crate) fn invalid(field: &'static str, problem: impl Into<String>) -> ServiceError {
    ServiceError::Invalid { field, problem: problem.into() }
}

pub(crate) fn money(fen: i64) -> Money {
    Money::from_fen(fen)
}

pub(crate) fn date(text: &str) -> Result<NaiveDate, ServiceError> {
    text.parse().map_err(|_| ServiceError::Refused(format!("stored date \"{text}\" is unreadable")))
}
