//! Permission vocabulary: function modules, levels and the administrator roles (§3.1.2).

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

/// The three separated administrator roles (三员分立): no account holds two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: settings and operations.
    SystemAdmin,
    /// 安全管理员: security settings, keys, unlocking administrators, granting the other roles.
    SecurityAdmin,
    /// 审计管理员: the audit trail.
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin];

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    /// The role whose holder may grant this one: the security administrator grants the
    /// system and audit administrators; a system administrator grants the security one.
    #[must_use]
    pub const fn granted_by(self) -> Role {
        match self {
            Role::SystemAdmin | Role::AuditAdmin => Role::SecurityAdmin,
            Role::SecurityAdmin => Role::SystemAdmin,
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.code() == s).ok_or_else(|| {
            format!("unknown role \"{s}\" (expected system_admin, security_admin or audit_admin)")
        })
    }
}
