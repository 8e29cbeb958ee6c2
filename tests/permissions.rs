#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Who may do what, as a table: every identity, settings and ledger operation run as each
//! profile of staff (no levels, each module at the ordinary level, HR and finance advanced, a
//! department head, the three administrators). An allowed call succeeds and leaves its audit
//! record; a refused one names the missing permission, changes nothing and leaves exactly one
//! audit record with outcome 'refused'.
//!
//! The accounts are hashed once, in a template database; each case runs on a copy of it, so
//! that cases cannot affect one another.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{AuditRow, Env, Staff, account, audit_after, audit_tip, count, open};
use p2pdesk::domain::Money;
use p2pdesk::domain::access::Role;
use p2pdesk::domain::ledger::{Account, EntryKind, Line};
use p2pdesk::service::identity::StepUp;
use p2pdesk::service::{Actor, Level, ManualClock, Module, Service, ServiceError};
use rusqlite::types::Value;
use secrecy::ExposeSecret;
use tempfile::TempDir;

/// One profile of staff, with a fresh step-up proof (the clock never moves in this test).
struct Profile {
    name: String,
    actor: Actor,
    proof: StepUp,
}

/// The template database and the ids the operations act on.
struct Fixture {
    _dir: TempDir,
    template: PathBuf,
    clock: Arc<ManualClock>,
    profiles: Vec<Profile>,
    /// A plain account (business, ordinary): locked, with one open session.
    t_plain: i64,
    /// An audit administrator, locked.
    t_admin: i64,
    /// HR (ordinary), who filed the two open requests.
    filer: i64,
    /// HR (advanced), to whom the filer's requests can be handed.
    hr_adv: i64,
    req_pending: i64,
    req_approved: i64,
    session: i64,
    entry: i64,
}

/// A profile: user name, department, levels, head of department.
type ProfileDef = (&'static str, &'static str, &'static [(Module, Level)], bool);

const PROFILES: &[ProfileDef] = &[
    ("p.none", "business", &[], false),
    ("p.business", "business", &[(Module::Business, Level::Ordinary)], false),
    ("p.risk", "risk", &[(Module::Risk, Level::Ordinary)], false),
    ("p.finance", "finance", &[(Module::Finance, Level::Ordinary)], false),
    ("p.hr", "hr", &[(Module::Hr, Level::Ordinary)], false),
    ("p.audit", "audit", &[(Module::Audit, Level::Ordinary)], false),
    ("p.ops", "ops", &[(Module::Ops, Level::Ordinary)], false),
    ("p.admin", "ops", &[(Module::Admin, Level::Ordinary)], false),
    ("p.hradv", "hr", &[(Module::Hr, Level::Advanced)], false),
    ("p.finadv", "finance", &[(Module::Finance, Level::Advanced)], false),
    ("p.bizhead", "business", &[], true),
    ("p.sec", "ops", &[], false),
    ("p.aud", "audit", &[], false),
];

fn lock_out(env: &mut Env, who: &Staff) {
    for _ in 0..5 {
        let r = env.svc.login(who.name(), &common::secret("Wrong-guess-000#"), None);
        assert!(r.is_err());
    }
    assert!(env.login(who).is_err(), "{} is locked", who.name());
}

fn build() -> Fixture {
    let mut env = Env::new();
    let root = env.root.clone();
    let mut staff: Vec<Staff> = PROFILES
        .iter()
        .map(|(name, dept, levels, head)| env.create(&account(name, dept, levels, *head)))
        .collect();
    let by = |staff: &[Staff], name: &str| staff.iter().find(|s| s.name() == name).unwrap().clone();
    let sec = env.grant(&root, &by(&staff, "p.sec"), Role::SecurityAdmin);
    let aud = env.grant(&sec, &by(&staff, "p.aud"), Role::AuditAdmin);
    for s in &mut staff {
        *s = env.reload(s);
    }
    staff.push(root);

    let t_plain =
        env.create(&account("t.plain", "business", &[(Module::Business, Level::Ordinary)], false));
    let t_admin = env.create(&account("t.admin", "audit", &[], false));
    let t_admin = env.grant(&sec, &t_admin, Role::AuditAdmin);
    assert_eq!(aud.actor.role, Some(Role::AuditAdmin));
    let session = env.login(&t_plain).unwrap().session_id;
    lock_out(&mut env, &t_plain);
    lock_out(&mut env, &t_admin);

    let filer = by(&staff, "p.hr");
    let head = by(&staff, "p.bizhead");
    let req_pending = env
        .svc
        .file_account_request(&filer.actor, &account("n.pending", "business", &[], false))
        .unwrap();
    let req_approved = env
        .svc
        .file_account_request(&filer.actor, &account("n.approved", "business", &[], false))
        .unwrap();
    env.svc.decide_account_request(&head.actor, req_approved, true, "").unwrap();

    let sys = Actor::system();
    let inv = Account::InvestorCustody(1);
    env.svc.deposit(&sys, inv, Money::from_fen(10_000), "BANK-F1").unwrap();
    env.svc.freeze(&sys, 1, Money::from_fen(2_000), "BID-F1").unwrap();
    let entry = env
        .svc
        .post(&sys, EntryKind::Adjustment, "ADJ-F1", adjustment(500), "opening difference")
        .unwrap()
        .entry_id();

    let profiles = staff
        .iter()
        .map(|s| Profile {
            name: s.name().to_owned(),
            actor: s.actor.clone(),
            proof: env.step_up(s),
        })
        .collect();
    let hr_adv = by(&staff, "p.hradv").id();
    env.finish();

    let Env { dir, path, clock, svc, .. } = env;
    drop(svc);
    Fixture {
        _dir: dir,
        template: path,
        clock,
        profiles,
        t_plain: t_plain.id(),
        t_admin: t_admin.id(),
        filer: filer.id(),
        hr_adv,
        req_pending,
        req_approved,
        session,
        entry,
    }
}

fn adjustment(fen: i64) -> Vec<Line> {
    vec![
        Line::debit(Account::Clearing, Money::from_fen(fen)),
        Line::credit(Account::OpeningBalance, Money::from_fen(fen)),
    ]
}

/// Copies the template (database, write-ahead log, audit head) into a new directory.
fn copy_of(template: &Path) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = template.parent().unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "book.db" || name == "book.db-wal" || name == "book.db.audit-head" {
            std::fs::copy(entry.path(), dir.path().join(&name)).unwrap();
        }
    }
    let path = dir.path().join("book.db");
    (dir, path)
}

/// The tables whose row counts a refusal must leave alone.
const COUNTED: [&str; 7] = [
    "staff",
    "staff_levels",
    "staff_roles",
    "account_requests",
    "sessions",
    "settings",
    "journal_entries",
];

fn dump(svc: &Service) -> Vec<(String, Vec<String>)> {
    let conn = svc.db().conn();
    // Every table but the audit trail, whole.
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit_log' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let cells: Vec<Value> = (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                    Ok(format!("{cells:?}"))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            rows.sort();
            (t.clone(), rows)
        })
        .collect()
}

fn counts(svc: &Service) -> Vec<i64> {
    COUNTED.iter().map(|t| count(svc, t)).collect()
}

/// What an operation run as a profile must do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allowed,
    /// Refused for want of a permission, named in the error.
    Forbidden(&'static str),
    /// Refused by a rule that is not a permission (nothing to hand over, ...): no record.
    Refused,
}

type Run = fn(&mut Service, &Profile, &Fixture) -> Result<Vec<String>, ServiceError>;

/// One row of the table.
struct Case {
    name: &'static str,
    action: &'static str,
    /// Profiles allowed.
    allowed: &'static [&'static str],
    /// Profiles refused by a rule other than a permission.
    refused: &'static [&'static str],
    /// What the others miss.
    need: &'static str,
    run: Run,
}

impl Case {
    fn expect(&self, profile: &str) -> Expect {
        if self.allowed.contains(&profile) {
            Expect::Allowed
        } else if self.refused.contains(&profile) {
            Expect::Refused
        } else {
            Expect::Forbidden(self.need)
        }
    }
}

fn none() -> Vec<String> {
    Vec::new()
}

#[allow(clippy::too_many_lines)] // one row per operation
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "file_account_request",
            action: "account.request",
            allowed: &["p.hr", "p.hradv", "p.bizhead"],
            refused: &[],
            need: "hr (ordinary)",
            run: |svc, p, _| {
                let a =
                    account("n.filed", "business", &[(Module::Business, Level::Ordinary)], false);
                svc.file_account_request(&p.actor, &a).map(|_| none())
            },
        },
        Case {
            name: "decide_account_request",
            action: "account.decide",
            allowed: &["p.bizhead"],
            refused: &[],
            need: "business (advanced)",
            run: |svc, p, f| {
                svc.decide_account_request(&p.actor, f.req_pending, true, "fine").map(|()| none())
            },
        },
        Case {
            name: "create_account",
            action: "account.create",
            allowed: &["p.hradv"],
            refused: &[],
            need: "hr (advanced)",
            run: |svc, p, f| {
                let c = svc.create_account(&p.actor, f.req_approved)?;
                Ok(vec![c.initial_password.expose_secret().to_owned()])
            },
        },
        Case {
            name: "create_account_bootstrap",
            action: "account.create_bootstrap",
            allowed: &["root"],
            refused: &[],
            need: "system_admin",
            run: |svc, p, _| {
                let c =
                    svc.create_account_bootstrap(&p.actor, &account("n.boot", "ops", &[], false))?;
                Ok(vec![c.initial_password.expose_secret().to_owned()])
            },
        },
        Case {
            name: "set_levels",
            action: "account.set_levels",
            allowed: &["p.hradv"],
            refused: &[],
            need: "hr (advanced)",
            run: |svc, p, f| {
                let levels = BTreeMap::from([(Module::Risk, Level::Ordinary)]);
                svc.set_levels(&p.actor, &p.proof, f.t_plain, "risk", &levels).map(|()| none())
            },
        },
        Case {
            name: "reset_password (plain account)",
            action: "account.reset_password",
            allowed: &["p.hradv"],
            refused: &[],
            need: "hr (advanced)",
            run: |svc, p, f| {
                let pw = svc.reset_password(&p.actor, &p.proof, f.t_plain)?;
                Ok(vec![pw.expose_secret().to_owned()])
            },
        },
        Case {
            name: "reset_password (administrator)",
            action: "account.reset_password",
            allowed: &["p.sec"],
            refused: &[],
            need: "security_admin",
            run: |svc, p, f| {
                let pw = svc.reset_password(&p.actor, &p.proof, f.t_admin)?;
                Ok(vec![pw.expose_secret().to_owned()])
            },
        },
        Case {
            name: "unlock_account (plain account)",
            action: "account.unlock",
            allowed: &["p.hradv"],
            refused: &[],
            need: "hr (advanced)",
            run: |svc, p, f| svc.unlock_account(&p.actor, f.t_plain).map(|()| none()),
        },
        Case {
            name: "unlock_account (administrator)",
            action: "account.unlock",
            allowed: &["p.sec"],
            refused: &[],
            need: "security_admin",
            run: |svc, p, f| svc.unlock_account(&p.actor, f.t_admin).map(|()| none()),
        },
        Case {
            name: "grant_role system_admin",
            action: "role.grant",
            allowed: &["p.sec"],
            refused: &[],
            need: "security_admin",
            run: |svc, p, f| {
                svc.grant_role(&p.actor, &p.proof, f.t_plain, Role::SystemAdmin).map(|()| none())
            },
        },
        Case {
            name: "grant_role security_admin",
            action: "role.grant",
            allowed: &["root"],
            refused: &[],
            need: "system_admin",
            run: |svc, p, f| {
                svc.grant_role(&p.actor, &p.proof, f.t_plain, Role::SecurityAdmin).map(|()| none())
            },
        },
        Case {
            name: "grant_role audit_admin",
            action: "role.grant",
            allowed: &["p.sec"],
            refused: &[],
            need: "security_admin",
            run: |svc, p, f| {
                svc.grant_role(&p.actor, &p.proof, f.t_plain, Role::AuditAdmin).map(|()| none())
            },
        },
        Case {
            name: "revoke_role audit_admin",
            action: "role.revoke",
            allowed: &["p.sec"],
            refused: &[],
            need: "security_admin",
            run: |svc, p, f| svc.revoke_role(&p.actor, &p.proof, f.t_admin).map(|()| none()),
        },
        Case {
            name: "reassign_items",
            action: "account.reassign",
            allowed: &["p.hradv"],
            refused: &[],
            need: "hr (advanced)",
            run: |svc, p, f| svc.reassign_items(&p.actor, f.filer, f.hr_adv).map(|_| none()),
        },
        Case {
            name: "disable_account (plain account)",
            action: "account.disable",
            allowed: &["p.hradv"],
            refused: &[],
            need: "hr (advanced)",
            run: |svc, p, f| svc.disable_account(&p.actor, f.t_plain, "left").map(|()| none()),
        },
        Case {
            name: "disable_account (administrator)",
            action: "account.disable",
            allowed: &["p.sec"],
            refused: &[],
            need: "security_admin",
            run: |svc, p, f| svc.disable_account(&p.actor, f.t_admin, "left").map(|()| none()),
        },
        Case {
            name: "disable_account (with open items)",
            action: "account.disable",
            allowed: &[],
            refused: &["p.hradv"],
            need: "hr (advanced)",
            run: |svc, p, f| svc.disable_account(&p.actor, f.filer, "left").map(|()| none()),
        },
        Case {
            name: "disable_dormant",
            action: "account.disable_dormant",
            allowed: &[],
            refused: &[],
            need: "the system actor",
            run: |svc, p, _| {
                let date = common::business_date() + chrono::Duration::days(365);
                svc.disable_dormant(&p.actor, date).map(|_| none())
            },
        },
        Case {
            name: "end_session",
            action: "session.end",
            allowed: &["root"],
            refused: &[],
            need: "system_admin",
            run: |svc, p, f| svc.end_session(&p.actor, f.session).map(|()| none()),
        },
        Case {
            name: "set_setting security.lockout_threshold",
            action: "settings.set",
            allowed: &["p.sec"],
            refused: &[],
            need: "security_admin",
            run: |svc, p, _| {
                svc.set_setting(&p.actor, "security.lockout_threshold", "6").map(|()| none())
            },
        },
        Case {
            name: "set_setting accounts.dormant_days",
            action: "settings.set",
            allowed: &["root"],
            refused: &[],
            need: "admin (advanced)",
            run: |svc, p, _| {
                svc.set_setting(&p.actor, "accounts.dormant_days", "120").map(|()| none())
            },
        },
        Case {
            name: "deposit",
            action: "ledger.deposit",
            allowed: &["p.finance", "p.finadv"],
            refused: &[],
            need: "finance (ordinary)",
            run: |svc, p, _| {
                let inv = Account::InvestorCustody(1);
                svc.deposit(&p.actor, inv, Money::from_fen(100), "BANK-C").map(|_| none())
            },
        },
        Case {
            name: "withdraw",
            action: "ledger.withdraw",
            allowed: &["p.finadv"],
            refused: &[],
            need: "finance (advanced)",
            run: |svc, p, _| {
                let inv = Account::InvestorCustody(1);
                svc.withdraw(&p.actor, inv, Money::from_fen(100), "WD-C").map(|_| none())
            },
        },
        Case {
            name: "freeze",
            action: "ledger.freeze",
            allowed: &["p.business"],
            refused: &[],
            need: "business (ordinary)",
            run: |svc, p, _| svc.freeze(&p.actor, 1, Money::from_fen(100), "BID-C").map(|_| none()),
        },
        Case {
            name: "release",
            action: "ledger.release",
            allowed: &["p.business"],
            refused: &[],
            need: "business (ordinary)",
            run: |svc, p, _| {
                svc.release(&p.actor, 1, Money::from_fen(100), "REL-C").map(|_| none())
            },
        },
        Case {
            name: "post",
            action: "ledger.post",
            allowed: &["p.finadv"],
            refused: &[],
            need: "finance (advanced)",
            run: |svc, p, _| {
                svc.post(&p.actor, EntryKind::Adjustment, "ADJ-C", adjustment(100), "")
                    .map(|_| none())
            },
        },
        Case {
            name: "reverse",
            action: "ledger.reverse",
            allowed: &[],
            refused: &[],
            need: "the system actor",
            run: |svc, p, f| svc.reverse(&p.actor, f.entry, "REV-C", "mistake").map(|_| none()),
        },
        Case {
            name: "request_reversal",
            action: "reversal.request",
            allowed: &["p.finance", "p.finadv"],
            refused: &[],
            need: "finance (ordinary)",
            run: |svc, p, f| {
                svc.request_reversal(&p.actor, f.entry, "REV-R", "wrong holder").map(|_| none())
            },
        },
    ]
}

/// Runs one case as one profile on a fresh copy; returns what went wrong.
fn check(f: &Fixture, case: &Case, p: &Profile) -> Vec<String> {
    let (_dir, path) = copy_of(&f.template);
    let mut svc = open(&path, &f.clock);
    let mut problems = Vec::new();
    let mut fail = |what: String| problems.push(format!("{} as {}: {what}", case.name, p.name));
    let before_counts = counts(&svc);
    let before = dump(&svc);
    let tip = audit_tip(&svc);
    let result = (case.run)(&mut svc, p, f);
    let new: Vec<AuditRow> = audit_after(&svc, tip);
    let expect = case.expect(&p.name);
    match (expect, result) {
        (Expect::Allowed, Ok(secrets)) => {
            let done = new
                .iter()
                .any(|r| r.action == case.action && r.outcome == "ok" && r.actor == p.name);
            if !done {
                fail(format!("no audit record of the change: {new:?}"));
            }
            if new.iter().any(|r| r.outcome != "ok") {
                fail(format!("unexpected audit records: {new:?}"));
            }
            if dump(&svc) == before {
                fail("allowed, but nothing changed".into());
            }
            for s in &secrets {
                if new.iter().any(|r| r.detail.contains(s.as_str())) {
                    fail("a password is in the audit trail".into());
                }
            }
        }
        (Expect::Forbidden(need), Err(e @ ServiceError::Forbidden { .. })) => {
            let message = format!("permission missing: {} needs {need}", case.action);
            if e.to_string() != message {
                fail(format!("error \"{e}\", expected \"{message}\""));
            }
            if counts(&svc) != before_counts || dump(&svc) != before {
                fail("a refusal changed the data".into());
            }
            let ok = new.len() == 1
                && new[0].outcome == "refused"
                && new[0].action == case.action
                && new[0].actor == p.name
                && new[0].detail.contains(need);
            if !ok {
                fail(format!("expected one 'refused' audit record, found {new:?}"));
            }
        }
        (Expect::Refused, Err(ServiceError::Refused(_))) => {
            if dump(&svc) != before || !new.is_empty() {
                fail(format!("a refusal changed something: {new:?}"));
            }
        }
        (expect, Ok(_)) => fail(format!("expected {expect:?}, the call succeeded")),
        (expect, Err(e)) => fail(format!("expected {expect:?}, got {e:?}")),
    }
    match svc.verify_audit() {
        Ok(v) if v.ok() => {}
        other => fail(format!("audit chain: {other:?}")),
    }
    problems
}

#[test]
fn every_operation_checks_the_permission_of_every_profile() {
    let f = build();
    assert_eq!(f.profiles.len(), PROFILES.len() + 1);
    let mut problems = Vec::new();
    let mut allowed = 0;
    let mut runs = 0;
    for case in cases() {
        for name in case.allowed.iter().chain(case.refused) {
            assert!(f.profiles.iter().any(|p| p.name == *name), "{}: no profile {name}", case.name);
        }
        for p in &f.profiles {
            if case.expect(&p.name) == Expect::Allowed {
                allowed += 1;
            }
            runs += 1;
            problems.extend(check(&f, &case, p));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {runs} runs went wrong:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(allowed, 29);
}
