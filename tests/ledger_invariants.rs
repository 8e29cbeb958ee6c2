#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The custody ledger through the service layer: idempotent postings, refusals that write
//! nothing (neither the books nor the audit trail), reversals, permissions, and a property test
//! that replays random sequences of movements against a model of the books.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use p2pdesk::domain::Money;
use p2pdesk::domain::ledger::{Account, EntryError, EntryKind, Line, Side};
use p2pdesk::service::{Actor, Level, Module, Service, ServiceError};
use p2pdesk::store::audit::HeadCheck;
use p2pdesk::store::ledger::{PostError, Posted, entry_lines};
use proptest::prelude::*;
use proptest::sample::Index;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn business_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
}

/// A fresh platform in a temporary directory (kept alive by the returned guard).
fn setup() -> (TempDir, PathBuf, Service) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let svc = Service::init(&path, business_date(), "Asia/Shanghai").unwrap();
    (dir, path, svc)
}

fn fen(n: i64) -> Money {
    Money::from_fen(n)
}

fn count(svc: &Service, table: &str) -> i64 {
    svc.db().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// Row counts of every table a posting touches, to show that a refusal wrote nothing.
fn footprint(svc: &Service) -> [i64; 4] {
    [
        count(svc, "journal_entries"),
        count(svc, "journal_lines"),
        count(svc, "accounts"),
        count(svc, "audit_log"),
    ]
}

/// A member of staff with the given levels, stored in `staff` so that entries can name him.
fn staff(svc: &Service, id: i64, username: &str, levels: &[(Module, Level)]) -> Actor {
    svc.db()
        .conn()
        .execute(
            "INSERT INTO staff (id, username, display_name, department, created_at)
             VALUES (?1, ?2, ?2, 'finance', '2024-03-01T00:00:00.000Z')",
            rusqlite::params![id, username],
        )
        .unwrap();
    // Any further fields (role, department…) as the system actor has them: none that grant.
    Actor {
        id,
        username: username.to_owned(),
        is_system: false,
        levels: levels.iter().copied().collect::<BTreeMap<_, _>>(),
        ..Actor::system()
    }
}

fn inv(id: i64) -> Account {
    Account::InvestorCustody(id)
}

fn frozen(id: i64) -> Account {
    Account::InvestorFrozen(id)
}

fn bal(svc: &Service, account: Account) -> i64 {
    svc.balance(account).unwrap().fen()
}

fn assert_books_ok(svc: &Service) {
    let check = svc.check_books().unwrap();
    assert!(check.ok(), "books do not check out: {check:?}");
}

fn assert_audit_ok(svc: &Service) {
    let v = svc.verify_audit().unwrap();
    assert!(v.ok(), "audit trail does not verify: {v:?}");
    assert_eq!(v.head, HeadCheck::Matches);
}

// ---------------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------------

#[test]
fn deposit_replayed_with_same_amount_is_already_recorded() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    let first = svc.deposit(&sys, inv(1), fen(100_000), "BANK-001").unwrap();
    let Posted::Recorded(id) = first else { panic!("first deposit not recorded: {first:?}") };
    let audit_before = count(&svc, "audit_log");

    let again = svc.deposit(&sys, inv(1), fen(100_000), "BANK-001").unwrap();
    assert_eq!(again, Posted::AlreadyRecorded(id));
    assert_eq!(count(&svc, "journal_entries"), 1);
    assert_eq!(count(&svc, "journal_lines"), 2);
    assert_eq!(bal(&svc, inv(1)), 100_000);
    assert_eq!(bal(&svc, Account::Bank), 100_000);

    // The replay itself is audited (as a replay), the money is not moved twice.
    assert_eq!(count(&svc, "audit_log"), audit_before + 1);
    let detail: String = svc
        .db()
        .conn()
        .query_row("SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["replay"], serde_json::Value::Bool(true));
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

#[test]
fn same_key_with_different_movement_conflicts_and_writes_nothing() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    let Posted::Recorded(id) = svc.deposit(&sys, inv(1), fen(100_000), "BANK-001").unwrap() else {
        panic!("not recorded")
    };
    let before = footprint(&svc);

    // Different amount.
    let err = svc.deposit(&sys, inv(1), fen(100_001), "BANK-001").unwrap_err();
    match err {
        ServiceError::Post(PostError::KeyConflict { key, entry_id }) => {
            assert_eq!(key, "BANK-001");
            assert_eq!(entry_id, id);
        }
        other => panic!("expected a key conflict, got {other:?}"),
    }
    // Different holder, same amount.
    let err = svc.deposit(&sys, inv(2), fen(100_000), "BANK-001").unwrap_err();
    assert!(matches!(err, ServiceError::Post(PostError::KeyConflict { .. })), "{err:?}");
    // Different kind, same account and amount.
    let err = svc.withdraw(&sys, inv(1), fen(100_000), "BANK-001").unwrap_err();
    assert!(matches!(err, ServiceError::Post(PostError::KeyConflict { .. })), "{err:?}");

    assert_eq!(footprint(&svc), before, "a refused posting wrote something");
    assert_eq!(bal(&svc, inv(1)), 100_000);
    assert_eq!(bal(&svc, inv(2)), 0);
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

#[test]
fn empty_reference_is_bad_input() {
    let (_dir, _path, mut svc) = setup();
    let before = footprint(&svc);
    let err = svc.deposit(&Actor::system(), inv(1), fen(100), "  ").unwrap_err();
    assert!(matches!(err, ServiceError::Invalid { field: "reference", .. }), "{err:?}");
    assert!(err.is_bad_input());
    assert_eq!(footprint(&svc), before);
}

// ---------------------------------------------------------------------------------------------
// Balances never go negative
// ---------------------------------------------------------------------------------------------

#[test]
fn withdrawal_beyond_balance_is_refused_naming_the_account() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    svc.deposit(&sys, inv(1), fen(50_000), "DEP-1").unwrap();
    let before = footprint(&svc);

    let err = svc.withdraw(&sys, inv(1), fen(50_001), "WD-1").unwrap_err();
    match &err {
        ServiceError::Post(PostError::Insufficient { account, balance, needed }) => {
            assert_eq!(account, "custody:investor:1");
            assert_eq!(*balance, fen(50_000));
            assert_eq!(*needed, fen(50_001));
        }
        other => panic!("expected Insufficient, got {other:?}"),
    }
    assert!(err.to_string().contains("custody:investor:1"), "{err}");

    // An account never used has nothing to withdraw, and is not created by the refusal.
    let err = svc.withdraw(&sys, Account::BorrowerCustody(7), fen(1), "WD-2").unwrap_err();
    match err {
        ServiceError::Post(PostError::Insufficient { account, balance, .. }) => {
            assert_eq!(account, "custody:borrower:7");
            assert_eq!(balance, Money::ZERO);
        }
        other => panic!("expected Insufficient, got {other:?}"),
    }

    assert_eq!(footprint(&svc), before, "a refused withdrawal wrote something");
    assert_eq!(bal(&svc, inv(1)), 50_000);
    assert_eq!(bal(&svc, Account::Bank), 50_000);

    // The refused reference is still free: the exact balance can be withdrawn under it.
    assert!(matches!(
        svc.withdraw(&sys, inv(1), fen(50_000), "WD-1").unwrap(),
        Posted::Recorded(_)
    ));
    assert_eq!(bal(&svc, inv(1)), 0);
    assert_eq!(bal(&svc, Account::Bank), 0);
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

#[test]
fn withdrawing_from_a_non_custody_account_is_bad_input() {
    let (_dir, _path, mut svc) = setup();
    let before = footprint(&svc);
    let err = svc.withdraw(&Actor::system(), frozen(1), fen(1), "WD-1").unwrap_err();
    assert!(matches!(err, ServiceError::Invalid { field: "account", .. }), "{err:?}");
    assert_eq!(footprint(&svc), before);
}

#[test]
fn freeze_and_release_move_money_between_custody_and_frozen() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    svc.deposit(&sys, inv(1), fen(100_000), "DEP-1").unwrap();

    svc.freeze(&sys, 1, fen(30_000), "BID-1").unwrap();
    assert_eq!((bal(&svc, inv(1)), bal(&svc, frozen(1))), (70_000, 30_000));
    svc.release(&sys, 1, fen(10_000), "REL-1").unwrap();
    assert_eq!((bal(&svc, inv(1)), bal(&svc, frozen(1))), (80_000, 20_000));
    // The bank does not see money moving between an investor's own sub-accounts.
    assert_eq!(bal(&svc, Account::Bank), 100_000);

    let before = footprint(&svc);
    let err = svc.freeze(&sys, 1, fen(80_001), "BID-2").unwrap_err();
    assert!(
        matches!(&err, ServiceError::Post(PostError::Insufficient { account, .. }) if account == "custody:investor:1"),
        "{err:?}"
    );
    let err = svc.release(&sys, 1, fen(20_001), "REL-2").unwrap_err();
    assert!(
        matches!(&err, ServiceError::Post(PostError::Insufficient { account, .. }) if account == "frozen:investor:1"),
        "{err:?}"
    );
    // Frozen money cannot be withdrawn.
    let err = svc.withdraw(&sys, inv(1), fen(80_001), "WD-1").unwrap_err();
    assert!(matches!(err, ServiceError::Post(PostError::Insufficient { .. })), "{err:?}");
    // Another investor has nothing to freeze.
    let err = svc.freeze(&sys, 2, fen(1), "BID-3").unwrap_err();
    assert!(matches!(err, ServiceError::Post(PostError::Insufficient { .. })), "{err:?}");
    assert_eq!(footprint(&svc), before);

    svc.release(&sys, 1, fen(20_000), "REL-3").unwrap();
    assert_eq!((bal(&svc, inv(1)), bal(&svc, frozen(1))), (100_000, 0));
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

// ---------------------------------------------------------------------------------------------
// Reversals
// ---------------------------------------------------------------------------------------------

#[test]
fn reversal_posts_the_mirror_image_once() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    let Posted::Recorded(dep) = svc.deposit(&sys, inv(1), fen(100_000), "DEP-1").unwrap() else {
        panic!("not recorded")
    };
    let Posted::Recorded(rev) = svc.reverse(&sys, dep, "REV-1", "wrong holder").unwrap() else {
        panic!("reversal not recorded")
    };
    assert_ne!(rev, dep);
    assert_eq!(bal(&svc, inv(1)), 0);
    assert_eq!(bal(&svc, Account::Bank), 0);

    let original = entry_lines(svc.db().conn(), dep).unwrap();
    let mirror = entry_lines(svc.db().conn(), rev).unwrap();
    assert_eq!(original.len(), mirror.len());
    for (o, m) in original.iter().zip(&mirror) {
        assert_eq!(o.account, m.account);
        assert_eq!(o.amount, m.amount);
        assert_ne!(o.side, m.side);
    }
    let (kind, reverses): (String, Option<i64>) = svc
        .db()
        .conn()
        .query_row("SELECT kind, reverses FROM journal_entries WHERE id = ?1", [rev], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(kind, "reversal");
    assert_eq!(reverses, Some(dep));

    let before = footprint(&svc);
    // A second reversal under another key is refused.
    let err = svc.reverse(&sys, dep, "REV-2", "").unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::AlreadyReversed(id)) if id == dep),
        "{err:?}"
    );
    // Reversing the reversal is refused.
    let err = svc.reverse(&sys, rev, "REV-3", "").unwrap_err();
    assert!(matches!(err, ServiceError::Post(PostError::ReversingReversal)), "{err:?}");
    // An unknown entry.
    let err = svc.reverse(&sys, 9_999, "REV-4", "").unwrap_err();
    assert!(matches!(err, ServiceError::Post(PostError::NoSuchEntry(9_999))), "{err:?}");
    assert_eq!(footprint(&svc), before);

    // The same reversal replayed under its own key is idempotent (and audited as a replay).
    assert_eq!(svc.reverse(&sys, dep, "REV-1", "").unwrap(), Posted::AlreadyRecorded(rev));
    assert_eq!(count(&svc, "journal_entries"), 2);
    assert_eq!(bal(&svc, inv(1)), 0);
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

#[test]
fn reversing_a_deposit_already_withdrawn_is_refused() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    let Posted::Recorded(dep) = svc.deposit(&sys, inv(1), fen(100_000), "DEP-1").unwrap() else {
        panic!("not recorded")
    };
    svc.withdraw(&sys, inv(1), fen(60_000), "WD-1").unwrap();
    let before = footprint(&svc);
    let err = svc.reverse(&sys, dep, "REV-1", "").unwrap_err();
    match err {
        // Both sides of the mirror are short; either may be named, with its own balance.
        ServiceError::Post(PostError::Insufficient { account, balance, needed }) => {
            assert!(["bank", "custody:investor:1"].contains(&account.as_str()), "{account}");
            assert_eq!(balance, fen(40_000));
            assert_eq!(needed, fen(100_000));
        }
        other => panic!("expected Insufficient, got {other:?}"),
    }
    assert_eq!(footprint(&svc), before);
    assert_eq!(bal(&svc, inv(1)), 40_000);
    assert_eq!(bal(&svc, Account::Bank), 40_000);
    assert_books_ok(&svc);
}

#[test]
fn reversal_key_spent_on_another_entry_is_a_conflict() {
    // Two identical deposits under different bank references: their reversals have identical
    // lines. Reusing the first reversal's key for the second must not pass for a replay.
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    let Posted::Recorded(a) = svc.deposit(&sys, inv(1), fen(100_000), "DEP-A").unwrap() else {
        panic!("not recorded")
    };
    let Posted::Recorded(b) = svc.deposit(&sys, inv(1), fen(100_000), "DEP-B").unwrap() else {
        panic!("not recorded")
    };
    let Posted::Recorded(rev_a) = svc.reverse(&sys, a, "REV", "").unwrap() else {
        panic!("not recorded")
    };
    let before = footprint(&svc);
    let err = svc.reverse(&sys, b, "REV", "").unwrap_err();
    match err {
        ServiceError::Post(PostError::KeyConflict { key, entry_id }) => {
            assert_eq!(key, "REV");
            assert_eq!(entry_id, rev_a);
        }
        other => panic!("expected a key conflict, got {other:?}"),
    }
    assert_eq!(footprint(&svc), before);
    // Entry b is still reversible under a fresh key.
    assert!(matches!(svc.reverse(&sys, b, "REV-B", "").unwrap(), Posted::Recorded(_)));
    assert_eq!(bal(&svc, inv(1)), 0);

    // A bank reference of another movement is no reversal key either.
    let Posted::Recorded(c) = svc.deposit(&sys, inv(2), fen(5_000), "DEP-C").unwrap() else {
        panic!("not recorded")
    };
    let err = svc.reverse(&sys, c, "DEP-A", "").unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::KeyConflict { entry_id, .. }) if entry_id == a),
        "{err:?}"
    );
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

// ---------------------------------------------------------------------------------------------
// Entry shape
// ---------------------------------------------------------------------------------------------

#[test]
fn unbalanced_or_empty_lines_are_refused() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    svc.deposit(&sys, inv(1), fen(10_000), "DEP-1").unwrap();
    let before = footprint(&svc);

    let err = svc
        .post(
            &sys,
            EntryKind::Adjustment,
            "ADJ-1",
            vec![Line::debit(inv(1), fen(1_000)), Line::credit(Account::Suspense, fen(999))],
            "",
        )
        .unwrap_err();
    match err {
        ServiceError::Post(PostError::Entry(EntryError::Unbalanced { debit, credit })) => {
            assert_eq!((debit, credit), (fen(1_000), fen(999)));
        }
        other => panic!("expected Unbalanced, got {other:?}"),
    }

    let err = svc
        .post(
            &sys,
            EntryKind::Adjustment,
            "ADJ-2",
            vec![
                Line::debit(inv(1), fen(1_000)),
                Line::credit(Account::Suspense, fen(1_000)),
                Line::credit(Account::Suspense, Money::ZERO),
            ],
            "",
        )
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::Entry(EntryError::NonPositive(3)))),
        "{err:?}"
    );

    let err = svc
        .post(
            &sys,
            EntryKind::Adjustment,
            "ADJ-3",
            vec![Line::debit(inv(1), fen(-5)), Line::credit(Account::Suspense, fen(-5))],
            "",
        )
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::Entry(EntryError::NonPositive(1)))),
        "{err:?}"
    );

    let err = svc
        .post(&sys, EntryKind::Adjustment, "ADJ-4", vec![Line::debit(inv(1), fen(5))], "")
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::Entry(EntryError::TooFewLines))),
        "{err:?}"
    );

    let err = svc.deposit(&sys, inv(1), Money::ZERO, "DEP-0").unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::Entry(EntryError::NonPositive(_)))),
        "{err:?}"
    );
    let err = svc.withdraw(&sys, inv(1), fen(-100), "WD-NEG").unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::Entry(EntryError::NonPositive(_)))),
        "{err:?}"
    );
    let err = svc.freeze(&sys, 1, Money::ZERO, "BID-0").unwrap_err();
    assert!(
        matches!(err, ServiceError::Post(PostError::Entry(EntryError::NonPositive(_)))),
        "{err:?}"
    );

    assert_eq!(footprint(&svc), before);
    assert_eq!(bal(&svc, inv(1)), 10_000);
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

#[test]
fn balanced_general_posting_is_recorded() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    svc.deposit(&sys, inv(1), fen(10_000), "DEP-1").unwrap();
    let posted = svc
        .post(
            &sys,
            EntryKind::Adjustment,
            "ADJ-1",
            vec![
                Line::debit(inv(1), fen(1_000)),
                Line::credit(Account::Suspense, fen(600)),
                Line::credit(Account::FeeIncome, fen(400)),
            ],
            "split",
        )
        .unwrap();
    assert!(matches!(posted, Posted::Recorded(_)));
    assert_eq!(bal(&svc, inv(1)), 9_000);
    assert_eq!(bal(&svc, Account::Suspense), 600);
    assert_eq!(bal(&svc, Account::FeeIncome), 400);
    assert_books_ok(&svc);
}

// ---------------------------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------------------------

fn last_audit(svc: &Service) -> (i64, String, String, i64, String) {
    svc.db()
        .conn()
        .query_row(
            "SELECT seq, outcome, action, actor_id, actor FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
}

#[test]
fn actor_without_levels_is_refused_and_the_attempt_is_audited() {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    svc.deposit(&sys, inv(1), fen(10_000), "DEP-1").unwrap();
    let nobody = staff(&svc, 2, "clerk", &[]);
    let entries = count(&svc, "journal_entries");
    let audits = count(&svc, "audit_log");

    let err = svc.withdraw(&nobody, inv(1), fen(1_000), "WD-1").unwrap_err();
    match &err {
        ServiceError::Forbidden { action, need } => {
            assert_eq!(*action, "ledger.withdraw");
            assert_eq!(need.to_string(), "finance (advanced)");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert!(!err.is_bad_input());
    assert_eq!(count(&svc, "journal_entries"), entries);
    assert_eq!(count(&svc, "audit_log"), audits + 1);
    let (seq, outcome, action, actor_id, actor) = last_audit(&svc);
    assert_eq!(seq, audits + 1);
    assert_eq!(outcome, "refused");
    assert_eq!(action, "ledger.withdraw");
    assert_eq!(actor_id, 2);
    assert_eq!(actor, "clerk");
    assert_eq!(bal(&svc, inv(1)), 10_000);

    // Every movement is closed to him, and each attempt is one refused record.
    assert!(matches!(
        svc.deposit(&nobody, inv(1), fen(1), "DEP-2"),
        Err(ServiceError::Forbidden { action: "ledger.deposit", .. })
    ));
    assert!(matches!(
        svc.freeze(&nobody, 1, fen(1), "BID-1"),
        Err(ServiceError::Forbidden { action: "ledger.freeze", .. })
    ));
    assert!(matches!(
        svc.reverse(&nobody, 1, "REV-1", ""),
        Err(ServiceError::Forbidden { action: "ledger.reverse", .. })
    ));
    assert_eq!(count(&svc, "journal_entries"), entries);
    let refused: i64 = svc
        .db()
        .conn()
        .query_row("SELECT count(*) FROM audit_log WHERE outcome = 'refused'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(refused, 4);
    assert_audit_ok(&svc);
}

#[test]
fn finance_levels_gate_deposits_and_withdrawals() {
    let (_dir, _path, mut svc) = setup();
    let ordinary = staff(&svc, 2, "teller", &[(Module::Finance, Level::Ordinary)]);
    let advanced = staff(&svc, 3, "controller", &[(Module::Finance, Level::Advanced)]);
    // Advanced in another module does not help.
    let other = staff(&svc, 4, "ops-lead", &[(Module::Ops, Level::Advanced)]);

    let Posted::Recorded(dep) = svc.deposit(&ordinary, inv(1), fen(10_000), "DEP-1").unwrap()
    else {
        panic!("not recorded")
    };
    let actor_id: i64 = svc
        .db()
        .conn()
        .query_row("SELECT actor_id FROM journal_entries WHERE id = ?1", [dep], |r| r.get(0))
        .unwrap();
    assert_eq!(actor_id, 2);

    let entries = count(&svc, "journal_entries");
    let err = svc.withdraw(&ordinary, inv(1), fen(1_000), "WD-1").unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden { action: "ledger.withdraw", .. }), "{err:?}");
    let err = svc.withdraw(&other, inv(1), fen(1_000), "WD-1").unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden { action: "ledger.withdraw", .. }), "{err:?}");
    let err = svc
        .post(
            &ordinary,
            EntryKind::Adjustment,
            "ADJ-1",
            vec![Line::debit(inv(1), fen(1)), Line::credit(Account::Suspense, fen(1))],
            "",
        )
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden { action: "ledger.post", .. }), "{err:?}");
    assert_eq!(count(&svc, "journal_entries"), entries);
    assert_eq!(last_audit(&svc).1, "refused");

    // The refused reference was not spent: the controller can use it.
    assert!(matches!(
        svc.withdraw(&advanced, inv(1), fen(1_000), "WD-1").unwrap(),
        Posted::Recorded(_)
    ));
    assert!(matches!(
        svc.deposit(&advanced, inv(1), fen(500), "DEP-2").unwrap(),
        Posted::Recorded(_)
    ));
    assert_eq!(bal(&svc, inv(1)), 9_500);
    let (_, outcome, action, actor_id, _) = last_audit(&svc);
    assert_eq!((outcome.as_str(), action.as_str(), actor_id), ("ok", "ledger.deposit", 3));
    assert_books_ok(&svc);
    assert_audit_ok(&svc);
}

// ---------------------------------------------------------------------------------------------
// Property test: random sequences against a model of the books
// ---------------------------------------------------------------------------------------------

const INVESTORS: [i64; 3] = [1, 2, 3];
const BORROWERS: [i64; 2] = [1, 2];

/// Custody sub-accounts money can be deposited to: three investors, then two borrowers.
fn holder(i: usize) -> Account {
    if i < INVESTORS.len() {
        Account::InvestorCustody(INVESTORS[i])
    } else {
        Account::BorrowerCustody(BORROWERS[i - INVESTORS.len()])
    }
}

fn all_accounts() -> Vec<Account> {
    let mut out = vec![Account::Bank];
    out.extend(INVESTORS.iter().map(|&i| Account::InvestorCustody(i)));
    out.extend(INVESTORS.iter().map(|&i| Account::InvestorFrozen(i)));
    out.extend(BORROWERS.iter().map(|&b| Account::BorrowerCustody(b)));
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Move {
    Deposit,
    Withdraw,
    Freeze,
    Release,
}

/// One movement as the caller issued it.
#[derive(Clone, Debug)]
struct Call {
    what: Move,
    /// Index into `holder` for deposits and withdrawals, into `INVESTORS` otherwise.
    who: usize,
    fen: i64,
    key: String,
}

impl Call {
    fn kind_and_lines(&self) -> (EntryKind, Vec<Line>) {
        let m = fen(self.fen);
        match self.what {
            Move::Deposit => (
                EntryKind::Deposit,
                vec![Line::debit(Account::Bank, m), Line::credit(holder(self.who), m)],
            ),
            Move::Withdraw => (
                EntryKind::Withdrawal,
                vec![Line::debit(holder(self.who), m), Line::credit(Account::Bank, m)],
            ),
            Move::Freeze => (
                EntryKind::BidFreeze,
                vec![
                    Line::debit(inv(INVESTORS[self.who]), m),
                    Line::credit(frozen(INVESTORS[self.who]), m),
                ],
            ),
            Move::Release => (
                EntryKind::BidRelease,
                vec![
                    Line::debit(frozen(INVESTORS[self.who]), m),
                    Line::credit(inv(INVESTORS[self.who]), m),
                ],
            ),
        }
    }

    fn issue(&self, svc: &mut Service, actor: &Actor) -> Result<Posted, ServiceError> {
        let m = fen(self.fen);
        match self.what {
            Move::Deposit => svc.deposit(actor, holder(self.who), m, &self.key),
            Move::Withdraw => svc.withdraw(actor, holder(self.who), m, &self.key),
            Move::Freeze => svc.freeze(actor, INVESTORS[self.who], m, &self.key),
            Move::Release => svc.release(actor, INVESTORS[self.who], m, &self.key),
        }
    }
}

/// Where a reversal's key comes from.
#[derive(Clone, Debug)]
enum KeyChoice {
    Fresh,
    /// Any key issued earlier (movement or reversal).
    Reuse(Index),
    /// The key of an earlier reversal, whatever it reversed.
    ReuseReversal(Index),
}

#[derive(Clone, Debug)]
enum Step {
    Move {
        what: Move,
        who: usize,
        fen: i64,
    },
    /// Reverse an entry recorded earlier (or an unknown one if there is none yet).
    Reverse {
        pick: Index,
        key: KeyChoice,
    },
    /// Issue an earlier movement again under its key, with the same amount or another.
    Replay {
        pick: Index,
        extra_fen: Option<i64>,
    },
    /// Issue an earlier reversal again under its key.
    ReplayReversal {
        pick: Index,
    },
    /// The same movement as an earlier one under a new key (an investor paying in the same
    /// amount twice): identical entries, whose reversals look identical too.
    Twin {
        pick: Index,
    },
}

fn amount() -> impl Strategy<Value = i64> {
    // A few round amounts recur so that identical movements (and identical reversals of
    // different entries) actually happen.
    prop_oneof![
        3 => 1..=1_000_000_i64,
        1 => prop::sample::select(vec![5_000_i64, 250_000]),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let key = prop_oneof![
        2 => Just(KeyChoice::Fresh),
        1 => any::<Index>().prop_map(KeyChoice::Reuse),
        2 => any::<Index>().prop_map(KeyChoice::ReuseReversal),
    ];
    prop_oneof![
        4 => (0..5_usize, amount()).prop_map(|(who, fen)| Step::Move { what: Move::Deposit, who, fen }),
        3 => (0..5_usize, amount()).prop_map(|(who, fen)| Step::Move { what: Move::Withdraw, who, fen }),
        2 => (0..3_usize, amount()).prop_map(|(who, fen)| Step::Move { what: Move::Freeze, who, fen }),
        2 => (0..3_usize, amount()).prop_map(|(who, fen)| Step::Move { what: Move::Release, who, fen }),
        3 => (any::<Index>(), key).prop_map(|(pick, key)| Step::Reverse { pick, key }),
        2 => (any::<Index>(), prop::option::of(1..=1_000_i64))
            .prop_map(|(pick, extra_fen)| Step::Replay { pick, extra_fen }),
        1 => any::<Index>().prop_map(|pick| Step::ReplayReversal { pick }),
        3 => any::<Index>().prop_map(|pick| Step::Twin { pick }),
    ]
}

#[derive(Clone, Debug)]
struct ModelEntry {
    key: String,
    kind: EntryKind,
    lines: Vec<Line>,
    reverses: Option<i64>,
}

/// What the model says a call must come to.
#[derive(Clone, Debug)]
enum Expect {
    Recorded,
    AlreadyRecorded(i64),
    KeyConflict(i64),
    /// Any one of these accounts may be named.
    Insufficient(Vec<Account>),
    AlreadyReversed(i64),
    ReversingReversal,
    NoSuchEntry(i64),
}

/// The books as the test expects them, kept without the database.
#[derive(Default)]
struct Model {
    balances: HashMap<Account, i64>,
    entries: HashMap<i64, ModelEntry>,
    keys: HashMap<String, i64>,
    /// Recorded entries, oldest first.
    recorded: Vec<i64>,
    reversed_by: HashMap<i64, i64>,
    /// Calls that changed nothing but were accepted (replays): each is one audit record too.
    replays: usize,
}

fn signed(line: &Line) -> i64 {
    if line.side == line.account.normal_side() { line.amount.fen() } else { -line.amount.fen() }
}

impl Model {
    fn balance(&self, a: Account) -> i64 {
        self.balances.get(&a).copied().unwrap_or(0)
    }

    fn short_accounts(&self, lines: &[Line]) -> Vec<Account> {
        let mut net: Vec<(Account, i64)> = Vec::new();
        for l in lines {
            match net.iter_mut().find(|(a, _)| *a == l.account) {
                Some((_, v)) => *v += signed(l),
                None => net.push((l.account, signed(l))),
            }
        }
        net.into_iter()
            .filter(|(a, d)| a.non_negative() && self.balance(*a) + d < 0)
            .map(|(a, _)| a)
            .collect()
    }

    fn expect_post(&self, key: &str, kind: EntryKind, lines: &[Line]) -> Expect {
        if let Some(&id) = self.keys.get(key) {
            let e = &self.entries[&id];
            return if e.kind == kind && e.lines == lines {
                Expect::AlreadyRecorded(id)
            } else {
                Expect::KeyConflict(id)
            };
        }
        let short = self.short_accounts(lines);
        if short.is_empty() { Expect::Recorded } else { Expect::Insufficient(short) }
    }

    fn mirror(lines: &[Line]) -> Vec<Line> {
        lines
            .iter()
            .map(|l| Line {
                side: if l.side == Side::Debit { Side::Credit } else { Side::Debit },
                ..*l
            })
            .collect()
    }

    fn expect_reverse(&self, target: i64, key: &str) -> Expect {
        let Some(e) = self.entries.get(&target) else { return Expect::NoSuchEntry(target) };
        if e.reverses.is_some() {
            return Expect::ReversingReversal;
        }
        if let Some(&r) = self.reversed_by.get(&target) {
            return if self.entries[&r].key == key {
                Expect::AlreadyRecorded(r)
            } else {
                Expect::AlreadyReversed(target)
            };
        }
        if let Some(&id) = self.keys.get(key) {
            return Expect::KeyConflict(id);
        }
        let short = self.short_accounts(&Self::mirror(&e.lines));
        if short.is_empty() { Expect::Recorded } else { Expect::Insufficient(short) }
    }

    fn record(&mut self, id: i64, entry: ModelEntry) {
        assert!(!self.entries.contains_key(&id), "entry id {id} handed out twice");
        for l in &entry.lines {
            *self.balances.entry(l.account).or_insert(0) += signed(l);
        }
        if let Some(target) = entry.reverses {
            self.reversed_by.insert(target, id);
        }
        self.keys.insert(entry.key.clone(), id);
        self.entries.insert(id, entry);
        self.recorded.push(id);
    }

    /// Compares the service's answer with the expectation and, if recorded, applies it.
    fn settle(
        &mut self,
        expect: &Expect,
        got: Result<Posted, ServiceError>,
        entry: impl FnOnce() -> ModelEntry,
    ) {
        match (expect, got) {
            (Expect::Recorded, Ok(Posted::Recorded(id))) => self.record(id, entry()),
            (Expect::AlreadyRecorded(want), Ok(Posted::AlreadyRecorded(id))) if *want == id => {
                self.replays += 1;
            }
            (
                Expect::KeyConflict(want),
                Err(ServiceError::Post(PostError::KeyConflict { entry_id, .. })),
            ) if *want == entry_id => {}
            (
                Expect::Insufficient(short),
                Err(ServiceError::Post(PostError::Insufficient { account, balance, .. })),
            ) => {
                let named = short.iter().find(|a| a.code() == account);
                let named = named.unwrap_or_else(|| {
                    panic!("Insufficient named {account}, expected one of {short:?}")
                });
                assert_eq!(balance.fen(), self.balance(*named), "balance quoted for {account}");
            }
            (
                Expect::AlreadyReversed(want),
                Err(ServiceError::Post(PostError::AlreadyReversed(id))),
            ) if *want == id => {}
            (Expect::ReversingReversal, Err(ServiceError::Post(PostError::ReversingReversal))) => {}
            (Expect::NoSuchEntry(want), Err(ServiceError::Post(PostError::NoSuchEntry(id))))
                if *want == id => {}
            (expect, got) => panic!("expected {expect:?}, the service answered {got:?}"),
        }
    }
}

fn run_sequence(steps: &[Step]) {
    let (_dir, _path, mut svc) = setup();
    let sys = Actor::system();
    let mut model = Model::default();
    let mut calls: Vec<Call> = Vec::new();
    let mut reversals: Vec<(i64, String)> = Vec::new();
    let mut keys: Vec<String> = Vec::new();

    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Move { what, who, fen: amount } => {
                let call = Call { what: *what, who: *who, fen: *amount, key: format!("ref-{n}") };
                issue_call(&mut svc, &sys, &mut model, &call);
                keys.push(call.key.clone());
                calls.push(call);
            }
            Step::Replay { pick, extra_fen } => {
                if calls.is_empty() {
                    continue;
                }
                let mut call = calls[pick.index(calls.len())].clone();
                call.fen += extra_fen.unwrap_or(0);
                issue_call(&mut svc, &sys, &mut model, &call);
            }
            Step::Twin { pick } => {
                if calls.is_empty() {
                    continue;
                }
                let mut call = calls[pick.index(calls.len())].clone();
                call.key = format!("ref-{n}");
                issue_call(&mut svc, &sys, &mut model, &call);
                keys.push(call.key.clone());
                calls.push(call);
            }
            Step::Reverse { pick, key } => {
                let target = if model.recorded.is_empty() {
                    9_999
                } else {
                    model.recorded[pick.index(model.recorded.len())]
                };
                let key = match key {
                    KeyChoice::Reuse(i) if !keys.is_empty() => keys[i.index(keys.len())].clone(),
                    KeyChoice::ReuseReversal(i) if !reversals.is_empty() => {
                        reversals[i.index(reversals.len())].1.clone()
                    }
                    _ => format!("rev-{n}"),
                };
                issue_reversal(&mut svc, &sys, &mut model, target, &key);
                keys.push(key.clone());
                reversals.push((target, key));
            }
            Step::ReplayReversal { pick } => {
                if reversals.is_empty() {
                    continue;
                }
                let (target, key) = reversals[pick.index(reversals.len())].clone();
                issue_reversal(&mut svc, &sys, &mut model, target, &key);
            }
        }
    }

    // The books as a whole.
    let check = svc.check_books().unwrap();
    assert!(check.ok(), "books do not check out: {check:?}");
    assert_eq!(check.entries, i64::try_from(model.recorded.len()).unwrap());
    assert_eq!(count(&svc, "journal_entries"), i64::try_from(model.recorded.len()).unwrap());

    // Every balance as the model has it, and the bank equal to what it owes its holders.
    let mut owed = 0;
    for a in all_accounts() {
        let b = bal(&svc, a);
        assert_eq!(b, model.balance(a), "balance of {a}");
        assert!(b >= 0, "{a} is negative");
        if a != Account::Bank {
            owed += b;
        }
    }
    assert_eq!(bal(&svc, Account::Bank), owed, "bank differs from the sum of sub-accounts");

    // One audit record for the platform, one per accepted call; refusals left none.
    let v = svc.verify_audit().unwrap();
    assert!(v.ok(), "audit trail does not verify: {v:?}");
    assert_eq!(v.head, HeadCheck::Matches);
    assert_eq!(v.records, i64::try_from(1 + model.recorded.len() + model.replays).unwrap());
}

fn issue_call(svc: &mut Service, actor: &Actor, model: &mut Model, call: &Call) {
    let (kind, lines) = call.kind_and_lines();
    let expect = model.expect_post(&call.key, kind, &lines);
    let got = call.issue(svc, actor);
    model.settle(&expect, got, || ModelEntry {
        key: call.key.clone(),
        kind,
        lines,
        reverses: None,
    });
}

fn issue_reversal(svc: &mut Service, actor: &Actor, model: &mut Model, target: i64, key: &str) {
    let expect = model.expect_reverse(target, key);
    let got = svc.reverse(actor, target, key, "");
    let lines = model.entries.get(&target).map(|e| Model::mirror(&e.lines)).unwrap_or_default();
    model.settle(&expect, got, || ModelEntry {
        key: key.to_owned(),
        kind: EntryKind::Reversal,
        lines,
        reverses: Some(target),
    });
}

proptest! {
    // Each case creates a database file; failures are reported, not persisted beside the tests.
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_movements_keep_the_books(steps in prop::collection::vec(step(), 1..=40)) {
        run_sequence(&steps);
    }
}
