//! One loan through every department, headless: borrower, investors, project, review,
//! publication, bids, disbursement, repayments, overdue penalty, early settlement. Every figure
//! asserted is worked out by hand in the comments (level payment checked with Python's
//! `decimal`: 100,000 at 8 % over 12 months pays 8,698.84).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::many_single_char_names
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use p2pdesk::domain::Money;
use p2pdesk::domain::Rate;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::domain::ledger::Account;
use p2pdesk::domain::schedule::Method;
use p2pdesk::service::identity::NewAccount;
use p2pdesk::service::lending::{NewBorrower, NewInvestor, ProjectDraft};
use p2pdesk::service::{Actor, ManualClock, Service, ServiceError};
use p2pdesk::store::Db;
use secrecy::SecretString;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

struct World {
    svc: Service,
    _dir: tempfile::TempDir,
    root: Actor,
}

impl World {
    fn new(start: NaiveDate) -> World {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        drop(Service::init(&path, start, "Asia/Shanghai").unwrap());
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 15, 2, 0, 0).unwrap()));
        let mut svc = Service::with_clock(Db::open(&path).unwrap(), clock);
        let id = svc
            .bootstrap_admin("root", "Root", &SecretString::from("Harbour-lamp-47".to_owned()))
            .unwrap();
        let root = svc.actor(id).unwrap();
        World { svc, _dir: dir, root }
    }

    fn staff(&mut self, name: &str, department: &str, levels: &[(Module, Level)]) -> Actor {
        let a = NewAccount {
            username: name.into(),
            display_name: name.into(),
            department: department.into(),
            duties: "lending".into(),
            levels: levels.iter().copied().collect::<BTreeMap<_, _>>(),
            is_head: false,
        };
        let created = self.svc.create_account_bootstrap(&self.root.clone(), &a).unwrap();
        self.svc.actor(created.staff_id).unwrap()
    }
}

fn draft(borrower: i64, amount: &str, rate: &str) -> ProjectDraft {
    ProjectDraft {
        borrower_id: borrower,
        title: "经营周转".into(),
        purpose: "working capital".into(),
        amount: m(amount),
        rate: Rate::parse(rate).unwrap(),
        term_months: 12,
        method: Method::EqualInstallment,
        min_bid: m("1000"),
        bid_step: m("100"),
        raise_days: 10,
        fee_rate: Rate::parse("2%").unwrap(),
    }
}

#[test]
fn a_loan_from_draft_to_settled() {
    let mut w = World::new(d(2026, 1, 15));
    let biz = w.staff("biz1", "business", &[(Module::Business, Level::Ordinary)]);
    let biz2 = w.staff("biz2", "business", &[(Module::Business, Level::Ordinary)]);
    let risk = w.staff("risk1", "risk", &[(Module::Risk, Level::Advanced)]);
    let fin = w.staff("fin1", "finance", &[(Module::Finance, Level::Advanced)]);
    let svc = &mut w.svc;

    let borrower = svc
        .create_borrower(
            &biz,
            &NewBorrower {
                kind: "person".into(),
                name: "张三".into(),
                id_number: "110105199001010020".into(),
                phone: "13800000000".into(),
            },
        )
        .unwrap();
    let a = svc
        .create_investor(
            &biz,
            &NewInvestor {
                name: "李四".into(),
                id_number: "110105198001010011".into(),
                phone: String::new(),
                risk_tolerance: "C".into(),
            },
        )
        .unwrap();
    let b = svc
        .create_investor(
            &biz,
            &NewInvestor {
                name: "王五".into(),
                id_number: "110105198502020022".into(),
                phone: String::new(),
                risk_tolerance: "B".into(),
            },
        )
        .unwrap();
    svc.investor_deposit(&biz, a, m("80000"), "CUST-A-1").unwrap();
    svc.investor_deposit(&biz, b, m("50000"), "CUST-B-1").unwrap();
    // The custodian's notice posted twice records once.
    svc.investor_deposit(&biz, b, m("50000"), "CUST-B-1").unwrap();
    assert_eq!(svc.balance(Account::InvestorCustody(b)).unwrap(), m("50000"));

    // 100,000 at 8 %: under the 2026 cap of 4 × 3.0 % = 12 %.
    let p = svc.create_project(&biz, &draft(borrower, "100000", "8")).unwrap();
    svc.submit_project(&biz, p).unwrap();
    // Risk approves with grade B; business publishes: ten days, 2026-01-15 to 2026-01-24.
    svc.review_project(&risk, p, true, Some("B"), "收入稳定").unwrap();
    assert_eq!(svc.publish_project(&biz2, p).unwrap(), d(2026, 1, 24));

    let bid_a = svc.place_bid(&biz, p, a, m("60000"), "counter-1").unwrap();
    assert!(!bid_a.full);
    // A retried submission with the same key records once.
    assert!(svc.place_bid(&biz, p, a, m("60000"), "counter-1").unwrap().replay);
    let bid_b = svc.place_bid(&biz, p, b, m("40000"), "counter-2").unwrap();
    assert!(bid_b.full);
    assert_eq!(svc.balance(Account::InvestorFrozen(a)).unwrap(), m("60000"));

    svc.propose_disbursement(&biz, p, "HT-2026-001", d(2026, 1, 15), true).unwrap();
    let loan = svc.execute_disbursement(&fin, p).unwrap();
    // 2 % fee on 100,000 = 2,000.00 to the platform; 98,000.00 to the borrower.
    assert_eq!(svc.balance(Account::BorrowerCustody(borrower)).unwrap(), m("98000"));
    assert_eq!(svc.balance(Account::FeeIncome).unwrap(), m("2000"));
    assert_eq!(svc.balance(Account::LoanReceivable(loan)).unwrap(), m("100000"));
    assert_eq!(svc.balance(Account::LoanClaims(loan)).unwrap(), m("100000"));
    assert_eq!(svc.balance(Account::InvestorFrozen(a)).unwrap(), Money::ZERO);
    assert_eq!(svc.balance(Account::InvestorCustody(a)).unwrap(), m("20000"));
    // The borrower takes his money out.
    svc.withdraw(&fin, Account::BorrowerCustody(borrower), m("98000"), "WD-1").unwrap();

    // Paid early, before the first due date: it waits on his account.
    svc.run_daily(Some(d(2026, 1, 20))).unwrap();
    let r = svc.post_repayment(&fin, loan, m("8698.84"), "BANK-0001").unwrap();
    assert_eq!((r.applied, r.on_account), (Money::ZERO, m("8698.84")));
    // On 2026-02-15 the daily job applies it. Period 1: interest 100,000 × 8/1200 = 666.67,
    // principal 8,698.84 − 666.67 = 8,032.17. Split 60:40 by largest remainder (in fen):
    // interest 40000.2 / 26666.8 → A 400.00, B 266.67; principal 481930.2 / 321286.8 →
    // A 4,819.30, B 3,212.87. A receives 5,219.30, B 3,479.54.
    svc.run_daily(Some(d(2026, 2, 15))).unwrap();
    assert_eq!(svc.balance(Account::InvestorCustody(a)).unwrap(), m("25219.30"));
    assert_eq!(svc.balance(Account::InvestorCustody(b)).unwrap(), m("13479.54"));
    assert_eq!(svc.balance(Account::LoanReceivable(loan)).unwrap(), m("91967.83"));

    // Period 2 (due 2026-03-15, 8,698.84) is not paid. Penalty rate: 8 % + 50 % = 12 %, but
    // the cap leaves 12 − 8 = 4 %: 8,698.84 × 4 / 36000 = 0.9665… → 0.97 a day, charged from
    // the first day past due once the 3 grace days are over: 4 days on 03-19, 5 on 03-20.
    svc.run_daily(Some(d(2026, 3, 18))).unwrap();
    assert_eq!(svc.settlement_quote(loan, None).unwrap().penalty, Money::ZERO);
    svc.run_daily(Some(d(2026, 3, 20))).unwrap();
    let q = svc.settlement_quote(loan, None).unwrap();
    assert_eq!(q.penalty, m("4.85"));
    let report = svc.portfolio(&fin, None).unwrap();
    assert_eq!(report.by_state["overdue"].loans, 1);
    assert_eq!(report.by_bucket["M1"].outstanding_principal, m("91967.83"));

    // Paying 8,698.84 + 4.85 = 8,703.69 clears it: penalty 4.85 → A 2.91, B 1.94; interest
    // 613.12 → A 367.87, B 245.25; principal 8,085.72 → A 4,851.43, B 3,234.29.
    let r = svc.post_repayment(&fin, loan, m("8703.69"), "BANK-0002").unwrap();
    assert_eq!(r.applied, m("8703.69"));
    assert_eq!(svc.balance(Account::InvestorCustody(a)).unwrap(), m("30441.51"));
    assert_eq!(svc.balance(Account::InvestorCustody(b)).unwrap(), m("16961.02"));

    // Early settlement on 2026-04-01: principal 83,882.11; period 3 interest 559.21 accrued
    // for 17 of 31 days = 306.66; quote 84,188.77.
    svc.run_daily(Some(d(2026, 4, 1))).unwrap();
    let q = svc.settlement_quote(loan, None).unwrap();
    assert_eq!(
        (q.principal, q.accrued_interest, q.total),
        (m("83882.11"), m("306.66"), m("84188.77"))
    );
    let short = svc.settle_early(&fin, loan, m("84188.76"), "BANK-0003");
    assert!(matches!(short, Err(ServiceError::Invalid { field: "amount", .. })), "{short:?}");
    let r = svc.settle_early(&fin, loan, m("84188.77"), "BANK-0003").unwrap();
    assert!(r.settled);
    // Principal 5032926.6 / 3355284.4 fen → A 50,329.27, B 33,552.84; interest 18399.6 /
    // 12266.4 → A 184.00, B 122.66.
    assert_eq!(svc.balance(Account::InvestorCustody(a)).unwrap(), m("80954.78"));
    assert_eq!(svc.balance(Account::InvestorCustody(b)).unwrap(), m("50636.52"));
    assert_eq!(svc.balance(Account::LoanReceivable(loan)).unwrap(), Money::ZERO);
    assert_eq!(svc.balance(Account::LoanClaims(loan)).unwrap(), Money::ZERO);
    let report = svc.portfolio(&fin, None).unwrap();
    assert_eq!(report.by_state["settled"].loans, 1);
    assert_eq!(report.outstanding_principal, Money::ZERO);
    // As of 2026-03-01 the loan was current with 91,967.83 outstanding.
    let then = svc.portfolio(&fin, Some(d(2026, 3, 1))).unwrap();
    assert_eq!(then.outstanding_principal, m("91967.83"));
    assert_eq!(then.by_state["current"].loans, 1);

    assert!(svc.check_books().unwrap().ok());
    assert!(svc.verify_audit().unwrap().ok());
    let _ = (&w.root, bid_a);
}

#[test]
fn rules_of_the_workflow_refuse_and_change_nothing() {
    let mut w = World::new(d(2026, 1, 15));
    let biz = w.staff("biz1", "business", &[(Module::Business, Level::Ordinary)]);
    let both = w.staff(
        "both",
        "business",
        &[
            (Module::Business, Level::Ordinary),
            (Module::Risk, Level::Advanced),
            (Module::Finance, Level::Advanced),
        ],
    );
    let risk = w.staff("risk1", "risk", &[(Module::Risk, Level::Advanced)]);
    let svc = &mut w.svc;
    let person = svc
        .create_borrower(
            &biz,
            &NewBorrower {
                kind: "person".into(),
                name: "赵六".into(),
                id_number: "110105199001010038".into(),
                phone: String::new(),
            },
        )
        .unwrap();
    // Above the 12 % cap in force on the business date.
    let e = svc.create_project(&biz, &draft(person, "10000", "12.5")).unwrap_err();
    assert!(matches!(e, ServiceError::Invalid { field: "rate", .. }), "{e}");
    assert!(e.to_string().contains("legal cap of 12%"), "{e}");
    // A person may owe at most 200,000 here.
    let e = svc.create_project(&biz, &draft(person, "200000.01", "8")).unwrap_err();
    assert!(matches!(e, ServiceError::Invalid { field: "amount", .. }), "{e}");
    // The submitter cannot review his own project.
    let p = svc.create_project(&both, &draft(person, "10000", "8")).unwrap();
    svc.submit_project(&both, p).unwrap();
    assert!(matches!(
        svc.review_project(&both, p, true, Some("A"), ""),
        Err(ServiceError::Refused(_))
    ));
    // Rejection needs an opinion and sends the project back to draft.
    assert!(matches!(
        svc.review_project(&risk, p, false, None, " "),
        Err(ServiceError::Invalid { field: "opinion", .. })
    ));
    svc.review_project(&risk, p, false, None, "缺少收入证明").unwrap();
    assert!(matches!(svc.publish_project(&biz, p), Err(ServiceError::Refused(_))));
    svc.submit_project(&both, p).unwrap();
    svc.review_project(&risk, p, true, Some("D"), "").unwrap();
    svc.publish_project(&biz, p).unwrap();
    let inv = svc
        .create_investor(
            &biz,
            &NewInvestor {
                name: "钱七".into(),
                id_number: "X1".into(),
                phone: String::new(),
                risk_tolerance: "C".into(),
            },
        )
        .unwrap();
    svc.investor_deposit(&biz, inv, m("20000"), "CUST-1").unwrap();
    // Tolerance C is below grade D.
    assert!(matches!(svc.place_bid(&biz, p, inv, m("1000"), "k1"), Err(ServiceError::Refused(_))));
    let inv2 = svc
        .create_investor(
            &biz,
            &NewInvestor {
                name: "孙八".into(),
                id_number: "X2".into(),
                phone: String::new(),
                risk_tolerance: "E".into(),
            },
        )
        .unwrap();
    svc.investor_deposit(&biz, inv2, m("5000"), "CUST-2").unwrap();
    // Off-step, over balance.
    assert!(matches!(
        svc.place_bid(&biz, p, inv2, m("1050"), "k2"),
        Err(ServiceError::Invalid { field: "amount", .. })
    ));
    assert!(matches!(
        svc.place_bid(&biz, p, inv2, m("6000"), "k3"),
        Err(ServiceError::Invalid { field: "amount", .. })
    ));
    svc.place_bid(&biz, p, inv2, m("5000"), "k4").unwrap();
    // Not full by the deadline (2026-01-24): on 2026-01-25 the raise fails and the bid is released.
    svc.run_daily(Some(d(2026, 1, 24))).unwrap();
    assert_eq!(svc.balance(Account::InvestorFrozen(inv2)).unwrap(), m("5000"));
    let days = svc.run_daily(Some(d(2026, 1, 25))).unwrap();
    assert_eq!(days[0].failed_raises, 1);
    assert_eq!(svc.balance(Account::InvestorFrozen(inv2)).unwrap(), Money::ZERO);
    assert_eq!(svc.balance(Account::InvestorCustody(inv2)).unwrap(), m("5000"));
    // Re-running the current date does nothing; an earlier date is refused.
    assert!(svc.run_daily(Some(d(2026, 1, 25))).unwrap().is_empty());
    assert!(matches!(
        svc.run_daily(Some(d(2026, 1, 24))),
        Err(ServiceError::Invalid { field: "as-of", .. })
    ));

    // Maker ≠ checker on disbursement.
    let p2 = svc.create_project(&biz, &draft(person, "5000", "8")).unwrap();
    svc.submit_project(&biz, p2).unwrap();
    svc.review_project(&risk, p2, true, Some("C"), "").unwrap();
    svc.publish_project(&biz, p2).unwrap();
    svc.place_bid(&biz, p2, inv2, m("5000"), "k5").unwrap();
    svc.propose_disbursement(&both, p2, "HT-2", d(2026, 1, 25), true).unwrap();
    assert!(matches!(svc.execute_disbursement(&both, p2), Err(ServiceError::Refused(_))));
    assert!(matches!(svc.execute_disbursement(&biz, p2), Err(ServiceError::Forbidden { .. })));
    // The overreach is recorded against the project it was aimed at.
    let (entity, id): (String, String) = svc
        .db()
        .conn()
        .query_row(
            "SELECT entity, entity_id FROM audit_log
             WHERE action = 'disbursement.execute' AND outcome = 'refused' ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((entity.as_str(), id), ("project", p2.to_string()));
    assert!(svc.check_books().unwrap().ok());
    assert!(svc.verify_audit().unwrap().ok());
}

#[test]
fn a_reversal_needs_a_second_person_and_the_password_again() {
    let mut w = World::new(d(2026, 1, 15));
    let mk = |w: &mut World, name: &str, level: Level| {
        let a = NewAccount {
            username: name.into(),
            display_name: name.into(),
            department: "finance".into(),
            duties: "books".into(),
            levels: BTreeMap::from([(Module::Finance, level)]),
            is_head: false,
        };
        let root = w.root.clone();
        let created = w.svc.create_account_bootstrap(&root, &a).unwrap();
        (w.svc.actor(created.staff_id).unwrap(), created.initial_password)
    };
    let (clerk, _) = mk(&mut w, "fin.clerk", Level::Ordinary);
    let (maker, maker_pw) = mk(&mut w, "fin.maker", Level::Advanced);
    let (checker, checker_pw) = mk(&mut w, "fin.checker", Level::Advanced);
    let svc = &mut w.svc;
    let dep =
        svc.deposit(&clerk, Account::InvestorCustody(7), m("500"), "BANK-9").unwrap().entry_id();
    // The clerk asks; approving needs the advanced level.
    let req = svc.request_reversal(&clerk, dep, "REV-9", "posted to the wrong investor").unwrap();
    let maker_proof = svc.step_up(&maker, &maker_pw, None).unwrap();
    let req2 = svc.request_reversal(&maker, dep, "REV-10", "duplicate notice").unwrap();
    // The maker of a reversal cannot check it.
    assert!(matches!(
        svc.approve_reversal(&maker, &maker_proof, req2),
        Err(ServiceError::Refused(_))
    ));
    // Another's proof does not count.
    assert!(matches!(
        svc.approve_reversal(&checker, &maker_proof, req),
        Err(ServiceError::Refused(_))
    ));
    let proof = svc.step_up(&checker, &checker_pw, None).unwrap();
    svc.approve_reversal(&checker, &proof, req).unwrap();
    assert_eq!(svc.balance(Account::InvestorCustody(7)).unwrap(), Money::ZERO);
    // The entry is reversed once only.
    assert!(svc.approve_reversal(&maker, &maker_proof, req).is_err());
    assert!(matches!(svc.approve_reversal(&checker, &proof, req2), Err(ServiceError::Post(_))));
    assert!(svc.check_books().unwrap().ok());
    assert!(svc.verify_audit().unwrap().ok());
}

#[test]
fn disbursed_money_left_on_the_account_never_pays_installments_by_itself() {
    let mut w = World::new(d(2026, 1, 15));
    let biz = w.staff("biz1", "business", &[(Module::Business, Level::Ordinary)]);
    let risk = w.staff("risk1", "risk", &[(Module::Risk, Level::Advanced)]);
    let fin = w.staff("fin1", "finance", &[(Module::Finance, Level::Advanced)]);
    let svc = &mut w.svc;
    let b = svc
        .create_borrower(
            &biz,
            &NewBorrower {
                kind: "person".into(),
                name: "冯十".into(),
                id_number: "B10".into(),
                phone: String::new(),
            },
        )
        .unwrap();
    let inv = svc
        .create_investor(
            &biz,
            &NewInvestor {
                name: "陈一".into(),
                id_number: "I10".into(),
                phone: String::new(),
                risk_tolerance: "G".into(),
            },
        )
        .unwrap();
    svc.investor_deposit(&biz, inv, m("10000"), "CUST-10").unwrap();
    let p = svc.create_project(&biz, &draft(b, "10000", "8")).unwrap();
    svc.submit_project(&biz, p).unwrap();
    svc.review_project(&risk, p, true, Some("A"), "").unwrap();
    svc.publish_project(&biz, p).unwrap();
    svc.place_bid(&biz, p, inv, m("10000"), "k").unwrap();
    svc.propose_disbursement(&biz, p, "HT-10", d(2026, 1, 15), true).unwrap();
    let loan = svc.execute_disbursement(&fin, p).unwrap();
    // 9,800.00 (after the 2 % fee) stays on his account; period 1 falls due on 2026-02-15.
    svc.run_daily(Some(d(2026, 2, 16))).unwrap();
    assert_eq!(svc.balance(Account::BorrowerCustody(b)).unwrap(), m("9800"));
    let report = svc.portfolio(&fin, None).unwrap();
    assert_eq!(
        report.by_state["overdue"].loans, 1,
        "unpaid: the proceeds are his, not a repayment"
    );
    assert_eq!(svc.balance(Account::LoanReceivable(loan)).unwrap(), m("10000"));
}
