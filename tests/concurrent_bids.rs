//! Two processes bid on one project at once, for more than remains: the project fills exactly
//! and is never oversubscribed. The child processes are this test binary run again on the
//! ignored `bidder` test, with the database and the investor in the environment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::BTreeMap;
use std::process::Command;

use chrono::NaiveDate;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::domain::ledger::Account;
use p2pdesk::domain::schedule::Method;
use p2pdesk::domain::{Money, Rate};
use p2pdesk::service::identity::NewAccount;
use p2pdesk::service::lending::{NewBorrower, NewInvestor, ProjectDraft};
use p2pdesk::service::{Service, ServiceError};
use p2pdesk::store::Db;
use secrecy::SecretString;

const BIDS_PER_CHILD: usize = 60;

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

#[test]
fn two_processes_never_oversubscribe() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let date = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let mut svc = Service::init(&path, date, "Asia/Shanghai").unwrap();
    let root_id = svc
        .bootstrap_admin("root", "Root", &SecretString::from("Harbour-lamp-47".to_owned()))
        .unwrap();
    let root = svc.actor(root_id).unwrap();
    let mk = |svc: &mut Service, name: &str, levels: &[(Module, Level)]| {
        let a = NewAccount {
            username: name.into(),
            display_name: name.into(),
            department: "business".into(),
            duties: "counter".into(),
            levels: levels.iter().copied().collect::<BTreeMap<_, _>>(),
            is_head: false,
        };
        let id = svc.create_account_bootstrap(&root, &a).unwrap().staff_id;
        svc.actor(id).unwrap()
    };
    let biz = mk(&mut svc, "biz1", &[(Module::Business, Level::Ordinary)]);
    let risk = mk(&mut svc, "risk1", &[(Module::Risk, Level::Advanced)]);
    let borrower = svc
        .create_borrower(
            &biz,
            &NewBorrower {
                kind: "person".into(),
                name: "周九".into(),
                id_number: "B1".into(),
                phone: String::new(),
            },
        )
        .unwrap();
    let p = svc
        .create_project(
            &biz,
            &ProjectDraft {
                borrower_id: borrower,
                title: "t".into(),
                purpose: "p".into(),
                amount: m("10000"),
                rate: Rate::parse("8").unwrap(),
                term_months: 6,
                method: Method::EqualPrincipal,
                min_bid: m("100"),
                bid_step: m("100"),
                raise_days: 5,
                fee_rate: Rate::ZERO,
            },
        )
        .unwrap();
    svc.submit_project(&biz, p).unwrap();
    svc.review_project(&risk, p, true, Some("A"), "").unwrap();
    svc.publish_project(&biz, p).unwrap();
    let mut investors = Vec::new();
    for (i, name) in ["吴一", "郑二"].iter().enumerate() {
        let inv = svc
            .create_investor(
                &biz,
                &NewInvestor {
                    name: (*name).into(),
                    id_number: format!("I{i}"),
                    phone: String::new(),
                    risk_tolerance: "G".into(),
                },
            )
            .unwrap();
        svc.investor_deposit(&biz, inv, m("100000"), &format!("DEP-{i}")).unwrap();
        investors.push(inv);
    }
    drop(svc);

    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = investors
        .iter()
        .map(|inv| {
            Command::new(&exe)
                .args(["--exact", "bidder", "--ignored", "--nocapture", "--test-threads=1"])
                .env("BIDDER_DB", &path)
                .env("BIDDER_INVESTOR", inv.to_string())
                .env("BIDDER_PROJECT", p.to_string())
                .env("BIDDER_STAFF", biz.id.to_string())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "a bidder process failed");
    }

    let svc = Service::new(Db::open(&path).unwrap());
    let (status, raised, bids): (String, i64, i64) = svc
        .db()
        .conn()
        .query_row(
            "SELECT status, raised_fen, (SELECT count(*) FROM bids WHERE project_id = ?1) FROM projects WHERE id = ?1",
            [p],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(status, "full");
    assert_eq!(raised, 1_000_000, "exactly 10,000.00 raised");
    assert_eq!(bids, 100, "one hundred bids of 100.00");
    let frozen: i64 =
        investors.iter().map(|i| svc.balance(Account::InvestorFrozen(*i)).unwrap().fen()).sum();
    assert_eq!(frozen, 1_000_000);
    assert!(svc.check_books().unwrap().ok());
    assert!(svc.verify_audit().unwrap().ok());
}

/// Run only as a child of the test above.
#[test]
#[ignore = "child process of two_processes_never_oversubscribe"]
fn bidder() {
    let Ok(db) = std::env::var("BIDDER_DB") else { return };
    let var = |k: &str| std::env::var(k).unwrap().parse::<i64>().unwrap();
    let (investor, project, staff) =
        (var("BIDDER_INVESTOR"), var("BIDDER_PROJECT"), var("BIDDER_STAFF"));
    let mut svc = Service::new(Db::open(std::path::Path::new(&db)).unwrap());
    let actor = svc.actor(staff).unwrap();
    for n in 0..BIDS_PER_CHILD {
        match svc.place_bid(&actor, project, investor, m("100"), &format!("{investor}-{n}")) {
            Ok(_) | Err(ServiceError::Refused(_) | ServiceError::Invalid { .. }) => {}
            Err(e) => panic!("unexpected: {e}"),
        }
    }
}
