//! Schema versions. `schema.sql` is the whole current schema, given to a new database in one
//! go; `MIGRATIONS` is the append-only list that brings an older database to the same place,
//! tracked by `PRAGMA user_version` and applied in one IMMEDIATE transaction.

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use super::StoreError;

/// The complete current schema.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Every migration ever released, oldest first. Never edit or remove one: append.
pub const MIGRATIONS: &[&str] = &[include_str!("../../migrations/0001_initial.sql")];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Gives a brand-new database the current schema whole.
pub fn create_fresh(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    tx.pragma_update(None, "user_version", i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX))?;
    tx.commit()?;
    Ok(())
}

/// Brings an existing database to the current schema.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len();
    if found > i64::try_from(known).unwrap_or(i64::MAX) {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, known });
    }
    if found == i64::try_from(known).unwrap_or(i64::MAX) {
        return Ok(());
    }
    tracing::info!(from = found, to = known, "migrating database schema");
    migrations().to_latest(conn).map_err(|e| StoreError::Migration(e.to_string()))
}

/// Migrates an empty database to an older version: for tests of the migration path.
pub fn migrate_to_version(conn: &mut Connection, version: usize) -> Result<(), StoreError> {
    migrations().to_version(conn, version).map_err(|e| StoreError::Migration(e.to_string()))
}
