//! The writers' lock: a file beside the database that every writer holds from before its
//! IMMEDIATE transaction until the audit head file is written after the commit. It orders the
//! head file exactly like the audit table, across processes. Readers never take it.
//!
//! Lock order is always this file first, then SQLite's write lock, so two writers cannot wait
//! on each other.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::StoreError;

/// A held lock; released on drop.
pub struct WriteLock {
    file: File,
}

/// The lock file's path for a database.
#[must_use]
pub fn lock_path(db: &Path) -> PathBuf {
    sibling(db, "write-lock")
}

/// A file named after the database with an extra suffix (`book.db` → `book.db.write-lock`).
#[must_use]
pub fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".");
    name.push(suffix);
    db.with_file_name(name)
}

impl WriteLock {
    /// Waits up to `timeout` for the lock.
    pub fn acquire(db: &Path, timeout: Duration) -> Result<WriteLock, StoreError> {
        let path = lock_path(db);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::Io { path: path.clone(), source })?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { file }),
                Err(TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => return Err(StoreError::Busy),
                Err(TryLockError::Error(source)) => return Err(StoreError::Io { path, source }),
            }
        }
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes it immediate.
        let _ = self.file.unlock();
    }
}
