//! Who may do what: requirements, actors and the catalogue of operations.

use std::collections::BTreeMap;
use std::fmt;

pub use crate::domain::access::{Level, Module, Role};

/// What an operation requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// At least this level in this module.
    Level(Module, Level),
    /// This administrator role.
    Role(Role),
    /// Any signed-in member of staff (self-service: own password, own profile).
    Staff,
    /// Only the built-in system actor (scheduled jobs, bootstrap).
    System,
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Need::Level(m, l) => write!(f, "{} ({})", m.code(), l.code()),
            Need::Role(r) => f.write_str(r.code()),
            Need::Staff => f.write_str("a staff account"),
            Need::System => f.write_str("the system actor"),
        }
    }
}

/// An operation of the service layer: its audited action name and what it requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    pub action: &'static str,
    pub need: Need,
}

/// The operations of the service layer. The identity work fills in the remaining modules.
pub mod ops {
    use super::{Level, Module, Need, Op};

    pub const DEPOSIT: Op =
        Op { action: "ledger.deposit", need: Need::Level(Module::Finance, Level::Ordinary) };
    pub const WITHDRAW: Op =
        Op { action: "ledger.withdraw", need: Need::Level(Module::Finance, Level::Advanced) };
    pub const FREEZE: Op =
        Op { action: "ledger.freeze", need: Need::Level(Module::Business, Level::Ordinary) };
    pub const RELEASE: Op =
        Op { action: "ledger.release", need: Need::Level(Module::Business, Level::Ordinary) };
    pub const POST: Op =
        Op { action: "ledger.post", need: Need::Level(Module::Finance, Level::Advanced) };
    /// Direct reversal: the scheduled jobs' own corrections only; staff go through a request
    /// and an approval by someone else.
    pub const REVERSE: Op = Op { action: "ledger.reverse", need: Need::System };
    pub const REQUEST_REVERSAL: Op =
        Op { action: "reversal.request", need: Need::Level(Module::Finance, Level::Ordinary) };
    pub const APPROVE_REVERSAL: Op =
        Op { action: "reversal.approve", need: Need::Level(Module::Finance, Level::Advanced) };
}

/// The member of staff (or the system) on whose behalf a service call runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub username: String,
    pub is_system: bool,
    pub levels: BTreeMap<Module, Level>,
    pub role: Option<Role>,
    pub department: String,
    /// Head of his department (部门负责人).
    pub is_head: bool,
}

/// The id of the built-in system actor (row 1 of `staff`).
pub const SYSTEM_ID: i64 = 1;

impl Actor {
    /// The built-in actor of scheduled jobs.
    #[must_use]
    pub fn system() -> Actor {
        Actor {
            id: SYSTEM_ID,
            username: "system".into(),
            is_system: true,
            levels: BTreeMap::new(),
            role: None,
            department: "ops".into(),
            is_head: false,
        }
    }

    #[must_use]
    pub fn level(&self, module: Module) -> Level {
        self.levels.get(&module).copied().unwrap_or(Level::None)
    }

    /// Whether the account holds an advanced level anywhere or an administrator role: such
    /// accounts may be required to use a second factor.
    #[must_use]
    pub fn is_privileged(&self) -> bool {
        self.role.is_some() || self.levels.values().any(|l| *l == Level::Advanced)
    }

    /// Whether the actor meets a requirement. The system actor runs the scheduled jobs and the
    /// bootstrap, which act on the platform's behalf, so it meets every requirement.
    #[must_use]
    pub fn meets(&self, need: Need) -> bool {
        if self.is_system {
            return true;
        }
        match need {
            Need::Level(module, level) => self.level(module) >= level,
            Need::Role(role) => self.role == Some(role),
            Need::Staff => true,
            Need::System => false,
        }
    }
}
