//! The SQLite store: opening a database with the settings every connection needs, the schema
//! and its migrations, and the write lock shared with the audit head file.

pub mod audit;
pub mod ledger;
pub mod migrations;
pub mod platform;
pub mod staff;
pub mod write_lock;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

/// How long a connection waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Errors of the store, worded for the person running the command.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no database at {0}: create one with `p2pdesk init`")]
    Missing(PathBuf),
    #[error("a file already exists at {0}: `init` never overwrites a database")]
    Exists(PathBuf),
    #[error("the database at {path} cannot run safely: {problem}")]
    Unsafe { path: PathBuf, problem: String },
    #[error("the database at {path} has schema version {found}, newer than this program ({known})")]
    TooNew { path: PathBuf, found: i64, known: usize },
    #[error("migrating the database failed: {0}")]
    Migration(String),
    #[error("another writer held the database for too long; try again")]
    Busy,
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file error at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// An open database: one connection with WAL, foreign keys, full sync, a busy timeout and
/// IMMEDIATE write transactions, all checked at open.
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

impl Db {
    /// Opens an existing database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let mut db = Db::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        migrations::migrate(&mut db.conn, path)?;
        Ok(db)
    }

    /// Creates a new database file with the current schema. Refuses an existing file.
    pub fn create(path: &Path) -> Result<Db, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        }
        // Creating the empty file first with create_new makes "refuse an existing file" atomic:
        // two `init`s racing cannot both succeed.
        std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                StoreError::Exists(path.to_path_buf())
            } else {
                StoreError::Io { path: path.to_path_buf(), source }
            }
        })?;
        let mut db = Db::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        migrations::create_fresh(&mut db.conn)?;
        Ok(db)
    }

    fn connect(path: &Path, flags: OpenFlags) -> Result<Db, StoreError> {
        let flags = flags | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")?;
        check_settings(&conn, &mode)
            .map_err(|problem| StoreError::Unsafe { path: path.to_path_buf(), problem })?;
        Ok(Db { conn, path: path.to_path_buf() })
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for reads and for the service layer's transactions.
    #[must_use]
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Removes a database and the files beside it (WAL, shared memory, writers' lock, audit head):
/// for a database that a command created and could not finish, or a demo being rebuilt.
pub fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", ".write-lock", ".audit-head"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Reads the settings back: a database that silently refused WAL (a network file system, a
/// read-only directory) or lost its foreign keys must not be written to.
fn check_settings(conn: &Connection, mode: &str) -> Result<(), String> {
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("journal mode is {mode}, WAL is required"));
    }
    let fk: i64 =
        conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if fk != 1 {
        return Err("foreign keys could not be enabled".into());
    }
    let sync: i64 =
        conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if sync != 2 {
        return Err(format!("synchronous is {sync}, FULL (2) is required"));
    }
    let busy: i64 =
        conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if busy <= 0 {
        return Err("no busy timeout".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_connection_without_wal() {
        // An in-memory database answers "memory" when asked for WAL: the same answer a file
        // system without shared memory gives, and the open must stop there.
        let conn = Connection::open_in_memory().unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;").unwrap();
        conn.busy_timeout(BUSY_TIMEOUT).unwrap();
        assert_eq!(
            check_settings(&conn, &mode).unwrap_err(),
            "journal mode is memory, WAL is required"
        );
    }

    #[test]
    fn refuses_a_connection_without_foreign_keys_or_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("x.db")).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
        conn.busy_timeout(BUSY_TIMEOUT).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
        assert_eq!(check_settings(&conn, &mode).unwrap_err(), "foreign keys could not be enabled");
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;").unwrap();
        assert_eq!(
            check_settings(&conn, &mode).unwrap_err(),
            "synchronous is 1, FULL (2) is required"
        );
        conn.execute_batch("PRAGMA synchronous = FULL;").unwrap();
        assert_eq!(check_settings(&conn, &mode), Ok(()));
    }
}
