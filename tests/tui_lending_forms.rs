//! The smaller lending forms: deposits, disbursement proposals, repayments and settlements,
//! each checking its fields as they are typed and naming the field at fault; and a form's
//! own help key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::many_single_char_names)]

mod tui_support;

use chrono::NaiveDate;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::domain::schedule::Method;
use p2pdesk::domain::{Money, Rate};
use p2pdesk::service::lending::{NewBorrower, NewInvestor, ProjectDraft};
use p2pdesk::service::{Actor, Service};
use p2pdesk::tui::i18n::Locale;
use ratatui::crossterm::event::KeyCode;
use tui_support::{Console, Platform, STAFF_PASSWORD, secret};

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn open(c: &mut Console, dept: char, index: usize) {
    c.key(KeyCode::Char(dept));
    for _ in 0..index {
        c.key(KeyCode::Down);
    }
    c.enter();
}

fn shows(c: &mut Console, text: &str) -> String {
    let screen = c.draw();
    assert!(screen.contains(text), "expected {text:?} on:\n{screen}");
    screen
}

fn actor(p: &Platform, user: &str) -> (Service, Actor) {
    let mut svc = p.open();
    let a = svc.login(user, &secret(STAFF_PASSWORD), None).unwrap().actor;
    (svc, a)
}

fn investor(svc: &mut Service, a: &Actor, name: &str, cash: &str) -> i64 {
    let i = NewInvestor {
        name: name.into(),
        id_number: format!("ID-{name}"),
        phone: String::new(),
        risk_tolerance: "E".into(),
    };
    let id = svc.create_investor(a, &i).unwrap();
    if cash != "0" {
        svc.investor_deposit(a, id, m(cash), &format!("CUST-{id}")).unwrap();
    }
    id
}

/// A platform with biz1, risk1, fin1 and one project of 10,000 fully bid; returns it and its id.
fn full_project() -> (Platform, i64) {
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    p.add("risk1", "风控乙", "risk", &[(Module::Risk, Level::Advanced)], true);
    p.add("fin1", "财务丙", "finance", &[(Module::Finance, Level::Advanced)], true);
    let (mut svc, a) = actor(&p, "biz1");
    let b = NewBorrower {
        kind: "person".into(),
        name: "张三".into(),
        id_number: "110105199001010020".into(),
        phone: String::new(),
    };
    let borrower = svc.create_borrower(&a, &b).unwrap();
    let d = ProjectDraft {
        borrower_id: borrower,
        title: "经营周转".into(),
        purpose: "working capital".into(),
        amount: m("10000"),
        rate: Rate::parse("8").unwrap(),
        term_months: 6,
        method: Method::EqualInstallment,
        min_bid: m("1000"),
        bid_step: m("100"),
        raise_days: 10,
        fee_rate: Rate::parse("0").unwrap(),
    };
    let project = svc.create_project(&a, &d).unwrap();
    svc.submit_project(&a, project).unwrap();
    let (mut rs, r) = actor(&p, "risk1");
    rs.review_project(&r, project, true, Some("C"), "").unwrap();
    svc.publish_project(&a, project).unwrap();
    let i = investor(&mut svc, &a, "李四", "10000");
    svc.place_bid(&a, project, i, m("10000"), "k1").unwrap();
    (p, project)
}

#[test]
fn a_deposit_is_checked_as_typed_and_posts_once() {
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    let (mut svc, a) = actor(&p, "biz1");
    for i in 1..=40 {
        investor(&mut svc, &a, &format!("出借人{i:02}"), "0");
    }
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("biz1", STAFF_PASSWORD);
    open(&mut c, '1', 1);
    let screen = shows(&mut c, "出借人01");
    assert!(!screen.contains("出借人40"), "{screen}");
    c.key(KeyCode::End);
    shows(&mut c, "出借人40");
    c.key(KeyCode::Char('d'));
    shows(&mut c, "充值：出借人 40 出借人40");
    c.type_text("abc");
    shows(&mut c, "不是数字。");
    c.enter();
    shows(&mut c, "请检查「充值金额」：不是数字。");
    c.ctrl('u');
    c.type_text("1,000");
    shows(&mut c, "入账后可用余额 1,000.00");
    c.key(KeyCode::Tab);
    c.type_text("CUST-9");
    c.enter();
    let screen = shows(&mut c, "已为出借人 出借人40 入账 1,000.00（流水号 CUST-9）。");
    assert!(screen.lines().any(|l| l.contains("出借人40") && l.contains("1,000.00")), "{screen}");
    // The custodian's notice posted twice is recorded once.
    c.key(KeyCode::Char('d'));
    c.type_text("1000");
    c.key(KeyCode::Tab);
    c.type_text("CUST-9");
    c.enter();
    shows(&mut c, "流水号 CUST-9 已入账过，未重复记账。");
    let row = p.open().investor_row(&a, 40).unwrap().unwrap();
    assert_eq!(row.available, m("1000"));
}

#[test]
fn the_proposal_checks_the_date_and_the_documents() {
    let (p, project) = full_project();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("biz1", STAFF_PASSWORD);
    open(&mut c, '1', 4);
    shows(&mut c, "放款申请 - 满标");
    c.key(KeyCode::Char('d'));
    let screen = shows(&mut c, "放款申请：项目 1「经营周转」");
    assert!(screen.contains("2026-12-03"), "the signing date starts at the business date");
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.type_text("2026-12-04");
    shows(&mut c, "不能晚于业务日期 2026-12-03。");
    c.key(KeyCode::Tab);
    c.type_text("n");
    shows(&mut c, "须核对借款合同及材料后才能申请放款。");
    c.enter();
    shows(&mut c, "请检查「借款合同编号」：必填。");
    c.type_text("HT-9");
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.type_text("2026-12-01");
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.type_text("是");
    c.enter();
    shows(&mut c, "项目 1 已提交放款申请（合同 HT-9），待财务审批。");
    let (svc, a) = actor(&p, "fin1");
    let row = svc.project_row(&a, project).unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.contract_signed_on.as_deref()),
        ("proposed", Some("2026-12-01"))
    );
}

#[test]
fn repayment_and_settlement_forms_say_what_the_loan_is() {
    let (p, project) = full_project();
    let (mut svc, a) = actor(&p, "biz1");
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    svc.propose_disbursement(&a, project, "HT-1", today, true).unwrap();
    let (mut fs, f) = actor(&p, "fin1");
    let loan = fs.execute_disbursement(&f, project).unwrap();

    let mut c = Console::new(&p, Locale::En);
    c.login("fin1", STAFF_PASSWORD);
    open(&mut c, '3', 1);
    c.type_text("999");
    c.key(KeyCode::Tab);
    shows(&mut c, "There is no loan 999.");
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.type_text(&loan.to_string());
    c.key(KeyCode::Tab);
    let screen = shows(&mut c, "张三  current  Outstanding 10,000.00");
    assert!(screen.contains("2027-01-03"), "the next due date: {screen}");
    c.type_text("-5");
    shows(&mut c, "Must be more than 0.");
    c.enter();
    shows(&mut c, "Check Amount: Must be more than 0.");

    // Settled meanwhile: the settlement form says so.
    let q = fs.settlement_quote(loan, None).unwrap();
    fs.settle_early(&f, loan, q.total, "BANK-S").unwrap();
    c.key(KeyCode::Esc);
    c.key(KeyCode::Down);
    c.enter();
    c.type_text(&loan.to_string());
    c.key(KeyCode::Tab);
    shows(&mut c, &format!("Loan {loan} is settled: it takes no more money."));
}

#[test]
fn a_form_has_its_own_help_key_and_question_marks_are_typed() {
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    let mut c = Console::new(&p, Locale::En);
    c.login("biz1", STAFF_PASSWORD);
    open(&mut c, '1', 0);
    c.key(KeyCode::Char('n'));
    c.key(KeyCode::Tab);
    c.type_text("Who?");
    let screen = shows(&mut c, "Who?");
    assert!(!screen.contains(" Keys "), "? is typed on a form: {screen}");
    c.key(KeyCode::F(1));
    let screen = shows(&mut c, " Keys ");
    for k in ["Enter", "Tab", "Esc", "F1"] {
        assert!(screen.contains(k), "{k}: {screen}");
    }
    c.key(KeyCode::Esc);
    shows(&mut c, "New borrower");
}
