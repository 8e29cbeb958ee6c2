//! Settings: a fixed catalogue of keys with defaults and validation. A database stores only
//! the values an administrator changed; every change is audited with its old and new value.
//! Security settings belong to the security administrator, the rest to the system settings
//! module (admin, advanced).

use rusqlite::OptionalExtension;

use super::access::{Level, Module, Need, Op, Role};
use super::changes::Changes;
use super::{Actor, Service, ServiceError};

/// The value type of a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    /// An amount of money (two decimals at most), not negative.
    Money,
    /// A percentage, 0 to 100.
    Percent,
    /// The LPR: one rate, or dated rates (`domain::lending::LprTable`).
    Lpr,
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Def {
    pub key: &'static str,
    pub default: &'static str,
    pub kind: Kind,
}

const fn int(key: &'static str, default: &'static str, min: i64, max: i64) -> Def {
    Def { key, default, kind: Kind::Int { min, max } }
}

/// Every setting there is.
pub const CATALOGUE: &[Def] = &[
    int("security.idle_lock_seconds", "900", 10, 1800),
    int("security.session_max_hours", "12", 1, 12),
    int("security.password_min_length", "12", 12, 64),
    int("security.password_max_age_days", "90", 1, 365),
    int("security.password_history", "4", 1, 24),
    int("security.lockout_threshold", "5", 3, 10),
    int("security.lockout_minutes", "30", 5, 1440),
    Def { key: "security.totp_required_privileged", default: "false", kind: Kind::Bool },
    int("security.argon2_memory_kib", "19456", 19456, 1_048_576),
    int("security.argon2_passes", "2", 2, 10),
    int("security.argon2_lanes", "1", 1, 8),
    int("accounts.dormant_days", "90", 30, 365),
    Def { key: "lending.lpr", default: "3.0", kind: Kind::Lpr },
    Def { key: "lending.person_cap", default: "200000.00", kind: Kind::Money },
    Def { key: "lending.company_cap", default: "1000000.00", kind: Kind::Money },
    Def { key: "lending.penalty_markup", default: "50", kind: Kind::Percent },
    int("lending.grace_days", "3", 0, 30),
];

fn def(key: &str) -> Result<&'static Def, ServiceError> {
    CATALOGUE.iter().find(|d| d.key == key).ok_or_else(|| ServiceError::Invalid {
        field: "key",
        problem: format!("there is no setting \"{key}\""),
    })
}

/// A setting's default value.
pub fn default_of(key: &str) -> Result<String, ServiceError> {
    Ok(def(key)?.default.to_owned())
}

/// Who may change a setting.
#[must_use]
pub fn need_for(key: &str) -> Need {
    if key.starts_with("security.") {
        Need::Role(Role::SecurityAdmin)
    } else {
        Need::Level(Module::Admin, Level::Advanced)
    }
}

/// Validates a value for a setting and returns it in canonical form.
pub fn validate(key: &str, value: &str) -> Result<String, ServiceError> {
    let d = def(key)?;
    let v = value.trim();
    let bad = |problem: String| ServiceError::Invalid { field: "value", problem };
    match d.kind {
        Kind::Int { min, max } => {
            let n: i64 =
                v.parse().map_err(|_| bad(format!("{key}: \"{v}\" is not a whole number")))?;
            if !(min..=max).contains(&n) {
                return Err(bad(format!("{key}: {n} is outside {min} to {max}")));
            }
            Ok(n.to_string())
        }
        Kind::Money => {
            let m = crate::domain::Money::parse_non_negative(v)
                .map_err(|e| bad(format!("{key}: {e}")))?;
            Ok(m.to_string())
        }
        Kind::Percent => {
            let r = crate::domain::Rate::parse(&format!("{}%", v.trim_end_matches('%')))
                .map_err(|e| bad(format!("{key}: {e}")))?;
            if r.percent() > rust_decimal::Decimal::ONE_HUNDRED {
                return Err(bad(format!("{key}: {v} is above 100%")));
            }
            Ok(r.percent().to_string())
        }
        Kind::Lpr => {
            let t: crate::domain::lending::LprTable =
                v.parse().map_err(|e: String| bad(format!("{key}: {e}")))?;
            Ok(t.canonical())
        }
        Kind::Bool => match v {
            "true" | "yes" | "on" => Ok("true".into()),
            "false" | "no" | "off" => Ok("false".into()),
            _ => Err(bad(format!("{key}: \"{v}\" is not true or false"))),
        },
    }
}

/// Reads a setting (the stored value, or the default) from any connection.
pub fn get(conn: &rusqlite::Connection, key: &str) -> Result<String, ServiceError> {
    let d = def(key)?;
    let stored: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(stored.unwrap_or_else(|| d.default.to_owned()))
}

/// Reads an integer setting.
pub fn get_int(conn: &rusqlite::Connection, key: &str) -> Result<i64, ServiceError> {
    let v = get(conn, key)?;
    v.parse().map_err(|_| ServiceError::Refused(format!("setting {key} holds \"{v}\"")))
}

/// Reads a money setting.
pub fn get_money(
    conn: &rusqlite::Connection,
    key: &str,
) -> Result<crate::domain::Money, ServiceError> {
    let v = get(conn, key)?;
    crate::domain::Money::parse(&v)
        .map_err(|_| ServiceError::Refused(format!("setting {key} holds \"{v}\"")))
}

/// Reads a percentage setting as a rate.
pub fn get_percent(
    conn: &rusqlite::Connection,
    key: &str,
) -> Result<crate::domain::Rate, ServiceError> {
    let v = get(conn, key)?;
    crate::domain::Rate::parse(&format!("{v}%"))
        .map_err(|_| ServiceError::Refused(format!("setting {key} holds \"{v}\"")))
}

/// The LPR table in force.
pub fn get_lpr(
    conn: &rusqlite::Connection,
) -> Result<crate::domain::lending::LprTable, ServiceError> {
    let v = get(conn, "lending.lpr")?;
    v.parse().map_err(|_| ServiceError::Refused(format!("setting lending.lpr holds \"{v}\"")))
}

/// Reads a boolean setting.
pub fn get_bool(conn: &rusqlite::Connection, key: &str) -> Result<bool, ServiceError> {
    Ok(get(conn, key)? == "true")
}

impl Service {
    /// The legal cap on the annual rate for a contract dated `date`.
    pub fn rate_cap(&self, date: chrono::NaiveDate) -> Result<crate::domain::Rate, ServiceError> {
        Ok(get_lpr(self.db().conn())?.cap_on(date))
    }

    /// A setting's current value.
    pub fn setting(&self, key: &str) -> Result<String, ServiceError> {
        get(self.db().conn(), key)
    }

    /// Changes a setting (audited with old and new value).
    pub fn set_setting(
        &mut self,
        actor: &Actor,
        key: &str,
        value: &str,
    ) -> Result<(), ServiceError> {
        let op = Op { action: "settings.set", need: need_for(key) };
        self.write(actor, op, |tx| {
            let canonical = validate(key, value)?;
            let old = get(tx.conn(), key)?;
            tx.conn().execute(
                "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3, updated_by = ?4",
                rusqlite::params![key, canonical, tx.now_text(), tx.actor().id],
            )?;
            let detail = Changes::new().set(key, Some(&old), Some(&canonical)).into_value();
            tx.audit("settings.set", "setting", &key, detail);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_ranges_and_names() {
        assert_eq!(validate("security.idle_lock_seconds", " 600 ").unwrap(), "600");
        let e = validate("security.idle_lock_seconds", "3600").unwrap_err().to_string();
        assert_eq!(e, "value: security.idle_lock_seconds: 3600 is outside 10 to 1800");
        assert!(validate("security.password_min_length", "8").is_err());
        assert_eq!(validate("security.totp_required_privileged", "yes").unwrap(), "true");
        assert!(validate("security.nope", "1").is_err());
        assert_eq!(need_for("security.lockout_minutes"), Need::Role(Role::SecurityAdmin));
        assert_eq!(need_for("accounts.dormant_days"), Need::Level(Module::Admin, Level::Advanced));
        for d in CATALOGUE {
            let canonical = validate(d.key, d.default).unwrap();
            assert_eq!(validate(d.key, &canonical).unwrap(), canonical, "default of {}", d.key);
        }
    }
}
