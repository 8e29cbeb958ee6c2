//! The account lifecycle (§3.1): application, approval, creation, change, handover and
//! departure; password resets and unlocks; the administrator roles.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rusqlite::{OptionalExtension, params};
use secrecy::SecretString;
use serde::Serialize;

use super::auth::StepUp;
use super::{Policy, parse_time};
use crate::domain::access::{Level, Module, Role};
use crate::domain::credentials::{hash_password, initial_password};
use crate::domain::password;
use crate::service::access::{Actor, Need, Op};
use crate::service::changes::Changes;
use crate::service::{Service, ServiceError, Tx};
use crate::store::staff::{self, NewStaff};

const DEPARTMENTS: [&str; 6] = ["business", "risk", "finance", "hr", "audit", "ops"];

pub(super) mod ops {
    use crate::domain::access::{Level, Module, Role};
    use crate::service::access::{Need, Op};

    pub const FILE_REQUEST: Op = Op { action: "account.request", need: Need::Staff };
    pub const DECIDE_REQUEST: Op = Op { action: "account.decide", need: Need::Staff };
    pub const CREATE: Op =
        Op { action: "account.create", need: Need::Level(Module::Hr, Level::Advanced) };
    pub const CREATE_BOOTSTRAP: Op =
        Op { action: "account.create_bootstrap", need: Need::Role(Role::SystemAdmin) };
    pub const SET_LEVELS: Op =
        Op { action: "account.set_levels", need: Need::Level(Module::Hr, Level::Advanced) };
    // Reset, unlock and disable need HR (advanced), or the security administrator for an
    // administrator's account: checked against the target by `admin_target_rule`.
    pub const RESET_PASSWORD: Op = Op { action: "account.reset_password", need: Need::Staff };
    pub const UNLOCK: Op = Op { action: "account.unlock", need: Need::Staff };
    pub const REASSIGN: Op =
        Op { action: "account.reassign", need: Need::Level(Module::Hr, Level::Advanced) };
    pub const DISABLE: Op = Op { action: "account.disable", need: Need::Staff };
    pub const DISABLE_DORMANT: Op = Op { action: "account.disable_dormant", need: Need::System };
    pub const GRANT_ROLE: Op = Op { action: "role.grant", need: Need::Staff };
    pub const REVOKE_ROLE: Op = Op { action: "role.revoke", need: Need::Staff };
}

/// An account as applied for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub department: String,
    pub duties: String,
    pub levels: BTreeMap<Module, Level>,
    pub is_head: bool,
}

/// A created account with its one-time initial password, shown once and never stored.
pub struct Created {
    pub staff_id: i64,
    pub username: String,
    pub initial_password: SecretString,
}

/// Something still assigned to a member of staff, to hand over before he leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenItem {
    pub kind: &'static str,
    pub id: i64,
    pub summary: String,
}

/// One line of the permission review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewRow {
    pub user: String,
    pub name: String,
    pub department: String,
    pub active: bool,
    pub role: Option<Role>,
    pub levels: BTreeMap<Module, Level>,
    pub created_at_bootstrap: bool,
    pub last_login: Option<String>,
}

fn forbidden(op: Op, need: Need) -> ServiceError {
    ServiceError::Forbidden { action: op.action, need }
}

fn invalid(field: &'static str, problem: impl Into<String>) -> ServiceError {
    ServiceError::Invalid { field, problem: problem.into() }
}

fn check_new(conn: &rusqlite::Connection, a: &NewAccount) -> Result<(), ServiceError> {
    let name = a.username.trim();
    if name.len() < 2
        || name.len() > 32
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return Err(invalid("username", "use 2 to 32 letters, digits, '.', '_' or '-'"));
    }
    if a.display_name.trim().is_empty() {
        return Err(invalid("name", "is empty"));
    }
    if !DEPARTMENTS.contains(&a.department.as_str()) {
        return Err(invalid("department", format!("\"{}\" is not a department", a.department)));
    }
    if a.duties.trim().is_empty() {
        return Err(invalid("duties", "is empty"));
    }
    if staff::by_username(conn, name)?.is_some() {
        return Err(invalid("username", format!("\"{name}\" is taken")));
    }
    Ok(())
}

fn levels_json(levels: &BTreeMap<Module, Level>) -> String {
    let map: BTreeMap<&str, &str> = levels
        .iter()
        .filter(|(_, l)| **l != Level::None)
        .map(|(m, l)| (m.code(), l.code()))
        .collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

fn parse_levels(text: &str) -> BTreeMap<Module, Level> {
    let map: BTreeMap<String, String> = serde_json::from_str(text).unwrap_or_default();
    map.into_iter().filter_map(|(m, l)| Some((m.parse().ok()?, l.parse().ok()?))).collect()
}

fn target(tx: &Tx<'_>, staff_id: i64) -> Result<staff::StaffRow, ServiceError> {
    staff::by_id(tx.conn(), staff_id)?
        .filter(|s| !s.is_system)
        .ok_or_else(|| ServiceError::NotFound(format!("no account with id {staff_id}")))
}

/// Creates the row and returns the one-time password.
fn create_row(
    tx: &mut Tx<'_>,
    a: &NewAccount,
    bootstrap: bool,
    request_id: Option<i64>,
    action: &str,
) -> Result<Created, ServiceError> {
    let policy = Policy::load(tx.conn())?;
    let pw = initial_password();
    let hash = hash_password(&pw, policy.cost)?;
    let now = tx.now_text();
    let id = staff::insert(
        tx.conn(),
        &NewStaff {
            username: &a.username,
            display_name: &a.display_name,
            department: &a.department,
            duties: &a.duties,
            is_head: a.is_head,
            password_hash: &hash,
            must_change_password: true,
            created_by: tx.actor().id,
            bootstrap,
            request_id,
        },
        &now,
    )?;
    staff::set_levels(tx.conn(), id, &a.levels)?;
    let detail = Changes::new()
        .set("username", None, Some(a.username.trim()))
        .set("department", None, Some(&a.department))
        .set("levels", None, Some(&levels_json(&a.levels)))
        .set("head_of_department", None, Some(if a.is_head { "yes" } else { "no" }))
        .secret("initial_password")
        .note("bootstrap", bootstrap)
        .into_value();
    tx.audit(action, "staff", &id, detail);
    Ok(Created {
        staff_id: id,
        username: a.username.trim().to_owned(),
        initial_password: pw.into(),
    })
}

impl Service {
    /// Files an application for an account (HR, or the head of the department concerned).
    pub fn file_account_request(
        &mut self,
        actor: &Actor,
        a: &NewAccount,
    ) -> Result<i64, ServiceError> {
        let op = ops::FILE_REQUEST;
        self.write(actor, op, |tx| {
            let may = actor.level(Module::Hr) >= Level::Ordinary
                || (actor.is_head && actor.department == a.department);
            if !may {
                return Err(forbidden(op, Need::Level(Module::Hr, Level::Ordinary)));
            }
            check_new(tx.conn(), a)?;
            let pending: bool = tx.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM account_requests
                                WHERE username = ?1 AND status IN ('pending', 'approved'))",
                [a.username.trim()],
                |r| r.get(0),
            )?;
            if pending {
                return Err(invalid("username", "an application for this name is already open"));
            }
            tx.conn().execute(
                "INSERT INTO account_requests (username, display_name, department, duties, levels,
                                               filed_by, filed_at, is_head)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    a.username.trim(),
                    a.display_name.trim(),
                    a.department,
                    a.duties.trim(),
                    levels_json(&a.levels),
                    actor.id,
                    tx.now_text(),
                    a.is_head
                ],
            )?;
            let id = tx.conn().last_insert_rowid();
            let detail = Changes::new()
                .set("username", None, Some(a.username.trim()))
                .set("department", None, Some(&a.department))
                .set("levels", None, Some(&levels_json(&a.levels)))
                .into_value();
            tx.audit(op.action, "account_request", &id, detail);
            Ok(id)
        })
    }

    /// The head of the request's department approves or rejects it; never his own request.
    pub fn decide_account_request(
        &mut self,
        actor: &Actor,
        request_id: i64,
        approve: bool,
        note: &str,
    ) -> Result<(), ServiceError> {
        let op = ops::DECIDE_REQUEST;
        self.write_on(actor, op, ("account_request", request_id.to_string()), |tx| {
            let (department, filed_by, status): (String, i64, String) = tx
                .conn()
                .query_row(
                    "SELECT department, filed_by, status FROM account_requests WHERE id = ?1",
                    [request_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
                .ok_or_else(|| {
                    ServiceError::NotFound(format!("no account request {request_id}"))
                })?;
            if !(actor.is_head && actor.department == department) {
                return Err(ServiceError::Forbidden {
                    action: op.action,
                    need: Need::Level(department_module(&department), Level::Advanced),
                });
            }
            if filed_by == actor.id {
                return Err(ServiceError::Refused("nobody decides his own request".into()));
            }
            if status != "pending" {
                return Err(ServiceError::Refused(format!("request {request_id} is {status}")));
            }
            let new_status = if approve { "approved" } else { "rejected" };
            tx.conn().execute(
                "UPDATE account_requests SET status = ?2, decided_by = ?3, decided_at = ?4,
                        decision_note = ?5 WHERE id = ?1",
                params![request_id, new_status, actor.id, tx.now_text(), note.trim()],
            )?;
            let detail = Changes::new()
                .set("status", Some("pending"), Some(new_status))
                .note("note", note.trim())
                .into_value();
            tx.audit(op.action, "account_request", &request_id, detail);
            Ok(())
        })
    }

    /// HR creates the account an approved request describes.
    pub fn create_account(
        &mut self,
        actor: &Actor,
        request_id: i64,
    ) -> Result<Created, ServiceError> {
        let op = ops::CREATE;
        self.write(actor, op, |tx| {
            let row: Option<(String, String, String, String, String, String)> = tx
                .conn()
                .query_row(
                    "SELECT username, display_name, department, duties, levels, status
                     FROM account_requests WHERE id = ?1",
                    [request_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .optional()?;
            let (username, display_name, department, duties, levels, status) =
                row.ok_or_else(|| {
                    ServiceError::NotFound(format!("no account request {request_id}"))
                })?;
            let is_head: bool = tx.conn().query_row(
                "SELECT is_head FROM account_requests WHERE id = ?1",
                [request_id],
                |r| r.get(0),
            )?;
            if status != "approved" {
                return Err(ServiceError::Refused(format!(
                    "request {request_id} is {status}: only an approved request becomes an account"
                )));
            }
            let a = NewAccount {
                username,
                display_name,
                department,
                duties,
                levels: parse_levels(&levels),
                is_head,
            };
            check_new(tx.conn(), &a)?;
            let created = create_row(tx, &a, false, Some(request_id), op.action)?;
            tx.conn().execute(
                "UPDATE account_requests SET status = 'created' WHERE id = ?1",
                [request_id],
            )?;
            Ok(created)
        })
    }

    /// Before an HR head exists, the system administrator creates accounts directly; each is
    /// marked "created at bootstrap" in the permission review.
    pub fn create_account_bootstrap(
        &mut self,
        actor: &Actor,
        a: &NewAccount,
    ) -> Result<Created, ServiceError> {
        let op = ops::CREATE_BOOTSTRAP;
        self.write(actor, op, |tx| {
            if staff::hr_head_exists(tx.conn())? {
                return Err(ServiceError::Refused(
                    "an HR head exists: accounts are now applied for, approved and created by HR"
                        .into(),
                ));
            }
            check_new(tx.conn(), a)?;
            create_row(tx, a, true, None, op.action)
        })
    }

    /// A transfer: new department and levels, as the approved change says (step-up required).
    pub fn set_levels(
        &mut self,
        actor: &Actor,
        proof: &StepUp,
        staff_id: i64,
        department: &str,
        levels: &BTreeMap<Module, Level>,
    ) -> Result<(), ServiceError> {
        let op = ops::SET_LEVELS;
        self.write_on(actor, op, ("staff", staff_id.to_string()), |tx| {
            proof.check(actor, tx.now())?;
            let t = target(tx, staff_id)?;
            if t.id == actor.id {
                return Err(ServiceError::Refused("nobody changes his own permissions".into()));
            }
            if !DEPARTMENTS.contains(&department) {
                return Err(invalid("department", format!("\"{department}\" is not a department")));
            }
            let old = staff::levels(tx.conn(), staff_id)?;
            staff::set_levels(tx.conn(), staff_id, levels)?;
            tx.conn().execute(
                "UPDATE staff SET department = ?2 WHERE id = ?1",
                params![staff_id, department],
            )?;
            let detail = Changes::new()
                .set("department", Some(&t.department), Some(department))
                .set("levels", Some(&levels_json(&old)), Some(&levels_json(levels)))
                .into_value();
            tx.audit(op.action, "staff", &staff_id, detail);
            Ok(())
        })
    }

    /// Appoints or removes a department head (HR, advanced; step-up required).
    pub fn set_head(
        &mut self,
        actor: &Actor,
        proof: &StepUp,
        staff_id: i64,
        is_head: bool,
    ) -> Result<(), ServiceError> {
        let op = ops::SET_LEVELS;
        self.write(actor, op, |tx| {
            proof.check(actor, tx.now())?;
            let t = target(tx, staff_id)?;
            if t.id == actor.id {
                return Err(ServiceError::Refused("nobody appoints himself".into()));
            }
            tx.conn().execute(
                "UPDATE staff SET is_head = ?2 WHERE id = ?1",
                params![staff_id, is_head],
            )?;
            let yes_no = |b: bool| if b { "yes" } else { "no" };
            let detail = Changes::new()
                .set("head_of_department", Some(yes_no(t.is_head)), Some(yes_no(is_head)))
                .into_value();
            tx.audit("account.set_head", "staff", &staff_id, detail);
            Ok(())
        })
    }

    /// Resets a forgotten password: a new one-time password, changed at next login. An
    /// administrator's password is reset only by the security administrator.
    pub fn reset_password(
        &mut self,
        actor: &Actor,
        proof: &StepUp,
        staff_id: i64,
    ) -> Result<SecretString, ServiceError> {
        let op = ops::RESET_PASSWORD;
        self.write_on(actor, op, ("staff", staff_id.to_string()), |tx| {
            let t = target(tx, staff_id)?;
            admin_target_rule(tx, actor, &t, op)?;
            proof.check(actor, tx.now())?;
            if t.id == actor.id {
                return Err(ServiceError::Refused("change your own password with passwd".into()));
            }
            let policy = Policy::load(tx.conn())?;
            let pw = initial_password();
            let hash = hash_password(&pw, policy.cost)?;
            staff::set_password(tx.conn(), staff_id, &hash, true, &tx.now_text())?;
            tx.audit(op.action, "staff", &staff_id, Changes::new().secret("password").into_value());
            Ok(SecretString::from(pw))
        })
    }

    /// Lifts a lockout. An administrator is unlocked only by the security administrator.
    pub fn unlock_account(&mut self, actor: &Actor, staff_id: i64) -> Result<(), ServiceError> {
        let op = ops::UNLOCK;
        self.write_on(actor, op, ("staff", staff_id.to_string()), |tx| {
            let t = target(tx, staff_id)?;
            admin_target_rule(tx, actor, &t, op)?;
            tx.conn().execute(
                "UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                [staff_id],
            )?;
            let detail =
                Changes::new().set("locked_until", t.locked_until.as_deref(), None).into_value();
            tx.audit(op.action, "staff", &staff_id, detail);
            Ok(())
        })
    }

    /// Grants an administrator role. The security administrator grants the system and audit
    /// administrators; a system administrator grants the security administrator; nobody grants
    /// himself, and nobody holds two roles.
    pub fn grant_role(
        &mut self,
        actor: &Actor,
        proof: &StepUp,
        staff_id: i64,
        role: Role,
    ) -> Result<(), ServiceError> {
        let op = ops::GRANT_ROLE;
        self.write_on(actor, op, ("staff", staff_id.to_string()), |tx| {
            if actor.role != Some(role.granted_by()) {
                return Err(forbidden(op, Need::Role(role.granted_by())));
            }
            proof.check(actor, tx.now())?;
            if staff_id == actor.id {
                return Err(ServiceError::Refused("nobody grants a role to himself".into()));
            }
            let t = target(tx, staff_id)?;
            if !t.active {
                return Err(ServiceError::Refused(format!("{} is disabled", t.username)));
            }
            if let Some(held) = staff::role(tx.conn(), staff_id)? {
                return Err(ServiceError::Refused(format!(
                    "{} already holds {}: the administrator roles are exclusive",
                    t.username,
                    held.code()
                )));
            }
            tx.conn().execute(
                "INSERT INTO staff_roles (staff_id, role, granted_by, granted_at) VALUES (?1, ?2, ?3, ?4)",
                params![staff_id, role.code(), actor.id, tx.now_text()],
            )?;
            tx.audit(op.action, "staff", &staff_id, Changes::new().set("role", None, Some(role.code())).into_value());
            Ok(())
        })
    }

    /// Takes an administrator role away (by whoever may grant it).
    pub fn revoke_role(
        &mut self,
        actor: &Actor,
        proof: &StepUp,
        staff_id: i64,
    ) -> Result<(), ServiceError> {
        let op = ops::REVOKE_ROLE;
        self.write_on(actor, op, ("staff", staff_id.to_string()), |tx| {
            let Some(role) = staff::role(tx.conn(), staff_id)? else {
                return Err(ServiceError::Refused(
                    "the account holds no administrator role".into(),
                ));
            };
            if actor.role != Some(role.granted_by()) {
                return Err(forbidden(op, Need::Role(role.granted_by())));
            }
            proof.check(actor, tx.now())?;
            if staff_id == actor.id {
                return Err(ServiceError::Refused("nobody revokes his own role".into()));
            }
            tx.conn().execute("DELETE FROM staff_roles WHERE staff_id = ?1", [staff_id])?;
            tx.audit(
                op.action,
                "staff",
                &staff_id,
                Changes::new().set("role", Some(role.code()), None).into_value(),
            );
            Ok(())
        })
    }

    /// Everything still assigned to a member of staff (§3.1.3): it must be handed over before
    /// the account is disabled.
    pub fn open_items(&self, staff_id: i64) -> Result<Vec<OpenItem>, ServiceError> {
        open_items_of(self.db().conn(), staff_id)
    }

    /// Hands everything open from one member of staff to another.
    pub fn reassign_items(
        &mut self,
        actor: &Actor,
        from: i64,
        to: i64,
    ) -> Result<usize, ServiceError> {
        let op = ops::REASSIGN;
        self.write(actor, op, |tx| {
            let f = target(tx, from)?;
            let t = target(tx, to)?;
            if !t.active {
                return Err(invalid("to", format!("{} is disabled", t.username)));
            }
            if from == to {
                return Err(invalid("to", "is the same account"));
            }
            let n = tx.conn().execute(
                "UPDATE account_requests SET filed_by = ?2
                 WHERE filed_by = ?1 AND status IN ('pending', 'approved')",
                params![from, to],
            )?;
            let detail = Changes::new()
                .note("from", f.username.as_str())
                .note("to", t.username.as_str())
                .note("items", n)
                .into_value();
            tx.audit(op.action, "staff", &from, detail);
            Ok(n)
        })
    }

    /// Disables a leaver's account once nothing is assigned to him any more; ends his sessions.
    pub fn disable_account(
        &mut self,
        actor: &Actor,
        staff_id: i64,
        reason: &str,
    ) -> Result<(), ServiceError> {
        let op = ops::DISABLE;
        self.write(actor, op, |tx| {
            let t = target(tx, staff_id)?;
            admin_target_rule(tx, actor, &t, op)?;
            if t.id == actor.id {
                return Err(ServiceError::Refused("nobody disables his own account".into()));
            }
            let open = open_items_of(tx.conn(), staff_id)?;
            if !open.is_empty() {
                let list: Vec<String> = open.iter().map(|i| i.summary.clone()).collect();
                return Err(ServiceError::Refused(format!(
                    "hand over first: {} item(s) still assigned: {}",
                    open.len(),
                    list.join("; ")
                )));
            }
            disable(tx, staff_id, reason)?;
            tx.audit(
                op.action,
                "staff",
                &staff_id,
                Changes::new()
                    .set("status", Some("active"), Some("disabled"))
                    .note("reason", reason)
                    .into_value(),
            );
            Ok(())
        })
    }

    /// The daily job: disables accounts without a login for the dormancy period (setting,
    /// default 90 days), measured on the business date. Returns the user names disabled.
    pub fn disable_dormant(
        &mut self,
        actor: &Actor,
        business_date: NaiveDate,
    ) -> Result<Vec<String>, ServiceError> {
        let op = ops::DISABLE_DORMANT;
        self.write(actor, op, |tx| dormant_in(tx, business_date))
    }

    /// Every account with its permissions, for the permission review (§6.1).
    pub fn permission_review(&self) -> Result<Vec<ReviewRow>, ServiceError> {
        let conn = self.db().conn();
        let mut out = Vec::new();
        for s in staff::all(conn)? {
            out.push(ReviewRow {
                role: staff::role(conn, s.id)?,
                levels: staff::levels(conn, s.id)?,
                user: s.username,
                name: s.display_name,
                department: s.department,
                active: s.active,
                created_at_bootstrap: s.created_at_bootstrap,
                last_login: s.last_login_at,
            });
        }
        Ok(out)
    }
}

fn open_items_of(
    conn: &rusqlite::Connection,
    staff_id: i64,
) -> Result<Vec<OpenItem>, ServiceError> {
    let mut items = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT id, username, status FROM account_requests
         WHERE filed_by = ?1 AND status IN ('pending', 'approved') ORDER BY id",
    )?;
    let rows = stmt.query_map([staff_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    for row in rows {
        let (id, username, status) = row?;
        items.push(OpenItem {
            kind: "account_request",
            id,
            summary: format!("account application for {username} ({status})"),
        });
    }
    Ok(items)
}

/// Disables the dormant accounts inside an open write (the daily job's step).
pub(crate) fn dormant_in(
    tx: &mut Tx<'_>,
    business_date: NaiveDate,
) -> Result<Vec<String>, ServiceError> {
    let op = ops::DISABLE_DORMANT;
    let policy = Policy::load(tx.conn())?;
    let cutoff = business_date - Duration::days(policy.dormant_days);
    // A login's date on the platform's calendar, like the business date (not the UTC date).
    let tz: chrono_tz::Tz = crate::store::platform::get(tx.conn())?
        .and_then(|p| p.timezone.parse().ok())
        .unwrap_or(chrono_tz::Asia::Shanghai);
    let mut done = Vec::new();
    // The last active system administrator is kept: disabling him would leave nobody to
    // administer the platform.
    let mut admins: i64 = tx.conn().query_row(
        "SELECT count(*) FROM staff_roles r JOIN staff s ON s.id = r.staff_id
         WHERE r.role = 'system_admin' AND s.status = 'active'",
        [],
        |r| r.get(0),
    )?;
    for s in staff::all(tx.conn())? {
        if !s.active {
            continue;
        }
        let is_admin = staff::role(tx.conn(), s.id)? == Some(Role::SystemAdmin);
        if is_admin && admins <= 1 {
            tracing::warn!(user = %s.username, "dormant, but the last system administrator: kept");
            continue;
        }
        let seen = s.last_login_at.as_deref().or(Some(s.created_at.as_str())).and_then(parse_time);
        if seen.is_some_and(|t| t.with_timezone(&tz).date_naive() < cutoff) {
            disable(tx, s.id, "dormant")?;
            if is_admin {
                admins -= 1;
            }
            tx.audit(
                op.action,
                "staff",
                &s.id,
                Changes::new()
                    .set("status", Some("active"), Some("disabled"))
                    .note("last_seen", seen.map(|t| t.to_rfc3339()))
                    .into_value(),
            );
            done.push(s.username);
        }
    }
    Ok(done)
}

fn disable(tx: &Tx<'_>, staff_id: i64, reason: &str) -> Result<(), ServiceError> {
    let now = tx.now_text();
    tx.conn().execute(
        "UPDATE staff SET status = 'disabled', disabled_at = ?2, disabled_reason = ?3 WHERE id = ?1",
        params![staff_id, now, reason],
    )?;
    tx.conn().execute(
        "UPDATE sessions SET ended_at = ?2, end_reason = 'account disabled'
         WHERE staff_id = ?1 AND ended_at IS NULL",
        params![staff_id, now],
    )?;
    Ok(())
}

/// Work on an account (reset, unlock, disable) belongs to HR (advanced); on an administrator's
/// account, to the security administrator alone (who needs no HR level for it), so that HR
/// cannot take over an administrator.
fn admin_target_rule(
    tx: &Tx<'_>,
    actor: &Actor,
    t: &staff::StaffRow,
    op: Op,
) -> Result<(), ServiceError> {
    let need = if staff::role(tx.conn(), t.id)?.is_some() {
        Need::Role(Role::SecurityAdmin)
    } else {
        Need::Level(Module::Hr, Level::Advanced)
    };
    if !actor.meets(need) {
        return Err(forbidden(op, need));
    }
    Ok(())
}

/// The module whose head decides requests of a department.
fn department_module(department: &str) -> Module {
    department.parse().unwrap_or(Module::Hr)
}

/// A password typed for a new or changed account, checked against the rules and history.
pub(super) fn check_new_password(
    conn: &rusqlite::Connection,
    staff_id: Option<i64>,
    username: &str,
    new: &str,
    policy: &Policy,
) -> Result<(), ServiceError> {
    password::check(new, username, policy.min_length)
        .map_err(|p| invalid("new password", p.to_string()))?;
    if let Some(id) = staff_id {
        for old in staff::recent_hashes(conn, id, policy.history)? {
            if crate::domain::credentials::verify_password(new, &old) {
                return Err(invalid(
                    "new password",
                    password::PasswordProblem::Reused(usize::try_from(policy.history).unwrap_or(4))
                        .to_string(),
                ));
            }
        }
    }
    Ok(())
}

const BOOTSTRAP_ADMIN: Op = Op { action: "account.bootstrap_admin", need: Need::System };

impl Service {
    /// `init`'s first account: a system administrator with his own chosen password (no forced
    /// change), the settings and operations modules at the advanced level.
    pub fn bootstrap_admin(
        &mut self,
        username: &str,
        display_name: &str,
        password: &SecretString,
    ) -> Result<i64, ServiceError> {
        use secrecy::ExposeSecret as _;
        let a = NewAccount {
            username: username.trim().to_owned(),
            display_name: display_name.trim().to_owned(),
            department: "ops".into(),
            duties: "system administrator".into(),
            levels: BTreeMap::from([
                (Module::Admin, Level::Advanced),
                (Module::Ops, Level::Advanced),
            ]),
            is_head: false,
        };
        let policy = self.policy()?;
        check_new(self.db().conn(), &a)?;
        check_new_password(self.db().conn(), None, &a.username, password.expose_secret(), &policy)?;
        let hash = hash_password(password.expose_secret(), policy.cost)?;
        self.write(&Actor::system(), BOOTSTRAP_ADMIN, |tx| {
            // Disabled accounts count too: disabling everyone must not reopen the bootstrap.
            if !staff::all(tx.conn())?.is_empty() {
                return Err(ServiceError::Refused("the platform already has accounts".into()));
            }
            let now = tx.now_text();
            let id = staff::insert(
                tx.conn(),
                &NewStaff {
                    username: &a.username,
                    display_name: &a.display_name,
                    department: &a.department,
                    duties: &a.duties,
                    is_head: false,
                    password_hash: &hash,
                    must_change_password: false,
                    created_by: crate::service::access::SYSTEM_ID,
                    bootstrap: true,
                    request_id: None,
                },
                &now,
            )?;
            staff::set_levels(tx.conn(), id, &a.levels)?;
            tx.conn().execute(
                "INSERT INTO staff_roles (staff_id, role, granted_by, granted_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, Role::SystemAdmin.code(), crate::service::access::SYSTEM_ID, now],
            )?;
            let detail = Changes::new()
                .set("username", None, Some(&a.username))
                .set("role", None, Some(Role::SystemAdmin.code()))
                .set("levels", None, Some(&levels_json(&a.levels)))
                .secret("password")
                .into_value();
            tx.audit(BOOTSTRAP_ADMIN.action, "staff", &id, detail);
            Ok(id)
        })
    }
}
