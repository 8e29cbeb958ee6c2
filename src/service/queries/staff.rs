//! Staff accounts by user name, for the HR screens: the id behind a name (the permission
//! review carries names only) and the lockout state.

use crate::service::{Service, ServiceError};
use crate::store::staff;

/// An account's lockout state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockInfo {
    pub id: i64,
    pub active: bool,
    /// Locked until (UTC); `None` when not locked.
    pub locked_until: Option<String>,
    /// Failed logins in a row.
    pub failed_logins: i64,
}

impl Service {
    /// The id of the account with this user name.
    pub fn staff_id(&self, user: &str) -> Result<i64, ServiceError> {
        self.lock_info(user).map(|l| l.id)
    }

    /// The lockout state of the account with this user name.
    pub fn lock_info(&self, user: &str) -> Result<LockInfo, ServiceError> {
        let s = staff::by_username(self.db().conn(), user)?
            .ok_or_else(|| ServiceError::NotFound(format!("no account {user}")))?;
        Ok(LockInfo {
            id: s.id,
            active: s.active,
            locked_until: s.locked_until,
            failed_logins: s.failed_logins,
        })
    }
}
