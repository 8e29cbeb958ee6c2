//! Who may do what: modules, levels, actors and the catalogue of operations.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A function module of the system (§3.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Module {
    Business,
    Risk,
    Finance,
    Hr,
    Audit,
    Ops,
    Admin,
}

impl Module {
    pub const ALL: [Module; 7] = [
        Module::Business,
        Module::Risk,
        Module::Finance,
        Module::Hr,
        Module::Audit,
        Module::Ops,
        Module::Admin,
    ];

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Module::Business => "business",
            Module::Risk => "risk",
            Module::Finance => "finance",
            Module::Hr => "hr",
            Module::Audit => "audit",
            Module::Ops => "ops",
            Module::Admin => "admin",
        }
    }
}

impl FromStr for Module {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Module::ALL
            .into_iter()
            .find(|m| m.code() == s)
            .ok_or_else(|| format!("unknown module \"{s}\""))
    }
}

/// Depth of access to a module: ordinary (view and routine entry) or advanced (approve,
/// execute money movements, reveal masked data, change settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Ordinary,
    Advanced,
}

impl Level {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Ordinary => "ordinary",
            Level::Advanced => "advanced",
        }
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(Level::None),
            "ordinary" => Ok(Level::Ordinary),
            "advanced" => Ok(Level::Advanced),
            _ => Err(format!("unknown level \"{s}\" (expected none, ordinary or advanced)")),
        }
    }
}

/// What an operation requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// At least this level in this module.
    Level(Module, Level),
    /// Only the built-in system actor (scheduled jobs, bootstrap).
    System,
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Need::Level(m, l) => write!(f, "{} ({})", m.code(), l.code()),
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
    pub const REVERSE: Op =
        Op { action: "ledger.reverse", need: Need::Level(Module::Finance, Level::Advanced) };
}

/// The member of staff (or the system) on whose behalf a service call runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub username: String,
    pub is_system: bool,
    pub levels: BTreeMap<Module, Level>,
}

/// The id of the built-in system actor (row 1 of `staff`).
pub const SYSTEM_ID: i64 = 1;

impl Actor {
    /// The built-in actor of scheduled jobs.
    #[must_use]
    pub fn system() -> Actor {
        Actor { id: SYSTEM_ID, username: "system".into(), is_system: true, levels: BTreeMap::new() }
    }

    #[must_use]
    pub fn level(&self, module: Module) -> Level {
        self.levels.get(&module).copied().unwrap_or(Level::None)
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
            Need::System => false,
        }
    }
}
