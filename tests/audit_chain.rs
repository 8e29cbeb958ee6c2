#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The audit hash chain and its head file: an intact trail verifies, every kind of tampering
//! is named (an edited record, a removed one, the newest ones cut off, a forged or stale head),
//! the `audit verify` command reports it, and concurrent writers keep the chain whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use chrono::NaiveDate;
use p2pdesk::domain::Money;
use p2pdesk::domain::ledger::Account;
use p2pdesk::service::{Actor, Service, ServiceError};
use p2pdesk::store::Db;
use p2pdesk::store::audit::{self, GENESIS, Head, HeadCheck};
use p2pdesk::store::ledger::PostError;
use rusqlite::Connection;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn setup() -> (TempDir, PathBuf, Service) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let svc = Service::init(&path, date, "Asia/Shanghai").unwrap();
    (dir, path, svc)
}

/// A platform with `deposits` deposits after `init`: 1 + `deposits` audit records.
fn with_records(deposits: usize) -> (TempDir, PathBuf, Service) {
    let (dir, path, mut svc) = setup();
    let sys = Actor::system();
    for i in 0..deposits {
        let amount = Money::from_fen(10_000 + i64::try_from(i).unwrap());
        svc.deposit(&sys, Account::InvestorCustody(1), amount, &format!("BANK-{i}")).unwrap();
    }
    (dir, path, svc)
}

/// A connection of its own, as someone with the database file in hand would open it.
fn raw(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    conn
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn hash_of(conn: &Connection, seq: i64) -> String {
    conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| r.get(0)).unwrap()
}

fn tamper_detail(path: &Path, seq: i64) {
    let conn = raw(path);
    conn.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
    let changed = conn
        .execute("UPDATE audit_log SET detail = '{\"amount\":\"1.00\"}' WHERE seq = ?1", [seq])
        .unwrap();
    assert_eq!(changed, 1);
}

fn delete_records(path: &Path, seqs: &[i64]) {
    let conn = raw(path);
    conn.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
    for seq in seqs {
        assert_eq!(conn.execute("DELETE FROM audit_log WHERE seq = ?1", [seq]).unwrap(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Intact trail
// ---------------------------------------------------------------------------------------------

#[test]
fn intact_trail_verifies_with_one_record_per_write() {
    let (_dir, path, mut svc) = setup();
    let sys = Actor::system();
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.records, 1, "init writes one record");
    assert_eq!(v.head, HeadCheck::Matches);
    assert!(v.ok());

    let inv = Account::InvestorCustody(1);
    svc.deposit(&sys, inv, Money::from_fen(50_000), "BANK-1").unwrap(); // 2
    svc.deposit(&sys, inv, Money::from_fen(20_000), "BANK-2").unwrap(); // 3
    svc.freeze(&sys, 1, Money::from_fen(10_000), "BID-1").unwrap(); // 4
    svc.deposit(&sys, inv, Money::from_fen(50_000), "BANK-1").unwrap(); // 5: a replay
    // A business refusal rolls back with its audit record.
    let err = svc.withdraw(&sys, inv, Money::from_fen(1_000_000), "WD-1").unwrap_err();
    assert!(matches!(err, ServiceError::Post(PostError::Insufficient { .. })), "{err:?}");
    // A permission refusal is recorded in its own right.
    let clerk = Actor {
        id: 2,
        username: "nobody".into(),
        is_system: false,
        levels: BTreeMap::new(),
        ..Actor::system()
    };
    let err = svc.withdraw(&clerk, inv, Money::from_fen(1), "WD-2").unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden { .. }), "{err:?}"); // 6

    let v = svc.verify_audit().unwrap();
    assert_eq!(v.records, 6);
    assert_eq!(v.first_broken, None);
    assert_eq!(v.head, HeadCheck::Matches);
    assert!(v.ok());

    // The head file names the newest record with its hash.
    let conn = raw(&path);
    assert_eq!(audit::read_head(&path).unwrap(), Head::At { seq: 6, hash: hash_of(&conn, 6) });
    assert_eq!(audit::head_path(&path), path.with_file_name("book.db.audit-head"));

    // Verifying is read-only on an intact trail: nothing appended, nothing changed.
    assert_eq!(svc.verify_audit().unwrap(), v);
    assert_eq!(count(&conn, "audit_log"), 6);
}

#[test]
fn hashes_are_lowercase_hex_and_linked_from_genesis() {
    let (_dir, path, _svc) = with_records(4);
    let conn = raw(&path);
    let mut stmt = conn.prepare("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq").unwrap();
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0].0, 1);
    assert_eq!(rows[0].1, GENESIS);
    assert_eq!(GENESIS.len(), 64);
    assert!(GENESIS.bytes().all(|b| b == b'0'));
    let mut prev = GENESIS.to_owned();
    for (i, (seq, prev_hash, hash)) in rows.iter().enumerate() {
        assert_eq!(*seq, i64::try_from(i).unwrap() + 1, "sequence numbers have no gaps");
        assert_eq!(hash.len(), 64, "record {seq}: {hash}");
        assert!(
            hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "record {seq}: {hash} is not lowercase hex"
        );
        assert_eq!(*prev_hash, prev, "record {seq} links to its predecessor");
        assert_ne!(*hash, prev);
        prev.clone_from(hash);
    }
}

// ---------------------------------------------------------------------------------------------
// Tampering with the table
// ---------------------------------------------------------------------------------------------

#[test]
fn edited_record_is_named() {
    let (_dir, path, svc) = with_records(4); // records 1..=5
    tamper_detail(&path, 3);
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.first_broken, Some(3));
    assert_eq!(v.records, 5);
    // The newest record is untouched, so the head still matches; the chain alone fails.
    assert_eq!(v.head, HeadCheck::Matches);
    assert!(!v.ok());
}

#[test]
fn edited_record_with_a_recomputed_hash_breaks_the_next_link() {
    // Someone who knows the hash rule edits record 2 and gives it the hash its new content
    // deserves: record 2 checks out on its own, but record 3 still names the old hash.
    let (_dir, path, svc) = with_records(4); // records 1..=5
    let conn = raw(&path);
    let (mut rec, prev) = conn
        .query_row(
            "SELECT seq, at, actor_id, actor, action, entity, entity_id, outcome, origin, detail,
                    prev_hash
             FROM audit_log WHERE seq = 2",
            [],
            |r| {
                Ok((
                    audit::Record {
                        seq: r.get(0)?,
                        at: r.get(1)?,
                        actor_id: r.get(2)?,
                        actor: r.get(3)?,
                        action: r.get(4)?,
                        entity: r.get(5)?,
                        entity_id: r.get(6)?,
                        outcome: r.get(7)?,
                        origin: r.get(8)?,
                        detail: r.get(9)?,
                    },
                    r.get::<_, String>(10)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(rec.hash(&prev), hash_of(&conn, 2), "the stored hash follows the rule");
    rec.detail = "{}".into();
    let forged = rec.hash(&prev);
    conn.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
    conn.execute(
        "UPDATE audit_log SET detail = ?1, hash = ?2 WHERE seq = 2",
        rusqlite::params![rec.detail, forged],
    )
    .unwrap();
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.first_broken, Some(3));
    assert!(!v.ok());
}

#[test]
fn removed_middle_record_is_named_by_its_own_number() {
    // Record 3 is gone: the walk expects 3 and finds 4, so the gap itself (3) is reported,
    // the first number whose record does not check out.
    let (_dir, path, svc) = with_records(4); // records 1..=5
    delete_records(&path, &[3]);
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.first_broken, Some(3));
    assert_eq!(v.records, 4);
    assert_eq!(v.head, HeadCheck::Matches);
    assert!(!v.ok());
}

#[test]
fn removed_first_record_is_named() {
    let (_dir, path, svc) = with_records(3);
    delete_records(&path, &[1]);
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.first_broken, Some(1));
    assert!(!v.ok());
}

#[test]
fn removed_newest_records_show_in_the_head_check() {
    let (_dir, path, svc) = with_records(4); // records 1..=5
    delete_records(&path, &[5, 4]);
    let v = svc.verify_audit().unwrap();
    // What is left is a perfectly good chain…
    assert_eq!(v.first_broken, None);
    assert_eq!(v.records, 3);
    // …shorter than the head file says.
    assert_eq!(v.head, HeadCheck::Ahead { head_seq: 5, table_seq: 3 });
    assert!(v.head.is_failure());
    assert!(!v.ok());
    // Verification leaves the evidence alone.
    assert!(matches!(audit::read_head(&path).unwrap(), Head::At { seq: 5, .. }));
    assert_eq!(svc.verify_audit().unwrap().head, HeadCheck::Ahead { head_seq: 5, table_seq: 3 });
}

// ---------------------------------------------------------------------------------------------
// The head file
// ---------------------------------------------------------------------------------------------

#[test]
fn head_with_a_wrong_hash_differs() {
    let (_dir, path, svc) = with_records(3); // records 1..=4
    audit::write_head(&path, 4, &GENESIS.replace('0', "f")).unwrap();
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.first_broken, None);
    assert_eq!(v.head, HeadCheck::Differs { seq: 4 });
    assert!(!v.ok());
}

#[test]
fn stale_head_with_a_wrong_hash_differs_and_is_not_mended() {
    let (_dir, path, svc) = with_records(3);
    let forged = GENESIS.replace('0', "f");
    audit::write_head(&path, 2, &forged).unwrap();
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.head, HeadCheck::Differs { seq: 2 });
    assert!(!v.ok());
    assert_eq!(audit::read_head(&path).unwrap(), Head::At { seq: 2, hash: forged });
}

#[test]
fn unreadable_head_is_malformed() {
    let (_dir, path, svc) = with_records(2);
    std::fs::write(audit::head_path(&path), "three deadbeef\n").unwrap();
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.head, HeadCheck::Malformed);
    assert!(!v.ok());
}

#[test]
fn missing_head_is_a_warning_that_writes_do_not_paper_over() {
    let (_dir, path, mut svc) = with_records(2); // records 1..=3
    std::fs::remove_file(audit::head_path(&path)).unwrap();
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.head, HeadCheck::Missing);
    assert!(!v.head.is_failure());
    assert!(v.ok());
    assert_eq!(v.records, 3);
    assert_eq!(audit::read_head(&path).unwrap(), Head::Missing, "verify does not invent a head");

    // A later write does not recreate it: a new head would hide the newest records having
    // been deleted together with the head.
    svc.deposit(&Actor::system(), Account::InvestorCustody(2), Money::from_fen(1), "BANK-X")
        .unwrap();
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.head, HeadCheck::Missing);
    assert_eq!(v.records, 4);

    // A security administrator re-establishes it once the chain verifies.
    let conn = raw(&path);
    conn.execute(
        "INSERT INTO staff (id, username, display_name, department, created_at) VALUES (50, 'sec', 'Sec', 'ops', 'x')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO staff_roles (staff_id, role, granted_by, granted_at) VALUES (50, 'security_admin', 1, 'x')",
        [],
    )
    .unwrap();
    let sec = svc.actor(50).unwrap();
    let v = svc.reset_audit_head(&sec).unwrap();
    assert_eq!(v.head, HeadCheck::Matches);
    assert_eq!(v.records, 5, "the reset is itself audited");
    // Anyone else is refused.
    assert!(svc.reset_audit_head(&Actor { role: None, ..sec }).is_err());
}

#[test]
fn head_behind_after_a_crash_is_reported_and_brought_up_to_date() {
    // A crash between the commit and the head write leaves the head on an older record.
    let (_dir, path, svc) = with_records(4); // records 1..=5
    let conn = raw(&path);
    let old = hash_of(&conn, 3);
    audit::write_head(&path, 3, &old).unwrap();

    let v = svc.verify_audit().unwrap();
    assert_eq!(v.head, HeadCheck::Behind { head_seq: 3, table_seq: 5 });
    assert!(!v.head.is_failure());
    assert!(v.ok());
    assert_eq!(v.first_broken, None);
    assert_eq!(audit::read_head(&path).unwrap(), Head::At { seq: 5, hash: hash_of(&conn, 5) });

    let again = svc.verify_audit().unwrap();
    assert_eq!(again.head, HeadCheck::Matches);
    assert!(again.ok());
}

#[test]
fn head_behind_is_not_mended_over_a_broken_chain() {
    let (_dir, path, svc) = with_records(4); // records 1..=5
    let conn = raw(&path);
    let old = hash_of(&conn, 2);
    audit::write_head(&path, 2, &old).unwrap();
    tamper_detail(&path, 4);
    let v = svc.verify_audit().unwrap();
    assert_eq!(v.first_broken, Some(4));
    assert_eq!(v.head, HeadCheck::Behind { head_seq: 2, table_seq: 5 });
    assert!(!v.ok());
    // The head is left where it was: a broken chain's tip is no tip to vouch for.
    assert_eq!(audit::read_head(&path).unwrap(), Head::At { seq: 2, hash: old });
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

fn audit_verify(dir: &Path, db: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_p2pdesk"))
        .arg("--db")
        .arg(db)
        .arg("--data-dir")
        .arg(dir)
        .args(["audit", "verify"])
        .env_remove("P2PDESK_DB")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .output()
        .unwrap()
}

#[test]
fn cli_audit_verify_exit_status() {
    let (dir, path, svc) = with_records(3);
    drop(svc);

    let out = audit_verify(dir.path(), &path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("audit records: 4"), "{stdout}");
    assert!(stdout.contains("audit chain intact"), "{stdout}");

    tamper_detail(&path, 2);
    let out = audit_verify(dir.path(), &path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stderr.contains("record 2"), "{stderr}");
    assert!(!stdout.contains("intact"), "{stdout}");
}

#[test]
fn cli_audit_verify_fails_on_truncation() {
    let (dir, path, svc) = with_records(3); // records 1..=4
    drop(svc);
    delete_records(&path, &[4]);
    let out = audit_verify(dir.path(), &path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("names record 4 but the trail ends at 3"), "{stdout}");
    assert!(stderr.contains("head check failed"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Concurrent writers
// ---------------------------------------------------------------------------------------------

#[test]
fn concurrent_writers_keep_one_chain() {
    const THREADS: i64 = 4;
    const EACH: i64 = 25;
    let (_dir, path, svc) = setup();
    let start = Arc::new(Barrier::new(usize::try_from(THREADS).unwrap() + 1));
    let done = Arc::new(AtomicBool::new(false));

    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let path = path.clone();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let mut svc = Service::new(Db::open(&path).unwrap());
                let sys = Actor::system();
                start.wait();
                for i in 0..EACH {
                    // Everyone pays into the same two sub-accounts, so the balances contend too.
                    let holder = Account::InvestorCustody(1 + (t + i) % 2);
                    let amount = Money::from_fen(100 * (t + 1) + i);
                    let posted = svc.deposit(&sys, holder, amount, &format!("T{t}-{i}")).unwrap();
                    assert!(matches!(posted, p2pdesk::store::ledger::Posted::Recorded(_)));
                }
            })
        })
        .collect();

    // Meanwhile an auditor verifies again and again: under the writers' lock the head always
    // names the newest record, never one a writer has committed past.
    let auditor = {
        let path = path.clone();
        let start = Arc::clone(&start);
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let svc = Service::new(Db::open(&path).unwrap());
            start.wait();
            let mut checks = 0;
            while !done.load(Ordering::SeqCst) || checks == 0 {
                let v = svc.verify_audit().unwrap();
                assert!(v.ok(), "{v:?}");
                assert_eq!(v.head, HeadCheck::Matches, "{v:?}");
                checks += 1;
                // The writers poll for the lock; a verifier spinning on it would starve them.
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            checks
        })
    };

    for w in writers {
        w.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    assert!(auditor.join().unwrap() > 0);

    let v = svc.verify_audit().unwrap();
    assert_eq!(v.first_broken, None);
    assert_eq!(v.head, HeadCheck::Matches);
    assert!(v.ok());
    assert_eq!(v.records, 1 + THREADS * EACH);

    let conn = raw(&path);
    assert_eq!(count(&conn, "journal_entries"), THREADS * EACH);
    let check = svc.check_books().unwrap();
    assert!(check.ok(), "{check:?}");
    assert_eq!(check.entries, THREADS * EACH);

    let expected: i64 = (0..THREADS).flat_map(|t| (0..EACH).map(move |i| 100 * (t + 1) + i)).sum();
    let one = svc.balance(Account::InvestorCustody(1)).unwrap().fen();
    let two = svc.balance(Account::InvestorCustody(2)).unwrap().fen();
    assert_eq!(one + two, expected);
    assert_eq!(svc.balance(Account::Bank).unwrap().fen(), expected);

    // Every writer's records are there, one per entry.
    let distinct: i64 = conn
        .query_row(
            "SELECT count(DISTINCT entity_id) FROM audit_log
             WHERE action = 'ledger.deposit' AND entity = 'journal_entry'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(distinct, THREADS * EACH);
}
