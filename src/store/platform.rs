//! The platform row: business date, time zone, demo mark.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

/// The platform's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub business_date: NaiveDate,
    pub timezone: String,
    pub is_demo: bool,
}

/// Creates the platform row of a new database.
pub fn create(
    conn: &Connection,
    business_date: NaiveDate,
    timezone: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO platform (id, business_date, timezone, created_at) VALUES (1, ?1, ?2, ?3)",
        params![business_date.to_string(), timezone, now],
    )?;
    Ok(())
}

/// Reads the platform row; `None` before `init` finished.
pub fn get(conn: &Connection) -> rusqlite::Result<Option<Platform>> {
    conn.query_row("SELECT business_date, timezone, is_demo FROM platform WHERE id = 1", [], |r| {
        let text: String = r.get(0)?;
        let business_date = text.parse::<NaiveDate>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?;
        Ok(Platform { business_date, timezone: r.get(1)?, is_demo: r.get(2)? })
    })
    .optional()
}

/// Moves the business date (the daily job's last step for a day).
pub fn set_business_date(conn: &Connection, date: NaiveDate) -> rusqlite::Result<()> {
    conn.execute("UPDATE platform SET business_date = ?1 WHERE id = 1", [date.to_string()])?;
    Ok(())
}

/// Marks the platform as a demonstration (synthetic people only).
pub fn mark_demo(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE platform SET is_demo = 1 WHERE id = 1", [])?;
    Ok(())
}

/// The demo accounts and passwords of a demo database (empty elsewhere).
pub fn demo_credentials(
    conn: &Connection,
) -> rusqlite::Result<Vec<(String, String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT username, role, department, password FROM demo_credentials ORDER BY rowid",
    )?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect()
}
