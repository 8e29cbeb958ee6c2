//! The read side for the console: lists paged by key and the details behind them, as plain
//! structs. The console never reads the store itself; everything it shows comes from here or
//! from the write services' own results.
//!
//! Lists are paged by key, never by OFFSET: a page is `WHERE key > ?last ORDER BY key LIMIT ?n`
//! (or the mirror image going back), so a page costs the same on row 10 and on row 100,000 and
//! a row inserted meanwhile never shows twice. Statements are dropped before a function
//! returns: what a screen keeps is a `Vec`.
//!
//! Personal data in lists (ID numbers, phone numbers) is masked here, so the full values never
//! reach a list screen.

mod audit;
mod keyset;
mod loans;
mod parties;
mod projects;
mod staff;
mod work;

pub use audit::{AuditFilter, AuditRow};
pub use loans::{HolderRow, LoanDetail, LoanRow, PeriodRow, PostingRow};
pub use parties::{BorrowerRow, InvestorRow};
pub use projects::{BorrowerHistory, ProjectRow};
pub use staff::LockInfo;
pub use work::Work;

use crate::domain::access::{Level, Module, Role};
use crate::service::{Actor, Need, ServiceError};

/// Where a page starts, in the list's own order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seek {
    /// The first page.
    First,
    /// The page after the row with this key.
    After(i64),
    /// The page before the row with this key.
    Before(i64),
    /// The last page.
    Last,
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Rows exist before the first row of this page.
    pub more_before: bool,
    /// Rows exist after the last row of this page.
    pub more_after: bool,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { rows: Vec::new(), more_before: false, more_after: false }
    }
}

/// Lending data (borrowers, investors, projects, loans) is read by the departments that work
/// with it: business, risk, finance and audit, each from the ordinary level.
fn may_read_lending(actor: &Actor, what: &'static str) -> Result<(), ServiceError> {
    let may = [Module::Business, Module::Risk, Module::Finance, Module::Audit]
        .iter()
        .any(|m| actor.level(*m) >= Level::Ordinary);
    if may || actor.is_system {
        Ok(())
    } else {
        Err(ServiceError::Forbidden {
            action: what,
            need: Need::Level(Module::Business, Level::Ordinary),
        })
    }
}

/// The audit trail is read by audit staff and the audit administrator.
fn may_read_audit(actor: &Actor) -> Result<(), ServiceError> {
    if actor.level(Module::Audit) >= Level::Ordinary
        || actor.role == Some(Role::AuditAdmin)
        || actor.is_system
    {
        Ok(())
    } else {
        Err(ServiceError::Forbidden {
            action: "audit.read",
            need: Need::Level(Module::Audit, Level::Ordinary),
        })
    }
}
