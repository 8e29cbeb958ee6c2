//! Opening databases: connection settings, refusals, and the migration path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use chrono::NaiveDate;
use p2pdesk::service::Service;
use p2pdesk::store::migrations::{MIGRATIONS, migrate_to_version};
use p2pdesk::store::{Db, StoreError};
use rusqlite::Connection;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

#[test]
fn every_connection_has_the_required_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    drop(Service::init(&path, date(), "Asia/Shanghai").unwrap());
    let db = Db::open(&path).unwrap();
    let c = db.conn();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let busy: i64 = c.query_row("PRAGMA busy_timeout", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(sync, 2);
    assert!(busy >= 1000, "busy timeout {busy} ms");
}

#[test]
fn write_transactions_take_the_write_lock_at_begin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    drop(Service::init(&path, date(), "Asia/Shanghai").unwrap());
    let mut a = Db::open(&path).unwrap();
    let b = Db::open(&path).unwrap();
    b.conn().busy_timeout(Duration::from_millis(50)).unwrap();
    // A has only begun: an IMMEDIATE transaction already holds the write lock, so B's write
    // fails fast instead of A failing later on its first write.
    let tx = a.conn_mut().transaction().unwrap();
    let err = b.conn().execute("UPDATE platform SET timezone = 'UTC'", []).unwrap_err();
    assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy));
    tx.rollback().unwrap();
    b.conn().execute("UPDATE platform SET timezone = 'UTC'", []).unwrap();
}

#[test]
fn refuses_missing_existing_and_too_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    assert!(matches!(Db::open(&path), Err(StoreError::Missing(_))));
    drop(Service::init(&path, date(), "Asia/Shanghai").unwrap());
    assert!(matches!(Db::create(&path), Err(StoreError::Exists(_))));
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", 999).unwrap();
    drop(c);
    assert!(matches!(Db::open(&path), Err(StoreError::TooNew { found: 999, .. })));
}

/// The schema as SQLite describes it: columns, indexes, foreign keys and trigger bodies, so two
/// databases compare equal when their structure is, whatever whitespace made them.
fn describe(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    let mut objects: Vec<(String, String, String, Option<String>)> = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    objects.sort();
    for (kind, name, table, sql) in objects {
        out.push(format!("{kind} {name} on {table}"));
        match kind.as_str() {
            "table" => {
                let mut s = conn.prepare(&format!("PRAGMA table_xinfo(\"{name}\")")).unwrap();
                let cols = s
                    .query_map([], |r| {
                        Ok(format!(
                            "  col {} {} notnull={} default={:?} pk={}",
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, i64>(3)?,
                            r.get::<_, Option<String>>(4)?,
                            r.get::<_, i64>(5)?
                        ))
                    })
                    .unwrap();
                out.extend(cols.map(Result::unwrap));
                let mut s = conn.prepare(&format!("PRAGMA foreign_key_list(\"{name}\")")).unwrap();
                let fks = s
                    .query_map([], |r| {
                        Ok(format!(
                            "  fk {} -> {}.{:?}",
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, Option<String>>(4)?
                        ))
                    })
                    .unwrap();
                out.extend(fks.map(Result::unwrap));
                // CHECK constraints live only in the SQL text: compare it without whitespace.
                let squeezed: String =
                    sql.unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(format!("  sql {squeezed}"));
            }
            "index" => {
                let mut s = conn.prepare(&format!("PRAGMA index_xinfo(\"{name}\")")).unwrap();
                let cols = s
                    .query_map([], |r| {
                        Ok(format!(
                            "  key {:?} desc={}",
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, i64>(3)?
                        ))
                    })
                    .unwrap();
                out.extend(cols.map(Result::unwrap));
            }
            _ => {
                let squeezed: String =
                    sql.unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(format!("  sql {squeezed}"));
            }
        }
    }
    out
}

#[test]
fn every_older_version_migrates_to_the_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("fresh.db");
    drop(Db::create(&fresh_path).unwrap());
    let fresh = describe(&Connection::open(&fresh_path).unwrap());
    assert!(fresh.iter().any(|l| l == "table audit_log on audit_log"));
    for version in 0..MIGRATIONS.len() {
        let path = dir.path().join(format!("v{version}.db"));
        {
            let mut c = Connection::open(&path).unwrap();
            migrate_to_version(&mut c, version).unwrap();
            let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(v, i64::try_from(version).unwrap());
        }
        drop(Db::open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, i64::try_from(MIGRATIONS.len()).unwrap(), "from version {version}");
        assert_eq!(describe(&c), fresh, "schema after migrating from version {version}");
    }
}
