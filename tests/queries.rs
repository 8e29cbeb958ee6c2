//! The console's read side: lists paged by key return every row exactly once, forward and
//! back, also when rows are added between pages; filters narrow by the index; personal data
//! comes out masked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use p2pdesk::domain::Money;
use p2pdesk::domain::Rate;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::domain::schedule::Method;
use p2pdesk::service::identity::NewAccount;
use p2pdesk::service::lending::{NewBorrower, NewInvestor, ProjectDraft};
use p2pdesk::service::queries::{AuditFilter, Page, Seek};
use p2pdesk::service::{Actor, Service, ServiceError};
use secrecy::SecretString;

struct World {
    svc: Service,
    _dir: tempfile::TempDir,
    clerk: Actor,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let mut svc = Service::init(&dir.path().join("q.db"), start, "Asia/Shanghai").unwrap();
    let root_id = svc
        .bootstrap_admin("root", "Root", &SecretString::from("Harbour-lamp-47".to_owned()))
        .unwrap();
    let root = svc.actor(root_id).unwrap();
    let levels = [(Module::Business, Level::Ordinary), (Module::Audit, Level::Ordinary)];
    let created = svc
        .create_account_bootstrap(
            &root,
            &NewAccount {
                username: "clerk".into(),
                display_name: "Clerk".into(),
                department: "business".into(),
                duties: "lending".into(),
                levels: levels.into_iter().collect::<BTreeMap<_, _>>(),
                is_head: false,
            },
        )
        .unwrap();
    let clerk = svc.actor(created.staff_id).unwrap();
    World { svc, _dir: dir, clerk }
}

fn borrower(svc: &mut Service, actor: &Actor, i: usize) -> i64 {
    let b = NewBorrower {
        kind: "person".into(),
        name: format!("借款人{i}"),
        id_number: format!("1101051990010{i:05}"),
        phone: format!("138{i:08}"),
    };
    svc.create_borrower(actor, &b).unwrap()
}

/// Walks a list from `start` in steps of `n` by the given direction; returns the keys seen
/// in list order.
fn walk<T>(
    mut read: impl FnMut(Seek) -> Page<T>,
    key: impl Fn(&T) -> i64,
    forward: bool,
) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut page = read(if forward { Seek::First } else { Seek::Last });
    loop {
        let keys: Vec<i64> = page.rows.iter().map(&key).collect();
        let more = if forward { page.more_after } else { page.more_before };
        if forward {
            seen.extend(keys.iter().copied());
        } else {
            seen.splice(0..0, keys.iter().copied());
        }
        if !more {
            return seen;
        }
        let next = if forward { Seek::After(*keys.last().unwrap()) } else { Seek::Before(keys[0]) };
        page = read(next);
    }
}

#[test]
fn every_borrower_is_read_exactly_once_forward_and_back() {
    let mut w = world();
    let clerk = w.clerk.clone();
    let ids: Vec<i64> = (1..=53).map(|i| borrower(&mut w.svc, &clerk, i)).collect();
    for n in [1, 7, 53, 60] {
        let fwd = walk(|s| w.svc.borrowers(&clerk, s, n).unwrap(), |r| r.id, true);
        assert_eq!(fwd, ids, "forward by {n}");
        let back = walk(|s| w.svc.borrowers(&clerk, s, n).unwrap(), |r| r.id, false);
        assert_eq!(back, ids, "back by {n}");
    }
    let first = w.svc.borrowers(&clerk, Seek::First, 7).unwrap();
    assert_eq!(first.rows[0].id_number, "110105********0001", "masked in lists");
    assert_eq!(first.rows[0].phone, "138****0001");
    assert!(!first.more_before && first.more_after);
}

#[test]
fn a_row_added_between_pages_shows_once() {
    let mut w = world();
    let clerk = w.clerk.clone();
    for i in 1..=10 {
        borrower(&mut w.svc, &clerk, i);
    }
    let p1 = w.svc.borrowers(&clerk, Seek::First, 4).unwrap();
    let extra = borrower(&mut w.svc, &clerk, 11);
    let p2 = w.svc.borrowers(&clerk, Seek::After(p1.rows[3].id), 4).unwrap();
    let p3 = w.svc.borrowers(&clerk, Seek::After(p2.rows[3].id), 4).unwrap();
    let all: Vec<i64> = [p1, p2, p3].iter().flat_map(|p| p.rows.iter().map(|r| r.id)).collect();
    assert_eq!(all, (1..=11).collect::<Vec<i64>>());
    assert_eq!(*all.last().unwrap(), extra);
}

#[test]
fn investors_carry_their_balances_and_projects_filter_by_status() {
    let mut w = world();
    let clerk = w.clerk.clone();
    let inv = w
        .svc
        .create_investor(
            &clerk,
            &NewInvestor {
                name: "李四".into(),
                id_number: "110105198001010011".into(),
                phone: String::new(),
                risk_tolerance: "C".into(),
            },
        )
        .unwrap();
    w.svc.investor_deposit(&clerk, inv, Money::parse("80000").unwrap(), "CUST-1").unwrap();
    let row = w.svc.investor_row(&clerk, inv).unwrap().unwrap();
    assert_eq!((row.available, row.frozen), (Money::parse("80000").unwrap(), Money::ZERO));
    assert_eq!(row.phone, "");

    let mut submitted = Vec::new();
    for i in 1..=9 {
        let b = borrower(&mut w.svc, &clerk, i);
        let d = ProjectDraft {
            borrower_id: b,
            title: format!("项目{i}"),
            purpose: "working capital".into(),
            amount: Money::parse("10000").unwrap(),
            rate: Rate::parse("8").unwrap(),
            term_months: 6,
            method: Method::EqualPrincipal,
            min_bid: Money::parse("100").unwrap(),
            bid_step: Money::parse("100").unwrap(),
            raise_days: 5,
            fee_rate: Rate::parse("1").unwrap(),
        };
        let p = w.svc.create_project(&clerk, &d).unwrap();
        if i % 2 == 0 {
            w.svc.submit_project(&clerk, p).unwrap();
            submitted.push(p);
        }
    }
    let seen = walk(|s| w.svc.projects(&clerk, Some("submitted"), s, 3).unwrap(), |r| r.id, true);
    assert_eq!(seen, submitted);
    let all = walk(|s| w.svc.projects(&clerk, None, s, 4).unwrap(), |r| r.id, true);
    assert_eq!(all.len(), 9);
    let row = w.svc.project_row(&clerk, submitted[0]).unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.submitter.as_deref()), ("submitted", Some("clerk")));
}

#[test]
fn the_audit_trail_pages_newest_first_and_filters() {
    let mut w = world();
    let clerk = w.clerk.clone();
    for i in 1..=12 {
        borrower(&mut w.svc, &clerk, i);
    }
    let total: i64 =
        w.svc.db().conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    let all = AuditFilter::default();
    let seqs = walk(|s| w.svc.audit_log(&clerk, &all, s, 5).unwrap(), |r| r.seq, true);
    assert_eq!(seqs.len(), usize::try_from(total).unwrap(), "each record once");
    assert!(seqs.windows(2).all(|p| p[0] > p[1]), "newest first: {seqs:?}");
    let back = walk(|s| w.svc.audit_log(&clerk, &all, s, 5).unwrap(), |r| r.seq, false);
    assert_eq!(back, seqs);

    let mine = AuditFilter { actor: Some("clerk".into()), action: Some("borrower.".into()) };
    let rows = w.svc.audit_log(&clerk, &mine, Seek::First, 100).unwrap().rows;
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().all(|r| r.actor == "clerk" && r.action == "borrower.create"));
    let nobody = AuditFilter { actor: Some("nobody".into()), action: None };
    assert!(w.svc.audit_log(&clerk, &nobody, Seek::First, 100).unwrap().rows.is_empty());
}

#[test]
fn reads_need_a_level_that_works_with_the_data() {
    let w = world();
    let outsider = Actor { levels: BTreeMap::new(), ..w.clerk.clone() };
    assert!(matches!(
        w.svc.borrowers(&outsider, Seek::First, 5),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(matches!(
        w.svc.audit_log(&outsider, &AuditFilter::default(), Seek::First, 5),
        Err(ServiceError::Forbidden { .. })
    ));
}
