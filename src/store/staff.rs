//! Staff rows: accounts, levels, roles, requests and sessions.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::access::{Level, Module, Role};

/// One account as stored.
#[allow(clippy::struct_excessive_bools)] // one flag per column, as the table has them
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub department: String,
    pub duties: String,
    pub is_head: bool,
    pub is_system: bool,
    pub active: bool,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub password_changed_at: Option<String>,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
    pub last_login_at: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: String,
    pub created_at_bootstrap: bool,
}

const COLUMNS: &str = "id, username, display_name, department, duties, is_head, is_system,
    status, password_hash, must_change_password, password_changed_at, failed_logins,
    locked_until, last_login_at, totp_secret, totp_last_step, created_at, created_at_bootstrap";

fn from_row(r: &Row<'_>) -> rusqlite::Result<StaffRow> {
    Ok(StaffRow {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        department: r.get(3)?,
        duties: r.get(4)?,
        is_head: r.get(5)?,
        is_system: r.get(6)?,
        active: r.get::<_, String>(7)? == "active",
        password_hash: r.get(8)?,
        must_change_password: r.get(9)?,
        password_changed_at: r.get(10)?,
        failed_logins: r.get(11)?,
        locked_until: r.get(12)?,
        last_login_at: r.get(13)?,
        totp_secret: r.get(14)?,
        totp_last_step: r.get(15)?,
        created_at: r.get(16)?,
        created_at_bootstrap: r.get(17)?,
    })
}

pub fn by_username(conn: &Connection, username: &str) -> rusqlite::Result<Option<StaffRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM staff WHERE username = ?1"))?
        .query_row([username.trim()], from_row)
        .optional()
}

pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<StaffRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// All accounts but the system actor, by user name.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<StaffRow>> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COLUMNS} FROM staff WHERE is_system = 0 ORDER BY username"))?;
    stmt.query_map([], from_row)?.collect()
}

pub fn levels(conn: &Connection, id: i64) -> rusqlite::Result<BTreeMap<Module, Level>> {
    let mut stmt =
        conn.prepare_cached("SELECT module, level FROM staff_levels WHERE staff_id = ?1")?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (m, l) = row?;
        // The schema's CHECK constraints only admit known names.
        if let (Ok(m), Ok(l)) = (m.parse::<Module>(), l.parse::<Level>()) {
            out.insert(m, l);
        }
    }
    Ok(out)
}

pub fn set_levels(
    conn: &Connection,
    id: i64,
    levels: &BTreeMap<Module, Level>,
) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM staff_levels WHERE staff_id = ?1", [id])?;
    let mut insert = conn
        .prepare_cached("INSERT INTO staff_levels (staff_id, module, level) VALUES (?1, ?2, ?3)")?;
    for (m, l) in levels {
        if *l != Level::None {
            insert.execute(params![id, m.code(), l.code()])?;
        }
    }
    Ok(())
}

pub fn role(conn: &Connection, id: i64) -> rusqlite::Result<Option<Role>> {
    let code: Option<String> = conn
        .prepare_cached("SELECT role FROM staff_roles WHERE staff_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(code.and_then(|c| c.parse().ok()))
}

/// A new account's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub department: &'a str,
    pub duties: &'a str,
    pub is_head: bool,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub created_by: i64,
    pub bootstrap: bool,
    pub request_id: Option<i64>,
}

pub fn insert(conn: &Connection, s: &NewStaff<'_>, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO staff (username, display_name, department, duties, is_head, password_hash,
                            must_change_password, password_changed_at, created_at, created_by,
                            created_at_bootstrap, request_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)",
        params![
            s.username.trim(),
            s.display_name.trim(),
            s.department,
            s.duties.trim(),
            s.is_head,
            s.password_hash,
            s.must_change_password,
            now,
            s.created_by,
            s.bootstrap,
            s.request_id
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The newest `n` password hashes of an account, the current one included.
pub fn recent_hashes(conn: &Connection, id: i64, n: i64) -> rusqlite::Result<Vec<String>> {
    let mut out: Vec<String> = by_id(conn, id)?.and_then(|s| s.password_hash).into_iter().collect();
    let mut stmt = conn.prepare_cached(
        "SELECT hash FROM password_history WHERE staff_id = ?1 ORDER BY set_at DESC, rowid DESC LIMIT ?2",
    )?;
    let older = stmt.query_map(params![id, (n - 1).max(0)], |r| r.get::<_, String>(0))?;
    for h in older {
        out.push(h?);
    }
    Ok(out)
}

/// Replaces the password hash, keeping the old one in the history.
pub fn set_password(
    conn: &Connection,
    id: i64,
    hash: &str,
    must_change: bool,
    now: &str,
) -> rusqlite::Result<()> {
    if let Some(old) = by_id(conn, id)?.and_then(|s| s.password_hash) {
        conn.execute(
            "INSERT INTO password_history (staff_id, hash, set_at) VALUES (?1, ?2, ?3)",
            params![id, old, now],
        )?;
    }
    conn.execute(
        "UPDATE staff SET password_hash = ?2, must_change_password = ?3, password_changed_at = ?4
         WHERE id = ?1",
        params![id, hash, must_change, now],
    )?;
    Ok(())
}

/// Whether an active head of HR exists (until then, the system administrator may create
/// accounts directly).
pub fn hr_head_exists(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM staff WHERE department = 'hr' AND is_head = 1
                        AND status = 'active' AND is_system = 0)",
        [],
        |r| r.get(0),
    )
}

/// One session row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    pub staff_id: i64,
    pub username: String,
    pub origin: String,
    pub started_at: String,
    pub last_active_at: String,
}

pub fn open_sessions(conn: &Connection) -> rusqlite::Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.staff_id, st.username, s.origin, s.started_at, s.last_active_at
         FROM sessions s JOIN staff st ON st.id = s.staff_id
         WHERE s.ended_at IS NULL ORDER BY s.id",
    )?;
    stmt.query_map([], |r| {
        Ok(SessionRow {
            id: r.get(0)?,
            staff_id: r.get(1)?,
            username: r.get(2)?,
            origin: r.get(3)?,
            started_at: r.get(4)?,
            last_active_at: r.get(5)?,
        })
    })?
    .collect()
}

/// Whether a session is still open (not ended by its user or an administrator).
pub fn session_open(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?1 AND ended_at IS NULL)",
        [id],
        |r| r.get(0),
    )
}
